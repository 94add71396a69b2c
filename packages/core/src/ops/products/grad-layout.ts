// The layout of a weight's gradient: linear layers multiply by W^T, a transposed view, and the
// gradient of that view is best computed already transposed, so W.grad arrives contiguous.

import type { Tensor } from '../../tensor.js';

/**
 * A^T G for a 2-D right operand `b`, laid out as `b` is: where b is the transpose of a contiguous
 * matrix (W^T in linear layers) it is computed as (G^T A)^T, so the weight's gradient arrives
 * contiguous (no copy when it becomes W.grad). The same products, summed in the same order.
 */
export function gradLike(b: Tensor, a: Tensor, g: Tensor): Tensor {
  return !b.isContiguous() && b.mT.isContiguous() ? g.mT.matmul(a).mT : a.mT.matmul(g);
}
