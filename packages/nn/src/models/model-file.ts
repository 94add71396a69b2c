// Checkpoints: a model's config and state dict in one safetensors file (the config as JSON in the
// metadata, the tensors under their PyTorch keys), and rebuilding a model from such a file.

import { type Tensor, ValueError, toDevice } from '@tsgrad/core';
import type { Module } from '../module.js';
import { loadSafetensorsFile, saveSafetensorsFile } from '../safetensors/node.js';
import { BertMLM, BertModel } from './bert.js';
import { GPT, GPTModel } from './gpt.js';
import { SequenceClassifier, TokenClassifier } from './heads.js';

/** A model that can be saved with its config: a Module with `config` and a static `modelType`. */
export type ConfiguredModel = Module & {
  /** The full config the model was built from (saved as JSON). */
  readonly config: object;
};

/**
 * A model class that can be rebuilt from a checkpoint.
 * @inline
 */
type ModelClass = {
  /** The name saved in checkpoints. */
  modelType: string;
  /** Builds the model from its config. */
  new (config: never): ConfiguredModel;
};

/**
 * The model families a checkpoint can name, by `modelType`.
 * @example Object.keys(MODEL_TYPES); // ['gpt', 'gpt-model', 'bert-mlm', 'bert-model', 'sequence-classifier', 'token-classifier']
 */
export const MODEL_TYPES: Record<string, ModelClass> = Object.fromEntries(
  ([GPT, GPTModel, BertMLM, BertModel, SequenceClassifier, TokenClassifier] as ModelClass[]).map((c) => [c.modelType, c]),
);

/** What a checkpoint file holds. */
export interface ModelFile {
  /** The class's `modelType` (a key of {@link MODEL_TYPES}). */
  modelType: string;
  /** The model's full config. */
  config: Record<string, unknown>;
  /** The state dict, on the CPU. */
  state: Record<string, Tensor>;
}

/**
 * Saves `model.stateDict()` (moved to the CPU) as safetensors with metadata `format: 'pt'`,
 * `tsgrad.model_type` and `tsgrad.config` (JSON), atomically. PyTorch's `safetensors.torch.load_file`
 * reads the tensors under the same keys. Only the families in {@link MODEL_TYPES} (GPT, GPTModel,
 * BertMLM, BertModel, SequenceClassifier, TokenClassifier) can be rebuilt by `loadModel` from the
 * file alone; for your own modules save `saveSafetensorsFile(file, model.stateDict())` and restore
 * with `model.loadStateDict(...)` on a model you construct.
 *
 * # Shapes
 * Not applicable.
 *
 * @param file - Path of the .safetensors file (written atomically).
 * @param model - A model with a `config` and a static `modelType`.
 * @example
 * const gpt = new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
 * await saveModel('gpt.safetensors', gpt);
 */
export async function saveModel(file: string, model: ConfiguredModel): Promise<void> {
  const type = (model.constructor as Partial<ModelClass>).modelType;
  if (!type || !MODEL_TYPES[type]) throw new ValueError('saveModel', `${model.constructor.name} is not a model family loadModel can rebuild (known: ${Object.keys(MODEL_TYPES).join(', ')})`, {},
    'for your own modules: saveSafetensorsFile(file, model.stateDict()), then model.loadStateDict(...) on a model you construct');
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) state[k] = await toDevice(t, 'cpu'); // the file is written from host memory
  await saveSafetensorsFile(file, state, { format: 'pt', 'tsgrad.model_type': type, 'tsgrad.config': JSON.stringify(model.config) });
}

/**
 * Reads a checkpoint written by `saveModel`: `{ modelType, config, state }`.
 *
 * # Shapes
 * Not applicable.
 *
 * @param file - Path of a file written by {@link saveModel}.
 * @returns The model type, config and tensors.
 * @example
 * await saveModel('gpt.safetensors', new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }));
 * const { modelType, config, state } = await readModelFile('gpt.safetensors');
 * modelType; // 'gpt'
 * config.nEmbd; // 8
 * state['transformer.wte.weight']!.shape; // [16, 8]
 */
export async function readModelFile(file: string): Promise<ModelFile> {
  const { tensors, metadata } = await loadSafetensorsFile(file);
  const modelType = metadata['tsgrad.model_type'];
  const json = metadata['tsgrad.config'];
  if (modelType === undefined || json === undefined) {
    throw new ValueError('readModelFile', `${file} has no tsgrad.model_type / tsgrad.config metadata`, {}, 'load the tensors with loadSafetensorsFile and call loadStateDict yourself');
  }
  return { modelType, config: JSON.parse(json) as Record<string, unknown>, state: tensors };
}

/**
 * Rebuilds the saved model (its class from `modelType`, then `new Class(config)`) and loads the
 * state strictly. The model is in training mode, as a new one is.
 *
 * # Shapes
 * Not applicable.
 *
 * @param file - Path of a file written by {@link saveModel}.
 * @returns The model, with the saved weights.
 * @example
 * await saveModel('gpt.safetensors', new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }));
 * const gpt = (await loadModel('gpt.safetensors')) as GPT;
 * gpt instanceof GPT; // true
 */
export async function loadModel(file: string): Promise<ConfiguredModel> {
  const { modelType, config, state } = await readModelFile(file);
  const cls = MODEL_TYPES[modelType];
  if (!cls) throw new ValueError('loadModel', `unknown model type '${modelType}' in ${file}`, {}, `known: ${Object.keys(MODEL_TYPES).join(', ')}`);
  const model = new cls(config as never);
  model.loadStateDict(state);
  return model;
}
