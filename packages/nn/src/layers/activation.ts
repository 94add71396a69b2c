// Activation modules (ReLU, GELU, SiLU, Tanh), Dropout, and the activation names Transformer layers accept.

import { type Generator, type Tensor, ValueError, dropout, gelu, relu, silu, tanh } from '@tsgrad/core';
import { Module } from '../module.js';

/** max(0, x) (torch.nn.ReLU). @example new ReLU().forward(tensor([-1, 2])).tolist(); // [0, 2]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * GELU (torch.nn.GELU), exact (erf) or `approximate: 'tanh'`.
 * @example new GELU().forward(tensor([0, 1])).tolist(); // [0, 0.8413...]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}

/** x * sigmoid(x) (torch.nn.SiLU). @example new SiLU().forward(tensor([0])).tolist(); // [0]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** tanh(x) (torch.nn.Tanh). @example new Tanh().forward(tensor([0])).tolist(); // [0]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
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
 * @example
 * const d = new Dropout(0.5).eval();
 * d.forward(ones([3])).tolist(); // [1, 1, 1]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class Dropout extends Module {
  generator: Generator | undefined;

  constructor(readonly p = 0.5, opts: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
    this.generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }
}

/** An activation by PyTorch's name ('relu' | 'gelu') or any function of a tensor. */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/**
 * The function for an Activation (F.relu / F.gelu for the names).
 * @example resolveActivation('gelu', 'MyLayer')(tensor([0])).tolist(); // [0]
 *
 * # Shapes
 * - the returned function keeps its input's shape
 */
export function resolveActivation(a: Activation, where: string): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return relu;
  if (a === 'gelu') return (x) => gelu(x);
  throw new ValueError(where, `activation should be relu/gelu, not ${String(a)}`);
}
