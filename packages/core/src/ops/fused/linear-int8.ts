// int8 dynamic quantisation of a linear layer, as torch.ao.quantization.quantize_dynamic does it:
// weights int8, symmetric, one scale per output channel (quantizeWeightInt8); activations quantised
// per row at run time, products accumulated in int32, the sum dequantised to float32 and the bias
// added (linearDynamicInt8). The CPU runs it as one wasm SIMD kernel; other backends run the
// decomposition below, which computes the same numbers with float ops.

import { DTypeError, ValueError } from '../../errors.js';
import { isGradEnabled } from '../../grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { matmul } from '../matmul.js';
import { relu } from '../unary/relu.js';
import { geluOp } from './gelu.js';
import { apply, argInfo, definePrimitive, type PrimitiveDef } from '../define.js';
import { checkShapes } from '../helpers.js';

/**
 * Per row of `x` (along its last dim): scale s = max|x| / 127 and values round(x / max|x| * 127)
 * as floats in [-127, 127] (x / max|x| cannot overflow where x * (127 / max|x|) would, for
 * maxima below 127 / FLT_MAX); 0 for an all-zero row, NaN rows keep a NaN scale.
 */
function quantizeRows(x: Tensor): { q: Tensor; scale: Tensor } {
  const m = x.abs().amax(-1, true);
  return { q: x.div(m).mul(127).round().where(m.gt(0), 0), scale: m.div(127) };
}

/** An activation fused after the int8 linear (as PyTorch's quantised LinearReLU): none, ReLU or exact (erf) GELU. */
export type Int8Activation = 'none' | 'relu' | 'gelu';

/** The activation attribute, checked. */
function activationOf(a: unknown): Int8Activation {
  if (a === undefined || a === 'none' || a === 'relu' || a === 'gelu') return (a ?? 'none') as Int8Activation;
  throw new ValueError('linearDynamicInt8', `activation must be 'none', 'relu' or 'gelu', got ${JSON.stringify(a)}`);
}

/** @internal The primitive behind {@link linearDynamicInt8}: inputs x, weightInt8, weightScale (and bias); attribute `activation`. */
export const linearDynamicInt8Op: PrimitiveDef<{ activation?: Int8Activation }> = definePrimitive<{ activation?: Int8Activation }>({
  name: 'linearDynamicInt8',
  kind: 'other',
  args: ['input', 'weightInt8', 'weightScale', 'bias'],
  shape: (inputs) => {
    const [x, w, s, b] = inputs;
    checkShapes(x!.ndim >= 1 && w!.ndim === 2 && x!.shape[x!.ndim - 1] === w!.shape[1], linearDynamicInt8Op, inputs,
      "input's last dim must equal weightInt8's second dim (weightInt8 is [outFeatures, inFeatures])");
    checkShapes(s!.ndim === 1 && s!.shape[0] === w!.shape[0], linearDynamicInt8Op, inputs, 'weightScale must be [outFeatures]');
    checkShapes(!b || (b.ndim === 1 && b.shape[0] === w!.shape[0]), linearDynamicInt8Op, inputs, 'bias must be [outFeatures]');
    return [...x!.shape.slice(0, -1), w!.shape[0]!];
  },
  dtype: (inputs) => {
    const [x, w, s, b] = inputs;
    const f = x!.dtype;
    if ((f !== 'float32' && f !== 'float64') || w!.dtype !== 'int32' || s!.dtype !== f || (b && b.dtype !== f)) {
      throw new DTypeError('linearDynamicInt8', "expected a float32 (or float64) input, an int32 weightInt8 (values in [-127, 127]), and weightScale and bias of the input's dtype",
        argInfo(linearDynamicInt8Op, inputs), 'quantize the weight with quantizeWeightInt8');
    }
    return f;
  },
  // not differentiable (inference only); in float32 the decomposition is exact while K * 127^2 < 2^24 (K < 1040)
  decompose: ([x, w, s, b], attrs) => {
    const { q, scale } = quantizeRows(x!);
    const z = matmul(q, w!.to(x!.dtype).t()).mul(scale.mul(s!));
    const y = b ? z.add(b) : z;
    const act = activationOf(attrs['activation']);
    return act === 'gelu' ? apply(geluOp, [y], { approximate: 'none' }) : act === 'relu' ? relu(y) : y;
  },
});

/** A weight quantised by {@link quantizeWeightInt8}. */
export interface Int8Weight {
  /** round(w / max|w_row| * 127), int32 values in [-127, 127], the weight's shape [out, in]. */
  weight: Tensor;
  /** max|w_row| / 127 per output channel [out], float32 (float64 for a float64 weight): w ~ weight * scale[:, None]. */
  scale: Tensor;
}

