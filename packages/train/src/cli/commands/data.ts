// Loading the commands' data: the built-in datasets by name, or a user's JSONL/CSV/text file, with
// one-line errors for a missing file, wrong fields or an empty dataset.

import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { splitDataset, type LabelledText, type Splits } from '../../data/split.js';
import { labelsToIds } from '../../data/records.js';
import { loadCsv, loadJsonl, loadText } from '../../data/node.js';
import { CORPORA, pretrainingCorpus, sentimentSplits, sotuDocuments, type CorpusName, type PretrainingCorpus } from '../../recipes/corpus.js';
import { CliError } from '../args.js';

function requireFile(path: string): void {
  if (!existsSync(path)) throw new CliError(`no such file: ${path}`);
}

/** Labelled data for fine-tuning/evaluation: 'sentiment' or a .jsonl/.csv file with text and label fields; repeated texts are removed before splitting unless `keepDuplicates`. */
export function labelledData(source: string, seed: number, opts: { keepDuplicates?: boolean } = {}): { splits: Splits<LabelledText<number>>; classNames: string[] } {
  const dedupe = !opts.keepDuplicates;
  if (source === 'sentiment') return { splits: sentimentSplits(0, { dedupe }), classNames: ['0', '1'] };
  requireFile(source);
  const ext = extname(source).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.csv') throw new CliError(`--data must be 'sentiment', a .jsonl or a .csv file, got ${source}`, 2);
  const raw = ext === '.jsonl' ? loadJsonl(source) : loadCsv(source);
  if (raw.length === 0) throw new CliError(`${source} holds no examples`);
  const { examples, classNames } = labelsToIds(raw);
  if (classNames.length < 2) throw new CliError(`${source} has only one label (${classNames[0]}); classification needs at least two`);
  if (examples.length < 10) throw new CliError(`${source} has ${examples.length} examples; at least 10 are needed for train/validation/test splits`);
  return { splits: splitDataset(examples, { validation: 0.15, test: 0.15, seed, stratify: true, dedupe }), classNames };
}

/**
 * Pretraining documents: built-in corpora joined by commas ('sotu', 'sotu,brown,moby-dick,nlp-corpus'),
 * or a plain-text file (documents separated by blank lines). `sources` describes the mix.
 */
export function pretrainingDocuments(source: string): { train: string[]; validation: string[]; sources?: PretrainingCorpus['sources'] } {
  if (source === 'sotu') return sotuDocuments();
  const names = source.split(',').map((s) => s.trim());
  if (names.every((n) => (CORPORA as readonly string[]).includes(n))) return pretrainingCorpus(names as CorpusName[]);
  if (names.length > 1) throw new CliError(`--data: unknown corpus in '${source}' (built-in corpora: ${CORPORA.join(', ')})`, 2);
  requireFile(source);
  const docs = loadText(source).split(/\n\s*\n/).map((d) => d.trim()).filter((d) => d.length > 0);
  if (docs.length === 0) throw new CliError(`${source} holds no text`);
  const nVal = Math.max(1, Math.round(docs.length * 0.02));
  if (docs.length < 2) {
    const text = docs[0]!;
    const cut = Math.floor(text.length * 0.98);
    return { train: [text.slice(0, cut)], validation: [text.slice(cut)] };
  }
  return { train: docs.slice(0, -nVal), validation: docs.slice(-nVal) };
}
