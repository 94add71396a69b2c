// packedAttention's weights, forward and backward on the CPU: the composite's own kernels (batched
// matmul, the fused masked softmax, dropout, softmaxBackward) run back to back on strided views of
// qkv, with no autograd nodes, no head-split copies and no slice scatters; the products that end
// in heads write them straight into (B, L, H D) or (B, L, 3E) (the wasm GEMM's row stride per
// matrix). The same products in the same order as the composite, so the same bits.
// Intermediates go back to the memory pool at once.

import type { Attrs, Kernel, KernelInput, Storage } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { PackedAttentionAttrs } from '../../ops/fused/packed-attention.js';
import { contiguousStrides } from '../../shape.js';
import { gatherStrided, scatterStrided } from '../../strided.js';
import { scaledMaskedSoftmaxKernel, softmaxBackwardKernel } from './attention-softmax.js';
import { dropoutKernel } from './dropout.js';
import { matmulKernel, productsInto } from './matmul.js';
import { allocOut } from './reuse.js';
import { type CpuStorage, dataOf, wrap } from './storage.js';

/** A contiguous view of a kernel's result. */
const whole = (storage: Storage, shape: readonly number[], dtype: DType): KernelInput => ({ storage, shape, strides: contiguousStrides(shape), offset: 0, dtype });

/** The last two dims swapped (a transpose, no copy). */
function mT(x: KernelInput): KernelInput {
  const r = x.shape.length;
  const swap = <T>(a: readonly T[]) => [...a.slice(0, r - 2), a[r - 1]!, a[r - 2]!];
  return { ...x, shape: swap(x.shape), strides: swap(x.strides) };
}

/** Part `i` of the last dim of x (B, L, parts E) as heads (B, H, L, D), a view. */
function headsOf(x: KernelInput, H: number, parts: number, i: number): KernelInput {
  const [B, L, W] = x.shape as [number, number, number];
  const D = W / parts / H;
  const [sb, sl, se] = x.strides as [number, number, number];
  return { ...x, shape: [B, H, L, D], strides: [sb, D * se, sl, se], offset: x.offset + i * H * D * se };
}

/** Where head (b, h) of a (B, H, L, D) product starts in a (B, L, W) layout, at column `col`. */
function headOffsets(B: number, H: number, L: number, D: number, W: number, col: number): Int32Array {
  const at = new Int32Array(B * H);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) at[b * H + h] = b * L * W + col + h * D;
  return at;
}

const free = (s: Storage): void => (s as CpuStorage).release(); // back to the pool (a no-op without memory reuse)

/** The weights softmax(q k^T scale + mask) (B, H, L, L) of qkv (inputs: qkv, attnMask if any). */
export const packedAttentionWeightsKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const a = attrs as PackedAttentionAttrs;
  const { shape, dtype } = out;
  const qkv = inputs[0]!;
  const scores = matmulKernel([headsOf(qkv, a.numHeads, 3, 0), mT(headsOf(qkv, a.numHeads, 3, 1))], out, {});
  const sc = whole(scores, shape, dtype);
  const w = scaledMaskedSoftmaxKernel(a.mask === 'none' ? [sc] : [sc, inputs[1]!], out, { scale: a.scale, isCausal: a.isCausal, mask: a.mask });
  free(scores);
  return w;
};

/** The weights after dropout (w itself without it). */
function dropped(w: KernelInput, keep: KernelInput | undefined, p: number): KernelInput {
  return keep ? whole(dropoutKernel([w, keep], w, { p }), w.shape, w.dtype) : w;
}

/** y (B, L, E) = the heads' attention outputs, concatenated (inputs: qkv, weights, keep if p > 0). */
export const packedAttentionKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const a = attrs as PackedAttentionAttrs;
  const [qkv, w] = [inputs[0]!, inputs[1]!];
  const { dtype } = out;
  const [B, L, E] = out.shape as [number, number, number];
  const [H, D] = [a.numHeads, E / a.numHeads];
  const wd = dropped(w, a.p > 0 ? inputs[2] : undefined, a.p);
  const v = headsOf(qkv, H, 3, 2);
  const res = allocOut(dtype, B * L * E, false); // every element is written
  if (!productsInto([{ a: wd, b: v, batch: [B, H], at: headOffsets(B, H, L, D, E, 0), ldc: E }], res, dtype)) {
    const y = matmulKernel([wd, v], { shape: [B, H, L, D], dtype }, {});
    gatherStrided(dataOf(y), [B, L, H, D], [H * L * D, D, L * D, 1], 0, res); // (B, H, L, D) read as (B, L, H, D)
    free(y);
  }
  if (wd !== w) free(wd.storage);
  return wrap(res, dtype);
};

/** d(qkv) (B, L, 3E) from the output gradient g (B, L, E) (inputs: g, qkv, weights, keep if p > 0). */
export const packedAttentionBackwardKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const a = attrs as PackedAttentionAttrs;
  const [g, qkv, w] = [inputs[0]!, inputs[1]!, inputs[2]!];
  const keep = a.p > 0 ? inputs[3] : undefined;
  const { dtype } = out;
  const [B, L, E3] = out.shape as [number, number, number];
  const [H, D] = [a.numHeads, E3 / 3 / a.numHeads];
  const [q, k, v] = [0, 1, 2].map((i) => headsOf(qkv, H, 3, i)) as [KernelInput, KernelInput, KernelInput];
  const gh = headsOf(g, H, 1, 0); // (B, H, L, D) view of g
  const shape = w.shape;
  const wd = dropped(w, keep, a.p);
  let dw = matmulKernel([gh, mT(v)], { shape, dtype }, {}); // d(wd)
  if (keep) {
    const dwd = dw;
    dw = dropoutKernel([whole(dwd, shape, dtype), keep], { shape, dtype }, { p: a.p });
    free(dwd);
  }
  const ds = softmaxBackwardKernel([whole(dw, shape, dtype), w], { shape, dtype }, { dim: 3, scale: a.scale });
  free(dw);
  // dq = ds k, dk = ds^T q, dv = wd^T g, each into its third of (B, L, 3E)
  const dsIn = whole(ds, shape, dtype);
  const parts: [KernelInput, KernelInput][] = [[dsIn, k], [mT(dsIn), q], [mT(wd), gh]];
  const res = allocOut(dtype, B * L * E3, false); // every element is written
  if (!productsInto(parts.map(([x, y], i) => ({ a: x, b: y, batch: [B, H], at: headOffsets(B, H, L, D, E3, i * H * D), ldc: E3 })), res, dtype)) {
    parts.forEach(([x, y], i) => {
      const d = matmulKernel([x, y], { shape: [B, H, L, D], dtype }, {});
      scatterStrided(res, [B, H, L, D], [L * E3, D, E3, 1], i * H * D, dataOf(d), [H * L * D, L * D, D, 1], 0); // into part i of (B, L, 3E)
      free(d);
    });
  }
  free(ds);
  if (wd !== w) free(wd.storage);
  return wrap(res, dtype);
};
