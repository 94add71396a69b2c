// Data helpers that run anywhere (no file system): parsing, splits, shuffling, batching, packing, the
// resumable DataLoader and masked-LM corruption. The Node-only file and dataset loaders are in ./node.ts.

export * from './errors.js';
export * from './shuffle.js';
export * from './split.js';
export * from './csv.js';
export * from './records.js';
export * from './collate.js';
export * from './packing.js';
export * from './dataloader.js';
export * from './mlm.js';
export * from './dedupe.js';
export * from './tensor-dataset.js';
export * from './default-collate.js';
export * from './random-split.js';
