// The one call path of a module: `forward` is wrapped once per module. The wrapper runs the
// module's forward pre-hooks and forward hooks (PyTorch runs them in `__call__`), and a TsgradError
// thrown inside nested modules ends with `in h.0.self_attn (MultiheadAttention) <- h.0 (TransformerEncoderLayer) <- GPT`.

import { TsgradError } from '@tsgrad/core';

/** What the trail needs of a module: its class name and where its descendants sit. */
export interface TrailNode {
  namedModules(): [string, TrailNode][];
}

/** @internal A module's forward pre-hooks and forward hooks, in call order (registered in hooks.ts). */
export interface ForwardHooks {
  pre: ((m: never, args: unknown[]) => unknown)[];
  post: ((m: never, args: unknown[], output: unknown) => unknown)[];
}

/** @internal The hooks of each module that has any. */
export const forwardHooks = new WeakMap<object, ForwardHooks>();

function callHooked(m: TrailNode, fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  const hooks = forwardHooks.get(m);
  if (hooks === undefined) return fn.apply(m, args);
  // a pre-hook may return new arguments: an array replaces the list, another value the single argument
  for (const h of [...hooks.pre]) {
    const r = h(m as never, args);
    if (r !== undefined) args = Array.isArray(r) ? r : [r];
  }
  let out = fn.apply(m, args);
  for (const h of [...hooks.post]) {
    const r = h(m as never, args, out);
    if (r !== undefined) out = r;
  }
  return out;
}

// The modules an error passed through, innermost first; finished when it leaves the outermost forward.
const chains = new WeakMap<TsgradError, TrailNode[]>();
const finished = new WeakSet<TsgradError>();
let depth = 0;

function className(m: TrailNode): string {
  return (m as object).constructor.name;
}

/** Path of `inner` below `outer` (`h.0.self_attn`), or undefined when it is not a descendant. */
function pathBelow(outer: TrailNode, inner: TrailNode): string | undefined {
  for (const [name, m] of outer.namedModules()) if (m === inner && name !== '') return name;
  return undefined;
}

function finish(e: TsgradError, chain: TrailNode[]): void {
  const outer = chain[chain.length - 1]!;
  for (const m of chain) {
    if (m === outer) {
      e.addTrail(className(m));
      continue;
    }
    const path = pathBelow(outer, m);
    e.addTrail(path === undefined ? className(m) : `${path} (${className(m)})`);
  }
  finished.add(e);
}

/**
 * @internal Called by the Module constructor.
 * Replaces `m.forward` (the subclass's prototype method) with a wrapper that records the module
 * when a TsgradError passes through, and writes the breadcrumbs when the error leaves the
 * outermost module's forward; it also runs the module's forward hooks around the call.
 */
export function installTrail(m: TrailNode): void {
  const inner = (m as { forward?: unknown }).forward;
  if (typeof inner !== 'function') return;
  const fn = inner as (...args: unknown[]) => unknown;
  // NOTE: a `function` (not an arrow) so a deep-copied module's wrapper records the copy as `this`
  function forward(this: TrailNode, ...args: unknown[]): unknown {
    depth++;
    try {
      return callHooked(this, fn, args);
    } catch (e) {
      if (e instanceof TsgradError && !finished.has(e)) {
        const chain = chains.get(e) ?? [];
        if (chain[chain.length - 1] !== this) chain.push(this);
        chains.set(e, chain);
        if (depth === 1) finish(e, chain);
      }
      throw e;
    } finally {
      depth--;
    }
  }
  Object.defineProperty(m, 'forward', { value: forward, writable: true, configurable: true, enumerable: false });
}
