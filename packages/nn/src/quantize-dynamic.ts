// quantizeDynamic: post-training dynamic quantisation of a model (torch.ao.quantization.quantize_dynamic):
// every Linear becomes a QuantizedLinear (int8 weights, activations quantised at run time), every
// Embedding a QuantizedEmbedding (int8 rows), and attention's packed input projection int8 too.

import { type Tensor, ValueError, quantizeWeightInt8 } from '@tsgrad/core';
import { MultiheadAttention } from './attention/multihead-attention.js';
import { cloneModule } from './functional-call.js';
import { ModuleDict, ModuleList, Sequential } from './layers/containers.js';
import { activationName } from './layers/activation.js';
import { Embedding } from './layers/embedding.js';
import { Linear } from './layers/linear.js';
import { QuantizedEmbedding } from './layers/quantized-embedding.js';
import { QuantizedLinear } from './layers/quantized-linear.js';
import type { Module } from './module.js';
import { Buffer } from './parameter.js';
import { TransformerDecoderLayer, TransformerEncoderLayer } from './transformer/layers.js';

/** A module class, to skip every module of that kind (and what it holds). */
export type ModuleClass = abstract new (...args: never[]) => Module;

/** Options of {@link quantizeDynamic}. */
export interface QuantizeDynamicOptions {
  /** Quantise only the layers (Linear, Embedding, MultiheadAttention) with these dotted names (default: all). */
  modules?: Iterable<string>;
  /**
   * Leave float: layers or whole subtrees by dotted name (`'classifier'`), and every module of a
   * given class with what it holds (`[Embedding]` keeps the embeddings float).
   */
  skip?: Iterable<string | ModuleClass>;
  /** Replace the layers in `model` itself (default false: a quantised copy, `model` unchanged). */
  inplace?: boolean;
  /**
   * Fuse each Transformer layer's ReLU or GELU into the int8 linear before it
   * (`QuantizedLinear.activation`, as `torch.ao.quantization.fuse_modules` then quantising does):
   * the same values, one pass fewer (default true).
   */
  fuse?: boolean;
}

/** The feed-forward activation of a Transformer layer that can run inside its first int8 linear, else null. */
function fusable(m: Module, key: string): 'relu' | 'gelu' | null {
  if (key !== 'linear1' || !(m instanceof TransformerEncoderLayer || m instanceof TransformerDecoderLayer)) return null;
  return activationName(m.activation);
}

const identity = (x: Tensor): Tensor => x;

/** Puts `child` at `key` of `parent`: a field, an element of an array field (`field.i`), or a container's slot. */
function setChild(parent: Module, key: string, child: Module): void {
  if (parent instanceof Sequential || parent instanceof ModuleList) {
    parent.set(Number(key), child as never);
    return;
  }
  if (parent instanceof ModuleDict) {
    parent.set(key, child);
    return;
  }
  const fields = parent as unknown as Record<string, unknown>;
  const m = /^(.*)\.(\d+)$/.exec(key);
  const arr = m ? fields[m[1]!] : undefined;
  if (m && Array.isArray(arr)) arr[Number(m[2])] = child;
  else fields[key] = child;
}

/** Replaces attention's packed in-projection by int8 values and scales (see MultiheadAttention). */
function quantizeInProjection(m: MultiheadAttention): void {
  const { weight, scale } = quantizeWeightInt8(m.in_proj_weight!);
  m.in_proj_weight_int8 = new Buffer(weight);
  m.in_proj_weight_scale = new Buffer(scale);
  m.in_proj_weight = null;
}

