// Attention masks as PyTorch's MultiheadAttention builds them: bool masks (true = may NOT attend)
// become additive float masks (-inf), and the attention mask and key padding mask are summed.

import { DTypeError, type DType, ShapeError, type Tensor, full, isFloat, zeros } from '@tsgrad/core';

/** Options for building masks: the dtype and device of the scores they are added to. */
export interface MaskOptions {
  /** Dtype of the mask (default float32). */
  dtype?: DType;
  /** Device of the mask (default `'cpu'`). */
  device?: string;
}

/**
 * The causal mask of torch.nn.Transformer.generate_square_subsequent_mask: a float (sz, sz)
 * matrix with 0 on and below the diagonal and -inf above it (position i may attend to j <= i).
 *
 * # Shapes
 * - output: (sz, sz)
 *
 * @example
 * generateSquareSubsequentMask(3).tolist(); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 * @param sz - Sequence length.
 * @param opts - `dtype`, `device`.
 * @returns The mask (sz, sz).
 */
export function generateSquareSubsequentMask(sz: number, opts: MaskOptions = {}): Tensor {
  return full([sz, sz], -Infinity, { dtype: opts.dtype ?? 'float32', device: opts.device }).triu(1);
}

/**
 * A causal additive mask for L queries that are the last L of S positions (a KV cache holds the
 * first S - L): query i may attend to keys j <= i + S - L. Equal to generateSquareSubsequentMask when L = S.
 *
 * # Shapes
 * - output: (L, S)
 *
 * @example
 * causalMask(1, 3).tolist(); // [[0, 0, 0]]
 * @param L - Number of queries (the newest positions).
 * @param S - Number of keys (all positions so far).
 * @param opts - `dtype`, `device`.
 * @returns The mask (L, S).
 */
export function causalMask(L: number, S: number, opts: MaskOptions = {}): Tensor {
  return full([L, S], -Infinity, { dtype: opts.dtype ?? 'float32', device: opts.device }).triu(S - L + 1);
}

/**
 * PyTorch's F._canonical_mask: a bool mask (true = masked) becomes 0 / -inf in `dtype`; a float
 * mask is kept (cast to `dtype`) and added to the scores as it is.
 *
 * # Shapes
 * - mask: any; output: the same
 *
 * @example
 * canonicalMask(tensor([false, true]), 'float32', 'MultiheadAttention', 'keyPaddingMask').tolist(); // [0, -inf]
 * @param mask - A bool mask (true = masked) or a float additive mask.
 * @param dtype - The scores' dtype.
 * @param op - Caller name, for errors.
 * @param name - Argument name, for errors.
 * @returns The additive mask in `dtype`, the mask's shape.
 */
export function canonicalMask(mask: Tensor, dtype: DType, op: string, name: string): Tensor {
  if (mask.dtype === 'bool') return zeros(mask.shape, { dtype, device: mask.device }).maskedFill(mask, -Infinity);
  if (!isFloat(mask.dtype)) {
    throw new DTypeError(op, `only bool and floating types of ${name} are supported, got ${mask.dtype}`, { [name]: { shape: mask.shape, dtype: mask.dtype } });
  }
  return mask.dtype === dtype ? mask : mask.to(dtype);
}

/** What `mergeMasks` combines, for scores of shape (B, H, L, S). */
export interface MergeMaskInput {
  /** Attention mask (L, S) or (B*H, L, S): bool (true = masked) or additive. */
  attnMask?: Tensor | null;
  /** Key padding mask (B, S): bool (true = padding) or additive. */
  keyPaddingMask?: Tensor | null;
  /** Build a causal mask when no attnMask is given. */
  isCausal?: boolean;
  /** Batch size. */
  B: number;
  /** Number of heads. */
  H: number;
  /** Query length. */
  L: number;
  /** Key length. */
  S: number;
  /** The scores' dtype. */
  dtype: DType;
  /** The scores' device. */
  device: string;
  /** Caller name, for errors. */
  op: string;
}

/**
 * The additive mask for scores (B, H, L, S), or null: `attnMask` (L, S) or (B*H, L, S) plus
 * `keyPaddingMask` (B, S), as F.multi_head_attention_forward merges them. `isCausal` without
 * an attnMask builds the causal mask (PyTorch requires the mask and treats the flag as a hint;
 * with a mask given, the mask is used as it is).
 *
 * # Shapes
 * - attnMask: (L, S) or (B*H, L, S); keyPaddingMask: (B, S)
 * - output: broadcastable to (B, H, L, S): (1|B, 1|H, L, S)
 *
 * @example
 * mergeMasks({ isCausal: true, keyPaddingMask: tensor([[false, true]]), B: 1, H: 2, L: 2, S: 2, dtype: 'float32', device: 'cpu', op: 'demo' })!.shape; // [1, 1, 2, 2]
 * @param p - The masks and the score dimensions.
 * @returns The additive mask, broadcastable to (B, H, L, S), or null when there is none.
 */
export function mergeMasks(p: MergeMaskInput): Tensor | null {
  const { B, H, L, S, dtype, op } = p;
  let mask: Tensor | null = null;
  if (p.attnMask) {
    const am = canonicalMask(p.attnMask, dtype, op, 'attnMask');
    if (am.ndim === 2) {
      if (am.shape[0] !== L || am.shape[1] !== S) throw new ShapeError(op, `the shape of the 2D attnMask should be (L, S) = (${L}, ${S})`, { attnMask: am.shape });
      mask = am.reshape([1, 1, L, S]); // (1, 1, L, S)
    } else if (am.ndim === 3) {
      if (am.shape[0] !== B * H || am.shape[1] !== L || am.shape[2] !== S) {
        throw new ShapeError(op, `the shape of the 3D attnMask should be (B * numHeads, L, S) = (${B * H}, ${L}, ${S})`, { attnMask: am.shape });
      }
      mask = am.reshape([B, H, L, S]); // (B*H, L, S) -> (B, H, L, S)
    } else {
      throw new ShapeError(op, `attnMask's dimension ${am.ndim} is not supported (2-D or 3-D)`, { attnMask: am.shape });
    }
  } else if (p.isCausal) {
    mask = causalMask(L, S, { dtype, device: p.device }).reshape([1, 1, L, S]); // (1, 1, L, S)
  }
  if (p.keyPaddingMask) {
    const kpm = canonicalMask(p.keyPaddingMask, dtype, op, 'keyPaddingMask');
    if (kpm.ndim !== 2 || kpm.shape[0] !== B || kpm.shape[1] !== S) {
      throw new ShapeError(op, `keyPaddingMask should have shape (B, S) = (${B}, ${S})`, { keyPaddingMask: kpm.shape });
    }
    const k4 = kpm.reshape([B, 1, 1, S]); // (B, 1, 1, S)
    mask = mask ? mask.add(k4) : k4;
  }
  return mask;
}