/**
 * Quantises a linear weight [out, in] to int8, symmetric, one scale per output channel (row):
 * scale = max|w_row| / 127 and q = round(w / max|w_row| * 127) in [-127, 127], so that
 * w ~ q * scale with an error of at most scale / 2 per element (as PyTorch's per-channel
 * symmetric qint8 weights, which use the range [-127, 127] too). An all-zero row gets scale 0.
 * The int8 values are held in an int32 tensor (tsgrad has no int8 dtype); safetensors files
 * store them as I8. The scales are float32, or float64 for a float64 weight. Gradient: none.
 * @param weight - A float weight [outFeatures, inFeatures].
 * @returns The int8 values (int32 tensor) and the float32 scales.
 * @example
 * const { weight, scale } = quantizeWeightInt8(tensor([[1, -0.5, 0.25], [0, 0, 0]]));
 * weight.tolist(); // [[127, -64, 32], [0, 0, 0]] (-63.5 and 31.75 round to the nearest integer)
 * scale.tolist(); // [0.007874015718698502, 0] (1 / 127 in float32)
 */
export function quantizeWeightInt8(weight: Tensor): Int8Weight {
  if (weight.ndim !== 2) throw new ValueError('quantizeWeightInt8', `expected a 2-D weight [outFeatures, inFeatures], got shape [${weight.shape.join(', ')}]`);
  if (weight.dtype !== 'float32' && weight.dtype !== 'float64') throw new DTypeError('quantizeWeightInt8', `expected a float weight, got ${weight.dtype}`, { weight: { shape: weight.shape, dtype: weight.dtype } });
  const src = weight.detach();
  const { q, scale } = quantizeRows(src.dtype === 'float64' ? src : src.to('float32'));
  return { weight: q.to('int32'), scale: scale.squeeze(1) };
}

/**
 * y = x W^T + b with int8 dynamic quantisation (torch.ao.nn.quantized.dynamic.Linear): each row
 * of `input` is quantised at run time to int8 with its own scale sx = max|x_row| / 127, products
 * with the int8 weight are summed exactly in int32, and each sum is dequantised as
 * acc * (sx * weightScale[n]) in float32 before the bias is added. Compared with the float
 * product, each output errs by at most sum_k (|x_k| sw / 2 + |w_k| sx / 2 + sx sw / 4) plus float32
 * rounding. On the CPU it runs as a wasm SIMD kernel (int8 widened to int16 and multiplied by
 * i32x4.dot_i16x8_s, rows split over the helper threads), elsewhere as the same arithmetic in
 * float ops. A float64 input (with float64 scales and bias) is computed in float64 by the same
 * steps, as a reference. Gradient: none (inference only; calling it on an input that requires
 * grad, with grad mode on, throws). `activation` applies ReLU or exact GELU to the result in the
 * same kernel (PyTorch's fused quantised LinearReLU), with the same values as `relu(y)` or
 * `gelu(y)` applied after it.
 * @param input - float32 (*, inFeatures), or float64.
 * @param weightInt8 - int32 [outFeatures, inFeatures] holding int8 values (see {@link quantizeWeightInt8}).
 * @param weightScale - [outFeatures], the input's dtype.
 * @param bias - [outFeatures], the input's dtype, or null.
 * @param opts - `activation`: 'none' (default), 'relu' or 'gelu'.
 * @returns (*, outFeatures), the input's dtype.
 * @example
 * const { weight, scale } = quantizeWeightInt8(tensor([[1, 2], [-1, 0.5]]));
 * linearDynamicInt8(tensor([[2, -1]]), weight, scale, tensor([0, 1])).tolist(); // [[0, -1.5]] (about: the float product is [[0, -1.5]])
 */
export function linearDynamicInt8(input: Tensor, weightInt8: Tensor, weightScale: Tensor, bias: Tensor | null = null, opts: { activation?: Int8Activation } = {}): Tensor {
  const activation = activationOf(opts.activation);
  if (isGradEnabled() && input.requiresGrad) {
    throw new ValueError('linearDynamicInt8', 'int8 dynamic quantisation is for inference: it is not differentiable', { input: { shape: input.shape, dtype: input.dtype } },
      'run it inside noGrad(() => ...), or train the float model');
  }
  return apply(linearDynamicInt8Op, bias ? [input, weightInt8, weightScale, bias] : [input, weightInt8, weightScale], { activation });
}
