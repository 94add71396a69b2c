// The attention heatmap: one head's (T, T) weights as shaded cells, the characters along both axes.

import type { AttentionMap } from './model.js';

const show = (c: string) => (c === ' ' ? '␣' : c === '\n' ? '↵' : c);

/** Draws head `head` of `map` on `canvas`; returns the number of cells drawn. */
export function drawHeatmap(canvas: HTMLCanvasElement, map: AttentionMap, head: number): number {
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const T = map.tokens.length;
  const { width: W, height: H } = canvas;
  const pad = 18;
  const cell = Math.min((W - pad) / T, (H - pad) / T);
  ctx.clearRect(0, 0, W, H);
  ctx.font = `${Math.max(8, Math.min(12, cell - 2))}px ui-monospace, monospace`;
  ctx.textAlign = 'center';
  ctx.fillStyle = '#333';
  for (let i = 0; i < T; i++) {
    const label = show(map.tokens[i]!);
    ctx.fillText(label, pad + (i + 0.5) * cell, 12); // keys along the top
    ctx.fillText(label, 8, pad + (i + 0.7) * cell); // queries down the side
  }
  let cells = 0;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const w = map.weights[(head * T + i) * T + j]!;
      const shade = Math.round(255 * (1 - Math.sqrt(Math.max(0, Math.min(1, w))))); // sqrt: faint weights stay visible
      ctx.fillStyle = `rgb(${shade}, ${shade}, 255)`;
      ctx.fillRect(pad + j * cell, pad + i * cell, cell, cell);
      cells++;
    }
  }
  return cells;
}
