// MultiheadAttention as torch.nn.MultiheadAttention: packed in_proj_weight (or q/k/v_proj_weight),
// out_proj, PyTorch's mask rules, per-head or averaged weights, plus a KV cache and optional RoPE.

import { ShapeError, type Tensor, ValueError, attentionWeights, cat, dropout, linear, linearDynamicInt8, packedAttention, zeros } from '@tsgrad/core';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { type Buffer, Parameter } from '../parameter.js';
import type { KVCache } from './kv-cache.js';
import { mergeMasks } from './masks.js';
import type { RotaryEmbedding } from './rotary.js';

/** Constructor options of MultiheadAttention (PyTorch's defaults). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases in the in- and out-projections (default true). */
  bias?: boolean;
  /** Learn one extra key and value appended to the sequence (default false). */
  addBiasKv?: boolean;
  /** Key features (default embedDim); with vdim, separate q/k/v_proj_weight when they differ. */
  kdim?: number;
  /** Value features (default embedDim). */
  vdim?: number;
  /** Inputs and outputs are (B, T, E) instead of (T, B, E) (default false). */
  batchFirst?: boolean;
}

/** Options of MultiheadAttention.forward (PyTorch's keyword arguments, plus cache and rope). */
export interface AttentionForwardOptions {
  /** (B, S): bool true = ignore that key, or float added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (B*H, L, S): bool true = may NOT attend, or float added to the scores. */
  attnMask?: Tensor | null;
  /** Average the weights over heads (default true), else per head. */
  averageAttnWeights?: boolean;
  /** Causal attention; builds the mask when attnMask is not given. */
  isCausal?: boolean;
  /** Self-attention decoding: appends this step's keys/values and attends over the cached ones too. */
  cache?: KVCache;
  /**
   * Cross-attention decoding over a fixed `key`/`value` (an encoder's memory): an empty cache gets
   * their projections on the first call; later calls attend over the stored ones and skip the
   * projection (`key` and `value` are then not read, and may have another batch size than `query`).
   * Its batch rows may be reordered between calls (beam search), as a `cache`'s may.
   */
  staticKv?: KVCache;
  /** Rotates queries and keys per head (positions offset by the cache length). */
  rope?: RotaryEmbedding;
}

/**
 * Multi-head attention (Vaswani et al. 2017, section 3.2.2), as torch.nn.MultiheadAttention:
 * softmax(Q K^T / sqrt(D) + mask) V per head, heads concatenated and projected by `out_proj`.
 * Parameters and state-dict keys are PyTorch's: `in_proj_weight` (3E, E) and `in_proj_bias` (3E),
 * or `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when kdim/vdim differ from E,
 * `bias_k`/`bias_v` (1, 1, E) with addBiasKv, and `out_proj.weight`/`out_proj.bias`.
 * Initialised as PyTorch: xavier_uniform_ in-projections, zero biases, xavier_normal_ bias_k/v.
 * `forward` returns `[output, weights | null]`.
 *
 * # Shapes
 * - query: (L, B, E), or (B, L, E) with batchFirst, or (L, E) unbatched
 * - key: (S, B, kdim); value: (S, B, vdim) (batch-first / unbatched alike)
 * - output: like query; weights: (B, L, S) averaged or (B, H, L, S) per head, (L, S) / (H, L, S) unbatched
 *
 * @example
 * const mha = new MultiheadAttention(8, 2, { batchFirst: true });
 * const x = randn([3, 5, 8]);
 * const [y, w] = mha.forward(x, x, x, { isCausal: true });
 * y.shape;  // [3, 5, 8]
 * w!.shape; // [3, 5, 5] (averaged over heads)
 */
export class MultiheadAttention extends Module {
  /** Packed Q, K, V projection (3E, E), when kdim = vdim = E. */
  in_proj_weight: Parameter | null = null;
  /** Query projection (E, E), when kdim or vdim differ from E. */
  q_proj_weight: Parameter | null = null;
  /** Key projection (E, kdim), when kdim or vdim differ from E. */
  k_proj_weight: Parameter | null = null;
  /** Value projection (E, vdim), when kdim or vdim differ from E. */
  v_proj_weight: Parameter | null = null;
  /** Packed Q, K, V bias (3E), or null without bias. */
  in_proj_bias: Parameter | null = null;
  /** The packed projection as int8 values (3E, E), set by `quantizeDynamic` in place of `in_proj_weight`. */
  in_proj_weight_int8: Buffer | null = null;
  /** Its float32 scale per output row (3E), with `in_proj_weight_int8`. */
  in_proj_weight_scale: Buffer | null = null;
  /** Output projection E -> E. */
  out_proj: Linear;
  /** Extra key (1, 1, E) with addBiasKv. */
  bias_k: Parameter | null = null;
  /** Extra value (1, 1, E) with addBiasKv. */
  bias_v: Parameter | null = null;
  /** Key features. */
  readonly kdim: number;
  /** Value features. */
  readonly vdim: number;
  /** Features per head, D = E / H. */
  readonly headDim: number;
  /** Dropout on the attention weights in training. */
  readonly dropout: number;
  /** Inputs and outputs are (B, T, E). */
  readonly batchFirst: boolean;

