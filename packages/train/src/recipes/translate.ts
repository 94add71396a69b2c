// The translation recipe: the encoder-decoder Transformer of "Attention Is All You Need" on
// sentence pairs, with a BPE tokenizer per language, label-smoothed cross-entropy, AdamW with
// warm-up and cosine decay, and beam search with a length penalty; scored with sacreBLEU-style
// BLEU and chrF. The encoder can start from a pretrained masked LM of the source language.

import { Generator, ValueError, crossEntropy, manualSeed, type Tensor } from '@tsgrad/core';
import { Seq2SeqTransformer, type Seq2SeqConfig } from '@tsgrad/nn';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../checkpoint.js';
import { padTokenIds } from '../data/collate.js';
import { DataLoader } from '../data/dataloader.js';
import { train, type TrainResult } from '../loop.js';
import { AdamW } from '../optim/adam.js';
import { lrLambda, warmupCosine } from '../schedule.js';
import { tokenizerFromJSON } from '../tokenizers/from-json.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { chrF, corpusBleu, type BleuScore } from '../translation/bleu.js';
import type { SentencePair } from '../translation/data.js';
import { trainRecipeTokenizer } from './corpus.js';
import { decayGroups } from './param-groups.js';
import type { LogOptions, StepRecord } from '../loop-types.js';

/**
 * Encoder-decoder sizes by preset name ('small' matches the `small` pretraining preset's width,
 * heads and feed-forward size, so a masked LM of that preset can start its encoder).
 * @example TRANSLATION_PRESETS.small.dModel; // 128
 */
export const TRANSLATION_PRESETS: Record<'tiny' | 'small' | 'base', Omit<Seq2SeqConfig, 'srcVocab' | 'tgtVocab' | 'padId' | 'maxLen' | 'dropout'>> = {
  tiny: { dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 128 },
  small: { dModel: 128, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 512 },
  base: { dModel: 256, nhead: 8, numEncoderLayers: 3, numDecoderLayers: 3, dimFeedforward: 1024 },
};

/** A trained translator: the model and its two tokenizers. */
export interface Translator {
  /** The encoder-decoder. */
  model: Seq2SeqTransformer;
  /** Its sizes. */
  config: Seq2SeqConfig;
  /** Source-language tokenizer. */
  srcTokenizer: Tokenizer;
  /** Target-language tokenizer. */
  tgtTokenizer: Tokenizer;
}

/** Options of `trainTranslator`. */
export interface TranslatorOptions {
  /** Model size (default 'small'). */
  preset?: keyof typeof TRANSLATION_PRESETS;
  /** Optimizer steps (default 3000). */
  steps?: number;
  /** Pairs per batch (default 32). */
  batchSize?: number;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Label smoothing (default 0.1). */
  labelSmoothing?: number;
  /** Dropout (default 0.1). */
  dropout?: number;
  /** Longest sequence in tokens; longer training pairs are skipped (default 96). */
  maxLength?: number;
  /** BPE vocabulary of a tokenizer trained here (default 4096). */
  vocabSize?: number;
  /** Start the encoder (and source embeddings and tokenizer) from this masked-LM checkpoint. */
  pretrained?: CheckpointData;
  /** Use this source tokenizer instead of training one (ignored with `pretrained`). */
  srcTokenizer?: Tokenizer;
  /** Seed of the model, data order and dropout. */
  seed?: number;
  /** Where the model trains: 'cpu' (default) or a registered backend. */
  device?: string;
  /** Progress display and JSONL log. */
  log?: LogOptions;
  /**
   * Write a resumable checkpoint to `path` every `every` steps and at the end: the translator as
   * `saveTranslator` writes it (so `loadTranslator` reads it) plus the optimizer, data order, RNG
   * and step.
   */
  checkpoint?: {
    /** The .safetensors file. */
    path: string;
    /** Steps between checkpoints (default: only at the end). */
    every?: number;
  };
  /** Continue the run saved in this checkpoint (written with `checkpoint` from the same pairs and options). */
  resumeFrom?: string;
  /** Called after every optimizer step with its record. */
  onStep?: (record: StepRecord) => void;
}

