// Tokenizers: byte-level BPE (trained or GPT-2's), characters, and the interface they share. Browser-safe:
// nothing here touches the file system (GPT-2's files are read by `loadGpt2Tokenizer` in data/node.ts).

export * from './types.js';
export * from './base.js';
export * from './bpe.js';
export * from './char.js';
export * from './from-json.js';
export { GPT2_SPLIT_PATTERN, forEachPreToken, preTokenize } from './pre-tokenize.js';
export { BYTE_TO_UNICODE, bytesToUnicode, unicodeToBytes } from './byte-unicode.js';
export { encodeWtf8, decodeWtf8 } from './utf8.js';
export { inferRoles } from './special-tokens.js';
export { learnMerges, type LearnMergesInput, type LearnMergesResult } from './bpe-train.js';
