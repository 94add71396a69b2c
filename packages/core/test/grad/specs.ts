// All gradient specs of the non-elementwise ops, in one list (the registry test reads it too).

import type { GradSpec } from './helpers.js';
import { advancedIndexSpecs } from './specs-advanced-index.js';
import { convSpecs } from './specs-conv.js';
import { fusedSpecs } from './specs-fused.js';
import { indexSpecs } from './specs-index.js';
import { movementSpecs } from './specs-movement.js';
import { nnSpecs } from './specs-nn.js';
import { reduceSpecs } from './specs-reduce.js';
import { productSpecs } from './specs-products.js';
import { shapingSpecs } from './specs-shaping.js';
import { sortingSpecs } from './specs-sorting.js';

export const allSpecs: GradSpec[] = [...reduceSpecs, ...movementSpecs, ...indexSpecs, ...nnSpecs, ...fusedSpecs, ...advancedIndexSpecs, ...convSpecs, ...sortingSpecs, ...shapingSpecs, ...productSpecs];