/**
 * Post-training dynamic quantisation, as `torch.ao.quantization.quantize_dynamic(model,
 * {nn.Linear, nn.Embedding}, dtype=torch.qint8)`: every `Linear` in the model becomes a
 * {@link QuantizedLinear} (int8 weights, symmetric, one scale per output channel; each input row
 * quantised to int8 at run time, products summed in int32 by a WebAssembly SIMD kernel on the
 * CPU) and every `Embedding` a {@link QuantizedEmbedding} (int8 rows, one scale each). Unlike
 * PyTorch, a MultiheadAttention's packed input projection (a parameter, not a Linear) is
 * quantised the same way (`in_proj_weight_int8`, `in_proj_weight_scale`): it holds a quarter of a
 * Transformer block's weights. Norms, biases and learned positions stay float. A layer shared by
 * several modules becomes one shared quantised layer, so a GPT's tied LM head reads the int8
 * table. Each Transformer layer's ReLU or GELU runs inside the int8 linear before it (`fuse`, the
 * same values). The result is for inference: its remaining parameters are frozen
 * (`requiresGrad_(false)`), so a forward pass builds no graph. `saveModel` writes the int8 values
 * as I8 tensors and `loadModel` rebuilds the quantised model.
 *
 * # Shapes
 * Not applicable (the model's forward keeps its shapes).
 *
 * @param model - A trained model (any Module).
 * @param opts - `modules` (only these names), `skip` (names or classes to leave float), `inplace`, `fuse`.
 * @returns The quantised model (a copy of `model` unless `inplace`).
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const q = quantizeDynamic(model);
 * q.at(0) instanceof QuantizedLinear; // true
 * model.at(0) instanceof Linear; // true (the original is unchanged)
 * Object.keys(q.stateDict()); // ['0.weight_int8', '0.weight_scale', '0.bias', '2.weight_int8', '2.weight_scale', '2.bias']
 * q.forward(ones([3, 4])).shape; // [3, 2]
 * quantizeDynamic(model, { skip: ['2'] }).at(2) instanceof Linear; // true
 */
export function quantizeDynamic<M extends Module>(model: M, opts: QuantizeDynamicOptions = {}): M {
  const only = opts.modules === undefined ? null : new Set(opts.modules);
  const skip = [...(opts.skip ?? [])];
  const skipNames = new Set(skip.filter((s): s is string => typeof s === 'string'));
  const skipClasses = skip.filter((s): s is ModuleClass => typeof s === 'function');
  const out = opts.inplace ? model : cloneModule(model);
  const fuse = opts.fuse ?? true;
  const parents = new Map<Module, number>(); // how many module fields or slots hold each module
  for (const m of out.modules()) for (const c of m.children()) parents.set(c, (parents.get(c) ?? 0) + 1);
  const names = new Set(out.namedModules().map(([n]) => n));
  const unknown = [...(only ?? []), ...skipNames].filter((n) => !names.has(n));
  if (unknown.length) {
    throw new ValueError('quantizeDynamic', `no module named ${unknown.map((n) => `'${n}'`).join(', ')} in the ${model.constructor.name}`, {},
      `module names are the dotted prefixes of state-dict keys, e.g. ${[...names].filter(Boolean).slice(0, 3).map((n) => `'${n}'`).join(', ')}`);
  }
  const done = new Map<Module, Module>();
  const wanted = (name: string) => !only || only.has(name);
  const visit = (m: Module, prefix: string) => {
    for (const [key, child] of m.namedChildren()) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (skipNames.has(name) || skipClasses.some((c) => child instanceof c)) continue;
      if (child instanceof Linear || child instanceof Embedding) {
        if (!wanted(name)) continue;
        let q = done.get(child);
        if (!q) {
          // a linear that another module also holds is not fused: there no activation may follow it
          const act = fuse && parents.get(child) === 1 ? fusable(m, key) : null;
          // NOTE: the layer's activation moves into the linear, as fuse_modules swaps it for an Identity
          if (act) (m as unknown as { activation: (x: Tensor) => Tensor }).activation = identity;
          q = child instanceof Linear ? QuantizedLinear.fromFloat(child, { activation: act ?? 'none' }) : QuantizedEmbedding.fromFloat(child);
          done.set(child, q);
        }
        setChild(m, key, q);
        continue;
      }
      if (child instanceof MultiheadAttention && child.in_proj_weight && wanted(name) && !done.has(child)) {
        done.set(child, child);
        quantizeInProjection(child);
      }
      visit(child, name);
    }
  };
  visit(out, '');
  out.requiresGrad_(false);
  return out;
}

/**
 * The dotted names of a model's int8 layers: QuantizedLinear, QuantizedEmbedding, and
 * MultiheadAttention with an int8 in-projection (what `saveModel` records, so that `loadModel`
 * can quantise the same layers of the rebuilt model before loading the weights).
 * @param model - Any module.
 * @returns The names in module order.
 * @example
 * quantizedModuleNames(quantizeDynamic(new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1)))); // ['0', '2']
 */
export function quantizedModuleNames(model: Module): string[] {
  const int8 = (m: Module) => m instanceof QuantizedLinear || m instanceof QuantizedEmbedding || (m instanceof MultiheadAttention && m.in_proj_weight_int8 !== null);
  return model.namedModules().filter(([, m]) => int8(m)).map(([n]) => n);
}
