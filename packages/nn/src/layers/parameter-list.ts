// ParameterList (torch.nn.ParameterList) and Flatten (torch.nn.Flatten).

import { IndexError, type Tensor, ValueError } from '@tsgrad/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/**
 * A list of parameters (torch.nn.ParameterList), registered under `0`, `1`, ... so they appear in
 * `parameters()` and the state dict as PyTorch names them (`0`, or `list.0` inside a module). A
 * tensor that is not yet a Parameter is wrapped in one, as PyTorch does. It has no forward.
 *
 * # Shapes
 * Not applicable (a container).
 *
 * @example
 * const ps = new ParameterList([zeros([2]), ones([3])]);
 * ps.length; // 2
 * Object.keys(ps.stateDict()); // ['0', '1']
 * ps.at(1).requiresGrad; // true
 */
export class ParameterList extends Module implements Iterable<Parameter> {
  /**
   * @param values - The initial parameters (tensors are wrapped as Parameters).
   */
  constructor(values: Iterable<Tensor> = []) {
    super();
    for (const v of values) this.append(v);
  }

  private get slots(): Record<string, Parameter> {
    return this as unknown as Record<string, Parameter>;
  }

  /** Number of parameters. */
  get length(): number {
    let n = 0;
    while (Object.hasOwn(this, String(n))) n++;
    return n;
  }

  /**
   * Appends a parameter (a tensor is wrapped in a Parameter).
   * @param value - The tensor or parameter.
   * @returns This list.
   */
  append(value: Tensor): this {
    this.slots[String(this.length)] = value instanceof Parameter ? value : new Parameter(value);
    return this;
  }

  /**
   * Appends several parameters.
   * @param values - The tensors or parameters.
   * @returns This list.
   */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  private index(i: number): number {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new IndexError('ParameterList', `index ${i} is out of range for ${n} parameters`);
    return j;
  }

  /**
   * The i-th parameter (negative counts from the end).
   * @param i - The position.
   * @returns The parameter.
   */
  at(i: number): Parameter {
    return this.slots[String(this.index(i))]!;
  }

  /**
   * Replaces the i-th parameter, as PyTorch's `plist[i] = p`.
   * @param i - The position (negative counts from the end).
   * @param value - The tensor or parameter.
   * @returns This list.
   */
  set(i: number, value: Tensor): this {
    this.slots[String(this.index(i))] = value instanceof Parameter ? value : new Parameter(value);
    return this;
  }

  /**
   * Iterates over the parameters in order.
   * @returns An iterator of the parameters.
   */
  *[Symbol.iterator](): Iterator<Parameter> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

/**
 * Flattens dims `startDim` to `endDim` into one (torch.nn.Flatten; defaults keep the batch dim:
 * startDim 1, endDim -1).
 *
 * # Shapes
 * - input: (N, *dims)
 * - output: (N, prod(dims)) with the defaults
 *
 * @example
 * new Flatten().forward(ones([2, 3, 4])).shape; // [2, 12]
 * new Flatten(0, 1).forward(ones([2, 3, 4])).shape; // [6, 4]
 */
export class Flatten extends Module {
  /**
   * @param startDim - First dim to flatten (default 1).
   * @param endDim - Last dim to flatten (default -1).
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new ValueError('Flatten', `startDim and endDim must be integers, got ${startDim} and ${endDim}`);
  }

  /**
   * Flattens `x`.
   * @param x - A tensor with the dims startDim..endDim.
   * @returns A view (or copy) with those dims merged.
   */
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
