// Translation: sacreBLEU-exact BLEU and chrF (its documented example and hand-worked cases), the
// SWORD zText reader on a small module written here, the IBM Model 1 dictionary, splits, and the
// encoder-decoder recipe end to end on a toy language pair (train, translate, save, load).

import { copyFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { pretrainingModel, trainRecipeTokenizer, MODEL_PRESETS } from '../src/recipes/index.js';
import { loadTranslator, saveTranslator, scoreTranslations, trainTranslator, translate } from '../src/recipes/translate.js';
import { chrF, corpusBleu, tokenize13a } from '../src/translation/bleu.js';
import { loadPairsTsv, samplePairs, splitPairs } from '../src/translation/data.js';
import { learnDictionary } from '../src/translation/dictionary.js';
import { alignVerses, osisToText, readZText, swordModuleDir } from '../src/translation/sword.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tsgrad-mt-'));

describe('BLEU and chrF, as sacreBLEU computes them', () => {
  // sacreBLEU's README: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18), chrF2 = 59.73
  const refs = [['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.']];
  const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

  test("sacreBLEU's documented example, two reference sets", () => {
    const b = corpusBleu(sys, refs);
    expect(b.score.toFixed(2)).toBe('48.53');
    expect(b.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '50.0', '45.5', '37.5']);
    expect([b.bp.toFixed(3), b.ratio.toFixed(3), b.hypLen, b.refLen]).toEqual(['0.943', '0.944', 17, 18]);
    expect(chrF(sys, refs).toFixed(2)).toBe('59.73');
  });

  test('13a tokenisation: symbols split, periods and commas kept inside numbers, apostrophes kept', () => {
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('Pay $3.50, now-ish 1-2 (ok)')).toBe('Pay $ 3.50 , now-ish 1 - 2 ( ok )');
    expect(tokenize13a('a &amp; b &quot;c&quot;')).toBe('a & b " c "');
  });

  test('hand-worked: identical text is 100, a short hypothesis pays the brevity penalty', () => {
    expect(corpusBleu(['the cat sat on the mat'], [['the cat sat on the mat']]).score).toBeCloseTo(100, 10);
    // 4 of 6 reference tokens, all n-grams right: precisions 100, BP = exp(1 - 6/4)
    const b = corpusBleu(['the cat sat on'], [['the cat sat on the mat']]);
    expect(b.precisions).toEqual([100, 100, 100, 100]);
    expect(b.score).toBeCloseTo(100 * Math.exp(1 - 6 / 4), 10);
  });

  test("hand-worked: 'exp' smoothing when no 4-gram matches, clipping of repeated words", () => {
    // hyp 'the the the cat': 1-grams the x3 (clipped to 2) + cat = 3/4; 2-grams 'the the' x2 (0), 'the cat' (1) = 1/3;
    // 3-grams 'the the the', 'the the cat' = 0/2 -> 100 / (2 * 2); 4-gram 0/1 -> 100 / (4 * 1)
    const b = corpusBleu(['the the the cat'], [['the cat and the dog']]);
    expect(b.precisions[0]).toBeCloseTo(75, 10);
    expect(b.precisions[1]).toBeCloseTo(100 / 3, 10);
    expect(b.precisions[2]).toBeCloseTo(25, 10);
    expect(b.precisions[3]).toBeCloseTo(25, 10);
    const geo = Math.exp((Math.log(75) + Math.log(100 / 3) + 2 * Math.log(25)) / 4);
    expect(b.score).toBeCloseTo(geo * Math.exp(1 - 5 / 4), 9);
  });

  test('chrF hand-worked on one pair, and an empty hypothesis scores 0', () => {
    // 'ab' vs 'abc': 1-grams 2/2 precision, 2/3 recall; 2-grams 1/1, 1/2; orders 3-6: no hypothesis n-grams
    const p = (1 + 1) / 2;
    const r = (2 / 3 + 1 / 2) / 2;
    expect(chrF(['ab'], [['abc']])).toBeCloseTo((100 * 5 * p * r) / (4 * p + r), 9);
    expect(chrF([''], [['abc']])).toBe(0);
    expect(corpusBleu([''], [['abc']]).score).toBe(0);
  });

  test('a reference set of the wrong length is an error that names both counts', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(/reference set 0 has 1 sentences but there are 2 hypotheses/);
    expect(() => chrF(['a'], [])).toThrow(/no reference set/);
  });
});

