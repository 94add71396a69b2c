// embedding (rows of a weight matrix by index), oneHot, and linear (x W^T + b).

import { IndexError, ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { arange } from '../creation.js';
import { requireIndex } from '../helpers.js';
import { addmm } from '../products/addmm.js';

// Range check of index values on the CPU (device tensors are left to the kernels: a check would force a sync).
function checkRange(op: string, input: Tensor, size: number, what: string, args: Record<string, readonly number[]>): void {
  if (input.device !== 'cpu') return;
  const v = input.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0 || v[i]! >= size) {
      throw new IndexError(op, `index ${v[i]} is out of range for ${size} ${what}`, args, `indices must be in [0, ${size - 1}]`);
    }
  }
}

/**
 * Looks up rows of `weight` [V, D] for int32 `input` of any shape: out [...input.shape, D]
 * (torch.nn.functional.embedding). Gradient: the rows of g are added into the rows of `weight`
 * they were read from (index_add); rows at `paddingIdx` get none.
 * @param input - int32 indices, each in [0, V).
 * @param weight - The table [V, D].
 * @param opts - `paddingIdx`: a row that gets no gradient.
 * @returns The rows [...input.shape, D].
 * @example embedding(tensor([1], { dtype: 'int32' }), tensor([[0, 0], [1, 2]])).tolist(); // [[1, 2]]
 */
export function embedding(input: Tensor, weight: Tensor, opts: { paddingIdx?: number } = {}): Tensor {
  requireIndex('embedding', 'input', input);
  if (weight.ndim !== 2) throw new ShapeError('embedding', 'weight must be 2-D [numEmbeddings, embeddingDim]', { input: input.shape, weight: weight.shape });
  checkRange('embedding', input, weight.shape[0]!, 'embeddings', { input: input.shape, weight: weight.shape });
  const rows = weight.indexSelect(0, input.reshape([-1])).reshape([...input.shape, weight.shape[1]!]);
  const pad = opts.paddingIdx;
  if (pad === undefined) return rows;
  const v = weight.shape[0]!;
  if (!Number.isInteger(pad) || pad < -v || pad >= v) throw new ValueError('embedding', `paddingIdx ${pad} must be within the ${v} embeddings`);
  const padRow = weight.select(0, pad < 0 ? pad + v : pad).detach();
  // NOTE: the same values, but padding positions read a detached copy, so that row gets no gradient
  return where(input.eq(pad < 0 ? pad + v : pad).unsqueeze(-1), padRow, rows);
}

/**
 * One-hot int32 encoding: out [...input.shape, numClasses] (numClasses = max + 1 when omitted).
 * Not differentiable (an integer result).
 * @param input - int32 class indices.
 * @param numClasses - Number of classes (default: the largest index + 1).
 * @returns An int32 tensor [...input.shape, numClasses].
 * @example oneHot(tensor([0, 2], { dtype: 'int32' }), 3).tolist(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(input: Tensor, numClasses?: number): Tensor {
  requireIndex('oneHot', 'input', input);
  const c = numClasses ?? (input.numel() === 0 ? 0 : input.amax().item() + 1);
  if (!Number.isInteger(c) || c < 0) throw new ValueError('oneHot', `numClasses must be a non-negative integer, got ${c}`);
  checkRange('oneHot', input, c, 'classes', { input: input.shape }); // PyTorch refuses negative and too-large class values
  return input.unsqueeze(-1).eq(arange(c, undefined, 1, { device: input.device })).to('int32');
}

/**
 * x W^T + b (torch.nn.functional.linear). Shapes: x [..., in], weight [out, in], bias [out] ->
 * [..., out]. With a bias, the rows of x go through {@link addmm} (on the CPU the bias is added as
 * the product is written: one pass and one autograd node fewer), else through matmul.
 * Gradient: dx = g W, dW = g^T x (summed over batch dims), db = sum of g.
 * @param x - Input [..., in].
 * @param weight - Weight [out, in].
 * @param bias - Bias [out], or null/undefined for none.
 * @returns Output [..., out].
 * @example linear(ones([1, 2]), ones([3, 2]), tensor([0, 1, 2])).tolist(); // [[2, 3, 4]]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const k = x.shape[x.ndim - 1];
  // matmul + add where addmm does not fit (its errors also name the caller's shapes, not reshaped ones)
  if (!bias || x.ndim < 2 || weight.ndim !== 2 || weight.shape[1] !== k || bias.ndim > 1 || (x.ndim > 2 && !x.isContiguous())) {
    const y = x.matmul(weight.mT);
    return bias ? y.add(bias) : y;
  }
  // as PyTorch: rows of x times W^T with the bias added in the same kernel (addmm), one autograd node
  const y = addmm(bias, x.reshape([-1, k!]), weight.mT);
  return x.ndim === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[0]!]);
}
