// @tsgrad/core: tensors, ops, autograd and the CPU backend. Importing it registers the CPU
// backend and attaches the Tensor methods.

import './backends/cpu/index.js';
import './methods.js';

export { Tensor, type GradNode, type NestedArray } from './tensor.js';
export { type DType, type TypedArray, DTYPES, isFloat, promoteTypes } from './dtype.js';
export { type Shape, broadcastShapes, sizeOf } from './shape.js';
export * from './errors.js';
export { Generator, type GeneratorState, defaultGenerator, manualSeed, getRngState, setRngState } from './rng.js';
export { type Backend, type Storage, type Kernel, type KernelInput, getBackend, registerBackend, hasBackend, listBackends } from './backend.js';
export { isGradEnabled } from './grad-mode.js';
export { noGrad, enableGrad, grad, valueAndGrad, type GradOptions } from './autograd/api.js';
export { backward, autogradGrad, type BackwardOptions } from './autograd/backward.js';
export { cpuBackend } from './backends/cpu/index.js';
export { adamStep_, type AdamStepOptions } from './backends/cpu/adam.js';
export * from './backends/gpu/index.js';
export { type PrimitiveDef, type VjpContext, apply, definePrimitive, primitives } from './ops/define.js';
export type { TensorLike } from './ops/helpers.js';
export * from './ops/index.js';

import { autogradGrad, backward } from './autograd/backward.js';

/** PyTorch's `torch.autograd` namespace: `autograd.grad(outputs, inputs, opts)` and `autograd.backward`. */
export const autograd = { grad: autogradGrad, backward } as const;
