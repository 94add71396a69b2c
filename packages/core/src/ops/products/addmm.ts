// addmm: input + mat1 @ mat2 as one primitive, so a Linear layer's bias is added as the product is
// written out (the CPU kernel's epilogue) instead of by a second broadcast pass over the output.
// Backends without a kernel run its decomposition, the composite matmul then add.

import { ShapeError } from '../../errors.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, argInfo, definePrimitive } from '../define.js';
import { matmul, matmulOp } from '../matmul.js';
import { gradLike } from './grad-layout.js';
import type { ScaleOptions } from './arithmetic.js';

/** @internal The primitive behind {@link addmm} (beta = alpha = 1): shape and dtype rules, kernel key and VJP. */
export const addmmOp = definePrimitive({
  name: 'addmm',
  kind: 'other',
  args: ['input', 'mat1', 'mat2'],
  shape: (inputs) => {
    const [c, a, b] = inputs as [Tensor, Tensor, Tensor];
    if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError('addmm', `mat1 and mat2 must be 2-D, got ${a.ndim}-D and ${b.ndim}-D`, argInfo(addmmOp, inputs));
    if (a.shape[1] !== b.shape[0]) {
      throw new ShapeError('addmm', `mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`, argInfo(addmmOp, inputs));
    }
    const out = [a.shape[0]!, b.shape[1]!];
    let full: number[] = [];
    try {
      full = broadcastShapes('addmm', { input: c.shape, product: out });
    } catch { /* reported below */ }
    if (full.length !== 2 || full[0] !== out[0] || full[1] !== out[1]) {
      throw new ShapeError('addmm', `input must broadcast to the product's shape [${out.join(', ')}]`, argInfo(addmmOp, inputs), 'input is [n, p], [p], [1, p], [n, 1] or a scalar');
    }
    return out;
  },
  dtype: (inputs, attrs) => matmulOp.dtype(inputs, attrs),
  save: { inputs: true },
  // out = c + A B: dc = g (summed to c's shape by the engine), dA = g B^T, dB = A^T g
  vjp: (g, { inputs: [, a, b], needsInputGrad: [nc, na, nb] }) => [nc ? g : null, na ? g.matmul(b!.mT) : null, nb ? gradLike(b!, a!, g) : null],
  decompose: ([c, a, b]) => matmul(a!, b!).add(c!),
  testDomain: { min: -2, max: 2 },
});

/**
 * beta input + alpha (mat1 @ mat2) (PyTorch's `torch.addmm`): mat1 (n, m), mat2 (m, p), input
 * broadcastable to (n, p); with beta = 0 input is ignored (NaN and inf included). At beta = alpha
 * = 1 it is one primitive whose CPU kernel adds input as it writes the product (what `linear`
 * uses for its bias). Gradient: beta g for input, alpha g mat2^T and alpha mat1^T g.
 * @param input - Broadcastable to (n, p).
 * @param mat1 - (n, m).
 * @param mat2 - (m, p).
 * @param opts - `beta`, `alpha` (default 1 each).
 * @returns (n, p).
 * @example addmm(tensor([10, 20]), tensor([[1, 2]]), tensor([[1, 0], [0, 1]])).tolist(); // [[11, 22]]
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: ScaleOptions = {}): Tensor {
  const { beta = 1, alpha = 1 } = opts;
  if (beta === 1 && alpha === 1) return apply(addmmOp, [input, mat1, mat2], {});
  if (mat1.ndim !== 2 || mat2.ndim !== 2) throw new ShapeError('addmm', `mat1 and mat2 must be 2-D, got ${mat1.ndim}-D and ${mat2.ndim}-D`, { mat1: mat1.shape, mat2: mat2.shape });
  const p = matmul(mat1, mat2);
  const scaled = alpha === 1 ? p : p.mul(alpha);
  if (beta !== 0) return scaled.add(beta === 1 ? input : input.mul(beta));
  input.expand(p.shape); // checks that input broadcasts, as PyTorch does before ignoring it
  return scaled;
}
