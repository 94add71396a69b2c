// Checkpoints as one safetensors file: model weights ("model.*"), optimizer tensors ("optim.*"),
// and JSON metadata (format, model config, trainer state, tokenizer). Written atomically.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Tensor, ValueError, isFloat, toDevice } from '@tsgrad/core';
import { loadSafetensorsFile, saveSafetensorsFile, SafetensorsError } from '@tsgrad/nn';
import type { OptimizerStateDict } from './optim/optimizer.js';

/**
 * The format tag written into every checkpoint.
 * @example CHECKPOINT_FORMAT; // 'tsgrad-checkpoint-v1'
 */
export const CHECKPOINT_FORMAT = 'tsgrad-checkpoint-v1';

/** What a checkpoint holds. Only `model` is required. */
export interface CheckpointData {
  /** The model's state dict (PyTorch key names). */
  model: Record<string, Tensor>;
  /** The model's config, to rebuild the architecture. */
  modelConfig?: unknown;
  /** The optimizer's state dict. */
  optimizer?: OptimizerStateDict;
  /** Trainer position: step, RNG and data-loader state, history (plain JSON). */
  trainer?: unknown;
  /** The tokenizer, as its toJSON() object. */
  tokenizer?: unknown;
  /** Anything else, JSON-serialisable. */
  extra?: Record<string, unknown>;
}

/**
 * A checkpoint error (unreadable, not a tsgrad checkpoint, inconsistent).
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('junk.safetensors', 'not a checkpoint');
 * await loadCheckpoint('junk.safetensors'); // throws CheckpointError
 */
export class CheckpointError extends ValueError {
  /** Always `'CheckpointError'`. */
  override name = 'CheckpointError';
}

function splitOptimizer(sd: OptimizerStateDict): { tensors: Record<string, Tensor>; json: unknown } {
  const tensors: Record<string, Tensor> = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [param, s] of Object.entries(sd.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (v instanceof Tensor) tensors[`optim.${param}.${k}`] = v;
      else (scalars[param] ??= {})[k] = v;
    }
  }
  return { tensors, json: { paramGroups: sd.paramGroups, scalars } };
}

/**
 * Writes a checkpoint to `path` atomically (temp file, fsync, rename; folders created): a crash never corrupts `path`.
 * The int8 weights of a quantised model (`*weight_int8`, see `quantizeDynamic`) are stored as I8.
 * With `{ dtype: 'float16' }` (or `'bfloat16'`) the model's floating-point weights are stored at
 * half precision (half the bytes; for shipping a model, not for resuming training, whose optimizer
 * state stays float32); `loadCheckpoint` reads them back as float32.
 * @param path - The .safetensors file.
 * @param data - Model state (required), config, optimizer state, trainer state, tokenizer, extras.
 * @param opts - `dtype` of the stored model weights.
 * @example
 * const model = new Linear(2, 1);
 * const opt = new AdamW(model.namedParameters(), { lr: 0.01 });
 * await saveCheckpoint('runs/ckpt.safetensors', { model: model.stateDict(), optimizer: opt.stateDict(), trainer: { step: 10 } });
 * const ck = await loadCheckpoint('runs/ckpt.safetensors');
 * Object.keys(ck.model).sort(); // ['bias', 'weight']
 * ck.trainer; // { step: 10 }
 */
export async function saveCheckpoint(path: string, data: CheckpointData, opts: { dtype?: 'float32' | 'float16' | 'bfloat16' } = {}): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(data.model)) tensors[`model.${k}`] = v;
  const half = opts.dtype === 'float16' || opts.dtype === 'bfloat16' ? opts.dtype : undefined;
  const meta: Record<string, string> = { format: CHECKPOINT_FORMAT };
  if (data.optimizer) {
    const { tensors: ot, json } = splitOptimizer(data.optimizer);
    Object.assign(tensors, ot);
    meta['optimizer'] = JSON.stringify(json);
  }
  if (data.modelConfig !== undefined) meta['modelConfig'] = JSON.stringify(data.modelConfig);
  if (data.trainer !== undefined) meta['trainer'] = JSON.stringify(data.trainer);
  if (data.tokenizer !== undefined) meta['tokenizer'] = JSON.stringify(data.tokenizer);
  if (data.extra !== undefined) meta['extra'] = JSON.stringify(data.extra);
  // device tensors are read back first (the file is written from host memory)
  for (const [k, t] of Object.entries(tensors)) {
    const host = await toDevice(t, 'cpu');
    tensors[k] = half && k.startsWith('model.') && isFloat(host.dtype) && !k.endsWith('weight_scale') ? host.to(half) : host;
  }
  mkdirSync(dirname(path), { recursive: true });
  // int8 weights of a quantised model (int32 tensors named *weight_int8) take one byte each
  const storeAs = Object.fromEntries(Object.keys(tensors).filter((k) => k.startsWith('model.') && k.endsWith('weight_int8') && tensors[k]!.dtype === 'int32').map((k) => [k, 'I8' as const]));
  await saveSafetensorsFile(path, tensors, meta, { storeAs });
}

function parseJson(path: string, key: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError('loadCheckpoint', `the '${key}' metadata of ${path} is not valid JSON`);
  }
}

/**
 * Reads a checkpoint written by `saveCheckpoint`, with a clear error for anything else.
 * @param path - The .safetensors file.
 * @returns What was saved (model tensors on the CPU).
 * @example
 * await saveCheckpoint('ck.safetensors', { model: { w: ones([2]) }, modelConfig: { width: 2 } });
 * (await loadCheckpoint('ck.safetensors')).modelConfig; // { width: 2 }
 */
export async function loadCheckpoint(path: string): Promise<CheckpointData> {
  let contents;
  try {
    contents = await loadSafetensorsFile(path);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new CheckpointError('loadCheckpoint', `${path} is not a readable checkpoint: ${e.reason}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CheckpointError('loadCheckpoint', `no checkpoint at ${path}`);
    throw e;
  }
  const { tensors, metadata } = contents;
  if (metadata['format'] !== CHECKPOINT_FORMAT) {
    throw new CheckpointError('loadCheckpoint', `${path} is a safetensors file but not a tsgrad checkpoint (format '${metadata['format'] ?? 'missing'}')`,
      {}, 'load plain weights with loadSafetensorsFile and model.loadStateDict');
  }
  const model: Record<string, Tensor> = {};
  const optimTensors: Record<string, Record<string, Tensor | number>> = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (k.startsWith('model.')) model[k.slice(6)] = v;
    else if (k.startsWith('optim.')) {
      const rest = k.slice(6);
      const dot = rest.lastIndexOf('.');
      (optimTensors[rest.slice(0, dot)] ??= {})[rest.slice(dot + 1)] = v;
    }
  }
  const out: CheckpointData = { model };
  const opt = parseJson(path, 'optimizer', metadata['optimizer']) as { paramGroups: OptimizerStateDict['paramGroups']; scalars: Record<string, Record<string, number>> } | undefined;
  if (opt) {
    for (const [param, s] of Object.entries(opt.scalars)) Object.assign((optimTensors[param] ??= {}), s);
    out.optimizer = { state: optimTensors, paramGroups: opt.paramGroups };
  }
  for (const key of ['modelConfig', 'trainer', 'tokenizer', 'extra'] as const) {
    const v = parseJson(path, key, metadata[key]);
    if (v !== undefined) (out as unknown as Record<string, unknown>)[key] = v;
  }
  return out;
}
