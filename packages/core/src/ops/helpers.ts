// Shared pieces of op definitions: weak-scalar conversion, dtype rules and elementwise shape rules.

import { getBackend } from '../backend.js';
import { allocArray, isFloat, promoteTypes, toFloat, weakScalarDtype, type DType } from '../dtype.js';
import { DTypeError, ShapeError, type ArgInfo } from '../errors.js';
import { encodeHalf, isHalf } from '../half.js';
import { broadcastShapes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { apply, argInfo, type PrimitiveDef } from './define.js';

/** A tensor, or a JS number/boolean that acts as a weak scalar (it adopts the tensor's dtype). */
export type TensorLike = Tensor | number | boolean;

/** A 0-d tensor holding `value` on `device`. */
export function scalarTensor(value: number | boolean, dtype: DType, device = 'cpu'): Tensor {
  const data = allocArray(dtype, 1);
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  data[0] = isHalf(dtype) ? encodeHalf([v], dtype)[0]! : v;
  return new Tensor(getBackend(device).fromArray(data, dtype), []);
}

/**
 * Converts op arguments to tensors. JS scalars take the dtype of the tensor arguments (weak
 * promotion), so `x.mul(0.5)` keeps float64 `x` in float64 and an int32 tensor times 0.5 becomes float32.
 */
export function toTensors(op: string, xs: readonly TensorLike[], fallbackDevice = 'cpu'): Tensor[] {
  const tensors = xs.filter((x): x is Tensor => x instanceof Tensor);
  let base: DType | undefined;
  for (const t of tensors) base = base === undefined ? t.dtype : promoteTypes(base, t.dtype);
  const device = tensors[0]?.device ?? fallbackDevice;
  return xs.map((x) => {
    if (x instanceof Tensor) return x;
    if (typeof x !== 'number' && typeof x !== 'boolean') {
      throw new DTypeError(op, `expected a Tensor, number or boolean, got ${x === null ? 'null' : typeof x}`);
    }
    // with no tensor to adopt from, a scalar takes its own default: bool, int32 for integers, else float32
    // (torch.where(c, 1, 0) is an integer tensor)
    const own: DType = typeof x === 'boolean' ? 'bool' : Number.isInteger(x) ? 'int32' : 'float32';
    const dtype = base === undefined ? own : weakScalarDtype(base, x);
    return scalarTensor(x, dtype, device);
  });
}

/** Shape rule: the broadcast shape of all inputs, with the op's argument names in the error. */
export const broadcastRule = (name: string, args: readonly string[]) => (inputs: readonly Tensor[]): Shape => {
  if (inputs.length === 1) return inputs[0]!.shape;
  const named = Object.fromEntries(Object.entries(argInfo({ args }, inputs)).map(([k, v]) => [k, v.shape!]));
  return broadcastShapes(name, named);
};

/** Promoted dtype of all inputs (PyTorch's type promotion over tensors). */
export function promoteDtypes(inputs: readonly Tensor[]): DType {
  return inputs.map((t) => t.dtype).reduce(promoteTypes);
}

/** Dtype rule: the promoted dtype of the inputs. */
export const promoteRule = (_op: string) => (inputs: readonly Tensor[]): DType => promoteDtypes(inputs);

/** Dtype rule: promoted, then made float (int inputs compute in float32, as `torch.exp` and `torch.div` do). */
export const floatRule = (_op: string) => (inputs: readonly Tensor[]): DType => toFloat(promoteDtypes(inputs));

/** Dtype rule: promoted, refusing bool (PyTorch refuses `-x` and `abs` on bool tensors). */
export const numericRule = (op: string) => (inputs: readonly Tensor[]): DType => {
  const bad = inputs.find((t) => t.dtype === 'bool');
  if (bad) {
    throw new DTypeError(op, 'not supported on bool tensors', { x: { shape: bad.shape, dtype: bad.dtype } },
      "convert with x.to('int32') or x.to('float32'), or use logicalNot for booleans");
  }
  return promoteDtypes(inputs);
};

/** Throws unless `t` is a float tensor. */
export function requireFloat(op: string, arg: string, t: Tensor): DType {
  if (!isFloat(t.dtype)) {
    throw new DTypeError(op, `expected a floating-point tensor, got ${t.dtype}`, { [arg]: { shape: t.shape, dtype: t.dtype } }, `convert with ${arg}.to('float32')`);
  }
  return t.dtype;
}

/** Throws unless `t` is an int32 index tensor; `args` (every argument's shape/dtype) goes in the message. */
export function requireIndex(op: string, arg: string, t: Tensor, args?: Record<string, ArgInfo>): void {
  if (t.dtype !== 'int32') {
    throw new DTypeError(op, `expected ${arg} to be an int32 index tensor, got ${t.dtype}`, args ?? { [arg]: { shape: t.shape, dtype: t.dtype } },
      `convert with ${arg}.to('int32')`);
  }
}

/** Throws unless `t` is a bool tensor. */
export function requireBool(op: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'bool') {
    throw new DTypeError(op, `expected ${arg} to be a bool tensor, got ${t.dtype}`, { [arg]: { shape: t.shape, dtype: t.dtype } },
      `build it with a comparison (x.gt(0)) or ${arg}.to('bool')`);
  }
}

/** Throws a ShapeError unless `cond`. */
export function checkShapes(cond: boolean, op: PrimitiveDef<any> | string, inputs: readonly Tensor[], reason: string, hint?: string): void {
  if (cond) return;
  const name = typeof op === 'string' ? op : op.name;
  const info = typeof op === 'string' ? Object.fromEntries(inputs.map((t, i) => [`arg${i}`, { shape: t.shape, dtype: t.dtype }])) : argInfo(op, inputs);
  throw new ShapeError(name, reason, info, hint);
}

/** Applies a binary elementwise primitive, converting JS scalars to weak tensors first. */
export function applyBinary(op: PrimitiveDef<any>, a: TensorLike, b: TensorLike): Tensor {
  return apply(op, toTensors(op.name, [a, b]), {});
}
