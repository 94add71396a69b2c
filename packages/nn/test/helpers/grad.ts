// Gradient checks of modules: a module's parameters become explicit float64 inputs (through
// functionalCall), so gradcheck/checkVjp differentiate with respect to inputs and weights together.

import { type Tensor, noGrad } from '@tsgrad/core';
import { type Module, functionalCall } from '@tsgrad/nn';

/** A function of (inputs..., params...) and its arguments, ready for gradcheck/checkVjp. */
export interface ModuleCase {
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  names: string[];
}

/**
 * Builds the case for `run(...inputs)` on `module` (which must already be float64): every
 * parameter that requires grad is replaced by a fresh float64 leaf with the same values.
 */
export function moduleCase(module: Module, inputs: Tensor[], run: (...xs: Tensor[]) => Tensor): ModuleCase {
  const named = module.namedParameters().filter(([, p]) => p.requiresGrad);
  const names = named.map(([n]) => n);
  const leaves = named.map(([, p]) => noGrad(() => p.clone()).requiresGrad_());
  const n = inputs.length;
  const f = (...xs: Tensor[]) => functionalCall(module, Object.fromEntries(names.map((k, i) => [k, xs[n + i]!])), () => run(...xs.slice(0, n)));
  return { f, inputs: [...inputs, ...leaves], names };
}
