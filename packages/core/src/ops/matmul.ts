// matmul: (batched) matrix product with broadcast batch dims; 1-D operands as in torch.matmul.

import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, argInfo, definePrimitive } from './define.js';
import { promoteDtypes } from './helpers.js';
import { gradLike } from './products/grad-layout.js';

const hint = 'a is [..., M, K] and b must be [..., K, N]; did you mean b.transpose(-1, -2)?';

/** @internal The primitive behind {@link matmul}: shape and dtype rules, kernel key and VJP. */
export const matmulOp = definePrimitive({
  name: 'matmul',
  kind: 'other',
  args: ['a', 'b'],
  shape: (inputs) => {
    const [a, b] = inputs as [Tensor, Tensor];
    if (a.ndim < 2 || b.ndim < 2) throw new ShapeError('matmul', 'the matmul primitive needs operands with >= 2 dims', argInfo(matmulOp, inputs));
    const k1 = a.shape[a.ndim - 1]!;
    const k2 = b.shape[b.ndim - 2]!;
    if (k1 !== k2) throw new ShapeError('matmul', `inner dimensions differ (${k1} vs ${k2})`, argInfo(matmulOp, inputs), hint);
    const [aBatch, bBatch] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
    let batch: number[];
    try {
      batch = broadcastShapes('matmul', { a: aBatch, b: bBatch });
    } catch {
      throw new ShapeError('matmul', `batch dims ${formatShape(aBatch)} and ${formatShape(bBatch)} cannot be broadcast together`, argInfo(matmulOp, inputs),
        'the dims before the last two must match or be 1 when aligned from the right');
    }
    return [...batch, a.shape[a.ndim - 2]!, b.shape[b.ndim - 1]!];
  },
  dtype: (inputs) => {
    // NOTE: PyTorch has no bool matmul; a uint8 bool result would also wrap at 256
    if (inputs.some((t) => t.dtype === 'bool')) {
      throw new DTypeError('matmul', 'not supported on bool tensors', argInfo(matmulOp, inputs), "convert with .to('float32') or .to('int32')");
    }
    return promoteDtypes(inputs);
  },
  save: { inputs: true },
  // C = A B: dA = dC B^T, dB = A^T dC (batch broadcasting is summed away by the engine)
  vjp: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [na ? g.matmul(b!.mT) : null, nb ? weightGrad(a!, b!, g) : null],
  testDomain: { min: -2, max: 2 },
});

// dB = A^T dC. NOTE: a 2-D B under a batched A (x W^T in linear layers) gets the batch folded into
// the contraction, [K, B*M] @ [B*M, N], instead of a [..., K, N] product the engine then sums
function weightGrad(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (b.ndim !== 2 || a.ndim <= 2) return b.ndim === 2 && a.ndim === 2 ? gradLike(b, a, g) : a.mT.matmul(g);
  const [k, n] = [a.shape[a.ndim - 1]!, g.shape[g.ndim - 1]!];
  return gradLike(b, a.reshape([-1, k]), g.reshape([-1, n]));
}

/**
 * Matrix product with PyTorch's rules: 1-D x 1-D is a dot product, a 1-D left operand is a row
 * and a 1-D right operand a column (each dropped from the result), and batch dims broadcast.
 * Shapes: [..., M, K] @ [..., K, N] -> [..., M, N]. Gradient: g b^T and a^T g.
 *
 * @param a - Left operand [..., M, K] (or [K]).
 * @param b - Right operand [..., K, N] (or [K]).
 * @returns The product [..., M, N], batch dims broadcast.
 * @example matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).tolist(); // [3, 7]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('matmul', 'both arguments need at least 1 dim', argInfo(matmulOp, [a, b]), 'use mul for a scalar product');
  }
  const ka = a.shape[a.ndim - 1]!;
  const kb = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (ka !== kb) throw new ShapeError('matmul', `inner dimensions differ (${ka} vs ${kb})`, argInfo(matmulOp, [a, b]), hint);
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(-1) : b;
  let out = apply(matmulOp, [a2, b2], {});
  if (b.ndim === 1) out = out.squeeze(-1);
  if (a.ndim === 1) out = out.squeeze(a.ndim === 1 && b.ndim === 1 ? -1 : -2);
  return out;
}
