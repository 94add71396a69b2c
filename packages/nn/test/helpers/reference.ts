// Independent references for the golden tests: plain JS arrays and loops written from the papers'
// equations (Vaswani et al. 2017; Ba et al. 2016), never calling tsgrad code.

export type Mat = number[][];

/** Deterministic, irregular values for fixing weights: v_i = scale * sin(seed + 1.7 i). */
export function values(n: number, seed: number, scale = 0.5): number[] {
  return Array.from({ length: n }, (_, i) => scale * Math.sin(seed + 1.7 * i + 0.3 * i * i));
}

/** Reshapes a flat list into rows of `cols`. */
export function rows(flat: readonly number[], cols: number): Mat {
  return Array.from({ length: flat.length / cols }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
}

/** x W^T + b for x (n, k), W (m, k), b (m). */
export function affine(x: Mat, W: Mat, b?: readonly number[] | null): Mat {
  return x.map((row) => W.map((w, j) => w.reduce((s, wk, k) => s + wk * row[k]!, b ? b[j]! : 0)));
}

export function add(a: Mat, b: Mat): Mat {
  return a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
}

export function map(a: Mat, f: (v: number) => number): Mat {
  return a.map((r) => r.map(f));
}

/** Layer norm of each row: (x - mu) / sqrt(var + eps) * g + b, biased variance. */
export function layerNormRows(x: Mat, g: readonly number[] | null, b: readonly number[] | null, eps = 1e-5): Mat {
  return x.map((r) => {
    const mu = r.reduce((s, v) => s + v, 0) / r.length;
    const v = r.reduce((s, x) => s + (x - mu) ** 2, 0) / r.length;
    return r.map((x, j) => ((x - mu) / Math.sqrt(v + eps)) * (g ? g[j]! : 1) + (b ? b[j]! : 0));
  });
}

export function softmax(r: readonly number[]): number[] {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export const relu = (v: number) => Math.max(0, v);
export const erf = (x: number): number => {
  // Maclaurin series erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)); accurate to ~1e-12 for |x| < 4
  let sum = x;
  let term = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};
export const geluExact = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));

/** Weights of one multi-head attention (PyTorch layout): Win (3E, E), bin (3E), Wout (E, E), bout (E). */
export interface MhaWeights {
  Win: Mat;
  bin: number[] | null;
  Wout: Mat;
  bout: number[] | null;
}

/**
 * Multi-head attention for one batch element (Vaswani et al., eq. 1 and section 3.2.2):
 * head_h = softmax(Q_h K_h^T / sqrt(D) + mask) V_h, out = concat(heads) Wout^T + bout.
 * `mask` (L, S) is added to the scores (use -Infinity to block). `Win` holds the rows of W_q, W_k
 * and W_v (E each; their widths may differ). Returns the output and the per-head weights (H, L, S).
 */
export function mhaRef(q: Mat, k: Mat, v: Mat, w: MhaWeights, H: number, mask?: Mat | null, extra?: { k: number[]; v: number[] }): { out: Mat; weights: Mat[] } {
  const E = w.Wout.length;
  const D = E / H;
  const b = w.bin;
  const Q = affine(q, w.Win.slice(0, E), b ? b.slice(0, E) : null);
  const K = affine(k, w.Win.slice(E, 2 * E), b ? b.slice(E, 2 * E) : null);
  const V = affine(v, w.Win.slice(2 * E), b ? b.slice(2 * E) : null);
  if (extra) {
    K.push(extra.k); // one more key and value after the projection (add_bias_kv)
    V.push(extra.v);
  }
  const concat: Mat = q.map(() => new Array<number>(E).fill(0));
  const weights: Mat[] = [];
  for (let h = 0; h < H; h++) {
    const cols = (M: Mat) => M.map((r) => r.slice(h * D, (h + 1) * D));
    const [Qh, Kh, Vh] = [cols(Q), cols(K), cols(V)];
    const Wh = Qh.map((qi, i) =>
      softmax(Kh.map((kj, j) => qi.reduce((s, x, d) => s + x * kj[d]!, 0) / Math.sqrt(D) + (mask ? mask[i]![j]! : 0))));
    weights.push(Wh);
    Wh.forEach((wi, i) => {
      for (let d = 0; d < D; d++) concat[i]![h * D + d] = wi.reduce((s, a, j) => s + a * Vh[j]![d]!, 0);
    });
  }
  return { out: affine(concat, w.Wout, w.bout), weights };
}

/** Feed-forward block: linear2(act(linear1(x))). */
export function ffRef(x: Mat, W1: Mat, b1: number[], W2: Mat, b2: number[], act: (v: number) => number): Mat {
  return affine(map(affine(x, W1, b1), act), W2, b2);
}

/** Weights of one encoder layer. */
export interface EncoderLayerWeights {
  attn: MhaWeights;
  W1: Mat; b1: number[]; W2: Mat; b2: number[];
  g1: number[]; be1: number[]; g2: number[]; be2: number[];
}

/** Encoder layer for one sequence (T, E): post-norm (Vaswani) or pre-norm. */
export function encoderLayerRef(x: Mat, w: EncoderLayerWeights, H: number, normFirst: boolean, act: (v: number) => number, mask?: Mat | null): Mat {
  const sa = (y: Mat) => mhaRef(y, y, y, w.attn, H, mask).out;
  const ff = (y: Mat) => ffRef(y, w.W1, w.b1, w.W2, w.b2, act);
  if (normFirst) {
    const x1 = add(x, sa(layerNormRows(x, w.g1, w.be1)));
    return add(x1, ff(layerNormRows(x1, w.g2, w.be2)));
  }
  const x1 = layerNormRows(add(x, sa(x)), w.g1, w.be1);
  return layerNormRows(add(x1, ff(x1)), w.g2, w.be2);
}

/** Weights of one decoder layer. */
export interface DecoderLayerWeights extends EncoderLayerWeights {
  cross: MhaWeights;
  g3: number[]; be3: number[];
}

/** Decoder layer for one sequence: self-attention (with `mask`), cross-attention to memory, feed-forward. */
export function decoderLayerRef(x: Mat, mem: Mat, w: DecoderLayerWeights, H: number, normFirst: boolean, act: (v: number) => number, mask?: Mat | null): Mat {
  const sa = (y: Mat) => mhaRef(y, y, y, w.attn, H, mask).out;
  const ca = (y: Mat) => mhaRef(y, mem, mem, w.cross, H).out;
  const ff = (y: Mat) => ffRef(y, w.W1, w.b1, w.W2, w.b2, act);
  if (normFirst) {
    const x1 = add(x, sa(layerNormRows(x, w.g1, w.be1)));
    const x2 = add(x1, ca(layerNormRows(x1, w.g2, w.be2)));
    return add(x2, ff(layerNormRows(x2, w.g3, w.be3)));
  }
  const x1 = layerNormRows(add(x, sa(x)), w.g1, w.be1);
  const x2 = layerNormRows(add(x1, ca(x1)), w.g2, w.be2);
  return layerNormRows(add(x2, ff(x2)), w.g3, w.be3);
}

/** A causal mask (T, T): 0 where j <= i, -Infinity above the diagonal. */
export function causalRef(T: number): Mat {
  return Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j <= i ? 0 : -Infinity)));
}
