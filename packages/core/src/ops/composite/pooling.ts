// maxPool1d/2d and avgPool1d/2d (torch.nn.functional's), as a reduction over the input's sliding
// windows (windows.ts): max takes the first largest value of each window (its gradient goes to that
// one element, as PyTorch's), avg sums each window and divides by PyTorch's divisor.

import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { fromArray } from '../creation.js';
import { gather } from '../indexing/gather.js';
import { argmax } from '../reduce/argmax.js';
import { pad } from './pad.js';
import { batched, checkOutput, outLength, perDim, windows, type SizeN } from './windows.js';

interface Geometry { x: Tensor; batched: boolean; k: number[]; s: number[]; p: number[]; d: number[]; out: number[] }

function geometry(op: string, nd: number, input: Tensor, kernelSize: SizeN, stride: SizeN | null | undefined, padding: SizeN, dilation: SizeN, ceilMode: boolean): Geometry {
  const { x, batched: b } = batched(op, input, nd);
  const k = perDim(op, 'kernelSize', kernelSize, nd);
  const s = stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? k : perDim(op, 'stride', stride, nd);
  const p = perDim(op, 'padding', padding, nd, 0);
  const d = perDim(op, 'dilation', dilation, nd);
  if (p.some((v, j) => v > k[j]! / 2)) {
    throw new ValueError(op, `padding [${p.join(', ')}] must be at most half the kernel size [${k.join(', ')}]`, { input: input.shape });
  }
  const out = k.map((kk, j) => outLength(x.shape[2 + j]!, kk, s[j]!, p[j]!, d[j]!, ceilMode));
  checkOutput(op, input, out);
  return { x, batched: b, k, s, p, d, out };
}

// pads p on each side, plus on the right what ceil mode's last windows reach past it
function padded(g: Geometry, value: number): Tensor {
  const pairs = g.k.map((kk, j) => {
    const need = (g.out[j]! - 1) * g.s[j]! + g.d[j]! * (kk - 1) + 1;
    const n = g.x.shape[2 + j]!;
    return [g.p[j]!, Math.max(g.p[j]!, need - n - g.p[j]!)];
  });
  return pairs.some(([l, r]) => l! > 0 || r! > 0) ? pad(g.x, pairs.reverse().flat(), 'constant', value) : g.x;
}

function maxPoolNd(op: string, nd: number, input: Tensor, kernelSize: SizeN, stride: SizeN | null | undefined, padding: SizeN, dilation: SizeN,
  ceilMode: boolean, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const g = geometry(op, nd, input, kernelSize, stride, padding, dilation, ceilMode);
  const win = windows(padded(g, -Infinity), g.k, g.s, g.d, g.out).flatten(2, 1 + nd); // [N, C, kk, *out]
  const at = argmax(win, 2, true);
  const unbatch = (t: Tensor) => (g.batched ? t : t.squeeze(0));
  const values = unbatch(gather(win, 2, at).squeeze(2));
  if (!returnIndices) return values;
  // each window element's flat index into the input's spatial dims (PyTorch's return_indices)
  const kk = g.k.reduce((a, b) => a * b, 1);
  const positions = g.out.reduce((a, b) => a * b, 1);
  const table = new Int32Array(kk * positions);
  const sizes = g.x.shape.slice(2);
  for (let w = 0; w < kk; w++) {
    for (let o = 0; o < positions; o++) {
      let flat = 0;
      for (let j = 0, wr = w, or = o, wDiv = kk, oDiv = positions; j < nd; j++) {
        wDiv /= g.k[j]!;
        oDiv /= g.out[j]!;
        const kj = Math.floor(wr / wDiv);
        const oj = Math.floor(or / oDiv);
        wr -= kj * wDiv;
        or -= oj * oDiv;
        flat = flat * sizes[j]! + oj * g.s[j]! - g.p[j]! + kj * g.d[j]!;
      }
      table[w * positions + o] = flat;
    }
  }
  const pos = fromArray(table, [1, 1, kk, ...g.out], { device: input.device }).expand(win.shape);
  return [values, unbatch(gather(pos, 2, at).squeeze(2))];
}