/** What `trainTranslator` returns. */
export interface TrainedTranslator {
  /** The translator. */
  translator: Translator;
  /** The training history. */
  result: TrainResult;
  /** Training pairs skipped as longer than `maxLength` tokens (or with an empty source). */
  skipped: number;
}

const [PAD, BOS, EOS] = [0, 1, 2];

/**
 * The MLM body's weights under the encoder's names: token embeddings, encoder layers and final norm.
 * @param ck - A masked-LM checkpoint from `pretrain` (objective 'mlm').
 * @param layers - Encoder layers to fill (at most the checkpoint's).
 * @returns The state-dict entries to load with `strict: false`.
 */
function encoderWeights(ck: CheckpointData, layers: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(ck.model)) {
    if (k === 'transformer.wte.weight') out['src_tok_emb.weight'] = v;
    const m = /^transformer\.encoder\.(layers\.(\d+)\.|norm\.)(.*)$/.exec(k);
    if (m && (m[2] === undefined || Number(m[2]) < layers)) out[`transformer.encoder.${m[1]}${m[3]}`] = v;
  }
  return out;
}

/**
 * Trains an encoder-decoder translator on sentence pairs.
 * @param trainPairs - Training pairs.
 * @param o - Size, steps, learning rate, smoothing, pretrained encoder and the rest.
 * @returns The translator and its training history.
 * @example
 * const pairs = Array.from({ length: 40 }, (_, i) => ({ src: `number ${i % 7}`, tgt: `numero ${i % 7}` }));
 * const { translator, result } = await trainTranslator(pairs, { preset: 'tiny', steps: 3, vocabSize: 300, batchSize: 8, log: { progress: 'none' } });
 * translator.config.dModel; // 32
 * result.step; // 3
 */
