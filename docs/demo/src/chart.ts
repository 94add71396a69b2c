// The live loss chart: a line over the steps on a canvas, with a few axis ticks.

/** Draws `losses` (one per step) on `canvas`, scaled to fit. */
export function drawLossChart(canvas: HTMLCanvasElement, losses: readonly number[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: W, height: H } = canvas;
  const m = { l: 44, r: 10, t: 10, b: 28 };
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#888';
  ctx.beginPath();
  ctx.moveTo(m.l, m.t);
  ctx.lineTo(m.l, H - m.b);
  ctx.lineTo(W - m.r, H - m.b);
  ctx.stroke();
  if (losses.length === 0) return;
  const hi = Math.max(...losses);
  const lo = Math.min(0, ...losses);
  const n = Math.max(losses.length - 1, 1);
  const x = (i: number) => m.l + ((W - m.l - m.r) * i) / n;
  const y = (v: number) => H - m.b - ((H - m.t - m.b) * (v - lo)) / (hi - lo || 1);
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.fillText(v.toFixed(2), 4, y(v) + 4);
  }
  ctx.fillText('0', m.l, H - 8);
  ctx.fillText(String(losses.length), W - m.r - 24, H - 8);
  ctx.strokeStyle = '#1f77b4';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  losses.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
}