/** A zText module: one testament file set holding `slots` (in canonical order) in blocks of `perBlock`. */
function writeZText(dir: string, t: 'ot' | 'nt', slots: string[], perBlock: number): void {
  const bzs: number[] = [];
  const bzv = Buffer.alloc(10 * slots.length);
  const blocks: Buffer[] = [];
  let off = 0;
  for (let b = 0; b * perBlock < slots.length; b++) {
    const texts = slots.slice(b * perBlock, (b + 1) * perBlock).map((s) => Buffer.from(s, 'utf8'));
    let at = 0;
    texts.forEach((x, i) => {
      const k = b * perBlock + i;
      bzv.writeUInt32LE(b, k * 10);
      bzv.writeUInt32LE(at, k * 10 + 4);
      bzv.writeUInt16LE(x.length, k * 10 + 8);
      at += x.length;
    });
    const z = deflateSync(Buffer.concat(texts));
    bzs.push(off, z.length, at);
    blocks.push(z);
    off += z.length;
  }
  const s = Buffer.alloc(4 * bzs.length);
  bzs.forEach((v, i) => s.writeUInt32LE(v, 4 * i));
  writeFileSync(join(dir, `${t}.bzs`), s);
  writeFileSync(join(dir, `${t}.bzv`), bzv);
  writeFileSync(join(dir, `${t}.bzz`), Buffer.concat(blocks));
}

describe('SWORD zText modules', () => {
  const module = (lang: 'en' | 'es') => {
    const v = (en: string, es: string) => (lang === 'en' ? en : es);
    return {
      ot: ['', '<milestone type="x-importer"/>',
        '<div canonical="true" osisID="Gen" sID="g1" type="book"/> <title type="main">Genesis</title>', '<chapter n="1" osisID="Gen.1" sID="Gen.1"/>',
        v('<w lemma="strong:H7225">In the beginning</w> God created.', 'EN el principio crió Dios.'),
        v('¶ And <transChange type="added">it was</transChange> good.<note type="x-study">a note</note>', 'Y era bueno.'),
        '<chapter n="2" osisID="Gen.2" sID="Gen.2"/>', v('Thus &amp; so.', ''),
        '<div osisID="Exod" sID="e1" type="book"/>', '<chapter osisID="Exod.1" sID="Exod.1"/>', v('Now these are the names.', 'Estos son los nombres.')],
      nt: ['', '', '<div osisID="John" sID="j1" type="book"/>', '<chapter osisID="John.1" sID="John.1"/>', v('In the beginning was the Word.', 'EN el principio era el Verbo.')],
    };
  };
  const install = () => {
    const root = tmp();
    mkdirSync(join(root, 'mods.d'));
    for (const [name, lang] of [['tinyEN', 'en'], ['tinyES', 'es']] as const) {
      const dir = join(root, 'modules', 'texts', 'ztext', name.toLowerCase());
      mkdirSync(dir, { recursive: true });
      const m = module(lang);
      writeZText(dir, 'ot', m.ot, 4); // three blocks
      writeZText(dir, 'nt', m.nt, 10);
      writeFileSync(join(root, 'mods.d', `${name.toLowerCase()}.conf`), `[${name}]\nDataPath=./modules/texts/ztext/${name.toLowerCase()}/\nModDrv=zText\n`);
    }
    return root;
  };

  test('reads every verse with its book, chapter and number; markup, notes, headings and ¶ removed', () => {
    const root = install();
    const en = readZText(swordModuleDir('tinyEN', root));
    expect(en).toEqual([
      { book: 'Gen', chapter: 1, verse: 1, text: 'In the beginning God created.' },
      { book: 'Gen', chapter: 1, verse: 2, text: 'And it was good.' },
      { book: 'Gen', chapter: 2, verse: 1, text: 'Thus & so.' },
      { book: 'Exod', chapter: 1, verse: 1, text: 'Now these are the names.' },
      { book: 'John', chapter: 1, verse: 1, text: 'In the beginning was the Word.' },
    ]);
    const pairs = alignVerses(en, readZText(swordModuleDir('tinyES', root)));
    expect(pairs.map((p) => `${p.book}.${p.chapter}.${p.verse}`)).toEqual(['Gen.1.1', 'Gen.1.2', 'Exod.1.1', 'John.1.1']); // Gen.2.1 has no Spanish text
    expect(pairs[0]).toMatchObject({ src: 'In the beginning God created.', tgt: 'EN el principio crió Dios.' });
  });

  test('a missing module names the Debian packages to install', () => {
    const root = install();
    expect(() => swordModuleDir('engKJV2006eb', root)).toThrow(/SWORD module engKJV2006eb is not installed[\s\S]*apt install sword-text-kjv sword-text-sparv/);
    expect(() => readZText(tmp())).toThrow(/no verses found/);
  });

  test('osisToText drops notes with their content and keeps the words of every other element', () => {
    expect(osisToText('<q who="Jesus" marker="">Verily</q> <note n="a">(Gr. amen)</note>I say &lt;unto&gt; you')).toBe('Verily I say <unto> you');
  });
});

