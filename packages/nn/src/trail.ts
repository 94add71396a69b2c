// Module breadcrumbs on errors: `forward` is wrapped once per module so a TsgradError thrown inside
// nested modules ends with `in h.0.self_attn (MultiheadAttention) <- h.0 (TransformerEncoderLayer) <- GPT`.

import { TsgradError } from '@tsgrad/core';

/** What the trail needs of a module: its class name and where its descendants sit. */
export interface TrailNode {
  namedModules(): [string, TrailNode][];
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
 * outermost module's forward. The return value is untouched; nothing else is intercepted.
 */
export function installTrail(m: TrailNode): void {
  const inner = (m as { forward?: unknown }).forward;
  if (typeof inner !== 'function') return;
  const fn = inner as (...args: unknown[]) => unknown;
  // NOTE: a `function` (not an arrow) so a deep-copied module's wrapper records the copy as `this`
  function forward(this: TrailNode, ...args: unknown[]): unknown {
    depth++;
    try {
      return fn.apply(this, args);
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
