// @tsgrad/train/browser: the browser-safe part of the package (no file system, no Node built-ins),
// for web pages and bundlers: tokenizers, data helpers, the optimizers and LR schedulers, and the
// explanations of a prediction. The Node-only loaders, recipes and command line stay in the main entry.

export * from './tokenizers/index.js';
export * from './data/index.js';
export * from './optim/index.js';
export * from './explain/index.js';