// PyTorch's avg-pool divisor along one dim, per output position
function divisors(n: number, k: number, s: number, p: number, out: number, countIncludePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * s - p;
    const end = Math.min(start + k, n + p);
    return countIncludePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  });
}

function avgPoolNd(op: string, nd: number, input: Tensor, kernelSize: SizeN, stride: SizeN | null | undefined, padding: SizeN,
  ceilMode: boolean, countIncludePad: boolean, divisorOverride?: number): Tensor {
  const g = geometry(op, nd, input, kernelSize, stride, padding, 1, ceilMode);
  const sums = windows(padded(g, 0), g.k, g.s, g.d, g.out).sum(g.k.map((_, j) => 2 + j)); // over the kernel dims
  let y: Tensor;
  if (divisorOverride !== undefined) {
    if (!(divisorOverride !== 0 && Number.isFinite(divisorOverride))) throw new ValueError(op, `divisorOverride must be a non-zero number, got ${divisorOverride}`);
    y = sums.div(divisorOverride);
  } else {
    const per = g.k.map((kk, j) => divisors(g.x.shape[2 + j]!, kk, g.s[j]!, g.p[j]!, g.out[j]!, countIncludePad));
    const table = nd === 1 ? per[0]! : per[0]!.flatMap((a) => per[1]!.map((b) => a * b));
    y = sums.div(fromArray(Float64Array.from(table), g.out, { device: input.device, dtype: input.dtype }));
  }
  return g.batched ? y : y.squeeze(0);
}

/**
 * 1-d max pooling (torch.nn.functional.max_pool1d) over (N, C, L) or (C, L); padding counts as
 * -infinity. Gradient: to the first largest element of each window (PyTorch's choice on ties).
 * @param input - (N, C, L) or (C, L).
 * @param kernelSize - Window length.
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - -infinity on each side, at most half the kernel.
 * @param dilation - Spacing of the window's taps.
 * @param ceilMode - Round the output length up (a last partial window), as PyTorch.
 * @param returnIndices - false (the default): no indices; true would also return each maximum's index into the input's length (int32).
 * @returns The pooled tensor.
 * @example maxPool1d(tensor([[1, 3, 2, 5, 4]]), 2).tolist(); // [[3, 5]]
 */
export function maxPool1d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding?: SizeN, dilation?: SizeN, ceilMode?: boolean, returnIndices?: false): Tensor;
/**
 * 1-d max pooling (torch.nn.functional.max_pool1d) over (N, C, L) or (C, L); padding counts as
 * -infinity. Gradient: to the first largest element of each window (PyTorch's choice on ties).
 * @param input - (N, C, L) or (C, L).
 * @param kernelSize - Window length.
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - -infinity on each side, at most half the kernel.
 * @param dilation - Spacing of the window's taps.
 * @param ceilMode - Round the output length up (a last partial window), as PyTorch.
 * @param returnIndices - true: also return each maximum's index into the input's length (int32).
 * @returns The pair of the pooled values and each maximum's flat index (int32).
 * @example maxPool1d(tensor([[1, 3, 2, 5, 4]]), 2, null, 0, 1, false, true)[1].tolist(); // [[1, 3]]
 */
export function maxPool1d(input: Tensor, kernelSize: SizeN, stride: SizeN | null | undefined, padding: SizeN, dilation: SizeN, ceilMode: boolean, returnIndices: true): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding: SizeN = 0, dilation: SizeN = 1, ceilMode = false, returnIndices = false): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, stride, padding, dilation, ceilMode, returnIndices);
}

