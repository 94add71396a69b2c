// Forward hooks (PyTorch's register_forward_pre_hook / register_forward_hook), attached to
// Module here; they run inside the module's one call path, the wrapped `forward` (trail.ts).

import { Module } from './module.js';
import { forwardHooks, type ForwardHooks } from './trail.js';

/** Runs before `forward`; may return replacement arguments (an array, or one value for a single argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** Runs after `forward`; may return a replacement output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

/** What `registerForwardHook` returns (PyTorch's RemovableHandle). */
export interface RemovableHandle {
  /** Unregisters the hook (calling it twice is harmless). */
  remove(): void;
}

/** Options of the hook registrations. */
export interface HookOptions {
  /** Run this hook before the ones already registered (default false: after them). */
  prepend?: boolean;
}

declare module './module.js' {
  interface Module {
    /**
     * Registers a hook run before every `forward` call of this module, with the arguments; a
     * return value other than undefined replaces them (an array replaces the list, another value
     * becomes the single argument). PyTorch's `register_forward_pre_hook`.
     * @param hook - `(module, args) => newArgs | undefined`.
     * @param opts - `prepend`: run before the hooks already registered.
     * @returns A handle whose `remove()` unregisters the hook.
     */
    registerForwardPreHook(hook: ForwardPreHook<this>, opts?: HookOptions): RemovableHandle;
    /**
     * Registers a hook run after every `forward` call of this module, with the arguments and the
     * output; a return value other than undefined replaces the output. PyTorch's `register_forward_hook`.
     * @param hook - `(module, args, output) => newOutput | undefined`.
     * @param opts - `prepend`: run before the hooks already registered.
     * @returns A handle whose `remove()` unregisters the hook.
     */
    registerForwardHook(hook: ForwardHook<this>, opts?: HookOptions): RemovableHandle;
  }
}

function register(m: Module, kind: keyof ForwardHooks, hook: ForwardHooks[typeof kind][number], prepend = false): RemovableHandle {
  let hooks = forwardHooks.get(m);
  if (hooks === undefined) forwardHooks.set(m, (hooks = { pre: [], post: [] }));
  const list = hooks[kind] as unknown[];
  if (prepend) list.unshift(hook);
  else list.push(hook);
  return {
    remove() {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

Object.defineProperty(Module.prototype, 'registerForwardPreHook', {
  value(this: Module, hook: ForwardPreHook, opts: HookOptions = {}) { return register(this, 'pre', hook as ForwardHooks['pre'][number], opts.prepend); },
  writable: true, configurable: true, enumerable: false,
});
Object.defineProperty(Module.prototype, 'registerForwardHook', {
  value(this: Module, hook: ForwardHook, opts: HookOptions = {}) { return register(this, 'post', hook as ForwardHooks['post'][number], opts.prepend); },
  writable: true, configurable: true, enumerable: false,
});
