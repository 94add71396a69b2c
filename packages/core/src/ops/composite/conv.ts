// conv1d and conv2d (torch.nn.functional.conv1d/conv2d), lowered to one GEMM: the padded input's
// windows (im2col, windows.ts) form a (C/groups * kernel, output positions) matrix per group, and
// the weight (K/groups, C/groups * kernel) multiplies it in a single (batched) matmul.

import { ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { matmul } from '../matmul.js';
import { pad } from './pad.js';
import { batched, checkOutput, outLength, perDim, windows, type SizeN } from './windows.js';

/** Convolution padding: zeros on each side per spatial dim, `'valid'` (none) or `'same'` (output as large as the input; stride 1). */
export type ConvPadding = SizeN | 'valid' | 'same';

function convNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined,
  stride: SizeN, padding: ConvPadding, dilation: SizeN, groups: number): Tensor {
  const { x, batched: hadBatch } = batched(op, input, nd);
  const s = perDim(op, 'stride', stride, nd);
  const d = perDim(op, 'dilation', dilation, nd);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const k = weight.shape[0]!;
  const kernel = weight.shape.slice(2);
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
  if (weight.ndim !== nd + 2 || c % groups !== 0 || k % groups !== 0 || weight.shape[1] !== c / groups) {
    throw new ShapeError(op, `weight must be (out_channels, in_channels / groups, ${nd === 1 ? 'kW' : 'kH, kW'}) with both channel counts divisible by groups (${groups})`,
      { input: input.shape, weight: weight.shape }, `the input has ${c} channels, so weight.shape[1] must be ${c / groups}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== k)) throw new ShapeError(op, `bias must have shape [${k}] (one per output channel)`, { weight: weight.shape, bias: bias.shape });
  let pads: number[];
  if (padding === 'valid') pads = Array<number>(2 * nd).fill(0);
  else if (padding === 'same') {
    if (s.some((v) => v !== 1)) throw new ValueError(op, "padding='same' is not supported for strided convolutions", { input: input.shape }, 'use stride 1 or explicit padding');
    // the total d (k - 1) split with the extra element on the right, as PyTorch; last dim first for pad
    pads = kernel.flatMap((kk, j) => { const t = d[j]! * (kk - 1); return [Math.floor(t / 2), t - Math.floor(t / 2)]; });
  } else pads = perDim(op, 'padding', padding as SizeN, nd, 0).flatMap((p) => [p, p]);
  const padPairs = Array.from({ length: nd }, (_, j) => [pads[2 * j]!, pads[2 * j + 1]!]);
  const out = kernel.map((kk, j) => outLength(x.shape[2 + j]! + padPairs[j]![0]! + padPairs[j]![1]!, kk, s[j]!, 0, d[j]!));
  checkOutput(op, x, out);
  const padded = pads.some((p) => p > 0) ? pad(x, padPairs.reverse().flat()) : x;
  const kk = kernel.reduce((a, b) => a * b, 1);
  const positions = out.reduce((a, b) => a * b, 1);
  const cols = windows(padded, kernel, s, d, out); // [N, C, *kernel, *out], a view; the reshapes below copy it once
  let y: Tensor;
  if (groups === 1) y = matmul(weight.reshape([k, c * kk]), cols.reshape([n, c * kk, positions]));
  else y = matmul(weight.reshape([groups, k / groups, (c / groups) * kk]), cols.reshape([n, groups, (c / groups) * kk, positions]));
  y = y.reshape([n, k, ...out]);
  if (bias) y = y.add(bias.reshape([k, ...Array<number>(nd).fill(1)]));
  return hadBatch ? y : y.squeeze(0);
}

/**
 * 1-d convolution (cross-correlation, as torch.nn.functional.conv1d) over (N, C, L) or (C, L):
 * out[n, k, l] = bias[k] + sum over c in k's group and t of weight[k, c, t] x[n, c, l s + t d - p].
 * Lowered to one GEMM over the input's windows (im2col). Gradient: through that matmul and the
 * windows (the weight's gradient is g times the windows, the input's the windows' gradients summed).
 * @param input - (N, C, L) or unbatched (C, L).
 * @param weight - (K, C / groups, kW).
 * @param bias - (K), or null.
 * @param stride - Step between windows.
 * @param padding - Zeros on each side, `'valid'` (0) or `'same'` (output length = input length; stride 1).
 * @param dilation - Spacing of the kernel's taps.
 * @param groups - Channel groups: input and output channels are split into `groups` independent convolutions.
 * @returns (N, K, L_out) (or (K, L_out)), L_out = floor((L + 2p - d (kW - 1) - 1) / s) + 1.
 * @example
 * conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, 0, -1]]])).tolist(); // [[[-2, -2]]]
 * conv1d(tensor([[1, 2, 3]]), tensor([[[1, 1]]]), null, 1, 'same').tolist(); // [[3, 5, 3]]
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, stride: SizeN = 1, padding: ConvPadding = 0, dilation: SizeN = 1, groups = 1): Tensor {
  return convNd('conv1d', 1, input, weight, bias, stride, padding, dilation, groups);
}

/**
 * 2-d convolution (cross-correlation, as torch.nn.functional.conv2d) over (N, C, H, W) or (C, H, W):
 * out[n, k, i, j] = bias[k] + sum of weight[k, c, u, v] x[n, c, i s0 + u d0 - p0, j s1 + v d1 - p1]
 * over c in k's group. Lowered to one GEMM over the input's windows (im2col), so it runs at the
 * matmul kernel's rate on every backend. Gradient: through that matmul and the windows.
 * @param input - (N, C, H, W) or unbatched (C, H, W).
 * @param weight - (K, C / groups, kH, kW).
 * @param bias - (K), or null.
 * @param stride - Step between windows (one number, or [sH, sW]).
 * @param padding - Zeros on each side (one number or [pH, pW]), `'valid'` or `'same'` (stride 1).
 * @param dilation - Spacing of the kernel's taps.
 * @param groups - Channel groups (`groups = C` is a depthwise convolution).
 * @returns (N, K, H_out, W_out) (or unbatched), each size floor((n + 2p - d (k - 1) - 1) / s) + 1.
 * @example
 * const x = arange(9).to('float32').reshape([1, 1, 3, 3]);
 * conv2d(x, ones([1, 1, 2, 2])).tolist(); // [[[[8, 12], [20, 24]]]]
 * conv2d(x, ones([1, 1, 3, 3]), null, 1, 1).shape; // [1, 1, 3, 3]
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, stride: SizeN = 1, padding: ConvPadding = 0, dilation: SizeN = 1, groups = 1): Tensor {
  return convNd('conv2d', 2, input, weight, bias, stride, padding, dilation, groups);
}
export type { SizeN } from './windows.js';
