// The weighted negative log-likelihood, unchecked: shared by nllLoss (which validates first) and
// the crossEntropy primitive's decomposition. Internal: not re-exported from the package.

import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';

/**
 * loss_i = -w[t_i] logp[i, t_i] over the non-ignored targets (classes on dim 1, or dim 0 for 1-D
 * input); 'mean' divides by the weights' sum, 'sum' sums, 'none' keeps one loss per position.
 */
export function weightedNll(logp: Tensor, target: Tensor, weight: Tensor | undefined, o: { ignoreIndex: number; reduction: 'mean' | 'sum' | 'none' }): Tensor {
  const cd = logp.ndim === 1 ? 0 : 1;
  const valid = target.ne(o.ignoreIndex);
  const safe = where(valid, target, 0);
  const picked = logp.gather(cd, safe.unsqueeze(cd)).squeeze(cd);
  const w0 = weight ? weight.indexSelect(0, safe.reshape([-1])).reshape(target.shape) : valid.to(logp.dtype);
  const w = weight ? where(valid, w0, 0) : w0;
  // NOTE: ignored positions read class 0 as a stand-in; zero them before weighting, since -inf * 0 is NaN
  const loss = where(valid, picked.neg(), 0).mul(w);
  return o.reduction === 'mean' ? loss.sum().div(w.sum()) : o.reduction === 'sum' ? loss.sum() : loss;
}
