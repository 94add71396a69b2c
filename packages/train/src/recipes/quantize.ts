// Recipe checkpoints as models (float or int8-quantised) and post-training quantisation of a
// checkpoint file: the model rebuilt from its config, quantizeDynamic, saved with I8 weights.

import { statSync } from 'node:fs';
import { ValueError } from '@tsgrad/core';
import { quantizeDynamic, quantizedModuleNames, type BertMLM, type GPT, type SequenceClassifier } from '@tsgrad/nn';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../checkpoint.js';
import { classifierFor, pretrainingModel, type RecipeModelConfig } from './models.js';

/** What a quantised checkpoint records in `extra.quantization`. */
export interface CheckpointQuantization {
  /** Always 'dynamic-int8' (int8 weights per output channel, activations quantised at run time). */
  scheme: 'dynamic-int8';
  /** The quantised layers' dotted names (see `quantizedModuleNames`). */
  modules: string[];
}

/** The fields of a recipe checkpoint's `extra` this file reads. */
interface Extra {
  task?: string;
  classNames?: string[];
  pooling?: never;
  quantization?: CheckpointQuantization;
}

/**
 * The quantisation a checkpoint was saved with, or undefined for a float checkpoint.
 * @param ck - A loaded checkpoint.
 * @returns Its `extra.quantization`.
 * @example checkpointQuantization({ model: {} }); // undefined
 */
export function checkpointQuantization(ck: CheckpointData): CheckpointQuantization | undefined {
  return (ck.extra as Extra | undefined)?.quantization;
}

/**
 * Rebuilds the model a recipe checkpoint holds: the fine-tuned classifier (when `extra.task` is
 * 'classification') or the pretraining model (GPT or BertMLM), quantised with `quantizeDynamic`
 * in the layers the checkpoint names when it is an int8 checkpoint, with the saved weights loaded
 * strictly. The model is in eval mode.
 * @param ck - A checkpoint written by the recipes (`finetune`, `pretrain`, `quantize`, `distill`).
 * @returns The model.
 * @example
 * const cfg = { objective: 'clm' as const, vocabSize: 300, padId: 0, shape: MODEL_PRESETS.tiny };
 * const clf = classifierFor(cfg, 2);
 * const ck = { model: clf.stateDict(), modelConfig: cfg, extra: { task: 'classification', classNames: ['0', '1'], pooling: clf.config.pooling } };
 * checkpointModel(ck).constructor.name; // 'SequenceClassifier'
 */
export function checkpointModel(ck: CheckpointData): SequenceClassifier | GPT | BertMLM {
  const cfg = ck.modelConfig as RecipeModelConfig | undefined;
  if (!cfg?.shape) throw new ValueError('checkpointModel', 'the checkpoint has no recipe model config (objective, vocabSize, shape)');
  const extra = ck.extra as Extra | undefined;
  const model = extra?.task === 'classification' ? classifierFor(cfg, extra.classNames?.length ?? 2, { pooling: extra.pooling }) : pretrainingModel(cfg);
  const q = extra?.quantization;
  if (q) quantizeDynamic(model, { modules: q.modules, inplace: true });
  model.loadStateDict(ck.model);
  model.eval();
  return model;
}

/** What {@link quantizeCheckpoint} did. */
export interface QuantizeReport {
  /** The int8 file. */
  checkpoint: string;
  /** Number of quantised layers. */
  layers: number;
  /** Size of the float checkpoint (bytes). */
  floatBytes: number;
  /** Size of the int8 checkpoint (bytes). */
  int8Bytes: number;
}

/**
 * Post-training dynamic quantisation of a recipe checkpoint (`tsgrad quantize`): the model is
 * rebuilt, quantised with `quantizeDynamic` (Linear and Embedding layers and attention's packed
 * in-projection; `skip` leaves layers float by name) and saved to `to` with its int8 weights as I8
 * tensors, its config, tokenizer and extras, and `extra.quantization` naming the int8 layers, so
 * `checkpointModel` (and so `tsgrad evaluate` and `tsgrad generate`) rebuild it. The optimizer
 * state is not kept.
 * @param from - A float recipe checkpoint.
 * @param to - The int8 checkpoint to write (atomically).
 * @param opts - `skip`: dotted names of layers or subtrees to leave float.
 * @returns The file and its size against the float one.
 * @example
 * const cfg = { objective: 'clm' as const, vocabSize: 300, padId: 0, shape: MODEL_PRESETS.tiny };
 * await saveCheckpoint('lm.safetensors', { model: pretrainingModel(cfg).stateDict(), modelConfig: cfg });
 * const r = await quantizeCheckpoint('lm.safetensors', 'lm-int8.safetensors');
 * r.int8Bytes < r.floatBytes / 2; // true
 */
export async function quantizeCheckpoint(from: string, to: string, opts: { skip?: string[] } = {}): Promise<QuantizeReport> {
  const ck = await loadCheckpoint(from);
  if (checkpointQuantization(ck)) throw new ValueError('quantizeCheckpoint', `${from} is already quantised`, {}, 'quantise the float checkpoint it was made from');
  const model = quantizeDynamic(checkpointModel(ck), { inplace: true, skip: opts.skip });
  const modules = quantizedModuleNames(model);
  const quantization: CheckpointQuantization = { scheme: 'dynamic-int8', modules };
  await saveCheckpoint(to, { model: model.stateDict(), modelConfig: ck.modelConfig, tokenizer: ck.tokenizer, extra: { ...ck.extra, quantization } });
  return { checkpoint: to, layers: modules.length, floatBytes: statSync(from).size, int8Bytes: statSync(to).size };
}
