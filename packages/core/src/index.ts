// @tsgrad/core: tensors, ops, autograd and the CPU backend. Importing it registers the CPU
// backend and attaches the Tensor methods.

import './backends/cpu/index.js';
import './methods.js';
import './methods-types.js'; // the methods' types (declared on Tensor)

export { Tensor, type GradNode, type NestedArray } from './tensor.js';
export { type DType, type TypedArray, DTYPES, isFloat, promoteTypes } from './dtype.js';
export { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from './half.js';
export { type Shape, broadcastShapes, sizeOf } from './shape.js';
export { type PrintOptions, getPrintOptions, setPrintOptions } from './print.js';
export * from './errors.js';
export { Generator, type GeneratorState, defaultGenerator, manualSeed, getRngState, setRngState } from './rng.js';
export { type Attrs, type Backend, type Storage, type Kernel, type KernelInput, type KernelOutput, type OpKey, type OpKind, getBackend, registerBackend, hasBackend, listBackends, setDefaultDevice, getDefaultDevice } from './backend.js';
export { isGradEnabled } from './grad-mode.js';
export { noGrad, enableGrad, grad, valueAndGrad, type GradOptions } from './autograd/api.js';
export { backward, autogradGrad, type BackwardOptions } from './autograd/backward.js';
export { cpuBackend } from './backends/cpu/index.js';
export { cpuMemoryReuse, setCpuMemoryReuse, type CpuMemoryReuseOptions } from './backends/cpu/reuse.js';
export { canReadSync, dispose, keep, scope, scopeData, stepScope, toDevice, trackStorage, type TensorContainer } from './memory.js';
export * from './backends/gpu/index.js';
export { type PrimitiveDef, type VjpContext, apply, definePrimitive, kernelFor, primitives } from './ops/define.js';
export type { TensorLike } from './ops/helpers.js';
export * from './ops/index.js';

import { autogradGrad, backward } from './autograd/backward.js';

/**
 * PyTorch's `torch.autograd` namespace: `autograd.grad(outputs, inputs, opts)` ({@link autogradGrad})
 * and `autograd.backward` ({@link backward}).
 * @example
 * const x = tensor([2], { requiresGrad: true });
 * autograd.grad(x.square().sum(), [x])[0]!.tolist(); // [4]
 */
export const autograd = {
  /** {@link autogradGrad}: gradients of outputs with respect to inputs, without touching `.grad`. */
  grad: autogradGrad,
  /** {@link backward}: accumulates gradients into the leaves' `.grad`. */
  backward
} as const;
