// Config objects: defaults filled in, where a key given as undefined keeps its default (so
// `{ dropout: opts.dropout }` with no dropout does not erase the default).

/**
 * `{ ...defaults, ...cfg }` ignoring the keys of `cfg` whose value is undefined.
 * @example withDefaults({ dropout: 0.1, bias: true }, { dropout: undefined, bias: false }); // { dropout: 0.1, bias: false }
 */
export function withDefaults<D extends object, C extends object>(defaults: D, cfg: C): D & C {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(cfg)) if (v !== undefined) out[k] = v;
  return out as D & C;
}
