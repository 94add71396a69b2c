// Checkpoints: a model's config and state dict in one safetensors file (the config as JSON in the
// metadata, the tensors under their PyTorch keys), and rebuilding a model from such a file.

import { type Tensor, ValueError, isFloat, toDevice } from '@tsgrad/core';
import type { Module } from '../module.js';
import { quantizeDynamic, quantizedModuleNames } from '../quantize-dynamic.js';
import { loadSafetensorsFile, saveSafetensorsFile } from '../safetensors/node.js';
import { BertMLM, BertModel } from './bert.js';
import { GPT, GPTModel } from './gpt.js';
import { SequenceClassifier, TokenClassifier } from './heads.js';
import { QuestionAnswering } from './qa.js';
import { Seq2SeqTransformer } from './seq2seq.js';

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
 * @example Object.keys(MODEL_TYPES); // ['gpt', 'gpt-model', 'bert-mlm', 'bert-model', 'sequence-classifier', 'token-classifier', 'question-answering', 'seq2seq-transformer']
 */
export const MODEL_TYPES: Record<string, ModelClass> = Object.fromEntries(
  ([GPT, GPTModel, BertMLM, BertModel, SequenceClassifier, TokenClassifier, QuestionAnswering, Seq2SeqTransformer] as ModelClass[]).map((c) => [c.modelType, c]),
);

/** What a checkpoint file holds. */
export interface ModelFile {
  /** The class's `modelType` (a key of {@link MODEL_TYPES}). */
  modelType: string;
  /** The model's full config. */
  config: Record<string, unknown>;
  /** The state dict, on the CPU. */
  state: Record<string, Tensor>;
  /** The names of the layers saved int8-quantised (`quantizeDynamic`), empty for a float model. */
  quantized: string[];
}

/** The metadata key naming a model's int8 layers, as JSON `{ scheme: 'dynamic-int8', modules: [...] }`. */
const QUANT_KEY = 'tsgrad.quantization';

/**
 * Saves `model.stateDict()` (moved to the CPU) as safetensors with metadata `format: 'pt'`,
 * `tsgrad.model_type` and `tsgrad.config` (JSON), atomically. PyTorch's `safetensors.torch.load_file`
 * reads the tensors under the same keys. Only the families in {@link MODEL_TYPES} (GPT, GPTModel,
 * BertMLM, BertModel, SequenceClassifier, TokenClassifier, QuestionAnswering, Seq2SeqTransformer) can be rebuilt by `loadModel` from the
 * file alone. A model made by `quantizeDynamic` is saved with its int8 weights as I8 tensors
 * (`*weight_int8`, one byte each) beside float32 `*weight_scale`, and the quantised layers'
 * names in the metadata `tsgrad.quantization`, so `loadModel` rebuilds it quantised. For your own modules save `saveSafetensorsFile(file, model.stateDict())` and restore
 * with `model.loadStateDict(...)` on a model you construct.
 *
 * # Shapes
 * Not applicable.
 *
 * With `{ dtype: 'float16' }` (or `'bfloat16'`) the floating-point weights are stored at half
 * precision (F16/BF16, half the bytes, values rounded to nearest even); `loadModel` reads them
 * into the float32 model, as PyTorch's `load_state_dict` casts.
 *
 * @param file - Path of the .safetensors file (written atomically).
 * @param model - A model with a `config` and a static `modelType`.
 * @param opts - `dtype`: store floating-point weights as float16 or bfloat16.
 * @example
 * const gpt = new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
 * await saveModel('gpt.safetensors', gpt);
 */
export async function saveModel(file: string, model: ConfiguredModel, opts: SaveModelOptions = {}): Promise<void> {
  const type = (model.constructor as Partial<ModelClass>).modelType;
  if (!type || !MODEL_TYPES[type]) throw new ValueError('saveModel', `${model.constructor.name} is not a model family loadModel can rebuild (known: ${Object.keys(MODEL_TYPES).join(', ')})`, {},
    'for your own modules: saveSafetensorsFile(file, model.stateDict()), then model.loadStateDict(...) on a model you construct');
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) {
    const host = await toDevice(t, 'cpu'); // the file is written from host memory
    state[k] = opts.dtype && isFloat(host.dtype) && !k.endsWith('weight_scale') ? host.to(opts.dtype) : host;
  }
  const quantized = quantizedModuleNames(model);
  // int8 values (held as int32) are written one byte each
  const storeAs = Object.fromEntries(Object.keys(state).filter((k) => k.endsWith('weight_int8') && state[k]!.dtype === 'int32').map((k) => [k, 'I8' as const]));
  const meta: Record<string, string> = { format: 'pt', 'tsgrad.model_type': type, 'tsgrad.config': JSON.stringify(model.config) };
  if (quantized.length) meta[QUANT_KEY] = JSON.stringify({ scheme: 'dynamic-int8', modules: quantized });
  await saveSafetensorsFile(file, state, meta, { storeAs });
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Store the floating-point weights in this dtype (default: as they are). */
  dtype?: 'float16' | 'bfloat16' | 'float32';
}

/**
 * Reads a checkpoint written by `saveModel`: `{ modelType, config, state, quantized }`.
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
 * (await readModelFile('gpt.safetensors')).quantized; // []
 */
export async function readModelFile(file: string): Promise<ModelFile> {
  const { tensors, metadata } = await loadSafetensorsFile(file);
  const modelType = metadata['tsgrad.model_type'];
  const json = metadata['tsgrad.config'];
  if (modelType === undefined || json === undefined) {
    throw new ValueError('readModelFile', `${file} has no tsgrad.model_type / tsgrad.config metadata`, {}, 'load the tensors with loadSafetensorsFile and call loadStateDict yourself');
  }
  const q = metadata[QUANT_KEY];
  const quantized = q === undefined ? [] : (JSON.parse(q) as { modules: string[] }).modules;
  return { modelType, config: JSON.parse(json) as Record<string, unknown>, state: tensors, quantized };
}

/**
 * Rebuilds the saved model (its class from `modelType`, then `new Class(config)`, quantised with
 * `quantizeDynamic` in the layers the file names as int8) and loads the state strictly. The
 * model is in training mode, as a new one is.
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
  const { modelType, config, state, quantized } = await readModelFile(file);
  const cls = MODEL_TYPES[modelType];
  if (!cls) throw new ValueError('loadModel', `unknown model type '${modelType}' in ${file}`, {}, `known: ${Object.keys(MODEL_TYPES).join(', ')}`);
  const built = new cls(config as never);
  const model = quantized.length ? quantizeDynamic(built, { modules: quantized, inplace: true }) : built;
  model.loadStateDict(state);
  return model;
}
