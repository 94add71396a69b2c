// Per-kernel timing of tsgrad's CPU backend (`--kernels`): wraps the backend's kernel lookup so
// that, while recording, every kernel call (in-place ones included) is timed and counted by
// primitive and input shapes. Recording adds a little overhead to each call; steps timed for the
// benchmark tables run with it off.

/**
 * Installs the timer on `core`'s CPU backend.
 * @returns {{ start(): void, stop(steps: number): Breakdown, measure(fn: () => void, steps: number): Breakdown }}
 *   `start` clears and starts recording; `stop(steps)` stops and returns the kernels' ms a step in
 *   all and per kernel [key, ms a step, calls a step], slowest first; `measure` runs `fn` `steps`
 *   times between the two.
 */
export function kernelTimer(core) {
  const times = new Map();
  let on = false;
  const note = (key, t0) => {
    const e = times.get(key) ?? { ms: 0, calls: 0 };
    e.ms += performance.now() - t0;
    e.calls++;
    times.set(key, e);
  };
  const keyOf = (name, inputs) => `${name} ${inputs.map((x) => `[${x.shape.join(',')}]${x.dtype === 'float32' ? '' : x.dtype}`).join(' ')}`;
  const inner = core.cpuBackend.kernel.bind(core.cpuBackend);
  core.cpuBackend.kernel = (op) => {
    const k = inner(op);
    if (!k) return k;
    const timed = (inputs, out, attrs) => {
      if (!on) return k(inputs, out, attrs);
      const t0 = performance.now();
      const r = k(inputs, out, attrs);
      note(keyOf(op.name, inputs), t0);
      return r;
    };
    if (k.inPlace) {
      timed.inPlace = (inputs, attrs) => {
        if (!on) return k.inPlace(inputs, attrs);
        const t0 = performance.now();
        const r = k.inPlace(inputs, attrs);
        note(`${keyOf(op.name, inputs)} (in place)`, t0);
        return r;
      };
    }
    if (k.fallback) Object.defineProperty(timed, 'fallback', { value: true });
    return timed;
  };
  const timer = {
    start() {
      times.clear();
      on = true;
    },
    stop(steps) {
      on = false;
      const rows = [...times].map(([key, e]) => [key, e.ms / steps, e.calls / steps]).sort((a, b) => b[1] - a[1]);
      return { total: rows.reduce((s, r) => s + r[1], 0), rows };
    },
    measure(fn, steps) {
      timer.start();
      try {
        for (let i = 0; i < steps; i++) fn();
      } finally {
        on = false;
      }
      return timer.stop(steps);
    },
  };
  return timer;
}

/** A breakdown as markdown: the total, then the `top` slowest kernels. */
export function kernelTable({ total, rows }, top = 25) {
  const lines = rows.slice(0, top).map(([key, ms, calls]) => `| \`${key}\` | ${ms.toFixed(2)} | ${+calls.toFixed(2)} |`);
  return `kernels ${total.toFixed(1)} ms a step in all (${rows.length} distinct; the ${Math.min(top, rows.length)} slowest):\n\n| kernel and input shapes | ms a step | calls a step |\n| --- | --- | --- |\n${lines.join('\n')}`;
}
