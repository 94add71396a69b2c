// The benchmark harness: runs every implementation of a case in the same process, interleaved
// round-robin per repetition (rotating who goes first), after warm-up, and summarises the times.

/**
 * @typedef {object} Impl  One implementation of a case.
 * @property {string} name
 * @property {() => (void | Promise<void>)} [before]  untimed, before every call (e.g. pick a backend)
 * @property {() => unknown} run  the timed call
 * @property {() => (ArrayLike<number> | Promise<ArrayLike<number>>)} [result]  untimed: the output, for a correctness check
 * @property {() => void} [dispose]
 */

/**
 * @typedef {object} Case
 * @property {string} label
 * @property {number} flops  floating-point operations of one call (for GFLOP/s)
 * @property {Impl[]} impls
 */

/** @typedef {{ name: string, times: number[], median: number, min: number, max: number, gflops: number, maxErr: number | null }} Row */

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs one case. Each implementation gets `warmup` untimed calls, then repetitions go round-robin
 * until each has `reps` timed calls or the case's time budget is spent (at least `minReps` each).
 * An implementation slower than `slowMs` per call gets only `minReps` calls.
 * @param {Case} c
 * @param {{ reps?: number, minReps?: number, warmup?: number, budgetMs?: number, slowMs?: number, reference?: string }} [o]
 * @returns {Promise<Row[]>}
 */
export async function runCase(c, o = {}) {
  const { reps = 30, minReps = 3, warmup = 2, budgetMs = 6000, slowMs = 500, reference } = o;
  const state = c.impls.map((impl) => ({ impl, times: [], limit: reps, maxErr: null }));
  for (const s of state) {
    for (let w = 0; w < warmup; w++) {
      await s.impl.before?.();
      const t0 = performance.now();
      s.impl.run();
      if (performance.now() - t0 > slowMs) {
        s.limit = minReps;
        break;
      }
    }
  }
  await checkResults(state, reference);
  const start = performance.now();
  for (let r = 0; ; r++) {
    const active = state.filter((s) => s.times.length < s.limit && (s.times.length < minReps || performance.now() - start < budgetMs));
    if (active.length === 0) break;
    for (let q = 0; q < active.length; q++) {
      const s = active[(q + r) % active.length]; // rotate the order each repetition
      await s.impl.before?.();
      const t0 = performance.now();
      s.impl.run();
      s.times.push(performance.now() - t0);
    }
  }
  for (const s of state) s.impl.dispose?.();
  return state.map((s) => {
    const med = median(s.times);
    return { name: s.impl.name, times: s.times, median: med, min: Math.min(...s.times), max: Math.max(...s.times), gflops: c.flops / med / 1e6, maxErr: s.maxErr };
  });
}

/** Compares every implementation's output with the reference's (max |diff| / max |ref|). */
async function checkResults(state, reference) {
  const ref = state.find((s) => s.impl.name === reference) ?? state.find((s) => s.impl.result);
  if (!ref?.impl.result) return;
  await ref.impl.before?.();
  const want = await ref.impl.result();
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (const s of state) {
    if (!s.impl.result) continue;
    await s.impl.before?.();
    const got = await s.impl.result();
    let err = got.length === want.length ? 0 : Infinity;
    for (let i = 0; i < want.length && err !== Infinity; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    s.maxErr = err / (scale || 1);
  }
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** A fixed-width text table. */
export function textTable(header, rows) {
  const w = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((x, i) => (i === 0 ? String(x).padEnd(w[i]) : String(x).padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** A markdown table. */
export function mdTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
