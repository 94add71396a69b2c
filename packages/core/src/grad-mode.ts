// The global switch that says whether ops record the autograd graph (`noGrad` flips it).

let enabled = true;

/**
 * Whether ops currently record the graph for autograd.
 * @returns False inside {@link noGrad}, true otherwise.
 * @example
 * isGradEnabled(); // true
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Sets grad mode and returns the previous value (prefer `noGrad(fn)` / `enableGrad(fn)`). */
export function setGradEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}
