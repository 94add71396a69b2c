// @tsgrad/train/browser: the browser-safe part of the package, tokenizers and data helpers (no file
// system, no Node built-ins), for web pages and bundlers. The Node-only loaders stay in the main entry.

export * from './tokenizers/index.js';
export * from './data/index.js';
