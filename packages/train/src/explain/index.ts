// Explaining predictions: integrated gradients, attention rollout, and both for a classifier.
export * from './integrated-gradients.js';
export * from './attention-rollout.js';
export * from './explain.js';
