// A Vite plugin for bundling tsgrad: @tsgrad/core's package.json says `"sideEffects": false`, but
// its entry imports two modules for their effects (backends/cpu/index registers the CPU backend;
// methods attaches the Tensor methods). A bundler that trusts the flag drops both, and every
// `x.add(y)` fails. This marks those two modules, and the entry that imports them, as having side
// effects again (a side-effect-free entry is skipped with its imports when only re-exports are used).
// TODO(docs): drop it once core's package.json lists them in "sideEffects".
import type { Plugin } from 'vite';

const EFFECTFUL = /packages\/core\/(src|dist)\/(index|methods|backends\/cpu\/index)\.(ts|js)$/;

/** Keeps @tsgrad/core's side-effect imports in a tree-shaken bundle. */
export function keepTsgradSideEffects(): Plugin {
  return {
    name: 'tsgrad-keep-side-effects',
    enforce: 'pre',
    transform(code, id) {
      return EFFECTFUL.test(id) ? { code, moduleSideEffects: true } : null;
    },
  };
}
