// The CPU backend: TypedArray storage, generated elementwise loops and hand-written kernels for
// the primitives where the loop is the point. It registers itself as device 'cpu'.

import { setKeepMaskFill } from '../../rng.js';
import { registerBackend, type Backend, type Kernel, type OpKey } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import { keepMaskWasm } from './dropout.js';
import { cloneKernel, catKernel, copyInto, sliceScatterKernel, unfoldBackwardKernel } from './copy.js';
import { elementwiseKernel } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel } from './indexing.js';
import { addmmKernel, matmulKernel } from './matmul.js';
import { reduceKernel } from './reduce.js';
import { logSoftmaxKernel, softmaxKernel } from './softmax.js';
import { scatterKernel, scatterReduceKernel } from './scatter.js';
import { argsortKernel } from './sort.js';
import { CpuStorage, dataOf } from './storage.js';

const kernels: Record<string, Kernel> = {
  sum: reduceKernel('sum'),
  amax: reduceKernel('amax'),
  amin: reduceKernel('amin'),
  argmax: reduceKernel('argmax'),
  argmin: reduceKernel('argmin'),
  matmul: matmulKernel,
  addmm: addmmKernel,
  clone: cloneKernel,
  cat: catKernel,
  sliceScatter: sliceScatterKernel,
  unfoldBackward: unfoldBackwardKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  indexSelect: indexSelectKernel,
  indexAdd: indexAddKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  argsort: argsortKernel,
  scatter: scatterKernel,
  scatterReduce: scatterReduceKernel,
  ...fusedKernels,
};

const generated = new WeakMap<OpKey, Kernel>();

/**
 * The CPU backend object (device 'cpu'). Holds every dtype; importing `@tsgrad/core`
 * registers it.
 * @example
 * cpuBackend.name; // 'cpu'
 * cpuBackend.dtypes.has('float64'); // true
 * getBackend('cpu') === cpuBackend; // true
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  dtypes: new Set<DType>(['float32', 'float64', 'float16', 'bfloat16', 'int32', 'bool']),
  fromArray: (data: TypedArray, dtype: DType) => new CpuStorage(data, dtype),
  read: async (s) => dataOf(s),
  readSync: (s) => dataOf(s),
  dispose: (s) => (s as CpuStorage).release(), // a no-op unless memory reuse is on (reuse.ts)
  copyInto,
  kernel(op) {
    const k = kernels[op.name];
    if (k) return k;
    if (op.kind !== 'elementwise' || !op.scalar) return undefined;
    let g = generated.get(op);
    if (!g) generated.set(op, (g = elementwiseKernel(op)));
    return g;
  },
};

registerBackend(cpuBackend);
setKeepMaskFill(keepMaskWasm); // dropout masks on the CPU's wasm loop, whichever device the tensor is on
