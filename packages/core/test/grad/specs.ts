// All gradient specs of the non-elementwise ops, in one list (the registry test reads it too).

import { convSpecs } from './specs-conv.js';
import type { GradSpec } from './helpers.js';
import { fusedSpecs } from './specs-fused.js';
import { indexSpecs } from './specs-index.js';
import { movementSpecs } from './specs-movement.js';
import { nnSpecs } from './specs-nn.js';
import { reduceSpecs } from './specs-reduce.js';

export const allSpecs: GradSpec[] = [...reduceSpecs, ...movementSpecs, ...indexSpecs, ...nnSpecs, ...fusedSpecs, ...convSpecs];