export async function trainTranslator(trainPairs: readonly SentencePair[], o: TranslatorOptions = {}): Promise<TrainedTranslator> {
  if (trainPairs.length === 0) throw new ValueError('trainTranslator', 'no training pairs');
  manualSeed(o.seed ?? 0);
  const vocab = o.vocabSize ?? 4096;
  const pre = o.pretrained;
  const preShape = (pre?.modelConfig as { objective?: string; shape?: { nEmbd: number; nLayer: number; nHead: number } } | undefined);
  if (pre && (preShape?.objective !== 'mlm' || !pre.tokenizer)) throw new ValueError('trainTranslator', 'the pretrained checkpoint must be a masked LM with its tokenizer', {}, 'pass a checkpoint made by `tsgrad pretrain --objective mlm`');
  const srcTokenizer = pre ? tokenizerFromJSON(pre.tokenizer) : o.srcTokenizer ?? trainRecipeTokenizer(trainPairs.map((p) => p.src), vocab);
  const tgtTokenizer = trainRecipeTokenizer(trainPairs.map((p) => p.tgt), vocab);
  const sizes = TRANSLATION_PRESETS[o.preset ?? 'small'];
  if (pre && preShape!.shape!.nEmbd !== sizes.dModel) throw new ValueError('trainTranslator', `the pretrained body has width ${preShape!.shape!.nEmbd} but preset '${o.preset ?? 'small'}' has ${sizes.dModel}`, {}, 'choose the preset of the same width');
  const maxLen = o.maxLength ?? 96;
  const config: Seq2SeqConfig = { ...sizes, srcVocab: srcTokenizer.vocabSize, tgtVocab: tgtTokenizer.vocabSize, padId: PAD, maxLen, dropout: o.dropout ?? 0.1 };
  const device = o.device ?? 'cpu';
  const model = new Seq2SeqTransformer(config);
  if (pre) model.loadStateDict(encoderWeights(pre, sizes.numEncoderLayers), { strict: false });
  model.to(device);
  const enc = trainPairs.map((p) => ({ src: srcTokenizer.encode(p.src), tgt: tgtTokenizer.encode(p.tgt) }));
  const kept = enc.filter((e) => e.src.length <= maxLen && e.tgt.length + 1 <= maxLen && e.src.length > 0);
  const pad = (rows: number[][]) => padTokenIds(rows, PAD, { device });
  const data = new DataLoader(kept, {
    batchSize: o.batchSize ?? 32, shuffle: true, generator: new Generator(o.seed ?? 0), groupByLength: { lengthOf: (e) => e.tgt.length },
    collateFn: (b) => ({ src: pad(b.map((e) => e.src)), tgtIn: pad(b.map((e) => [BOS, ...e.tgt])), tgtOut: pad(b.map((e) => [...e.tgt, EOS])) }),
  });
  const steps = o.steps ?? 3000;
  const [srcJson, tgtJson] = [srcTokenizer.toJSON(), tgtTokenizer.toJSON()];
  const resume = o.resumeFrom === undefined ? undefined : await loadCheckpoint(o.resumeFrom);
  if (resume && (JSON.stringify(resume.tokenizer) !== JSON.stringify(srcJson) || JSON.stringify(resume.extra?.['tgtTokenizer']) !== JSON.stringify(tgtJson))) {
    throw new ValueError('trainTranslator', `${o.resumeFrom} was trained with other tokenizers than these pairs and options give`, {}, 'resume with the same pairs, vocabulary size and initialisation as the run that wrote it');
  }
  const result = await train({
    model, data, steps, gradClip: 1, resumeFrom: resume, onStep: o.onStep,
    checkpoint: o.checkpoint && { ...o.checkpoint, modelConfig: { kind: 'translation', ...config }, tokenizer: srcJson, extra: { tgtTokenizer: tgtJson } },
    optimizer: new AdamW(decayGroups(model, 0.01), { lr: o.lr ?? 1e-3, betas: [0.9, 0.98] }),
    lrLambda: steps > 1 ? lrLambda(warmupCosine({ peak: 1, min: 0.05, warmup: Math.max(1, Math.round(steps / 20)), total: steps })) : undefined,
    loss: (b) => crossEntropy(model.forward(b.src, b.tgtIn).reshape([-1, config.tgtVocab]), b.tgtOut.reshape([-1]), { ignoreIndex: PAD, labelSmoothing: o.labelSmoothing ?? 0.1 }),
    log: { label: 'translate', ...o.log },
  });
  return { translator: { model, config, srcTokenizer, tgtTokenizer }, result, skipped: enc.length - kept.length };
}

/**
 * Translates sentences (eval mode, batches sorted by length), greedy at beam 1.
 * @param t - The translator.
 * @param texts - Source sentences.
 * @param opts - `beam` (default 4), `lengthPenalty` (default 0.6), `batchSize` (default 32).
 * @returns The translations, in order.
 * @example
 * const pairs = Array.from({ length: 40 }, (_, i) => ({ src: `number ${i % 7}`, tgt: `numero ${i % 7}` }));
 * const { translator } = await trainTranslator(pairs, { preset: 'tiny', steps: 2, vocabSize: 300, log: { progress: 'none' } });
 * (await translate(translator, ['number 3', 'number 5'], { beam: 2 })).length; // 2
 */
