// Recipes: pretraining (causal and masked LM), fine-tuning classifiers, and the corpora they use.
export * from './corpus.js';
export * from './models.js';
export * from './param-groups.js';
export * from './pretrain.js';
export * from './finetune.js';
export * from './finetune-jobs.js';
export * from './experiment.js';
export * from './g2p.js';
export * from './translate.js';
export * from './probe.js';
export * from './quantize.js';
export * from './distill.js';
