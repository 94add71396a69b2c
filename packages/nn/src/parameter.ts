// Parameter and Buffer: Tensor subclasses that modules find by reflection. A Parameter is trained
// (it requires grad); a Buffer is state that is not (running stats, tables), persistent or not.

import { Tensor, isFloat, noGrad } from '@tsgrad/core';

type Mutable = { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset']: Tensor[K] };

/** Points `target` at `src`'s storage and layout (PyTorch's `t.data = src`), keeping the object. */
function swapData(target: Tensor, src: Tensor): void {
  const m = target as unknown as Mutable;
  m.storage = src.storage;
  m.shape = src.shape;
  m.strides = src.strides;
  m.offset = src.offset;
}

/**
 * A tensor that is a module's trainable weight (torch.nn.Parameter). It is a leaf that requires
 * grad (unless created with `requiresGrad = false` or frozen with `requiresGrad_(false)`), and it
 * shares `data`'s storage. Modules list every Parameter field in `parameters()` and `stateDict()`.
 *
 * # Shapes
 * Any shape; the same as `data`.
 *
 * @example
 * const w = new Parameter(zeros([2, 3]));
 * w.requiresGrad; // true
 * w.shape;        // [2, 3]
 */
export class Parameter extends Tensor {
  /**
   * @param data - The initial values (the Parameter shares their storage).
   * @param requiresGrad - Train it (default true; integer tensors never require grad).
   */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad = requiresGrad && isFloat(data.dtype);
  }

  /**
   * Replaces the values, shape, dtype or device with `src`'s, keeping this object, so optimizers
   * holding the Parameter keep working (PyTorch's `param.data = src`). Not recorded by autograd;
   * a gradient of another dtype or device is converted alongside.
   * @param src - The new value.
   * @returns This parameter.
   */
  setData(src: Tensor): this {
    swapData(this, src);
    if (this.grad && (this.grad.dtype !== src.dtype || this.grad.device !== src.device || this.grad.numel() !== src.numel())) {
      const g = this.grad;
      this.grad = g.numel() === src.numel() ? noGrad(() => g.to({ dtype: src.dtype, device: src.device })) : null;
    }
    return this;
  }

  /**
   * PyTorch's printout: `Parameter containing:` and the tensor.
   * @returns The printout.
   */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * Module state that is not trained (PyTorch's registered buffers): a sinusoidal table, a mask.
 * `persistent` buffers are saved in `stateDict()`; non-persistent ones are rebuilt by the module
 * (PyTorch's `register_buffer(..., persistent=False)`). Buffers never require grad.
 *
 * # Shapes
 * Any shape; the same as `data`.
 *
 * @example
 * const table = new Buffer(arange(4, undefined, 1, { dtype: 'float32' }), false);
 * table.persistent; // false
 */
export class Buffer extends Tensor {
  /**
   * @param data - The buffer's values (shared, not copied).
   * @param persistent - Saved in `stateDict()` (default true).
   */
  constructor(data: Tensor, readonly persistent = true) {
    super(data.storage, data.shape, data.strides, data.offset);
  }

  /**
   * Replaces the values (and possibly dtype or device) keeping this object; see Parameter.setData.
   * @param src - The new value.
   * @returns This buffer.
   */
  setData(src: Tensor): this {
    swapData(this, src);
    return this;
  }
}
