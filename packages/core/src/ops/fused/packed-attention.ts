// packedAttention: multi-head self-attention read straight from the packed in-projection output
// qkv (B, L, 3E), as MultiheadAttention's in_proj_weight produces it in one product. The heads are
// strided views of qkv (no split copies), the backward writes d(qkv) in the same packed layout (no
// three slice scatters and adds), and the CPU runs it as three kernels: the weights, the forward
// and the backward. Its decompositions are the composite attention, which other backends and
// second derivatives use.

import { getBackend } from '../../backend.js';
import { ShapeError, ValueError } from '../../errors.js';
import { isGradEnabled, setGradEnabled } from '../../grad-mode.js';
import { defaultGenerator, type Generator } from '../../rng.js';
import { broadcastShapes, shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { dropout, dropoutOp } from '../composite/dropout.js';
import { keepMask } from '../composite/keep-mask.js';
import { apply, definePrimitive, kernelFor, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';
import { scaledMaskedSoftmax, softmaxBackward } from './attention-softmax.js';

/** @internal packedAttention's resolved options: the kernels read these. */
export type PackedAttentionAttrs = {
  readonly numHeads: number;
  readonly scale: number;
  readonly isCausal: boolean;
  readonly mask: 'none' | 'bool' | 'additive';
  /** The dropout probability; a keep mask input follows the weights when it is > 0. */
  readonly p: number;
};

/** The query, key and value heads (B, H, L, D) of qkv (B, L, 3E): views, no copies. */
function heads(qkv: Tensor, H: number): [Tensor, Tensor, Tensor] {
  const [B, L, E3] = qkv.shape as [number, number, number];
  const E = E3 / 3;
  const part = (i: number) => qkv.slice(2, i * E, (i + 1) * E).reshape([B, L, H, E / H]).transpose(1, 2);
  return [part(0), part(1), part(2)];
}

/** (B, H, L, D) -> (B, L, H D). */
const merge = (t: Tensor): Tensor => t.transpose(1, 2).reshape([t.shape[0]!, t.shape[2]!, -1]);

/** softmax(q k^T scale + mask) (B, H, L, L), as attentionWeights computes it. */
const softmaxOf = (q: Tensor, k: Tensor, m: Tensor | null, { scale, isCausal }: PackedAttentionAttrs): Tensor =>
  scaledMaskedSoftmax(q.matmul(k.mT), { scale, isCausal, attnMask: m });

const dropped = (w: Tensor, keep: Tensor | null, p: number): Tensor => (keep ? apply(dropoutOp, [w, keep], { p }) : w);

/** d(qkv) as ops, from the output gradient g, the heads, the weights w and the keep mask. */
function backwardOf(g: Tensor, q: Tensor, k: Tensor, v: Tensor, w: Tensor, keep: Tensor | null, a: PackedAttentionAttrs): Tensor {
  const gh = g.reshape([g.shape[0]!, g.shape[1]!, a.numHeads, -1]).transpose(1, 2); // (B, H, L, D)
  const ds = softmaxBackward(dropped(gh.matmul(v.mT), keep, a.p), w, -1, { scale: a.scale });
  return cat([merge(ds.matmul(k)), merge(ds.mT.matmul(q)), merge(dropped(w, keep, a.p).mT.matmul(gh))], 2);
}

function checkShapes(op: string, qkv: Tensor, others: { w?: Tensor; keep?: Tensor | null; mask?: Tensor | null }, H: number): void {
  if (qkv.ndim !== 3 || qkv.shape[2]! % (3 * H) !== 0) {
    throw new ShapeError(op, `qkv must be (B, L, 3E) with E divisible by numHeads ${H}`, { qkv: qkv.shape }, 'qkv is the packed in-projection output: queries, then keys, then values');
  }
  const full = [qkv.shape[0]!, H, qkv.shape[1]!, qkv.shape[1]!];
  for (const [name, t] of [['weights', others.w], ['keep', others.keep]] as const) {
    if (t && !shapesEqual(t.shape, full)) throw new ShapeError(op, `${name} must be (B, H, L, L) = [${full.join(', ')}]`, { qkv: qkv.shape, [name]: t.shape });
  }
  const m = others.mask;
  if (m && !shapesEqual(broadcastShapes(op, { scores: full, attnMask: m.shape }), full)) {
    throw new ShapeError(op, `attnMask must broadcast to the scores' shape (B, H, L, L) = [${full.join(', ')}]`, { qkv: qkv.shape, attnMask: m.shape });
  }
}

/** @internal The attention weights of packedAttention. No VJP: inside packedAttention they are an intermediate its VJP accounts for; alone they are differentiated through the decomposition. */
export const packedAttentionWeightsOp: PrimitiveDef<PackedAttentionAttrs> = definePrimitive<PackedAttentionAttrs>({
  name: 'packedAttentionWeights',
  kind: 'other',
  args: ['qkv', 'attnMask'],
  shape: ([qkv, m], { numHeads }) => {
    checkShapes('packedAttention', qkv!, { mask: m }, numHeads);
    return [qkv!.shape[0]!, numHeads, qkv!.shape[1]!, qkv!.shape[1]!];
  },
  dtype: ([qkv]) => floatRule('packedAttention')([qkv!]),
  decompose: ([qkv, m], a) => {
    const [q, k] = heads(qkv!, a.numHeads);
    return softmaxOf(q, k, m ?? null, a);
  },
});

/** @internal The backward of packedAttention: d(qkv) in qkv's packed layout, from the saved weights. */
export const packedAttentionBackwardOp: PrimitiveDef<PackedAttentionAttrs> = definePrimitive<PackedAttentionAttrs>({
  name: 'packedAttentionBackward',
  kind: 'other',
  args: ['grad', 'qkv', 'weights', 'keep'],
  shape: ([g, qkv, w, keep], { numHeads }) => {
    checkShapes('packedAttentionBackward', qkv!, { w, keep }, numHeads);
    const want = [qkv!.shape[0]!, qkv!.shape[1]!, qkv!.shape[2]! / 3];
    if (!shapesEqual(g!.shape, want)) throw new ShapeError('packedAttentionBackward', `grad must be (B, L, E) = [${want.join(', ')}]`, { grad: g!.shape, qkv: qkv!.shape });
    return qkv!.shape;
  },
  dtype: ([g, qkv]) => floatRule('packedAttention')([g!, qkv!]),
  decompose: ([g, qkv, w, keep], a) => {
    const [q, k, v] = heads(qkv!, a.numHeads);
    return backwardOf(g!, q, k, v, w!, keep ?? null, a);
  },
});

/** @internal The primitive behind {@link packedAttention}: inputs qkv, its weights (from packedAttentionWeightsOp), the keep mask if p > 0, the attnMask if any. */
export const packedAttentionOp: PrimitiveDef<PackedAttentionAttrs> = definePrimitive<PackedAttentionAttrs>({
  name: 'packedAttention',
  kind: 'other',
  args: ['qkv', 'weights', 'keep', 'attnMask'],
  shape: (inputs, a) => {
    const [qkv, w, keep, m] = unpack(inputs, a);
    checkShapes('packedAttention', qkv, { w, keep, mask: m }, a.numHeads);
    return [qkv.shape[0]!, qkv.shape[1]!, qkv.shape[2]! / 3];
  },
  dtype: (inputs) => floatRule('packedAttention')([inputs[0]!]),
  save: { inputs: true },
  vjp: (g, { inputs, attrs: a }) => {
    const [qkv, w, keep, m] = unpack(inputs, a);
    const rest = inputs.slice(1).map(() => null);
    if (!isGradEnabled()) return [apply(packedAttentionBackwardOp, keep ? [g, qkv, w, keep] : [g, qkv, w], a), ...rest];
    // backward with createGraph (second derivatives): the weights recomputed from qkv as ops
    const [q, k, v] = heads(qkv, a.numHeads);
    return [backwardOf(g, q, k, v, softmaxOf(q, k, m, a), keep, a), ...rest];
  },
  decompose: (inputs, a) => {
    const [qkv, , keep, m] = unpack(inputs, a);
    const [q, k, v] = heads(qkv, a.numHeads);
    return merge(dropped(softmaxOf(q, k, m, a), keep, a.p).matmul(v));
  },
});

/** [qkv, weights, keep | null, mask | null] from packedAttentionOp's inputs. */
function unpack(inputs: readonly Tensor[], { p, mask }: PackedAttentionAttrs): [Tensor, Tensor, Tensor | null, Tensor | null] {
  return [inputs[0]!, inputs[1]!, p > 0 ? inputs[2]! : null, mask === 'none' ? null : inputs[p > 0 ? 3 : 2]!];
}

/** Options of {@link packedAttention}: scaledDotProductAttention's. */
export interface PackedAttentionOptions {
  /** Bool (true = may attend) or additive float mask, broadcastable to (B, H, L, L). */
  attnMask?: Tensor | null;
  /** Query i attends to keys 0..i only (no mask tensor). Not combined with attnMask. */
  isCausal?: boolean;
  /** Score scale; 1/sqrt(E / numHeads) by default. */
  scale?: number;
  /** Dropout probability on the attention weights (applied whenever > 0, as in PyTorch). */
  dropoutP?: number;
  /** Generator for the dropout mask (default: the global one). */
  generator?: Generator;
}

/**
 * Multi-head self-attention from the packed projection `qkv` (B, L, 3E) — queries, keys and
 * values side by side, as `linear(x, in_proj_weight, in_proj_bias)` gives them — with `numHeads`
 * heads of D = E / numHeads features: per head, scaledDotProductAttention(q, k, v, opts), and
 * the heads concatenated to (B, L, E), what MultiheadAttention feeds its out_proj. The values are
 * those of the composite (split heads, attention, merge heads) and the dropout mask is the one
 * `dropout` would draw for the (B, H, L, L) weights from the same generator. On the CPU it runs as
 * three kernels (the weights, kept for the backward as the composite keeps its softmax; the
 * output; the backward): no copies of the heads, and the gradient arrives as one (B, L, 3E)
 * tensor. A row whose keys are all masked gives NaN, as scaledDotProductAttention does.
 * Gradient: that of the composite (second derivatives through its ops); an additive mask that
 * requires grad runs the composite.
 * @param qkv - The packed projection (B, L, 3E).
 * @param numHeads - H, dividing E.
 * @param opts - `attnMask`, `isCausal`, `scale`, `dropoutP`, `generator`.
 * @returns The heads' outputs, concatenated: (B, L, E).
 * @example packedAttention(ones([2, 5, 24]), 4, { isCausal: true }).shape; // [2, 5, 8]
 */
export function packedAttention(qkv: Tensor, numHeads: number, opts: PackedAttentionOptions = {}): Tensor {
  const { attnMask = null, dropoutP: p = 0 } = opts;
  if (!(p >= 0 && p <= 1)) throw new ValueError('packedAttention', `dropoutP must be in [0, 1], got ${p}`);
  const a = resolve(qkv, numHeads, opts, p === 1 ? 0 : p);
  const backend = getBackend(qkv.device);
  const dtype = packedAttentionOp.dtype([qkv], a);
  if (p === 1 || attnMask?.requiresGrad || !kernelFor(packedAttentionOp, backend, dtype) || !kernelFor(packedAttentionWeightsOp, backend, dtype)) {
    // no fused kernels here, every weight dropped (dropout gives x * 0), or a mask to differentiate: the composite
    const [q, k, v] = heads(qkv, numHeads);
    return merge(dropout(softmaxOf(q, k, attnMask, a), p, true, { generator: opts.generator }).matmul(v));
  }
  const was = setGradEnabled(false); // the weights are an intermediate of packedAttentionOp, not a node of their own
  let w: Tensor;
  try {
    w = apply(packedAttentionWeightsOp, attnMask ? [qkv, attnMask] : [qkv], a);
  } finally {
    setGradEnabled(was);
  }
  const inputs = [qkv, w];
  if (p > 0) inputs.push(keepMask(w.shape, w.numel(), p, opts.generator ?? defaultGenerator, qkv.device));
  if (attnMask) inputs.push(attnMask);
  return apply(packedAttentionOp, inputs, a);
}

/** Checks the head count and shapes (see checkShapes); returns the score scale, `scale` or 1/sqrt(D). */
function checkHeads(op: string, qkv: Tensor, numHeads: number, others: Parameters<typeof checkShapes>[2], scale: number | undefined): number {
  if (!Number.isInteger(numHeads) || numHeads <= 0) throw new ValueError(op, `numHeads must be a positive integer, got ${numHeads}`);
  checkShapes(op, qkv, others, numHeads);
  return scale ?? 1 / Math.sqrt(qkv.shape[2]! / 3 / numHeads);
}

/** Checks packedAttention's arguments and resolves its attrs (dropout probability `p`). */
function resolve(qkv: Tensor, numHeads: number, opts: PackedAttentionWeightsOptions, p: number): PackedAttentionAttrs {
  const { attnMask = null, isCausal = false } = opts;
  if (isCausal && attnMask) throw new ValueError('packedAttention', 'give either attnMask or isCausal, not both');
  const scale = checkHeads('packedAttention', qkv, numHeads, { mask: attnMask }, opts.scale);
  const mask = !attnMask ? 'none' : attnMask.dtype === 'bool' ? 'bool' : 'additive';
  return { numHeads, scale, isCausal, mask, p };
}

/** Options of {@link packedAttentionWeights}. */
export interface PackedAttentionWeightsOptions {
  /** Bool (true = may attend) or additive float mask, broadcastable to (B, H, L, L). */
  attnMask?: Tensor | null;
  /** Query i attends to keys 0..i only. Not combined with attnMask. */
  isCausal?: boolean;
  /** Score scale; 1/sqrt(E / numHeads) by default. */
  scale?: number;
}

/**
 * The attention weights of {@link packedAttention}, before dropout: softmax(q k^T scale + mask)
 * per head, from the packed projection `qkv` (B, L, 3E), as one kernel on the CPU (the heads read
 * in place). Gradient: through its decomposition (the split heads, matmul and fused softmax).
 * @param qkv - The packed projection (B, L, 3E).
 * @param numHeads - H, dividing E.
 * @param opts - `attnMask`, `isCausal`, `scale`.
 * @returns The weights (B, H, L, L); each unmasked row sums to 1.
 * @example packedAttentionWeights(ones([1, 2, 6]), 2, { isCausal: true }).tolist(); // [[[[1, 0], [0.5, 0.5]], [[1, 0], [0.5, 0.5]]]]
 */
export function packedAttentionWeights(qkv: Tensor, numHeads: number, opts: PackedAttentionWeightsOptions = {}): Tensor {
  const { attnMask = null } = opts;
  return apply(packedAttentionWeightsOp, attnMask ? [qkv, attnMask] : [qkv], resolve(qkv, numHeads, opts, 0));
}

/**
 * The gradient of {@link packedAttention} with respect to `qkv`, from the output gradient and the
 * weights it used ({@link packedAttentionWeights}), in qkv's packed (B, L, 3E) layout: per head
 * dv = wd^T g, ds = scale w (dwd - sum(dwd w)) with dwd = g v^T (both through the keep mask's
 * dropout when given), dq = ds k and dk = ds^T q. One kernel on the CPU.
 * Gradient (second order): through those formulas' ops.
 * @param grad - The output gradient (B, L, E).
 * @param qkv - The packed projection (B, L, 3E).
 * @param weights - Its attention weights (B, H, L, L), before dropout.
 * @param numHeads - H, dividing E.
 * @param opts - `scale` (1/sqrt(E / numHeads) by default); `keep` (the bool (B, H, L, L) dropout mask) with `dropoutP`.
 * @returns d(qkv) (B, L, 3E).
 * @example packedAttentionBackward(ones([1, 2, 2]), ones([1, 2, 6]), full([1, 1, 2, 2], 0.5), 1).shape; // [1, 2, 6]
 */
export function packedAttentionBackward(grad: Tensor, qkv: Tensor, weights: Tensor, numHeads: number, opts: { scale?: number; keep?: Tensor | null; dropoutP?: number } = {}): Tensor {
  const { keep = null, dropoutP: p = 0 } = opts;
  if (keep && !(p > 0 && p < 1)) throw new ValueError('packedAttentionBackward', `a keep mask needs dropoutP in (0, 1), got ${p}`);
  const scale = checkHeads('packedAttentionBackward', qkv, numHeads, { w: weights, keep }, opts.scale);
  const a: PackedAttentionAttrs = { numHeads, scale, isCausal: false, mask: 'none', p: keep ? p : 0 };
  return apply(packedAttentionBackwardOp, keep ? [grad, qkv, weights, keep] : [grad, qkv, weights], a);
}
