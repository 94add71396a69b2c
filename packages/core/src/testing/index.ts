// @tsgrad/core/testing: gradient checking and numeric comparison, for tsgrad's own suites and
// for users checking their own functions and ops.

export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
export { checkVjp, type CheckVjpOptions } from './check-vjp.js';
export { allclose, assertClose, firstMismatch, type Tolerance } from './compare.js';