describe('splits, TSV pairs and the dictionary baseline', () => {
  test('the Bible splits by book; a TSV goes 90/5/5 in file order', () => {
    const s = splitPairs([{ src: 'a', tgt: 'b', group: 'Ruth' }, { src: 'c', tgt: 'd', group: 'Joel' }, { src: 'e', tgt: 'f', group: 'Gen' }]);
    expect([s.train.map((p) => p.group), s.validation.map((p) => p.group), s.test.map((p) => p.group)]).toEqual([['Gen'], ['Joel'], ['Ruth']]);
    const path = join(tmp(), 'pairs.tsv');
    writeFileSync(path, Array.from({ length: 40 }, (_, i) => `s${i}\tt${i}`).join('\n') + '\n\n');
    const t = splitPairs(loadPairsTsv(path));
    expect([t.train.length, t.validation.length, t.test.length]).toEqual([36, 2, 2]);
    expect(t.validation.map((p) => p.src)).toEqual(['s18', 's38']);
    writeFileSync(path, 'only one column\n');
    expect(() => loadPairsTsv(path)).toThrow(/pairs\.tsv:1: expected 'source<TAB>target', got 1 column/);
  });

  test('samplePairs draws a seeded subset without repeats', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const a = samplePairs(xs, 10, 3);
    expect(new Set(a).size).toBe(10);
    expect(samplePairs(xs, 10, 3)).toEqual(a);
    expect(samplePairs(xs, 0, 3)).toEqual(xs);
  });

  test('IBM Model 1 finds the word translations the pairs imply', () => {
    const d = learnDictionary([
      { src: 'the house', tgt: 'la casa' }, { src: 'the book', tgt: 'el libro' },
      { src: 'a book', tgt: 'un libro' }, { src: 'a house', tgt: 'una casa' }, { src: 'green house', tgt: 'casa verde' },
    ], { iterations: 10 });
    expect(d.entries.get('house')).toBe('casa');
    expect(d.entries.get('book')).toBe('libro');
    expect(d.entries.get('green')).toBe('verde');
    expect(d.translate('green book Zebedee.')).toBe('verde libro Zebedee .'); // unknown words are copied
  });
});

