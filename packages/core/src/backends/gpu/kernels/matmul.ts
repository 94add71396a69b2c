// Batched, broadcasting matmul over strided (e.g. transposed) operands. gpu.js has no workgroup
// memory, so the only tiling is in registers: on webgpu a thread computes a row of four outputs
// (an Array(4) result) with the K loop unrolled by four; elsewhere one output per thread.

import { broadcastStrides } from '../../../shape.js';
import { coords, offset } from '../codegen.js';
import { currentDevice } from '../storage.js';
import { kernelFor, launch } from '../runtime.js';
import { bufOf, coalesceWithOut, sig, type Impl } from './common.js';

/** Kernel shape: `simple` one output per thread; `row4` four per thread; `row4k4` also unrolls K by 4. */
export type MatmulVariant = 'auto' | 'simple' | 'row4' | 'row4k4';

/** Tuning knob for benchmarks; `auto` picks row4k4 / row4 on webgpu where N (and K) are multiples of 4. */
export const matmulTuning: { variant: MatmulVariant } = { variant: 'auto' };

interface Layout {
  readonly batch: readonly number[];
  readonly sa: readonly number[];
  readonly sb: readonly number[];
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** [sam, sak, sbk, sbn] */
  readonly st: readonly number[];
}

function source(l: Layout, variant: Exclude<MatmulVariant, 'auto'>): string {
  const wide = variant !== 'simple';
  const [sam, sak, sbk, sbn] = l.st as [number, number, number, number];
  const ix = coords([...l.batch, l.M, wide ? l.N / 4 : l.N], 'i', 'c');
  const nb = l.batch.length;
  const [cm, cn] = [ix.names[nb]!, ix.names[nb + 1]!];
  const lines = [
    `const ab = ${offset([...ix.names.slice(0, nb), cm], [...l.sa, sam], 'o0')};`,
    `const bb = ${offset(ix.names.slice(0, nb), l.sb, 'o1')} + ${wide ? `${cn} * 4` : cn} * ${sbn};`,
  ];
  if (!wide) {
    lines.push('let acc = 0;', `for (let k = 0; k < ${l.K}; k++) {`, `  acc = acc + x0[ab + k * ${sak}] * x1[bb + k * ${sbk}];`, '}', 'return acc;');
  } else {
    const u = variant === 'row4k4' ? 4 : 1;
    const step = (j: number) => [
      `  const av${j} = x0[ab + (k4 + ${j}) * ${sak}];`, `  const bk${j} = bb + (k4 + ${j}) * ${sbk};`,
      `  a0 = a0 + av${j} * x1[bk${j}];`, `  a1 = a1 + av${j} * x1[bk${j} + ${sbn}];`,
      `  a2 = a2 + av${j} * x1[bk${j} + ${2 * sbn}];`, `  a3 = a3 + av${j} * x1[bk${j} + ${3 * sbn}];`,
    ];
    lines.push('let a0 = 0;', 'let a1 = 0;', 'let a2 = 0;', 'let a3 = 0;', `for (let k = 0; k < ${l.K / u}; k++) {`, `  const k4 = k * ${u};`,
      ...Array.from({ length: u }, (_, j) => step(j)).flat(), '}', 'return [a0, a1, a2, a3];');
  }
  return `function (x0, x1, o0, o1) {\n  const i = this.thread.x;\n  ${ix.code}\n  ${lines.join('\n  ')}\n}`;
}

function pick(l: Layout): Exclude<MatmulVariant, 'auto'> {
  const fits4 = currentDevice().mode === 'webgpu' && l.N % 4 === 0;
  const v = matmulTuning.variant;
  if (v === 'simple' || !fits4) return 'simple';
  if (v === 'row4k4' || v === 'auto') return l.K % 4 === 0 ? 'row4k4' : 'row4';
  return 'row4';
}

/** The matmul kernel. */
export const matmul: Impl = (snaps, out) => {
  const [a, b] = [snaps[0]!.view, snaps[1]!.view];
  const r = out.shape.length;
  const batchShape = out.shape.slice(0, -2);
  const c = coalesceWithOut(batchShape, [
    broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batchShape),
    broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batchShape),
  ]);
  const l: Layout = {
    batch: c.shape, sa: c.views[0]!, sb: c.views[1]!, M: out.shape[r - 2]!, N: out.shape[r - 1]!,
    K: a.shape[a.shape.length - 1]!, st: [...a.strides.slice(-2), ...b.strides.slice(-2)],
  };
  const variant = pick(l);
  const key = `mm|${variant}|${sig(l.batch)}|${sig(l.sa)}|${sig(l.sb)}|${l.M},${l.N},${l.K}|${sig(l.st)}`;
  const k = kernelFor(key, () => ({
    source: source(l, variant),
    argumentTypes: ['Array', 'Array', 'Float', 'Float'],
    size: (l.batch.reduce((x, y) => x * y, 1) * l.M * l.N) / (variant === 'simple' ? 1 : 4),
    vec4: variant !== 'simple',
  }));
  return launch(k, [bufOf(snaps[0]!), bufOf(snaps[1]!)], [a.offset, b.offset]);
};