  /**
   * @param embedDim - Model width E (a multiple of numHeads).
   * @param numHeads - Number of heads H.
   * @param opts - `dropout`, `bias`, `addBiasKv`, `kdim`, `vdim`, `batchFirst`.
   */
  constructor(readonly embedDim: number, readonly numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const { dropout: p = 0, bias = true, addBiasKv = false, batchFirst = false } = opts;
    if (!Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
      throw new ValueError('MultiheadAttention', `embedDim must be divisible by numHeads (got embedDim ${embedDim}, numHeads ${numHeads})`);
    }
    if (!(p >= 0 && p <= 1)) throw new ValueError('MultiheadAttention', `dropout must be in [0, 1], got ${p}`);
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.batchFirst = batchFirst;
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) {
      this.in_proj_weight = new Parameter(zeros([3 * E, E]));
    } else {
      this.q_proj_weight = new Parameter(zeros([E, E]));
      this.k_proj_weight = new Parameter(zeros([E, this.kdim]));
      this.v_proj_weight = new Parameter(zeros([E, this.vdim]));
    }
    if (bias) this.in_proj_bias = new Parameter(zeros([3 * E]));
    this.out_proj = new Linear(E, E, { bias });
    if (addBiasKv) {
      this.bias_k = new Parameter(zeros([1, 1, E]));
      this.bias_v = new Parameter(zeros([1, 1, E]));
    }
    this.resetParameters();
  }

  /** PyTorch's MultiheadAttention._reset_parameters (out_proj.weight keeps Linear's init). */
  resetParameters(): void {
    if (this.in_proj_weight) xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) xavierUniform_(w!);
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  private checkInputs(query: Tensor, key: Tensor, value: Tensor): void {
    const shapes = { query: query.shape, key: key.shape, value: value.shape };
    const op = 'MultiheadAttention';
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(op, 'query, key and value must all be 3-D (batched) or all 2-D (unbatched)', shapes);
    }
    const last = (t: Tensor) => t.shape[t.ndim - 1];
    if (last(query) !== this.embedDim) throw new ShapeError(op, `was expecting embedding dimension of ${this.embedDim}, but got ${last(query)}`, shapes);
    if (last(key) !== this.kdim || last(value) !== this.vdim) {
      throw new ShapeError(op, `key and value must have kdim ${this.kdim} and vdim ${this.vdim} features`, shapes);
    }
    const seq = this.batchFirst && query.ndim === 3 ? 1 : 0;
    if (key.shape[seq] !== value.shape[seq] || key.shape.some((s, i) => i !== seq && i !== key.ndim - 1 && (s !== value.shape[i] || s !== query.shape[i]))) {
      throw new ShapeError(op, 'key and value must have the same sequence length, and query, key and value the same batch size', shapes);
    }
  }

  /** Q, K, V projections, each (B, T, E), by the chunks of the packed weight when there is one; a null input gets a null projection. */
  private inProjection(q: Tensor, k: Tensor | null, v: Tensor | null): [Tensor, Tensor | null, Tensor | null] {
    const b = this.in_proj_bias ? this.in_proj_bias.chunk(3, 0) : [null, null, null];
    let project: (x: Tensor, i: number) => Tensor;
    if (this.in_proj_weight_int8) {
      // int8 (inference only): one product per third of the weight, so each output is contiguous
      // (slicing one (B, L, 3E) product would make the head split below copy it)
      const [ws, ss] = [this.in_proj_weight_int8.chunk(3, 0), this.in_proj_weight_scale!.chunk(3, 0)];
      project = (x, i) => linearDynamicInt8(x, ws[i]!, ss[i]!, b[i]);
    } else if (this.in_proj_weight) {
      // NOTE: one matmul per chunk even for self-attention: slicing one (B, L, 3E) product instead
      // would cost three full-size scatters and two adds of (B, L, 3E) in the backward
      const w = this.in_proj_weight.chunk(3, 0);
      project = (x, i) => linear(x, w[i]!, b[i]);
    } else {
      const w = [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
      project = (x, i) => linear(x, w[i]!, b[i]);
    }
    return [project(q, 0), k && project(k, 1), v && project(v, 2)];
  }

  /**
   * Attends from `query` over `key`/`value` (self-attention: pass the same tensor three times).
   * Self-attention with the packed `in_proj_weight` and `needWeights: false` (as the Transformer
   * layers call it; no cache, rope, staticKv or addBiasKv) projects Q, K and V with one product and
   * runs `packedAttention` (core) on it: the same values, without copies of the heads.
   * @param query - (L, B, E), (B, L, E) with batchFirst, or (L, E).
   * @param key - (S, B, kdim), batch-first or unbatched alike.
   * @param value - (S, B, vdim), batch-first or unbatched alike.
   * @param opts - Masks, `needWeights`, `averageAttnWeights`, `isCausal`, `cache`, `rope`.
   * @returns `[output like query, weights]`: weights (B, L, S) averaged over heads, (B, H, L, S) per head with `averageAttnWeights: false`, or null with `needWeights: false`.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts: AttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const { needWeights = true, averageAttnWeights = true, cache, rope, staticKv } = opts;
    const reuse = !!staticKv?.key && !!staticKv.value; // projected keys/values are stored: key/value are not read
    this.checkInputs(query, reuse ? query : key, reuse ? query : value);
    if (staticKv && (cache || rope || this.bias_k)) throw new ValueError('MultiheadAttention', 'staticKv (fixed cross-attention keys) cannot be combined with cache, rope or addBiasKv');
    const batched = query.ndim === 3;
    const toBTE = (x: Tensor) => (!batched ? x.unsqueeze(0) : this.batchFirst ? x : x.transpose(0, 1)); // -> (B, T, E)
    const q = toBTE(query);
    const [B, L] = [q.shape[0]!, q.shape[1]!];
    const [E, H, D] = [this.embedDim, this.numHeads, this.headDim];
    const heads = (x: Tensor) => x.reshape([x.shape[0]!, x.shape[1]!, H, D]).transpose(1, 2); // (B, T, E) -> (B, H, T, D)
    const kpm = opts.keyPaddingMask && !batched ? opts.keyPaddingMask.unsqueeze(0) : opts.keyPaddingMask; // (B, S)
    const p = this.training ? this.dropout : 0;
    if (query === key && key === value && this.in_proj_weight && !needWeights && !cache && !rope && !staticKv && !this.bias_k && !opts.attnMask?.requiresGrad && !kpm?.requiresGrad) {
      // self-attention: one product for Q, K and V, and the heads read from it in place (packedAttention)
      const causal = !!opts.isCausal && !opts.attnMask && !kpm;
      const mask = causal ? null : mergeMasks({ attnMask: opts.attnMask, keyPaddingMask: kpm, isCausal: opts.isCausal, B, H, L, S: L, dtype: q.dtype, device: q.device, op: 'MultiheadAttention' });
      const y = packedAttention(linear(q, this.in_proj_weight, this.in_proj_bias), H, { attnMask: mask, isCausal: causal, dropoutP: p });
      const out = this.out_proj.forward(y);
      return [!batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1), null];
    }
    let qh: Tensor, kh: Tensor, vh: Tensor;
    if (reuse) {
      if (staticKv.key!.shape[0] !== B) throw new ShapeError('MultiheadAttention', `staticKv holds keys for a batch of ${staticKv.key!.shape[0]}, the query has ${B} rows`, { query: query.shape, staticKey: staticKv.key!.shape });
      qh = heads(this.inProjection(q, null, null)[0]);
      [kh, vh] = [staticKv.key!, staticKv.value!];
    } else {
      let [qp, kp, vp] = this.inProjection(q, toBTE(key), toBTE(value)) as [Tensor, Tensor, Tensor]; // (B, L, E), (B, S, E), (B, S, E)
      if (this.bias_k && this.bias_v) {
        if (cache) throw new ValueError('MultiheadAttention', 'addBiasKv cannot be combined with a KV cache');
        kp = cat([kp, this.bias_k.expand([B, 1, E])], 1); // (B, S+1, E)
        vp = cat([vp, this.bias_v.expand([B, 1, E])], 1);
      }
      [qh, kh, vh] = [heads(qp), heads(kp), heads(vp)];
      if (staticKv) [staticKv.key, staticKv.value] = [kh, vh];
    }
    const offset = cache ? cache.length : 0;
    if (rope) {
      qh = rope.forward(qh, offset);
      kh = rope.forward(kh, offset);
    }
    if (cache) {
      if (cache.key && cache.value) {
        kh = cat([cache.key, kh], 2); // (B, H, offset + S, D)
        vh = cat([cache.value, vh], 2);
      }
      cache.key = kh;
      cache.value = vh;
    }
    const S = kh.shape[2]!;
    const sBefore = this.bias_k ? S - 1 : S;
    // NOTE: a plain causal mask with L = S needs no mask tensor: the fused softmax masks j > i itself
    const causalOnly = !!opts.isCausal && !opts.attnMask && !kpm && !this.bias_k && L === S;
    let mask = causalOnly ? null : mergeMasks({ attnMask: opts.attnMask, keyPaddingMask: kpm, isCausal: opts.isCausal, B, H, L, S: sBefore, dtype: qh.dtype, device: qh.device, op: 'MultiheadAttention' });
    if (mask && this.bias_k) mask = cat([mask, zeros([...mask.shape.slice(0, -1), 1], { dtype: mask.dtype, device: mask.device })], -1); // the bias key is never masked
    const w = attentionWeights(qh, kh, { attnMask: mask, isCausal: causalOnly }); // (B, H, L, S)
    const wd = p > 0 ? dropout(w, p, true) : w;
    const y = wd.matmul(vh).transpose(1, 2).reshape([B, L, E]); // (B, H, L, D) -> (B, L, H, D) -> (B, L, E)
    const out = this.out_proj.forward(y); // (B, L, E)
    const outBack = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!needWeights) return [outBack, null];
    const weights = averageAttnWeights ? wd.mean(1) : wd; // (B, L, S) or (B, H, L, S)
    return [outBack, batched ? weights : weights.squeeze(0)];
  }
}
