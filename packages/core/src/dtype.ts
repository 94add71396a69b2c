// Data types: the closed set tsgrad stores, their TypedArrays, and PyTorch's promotion rules.

/**
 * Element types a tensor can hold. `float32` is the default; `float64` is for gradient checks;
 * `float16` and `bfloat16` are storage types (16-bit patterns; ops compute in float32 and round back).
 */
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int32' | 'bool';

/** The TypedArray that backs each dtype on the CPU (`bool` is stored as 0/1 bytes, the half types as their bits). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;

/** Constructors of the backing arrays, indexed by dtype. */
export const ARRAY_OF = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/**
 * All dtypes, in promotion order.
 * @example DTYPES; // ['bool', 'int32', 'float16', 'bfloat16', 'float32', 'float64']
 */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float16', 'bfloat16', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float16: 2, bfloat16: 2, float32: 3, float64: 4 };

/**
 * Whether `d` is a floating-point dtype (and so can carry gradients).
 * @param d - The dtype to test.
 * @returns True for `float32`, `float64`, `float16` and `bfloat16`.
 * @example isFloat('float64'); // true
 */
export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

/** Allocates a zero-filled backing array of `n` elements for `dtype`. */
export function allocArray(dtype: DType, n: number): TypedArray {
  return new ARRAY_OF[dtype](n);
}

/** The dtype whose array `a` is, if any. */
export function dtypeOfArray(a: unknown): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return undefined;
}

/**
 * Tensor-tensor promotion: the lattice bool < int32 < float16, bfloat16 < float32 < float64, as
 * `torch.promote_types` for these types (float16 with bfloat16 gives float32). It never downcasts.
 * @param a - One operand's dtype.
 * @param b - The other operand's dtype.
 * @returns The higher of the two in the lattice.
 * @example promoteTypes('int32', 'float32'); // 'float32'
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a !== b && RANK[a] === RANK[b]) return 'float32'; // float16 and bfloat16
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a JS scalar takes beside a tensor of dtype `d`. JS numbers are *weak* (PyTorch's
 * wrapped numbers): `x.mul(0.5)` keeps a float32 `x` float32, but an int tensor times 0.5 is
 * float32, and a bool tensor plus 2 is int32.
 */
export function weakScalarDtype(d: DType, value: number | boolean): DType {
  if (isFloat(d)) return d;
  if (typeof value === 'boolean') return d;
  if (!Number.isInteger(value)) return 'float32';
  return d === 'bool' ? 'int32' : d;
}

/** The float dtype an op on `d` computes in: floats stay, integers and bools become float32. */
export function toFloat(d: DType): DType {
  return isFloat(d) ? d : 'float32';
}
