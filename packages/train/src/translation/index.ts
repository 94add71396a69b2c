// Translation: SWORD Bible reading, parallel-text splits, sacreBLEU-style BLEU and chrF, and the
// word-by-word dictionary baseline. The encoder-decoder recipe is in ../recipes/translate.ts.

export * from './bleu.js';
export * from './data.js';
export * from './dictionary.js';
export * from './sword.js';