/**
 * 2-d max pooling (torch.nn.functional.max_pool2d) over (N, C, H, W) or (C, H, W); padding counts
 * as -infinity. Gradient: to the first largest element of each window in row-major order.
 * @param input - (N, C, H, W) or (C, H, W).
 * @param kernelSize - Window size (one number or [kH, kW]).
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - -infinity on each side, at most half the kernel.
 * @param dilation - Spacing of the window's taps.
 * @param ceilMode - Round output sizes up, as PyTorch.
 * @param returnIndices - false (the default): no indices; true would also return each maximum's flat index into H * W (int32), as PyTorch.
 * @returns The pooled tensor.
 * @example
 * maxPool2d(tensor([[[1, 2], [4, 3]]]), 2).tolist(); // [[[4]]]
 */
export function maxPool2d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding?: SizeN, dilation?: SizeN, ceilMode?: boolean, returnIndices?: false): Tensor;
/**
 * 2-d max pooling (torch.nn.functional.max_pool2d) over (N, C, H, W) or (C, H, W); padding counts
 * as -infinity. Gradient: to the first largest element of each window in row-major order.
 * @param input - (N, C, H, W) or (C, H, W).
 * @param kernelSize - Window size (one number or [kH, kW]).
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - -infinity on each side, at most half the kernel.
 * @param dilation - Spacing of the window's taps.
 * @param ceilMode - Round output sizes up, as PyTorch.
 * @param returnIndices - true: also return each maximum's flat index into H * W (int32), as PyTorch.
 * @returns The pair of the pooled values and each maximum's flat index (int32).
 * @example
 * maxPool2d(tensor([[[1, 2], [4, 3]]]), 2, null, 0, 1, false, true)[1].tolist(); // [[[2]]]
 */
export function maxPool2d(input: Tensor, kernelSize: SizeN, stride: SizeN | null | undefined, padding: SizeN, dilation: SizeN, ceilMode: boolean, returnIndices: true): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding: SizeN = 0, dilation: SizeN = 1, ceilMode = false, returnIndices = false): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, stride, padding, dilation, ceilMode, returnIndices);
}

/**
 * 1-d average pooling (torch.nn.functional.avg_pool1d) over (N, C, L) or (C, L). The divisor is
 * the window's size, its part inside the input when `countIncludePad` is false, and clipped at the
 * padded end in ceil mode, as PyTorch. Gradient: g divided by the divisor, spread over each window.
 * @param input - (N, C, L) or (C, L).
 * @param kernelSize - Window length.
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - Zeros on each side, at most half the kernel.
 * @param ceilMode - Round the output length up.
 * @param countIncludePad - Count padded zeros in the divisor (default true).
 * @returns The pooled tensor.
 * @example avgPool1d(tensor([[1, 3, 2, 6]]), 2).tolist(); // [[2, 4]]
 */
export function avgPool1d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding: SizeN = 0, ceilMode = false, countIncludePad = true): Tensor {
  return avgPoolNd('avgPool1d', 1, input, kernelSize, stride, padding, ceilMode, countIncludePad);
}

/**
 * 2-d average pooling (torch.nn.functional.avg_pool2d) over (N, C, H, W) or (C, H, W), with
 * PyTorch's divisor rules (`countIncludePad`, ceil mode, `divisorOverride`). Gradient: g divided
 * by the divisor, spread over each window.
 * @param input - (N, C, H, W) or (C, H, W).
 * @param kernelSize - Window size (one number or [kH, kW]).
 * @param stride - Step between windows (default: the kernel size).
 * @param padding - Zeros on each side, at most half the kernel.
 * @param ceilMode - Round output sizes up.
 * @param countIncludePad - Count padded zeros in the divisor (default true).
 * @param divisorOverride - Divide every window's sum by this instead.
 * @returns The pooled tensor.
 * @example
 * avgPool2d(tensor([[[1, 2], [3, 6]]]), 2).tolist(); // [[[3]]]
 * avgPool2d(tensor([[[4]]]), 3, 1, 1, false, false).tolist(); // [[[4]]]
 */
export function avgPool2d(input: Tensor, kernelSize: SizeN, stride?: SizeN | null, padding: SizeN = 0, ceilMode = false, countIncludePad = true, divisorOverride?: number): Tensor {
  return avgPoolNd('avgPool2d', 2, input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
}
