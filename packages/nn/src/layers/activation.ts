// Activation modules (ReLU, GELU, SiLU, Tanh), Dropout, and the activation names Transformer layers accept.

import { type Generator, type Tensor, ValueError, dropout, gelu, relu, silu, softmax, tanh } from '@tsgrad/core';
import { Module } from '../module.js';
import { pyRepr } from '../repr.js';

/**
 * max(0, x) (torch.nn.ReLU).
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example new ReLU().forward(tensor([-1, 2])).tolist(); // [0, 2]
 */
export class ReLU extends Module {
  /**
   * Applies {@link relu}.
   * @param x - Any tensor.
   * @returns max(0, x), x's shape.
   */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * GELU (torch.nn.GELU), exact (erf) or `approximate: 'tanh'`.
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example new GELU().forward(tensor([0, 1])).tolist(); // [0, 0.8413...]
 */
export class GELU extends Module {
  /** @param approximate - `'none'` (erf, default) or `'tanh'`. */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  /**
   * Applies {@link gelu}.
   * @param x - Any float tensor.
   * @returns gelu(x), x's shape.
   */
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `approximate='none'` or `'tanh'`.
   */
  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/**
 * x * sigmoid(x) (torch.nn.SiLU).
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example new SiLU().forward(tensor([0])).tolist(); // [0]
 */
export class SiLU extends Module {
  /**
   * Applies {@link silu}.
   * @param x - Any float tensor.
   * @returns x * sigmoid(x), x's shape.
   */
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * tanh(x) (torch.nn.Tanh).
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example new Tanh().forward(tensor([0])).tolist(); // [0]
 */
export class Tanh extends Module {
  /**
   * Applies {@link tanh}.
   * @param x - Any float tensor.
   * @returns tanh(x), x's shape.
   */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * Softmax along `dim` (torch.nn.Softmax): exp(x) / sum(exp(x)) over that dim, so each slice sums
 * to 1.
 *
 * # Shapes
 * - input: any with `dim`; output: the same
 *
 * @example new Softmax(-1).forward(tensor([[0, 0]])).tolist(); // [[0.5, 0.5]]
 */
export class Softmax extends Module {
  /** @param dim - The dim that sums to 1 (negative counts from the end). */
  constructor(readonly dim: number) {
    super();
  }

  /**
   * Applies {@link softmax} along `dim`.
   * @param x - Any float tensor.
   * @returns The probabilities, x's shape.
   */
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** Options of Dropout. */
export interface DropoutOptions {
  /** Draw masks from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * Dropout (torch.nn.Dropout): in training mode zeroes each element with probability `p` and
 * scales the rest by 1/(1-p); in eval mode returns the input.
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example
 * const d = new Dropout(0.5).eval();
 * d.forward(ones([3])).tolist(); // [1, 1, 1]
 */
export class Dropout extends Module {
  /** The generator masks are drawn from (undefined: the default one). */
  generator: Generator | undefined;

  /**
   * @param p - Probability of zeroing an element, in [0, 1].
   * @param opts - `generator`.
   */
  constructor(readonly p = 0.5, opts: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
    this.generator = opts.generator;
  }

  /**
   * Applies {@link dropout} in training mode; returns `x` in eval mode.
   * @param x - Any float tensor.
   * @returns A tensor of x's shape.
   */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `p=…, inplace=False`.
   */
  override extraRepr(): string {
    return `p=${pyRepr(this.p, true)}, inplace=False`;
  }
}

/** F.gelu with its default (exact, erf) form: the one function resolveActivation('gelu') gives. */
const geluExact = (x: Tensor): Tensor => gelu(x);

/**
 * The name of an activation function resolveActivation made from a name, or null for any other
 * function (what `quantizeDynamic` can fuse into an int8 linear).
 * @param f - An activation function.
 * @returns 'relu', 'gelu' or null.
 * @example activationName(resolveActivation('gelu', 'MyLayer')); // 'gelu'
 */
export function activationName(f: (x: Tensor) => Tensor): 'relu' | 'gelu' | null {
  return f === relu ? 'relu' : f === geluExact ? 'gelu' : null;
}

/** An activation by PyTorch's name ('relu' | 'gelu') or any function of a tensor. */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/**
 * The function for an Activation (F.relu / F.gelu for the names).
 *
 * # Shapes
 * - the returned function keeps its input's shape
 *
 * @param a - `'relu'`, `'gelu'` or a function.
 * @param where - The caller's name, for the error on an unknown name.
 * @returns The function.
 * @example resolveActivation('gelu', 'MyLayer')(tensor([0])).tolist(); // [0]
 */
export function resolveActivation(a: Activation, where: string): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return relu;
  if (a === 'gelu') return geluExact;
  throw new ValueError(where, `activation should be relu/gelu, not ${String(a)}`);
}
