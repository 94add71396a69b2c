// Extractive question answering: SQuAD's metrics, the synthetic data set and the recipe.
export * from './squad-metrics.js';
