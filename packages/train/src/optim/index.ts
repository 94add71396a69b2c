// Optimizers and gradient utilities.
export * from './optimizer.js';
export * from './sgd.js';
export * from './adam.js';
export * from './clip.js';
export * from './more.js';
export * from './lbfgs.js';
export * from './lr-scheduler.js';
export * from './lr-scheduler-extra.js';
