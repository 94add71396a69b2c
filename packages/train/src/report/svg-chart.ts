// Dependency-free SVG line charts for reports: loss curves and accuracy-vs-labels plots, with
// axes, ticks, a legend and optional error bars (mean +- spread).

import { ValueError } from '@tsgrad/core';

/** One line: points (x, y), optionally with a +-error per point. */
export interface Series {
  /** Legend text. */
  name: string;
  /** The points, in x order. */
  points: ReadonlyArray<readonly [number, number]>;
  /** Error bar half-heights, one per point. */
  errors?: readonly number[];
  /** Draw dashed. */
  dashed?: boolean;
}

/** Chart options. */
export interface ChartOptions {
  /** Title above the plot. */
  title: string;
  /** X axis label. */
  xLabel: string;
  /** Y axis label. */
  yLabel: string;
  /** Logarithmic x axis. */
  logX?: boolean;
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 400). */
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * About five round tick values covering [lo, hi].
 * @param lo - Lower end.
 * @param hi - Upper end.
 * @param count - Roughly how many ticks.
 * @returns Round values from the first multiple of the step at or above lo.
 * @example niceTicks(0, 1); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/**
 * Renders series as an SVG line chart (a standalone document string).
 * @param series - The lines.
 * @param o - Title, axis labels, log x, size.
 * @returns The SVG document.
 * @example lineChart([{ name: 'loss', points: [[0, 2], [1, 1]] }], { title: 'Loss', xLabel: 'step', yLabel: 'loss' }); // '<svg xmlns="http://www.w3.org/2000/svg"...'
 */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const pts = series.flatMap((s) => s.points.map(([x, y], i) => [x, y, s.errors?.[i] ?? 0] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) throw new ValueError('lineChart', `no finite points to plot in '${o.title}'`);
  if (o.logX && pts.some(([x]) => x <= 0)) throw new ValueError('lineChart', 'logX needs positive x values');
  const W = o.width ?? 640;
  const H = o.height ?? 400;
  const legend = Math.max(...series.map((s) => s.name.length));
  const m = { l: 64, r: Math.min(320, 56 + 7 * legend), t: 36, b: 48 };
  const tx = (x: number) => (o.logX ? Math.log10(x) : x);
  const xs = pts.map(([x]) => tx(x));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...pts.map(([, y, e]) => y - e)), Math.max(...pts.map(([, y, e]) => y + e))];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => m.l + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  const xTicks = o.logX ? pts.map(([x]) => x).filter((x, i, a) => a.indexOf(x) === i).sort((a, b) => a - b) : niceTicks(x0, x1);
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of xTicks) parts.push(`<text x="${sx(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="black"/><line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="black"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="16" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">${esc(o.yLabel)}</text>`);
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const good = s.points.map((p, i) => [p, s.errors?.[i] ?? 0] as const).filter(([[x, y]]) => Number.isFinite(x) && Number.isFinite(y));
    const d = good.map(([[x, y]], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [[x, y], e] of good) {
      if (e > 0) parts.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${sy(y - e).toFixed(1)}" y2="${sy(y + e).toFixed(1)}" stroke="${color}"/>`);
      if (good.length <= 30) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = m.t + 10 + k * 18;
    parts.push(`<line x1="${W - m.r + 10}" x2="${W - m.r + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${W - m.r + 36}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
