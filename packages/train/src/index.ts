// @tsgrad/train: the package's public API, one `export *` line per part (tokenizers and data so far).
// NOTE: './data/node.js' holds the Node-only loaders (they import node:fs); './tokenizers/index.js' and
// './data/index.js' are browser-safe, for a browser entry point that leaves the node line out.

export * from './tokenizers/index.js';
export * from './data/index.js';
export * from './data/node.js';
export * from './optim/index.js';
export * from './schedule.js';
export * from './metrics.js';
export * from './checkpoint.js';
export * from './progress.js';
export * from './loop.js';
export * from './report/svg-chart.js';
export * from './baselines.js';
export * from './recipes/index.js';
export * from './report/experiment-report.js';
export * from './distillation.js';
export * from './qa/index.js';
export * from './explain/index.js';
export * from './translation/index.js';
