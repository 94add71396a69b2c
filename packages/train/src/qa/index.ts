// Extractive question answering: SQuAD's metrics, the synthetic data set and the recipe.
export * from './squad-metrics.js';
export * from './synthetic.js';
export * from './encode.js';
export * from './baselines.js';
export * from './recipe.js';
