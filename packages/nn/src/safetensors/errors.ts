// SafetensorsError: the one error type that reading or writing a safetensors file throws on bad input.

import { TsgradError } from '@tsgrad/core';

/**
 * A safetensors file (or a tensor dict to write) that breaks the format: a bad header, a bad dtype,
 * offsets that do not tile the data buffer, and so on. The message names the op, what was wrong and
 * where (tensor name, offsets, sizes).
 *
 * @example
 * ```ts
 * import { parseSafetensors, SafetensorsError } from '@tsgrad/nn';
 * try {
 *   parseSafetensors(new Uint8Array(3)); // the file is shorter than 8 bytes
 * } catch (e) {
 *   console.log(e instanceof SafetensorsError); // true
 * }
 * parseSafetensors(new Uint8Array(3)); // throws SafetensorsError
 * ```
 */
export class SafetensorsError extends TsgradError {
  /** Always `'SafetensorsError'`. */
  override name = 'SafetensorsError';
}