describe('the encoder-decoder recipe', () => {
  const words = ['one', 'two', 'three', 'four', 'five', 'six'];
  const es = ['uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis'];
  const pairs = Array.from({ length: 60 }, (_, i) => {
    const [a, b] = [i % 6, (i * 5 + 1) % 6];
    return { src: `${words[a]} and ${words[b]}`, tgt: `${es[a]} y ${es[b]}` };
  });

  test('trains, translates greedy and with a beam, and survives a save/load round trip', async () => {
    const { translator, result, skipped } = await trainTranslator(pairs, { preset: 'tiny', steps: 60, lr: 3e-3, vocabSize: 300, batchSize: 16, log: { progress: 'none' } });
    expect(result.step).toBe(60);
    expect(skipped).toBe(0);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    const src = pairs.slice(0, 6).map((p) => p.src);
    const greedy = await translate(translator, src, { beam: 1 });
    const beam = await translate(translator, src, { beam: 3 });
    expect(greedy).toHaveLength(6);
    expect(beam.every((s) => typeof s === 'string')).toBe(true);
    const path = join(tmp(), 'mt.safetensors');
    await saveTranslator(translator, path);
    const back = await loadTranslator(path);
    expect(await translate(back, src, { beam: 3 })).toEqual(beam);
    const s = scoreTranslations(beam, pairs.slice(0, 6).map((p) => p.tgt));
    expect(s.bleu.score).toBeGreaterThanOrEqual(0);
    expect(s.chrf).toBeGreaterThanOrEqual(0);
  });

  test('a run resumed from its step-3 checkpoint ends with the same weights and history as the uninterrupted run', async () => {
    const dir = tmp();
    const [ck, at3] = [join(dir, 'run.safetensors'), join(dir, 'step3.safetensors')];
    const o = { preset: 'tiny', steps: 6, lr: 3e-3, vocabSize: 300, batchSize: 16, log: { progress: 'none' } } as const;
    // the caller's onStep runs before the step's checkpoint, so at step 4 the file holds step 3
    const whole = await trainTranslator(pairs, { ...o, checkpoint: { path: ck, every: 3 }, onStep: (r) => void (r.step === 4 && copyFileSync(ck, at3)) });
    const ran: number[] = [];
    const resumed = await trainTranslator(pairs, { ...o, resumeFrom: at3, onStep: (r) => void ran.push(r.step) });
    expect(ran).toEqual([4, 5, 6]); // only the last three steps ran
    expect(resumed.result.history).toEqual(whole.result.history);
    const [a, b] = [whole.translator.model.stateDict(), resumed.translator.model.stateDict()];
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.dataSync()), k).toEqual(Array.from(a[k]!.dataSync()));
    expect(await translate(await loadTranslator(ck), ['two and four'], { beam: 2 })).toEqual(await translate(whole.translator, ['two and four'], { beam: 2 }));
    await expect(trainTranslator(pairs.map((p) => ({ ...p, tgt: p.tgt.toUpperCase() })), { ...o, resumeFrom: at3 })).rejects.toThrow(/step3\.safetensors was trained with other tokenizers/);
  });

  test("a masked LM's embeddings and encoder layers start the encoder; a causal LM is refused", async () => {
    const tok = trainRecipeTokenizer(pairs.map((p) => p.src), 300);
    const mlm = pretrainingModel({ objective: 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny });
    const ck = { model: mlm.stateDict(), modelConfig: { objective: 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny }, tokenizer: tok.toJSON() };
    const { translator } = await trainTranslator(pairs, { preset: 'tiny', steps: 1, lr: 0, vocabSize: 300, pretrained: ck, log: { progress: 'none' } });
    const sd = translator.model.stateDict();
    expect(sd['src_tok_emb.weight']!.tolist()).toEqual(ck.model['transformer.wte.weight']!.tolist());
    expect(sd['transformer.encoder.layers.0.linear1.weight']!.tolist()).toEqual(ck.model['transformer.encoder.layers.0.linear1.weight']!.tolist());
    expect(translator.srcTokenizer.vocabSize).toBe(tok.vocabSize);
    await expect(trainTranslator(pairs, { preset: 'tiny', steps: 1, pretrained: { ...ck, modelConfig: { ...ck.modelConfig, objective: 'clm' } }, log: { progress: 'none' } })).rejects.toThrow(/must be a masked LM/);
  });
});
