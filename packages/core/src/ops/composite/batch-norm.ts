// batchNorm (torch.nn.functional.batch_norm): per-channel normalisation over the batch and
// spatial dims, with the running statistics updated in place while training.

import { ShapeError, ValueError } from '../../errors.js';
import { setGradEnabled } from '../../grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { requireFloat } from '../helpers.js';

/**
 * Batch normalisation (Ioffe & Szegedy, https://arxiv.org/abs/1502.03167) of (N, C, *) input per
 * channel C, as torch.nn.functional.batch_norm. Training: (x - mean) / sqrt(var + eps) with the
 * batch's mean and biased variance over every dim but C, and the running statistics (when given)
 * updated in place, without gradient, as running = (1 - momentum) running + momentum stat, with the
 * unbiased variance. Evaluation: the running statistics normalise instead. Then * weight + bias.
 * Gradient: through the batch statistics while training (the running statistics are constants).
 * @param input - (N, C) or (N, C, *spatial).
 * @param runningMean - (C) or null.
 * @param runningVar - (C) or null.
 * @param weight - Scale (C), or null.
 * @param bias - Shift (C), or null.
 * @param training - Use (and update) batch statistics (default false).
 * @param momentum - Weight of the new statistic in the running average (default 0.1).
 * @param eps - Added to the variance (default 1e-5).
 * @returns A tensor of the input's shape.
 * @example
 * const rm = zeros([1]), rv = ones([1]);
 * batchNorm(tensor([[1], [3]]), rm, rv, null, null, true).tolist(); // [[-1], [1]] (about)
 * rm.tolist(); // [0.2] (about: 0.9 * 0 + 0.1 * 2)
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null, bias?: Tensor | null,
  training = false, momentum = 0.1, eps = 1e-5): Tensor {
  requireFloat('batchNorm', 'input', input);
  if (input.ndim < 2) throw new ShapeError('batchNorm', `expected (N, C) or (N, C, *) input, got ${input.ndim}-d`, { input: input.shape });
  const c = input.shape[1]!;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new ShapeError('batchNorm', `${name} must have shape [${c}] (one per channel)`, { input: input.shape, [name]: t.shape });
  }
  const bshape = input.shape.map((s, d) => (d === 1 ? s : 1));
  const dims = input.shape.map((_, d) => d).filter((d) => d !== 1);
  let mean: Tensor;
  let variance: Tensor;
  if (training) {
    const count = input.numel() / Math.max(c, 1);
    if (count <= 1) {
      throw new ValueError('batchNorm', `expected more than 1 value per channel when training, got input of shape [${input.shape.join(', ')}]`, { input: input.shape },
        'use a larger batch, or evaluation mode (training = false)');
    }
    mean = input.mean(dims, true);
    variance = input.sub(mean).square().mean(dims, true);
    if (runningMean || runningVar) {
      const was = setGradEnabled(false); // a statistics update, not part of the graph
      try {
        if (runningMean) runningMean.mul_(1 - momentum).add_(mean.detach().reshape([c]).mul(momentum));
        if (runningVar) runningVar.mul_(1 - momentum).add_(variance.detach().reshape([c]).mul(momentum * count / (count - 1)));
      } finally {
        setGradEnabled(was);
      }
    }
  } else {
    if (!runningMean || !runningVar) throw new ValueError('batchNorm', 'runningMean and runningVar are needed in evaluation mode (training = false)');
    mean = runningMean.reshape(bshape);
    variance = runningVar.reshape(bshape);
  }
  let y = input.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}