export async function translate(t: Translator, texts: readonly string[], opts: { beam?: number; lengthPenalty?: number; batchSize?: number } = {}): Promise<string[]> {
  t.model.eval();
  const device = t.model.parameters()[0]?.device ?? 'cpu';
  const maxLen = t.config.maxLen;
  const ids = texts.map((s) => t.srcTokenizer.encode(s).slice(0, maxLen));
  const order = ids.map((_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length);
  const out = new Array<string>(texts.length).fill('');
  const bs = opts.batchSize ?? 32;
  for (let i = 0; i < order.length; i += bs) {
    const idx = order.slice(i, i + bs);
    const rows = idx.map((k) => (ids[k]!.length ? ids[k]! : [EOS]));
    const src = padTokenIds(rows, PAD, { device });
    const hyps = await t.model.decode(src, { bosId: BOS, eosId: EOS, maxLength: maxLen, beamSize: opts.beam ?? 4, lengthPenalty: opts.lengthPenalty ?? 0.6 });
    src.dispose();
    hyps.forEach((h, j) => (out[idx[j]!] = t.tgtTokenizer.decode(h.filter((x) => x !== BOS && x !== EOS && x !== PAD), { skipSpecialTokens: true }).trim()));
  }
  return out;
}

/** BLEU and chrF of translations against one reference each. */
export interface TranslationScores {
  /** Corpus BLEU with its parts. */
  bleu: BleuScore;
  /** Corpus chrF2. */
  chrf: number;
}

/**
 * Scores translations against their references (one each), sacreBLEU's way.
 * @param hyps - Translations.
 * @param refs - References.
 * @returns BLEU and chrF.
 * @example
 * scoreTranslations(['la casa es azul.'], ['la casa es azul.']).bleu.score; // 100
 */
export function scoreTranslations(hyps: readonly string[], refs: readonly string[]): TranslationScores {
  return { bleu: corpusBleu(hyps, [refs]), chrf: chrF(hyps, [refs]) };
}

/**
 * Saves a translator (weights, sizes and both tokenizers) as one checkpoint file, atomically.
 * @param t - The translator.
 * @param path - The .safetensors path.
 * @param extra - More metadata (commands, scores).
 * @example
 * const pairs = Array.from({ length: 40 }, (_, i) => ({ src: `number ${i % 7}`, tgt: `numero ${i % 7}` }));
 * const { translator } = await trainTranslator(pairs, { preset: 'tiny', steps: 2, vocabSize: 300, log: { progress: 'none' } });
 * await saveTranslator(translator, 'mt.safetensors');
 * (await loadTranslator('mt.safetensors')).config.dModel; // 32
 */
export async function saveTranslator(t: Translator, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  await saveCheckpoint(path, { model: t.model.stateDict(), modelConfig: { kind: 'translation', ...t.config }, tokenizer: t.srcTokenizer.toJSON(), extra: { ...extra, tgtTokenizer: t.tgtTokenizer.toJSON() } });
}

/**
 * Loads a translator saved by `saveTranslator`.
 * @param path - The checkpoint.
 * @param device - Where the model goes (default 'cpu').
 * @returns The translator.
 * @example
 * const pairs = Array.from({ length: 40 }, (_, i) => ({ src: `number ${i % 7}`, tgt: `numero ${i % 7}` }));
 * const { translator } = await trainTranslator(pairs, { preset: 'tiny', steps: 2, vocabSize: 300, log: { progress: 'none' } });
 * await saveTranslator(translator, 'mt.safetensors');
 * const back = await loadTranslator('mt.safetensors');
 * back.tgtTokenizer.vocabSize === translator.tgtTokenizer.vocabSize; // true
 */
export async function loadTranslator(path: string, device = 'cpu'): Promise<Translator> {
  const ck = await loadCheckpoint(path);
  const cfg = ck.modelConfig as (Seq2SeqConfig & { kind?: string }) | undefined;
  if (cfg?.kind !== 'translation' || !ck.tokenizer || !ck.extra?.['tgtTokenizer']) {
    throw new ValueError('loadTranslator', `${path} is not a translation checkpoint`, {}, 'pass a checkpoint written by `tsgrad translate train`');
  }
  const { kind: _kind, ...config } = cfg;
  const model = new Seq2SeqTransformer(config);
  model.loadStateDict(ck.model);
  model.to(device);
  return { model, config, srcTokenizer: tokenizerFromJSON(ck.tokenizer), tgtTokenizer: tokenizerFromJSON(ck.extra['tgtTokenizer']) };
}
