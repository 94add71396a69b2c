// Hyper-parameter checks shared by the optimizers and schedulers (internal: not re-exported).

import { ValueError } from '@tsgrad/core';

/** Throws a ValueError naming `op` and the first entry of `o` that is not a finite number >= `min`. */
export function finite(op: string, o: Record<string, number>, min = 0): void {
  for (const [k, v] of Object.entries(o)) if (!Number.isFinite(v) || v < min) throw new ValueError(op, `${k} must be a finite number >= ${min}, got ${v}`);
}
