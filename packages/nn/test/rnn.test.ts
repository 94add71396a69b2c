// LSTM and GRU: PyTorch's parameter names and shapes, a one-step case worked out by hand, and a
// plain-number implementation of PyTorch's documented equations (written out here) as the reference
// for stacked, bidirectional, batch-first and unbatched runs with initial states.
import { describe, expect, test } from 'vitest';
import { manualSeed, randn, tensor, type NestedArray, type Tensor } from '@tsgrad/core';
import { GRU, LSTM, parseSafetensors, serializeSafetensors } from '@tsgrad/nn';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
type M = number[][];
const mv = (w: M, x: number[], b: number[] | null) => w.map((row, i) => row.reduce((s, v, j) => s + v * x[j]!, b ? b[i]! : 0));
const flat = (v: NestedArray): number[] => (Array.isArray(v) ? v.flatMap((x) => flat(x as NestedArray)) : [Number(v)]);
const close = (a: Tensor, b: number[], tol = 1e-10) => {
  const x = flat(a.tolist());
  expect(x.length).toBe(b.length);
  x.forEach((v, i) => expect(Math.abs(v - b[i]!), `element ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol));
};

/** Reference: one direction of one layer over xs (time-major, one sequence), PyTorch's equations. */
function refLayer(kind: 'lstm' | 'gru', sd: Record<string, Tensor>, name: string, xs: number[][], h0: number[], c0: number[], reverse: boolean): { ys: number[][]; h: number[]; c: number[] } {
  const g = (k: string) => (sd[k] ? (sd[k]!.tolist() as never) : null);
  const [wih, whh, bih, bhh] = [g(`weight_ih_${name}`) as M, g(`weight_hh_${name}`) as M, g(`bias_ih_${name}`) as number[] | null, g(`bias_hh_${name}`) as number[] | null];
  const whr = g(`weight_hr_${name}`) as M | null;
  const H = kind === 'lstm' ? c0.length : h0.length;
  let [h, c] = [h0, c0];
  const ys: number[][] = new Array<number[]>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const t = reverse ? xs.length - 1 - k : k;
    const a = mv(wih, xs[t]!, bih);
    const b = mv(whh, h, bhh);
    const part = (v: number[], q: number) => v.slice(q * H, (q + 1) * H);
    if (kind === 'lstm') {
      const s = a.map((v, i) => v + b[i]!);
      const [i, f, gg, o] = [part(s, 0).map(sig), part(s, 1).map(sig), part(s, 2).map(Math.tanh), part(s, 3).map(sig)];
      c = c.map((cv, j) => f[j]! * cv + i[j]! * gg[j]!);
      h = o.map((ov, j) => ov * Math.tanh(c[j]!));
      if (whr) h = mv(whr, h, null); // projSize: h = W_hr (o tanh(c))
    } else {
      const r = part(a, 0).map((v, j) => sig(v + part(b, 0)[j]!));
      const z = part(a, 1).map((v, j) => sig(v + part(b, 1)[j]!));
      const n = part(a, 2).map((v, j) => Math.tanh(v + r[j]! * part(b, 2)[j]!));
      h = n.map((nv, j) => (1 - z[j]!) * nv + z[j]! * h[j]!);
    }
    ys[t] = h;
  }
  return { ys, h, c };
}

/** Reference for a whole stack on one sequence: output rows and final states per layer * direction. */
function refStack(kind: 'lstm' | 'gru', sd: Record<string, Tensor>, layers: number, bi: boolean, xs: number[][], h0: number[][], c0: number[][]) {
  let inp = xs;
  const hs: number[][] = [];
  const cs: number[][] = [];
  for (let l = 0; l < layers; l++) {
    const dirs = (bi ? [0, 1] : [0]).map((d) => refLayer(kind, sd, `l${l}${d ? '_reverse' : ''}`, inp, h0[l * (bi ? 2 : 1) + d]!, c0[l * (bi ? 2 : 1) + d]!, d === 1));
    dirs.forEach((r) => { hs.push(r.h); cs.push(r.c); });
    inp = inp.map((_, t) => dirs.flatMap((r) => r.ys[t]!));
  }
  return { ys: inp, hs, cs };
}

describe('LSTM and GRU', () => {
  test("PyTorch's parameter names, order and shapes", () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const shapes = Object.entries(lstm.stateDict()).map(([k, v]) => `${k} ${v.shape.join('x')}`);
    expect(shapes).toEqual([
      'weight_ih_l0 20x3', 'weight_hh_l0 20x5', 'bias_ih_l0 20', 'bias_hh_l0 20',
      'weight_ih_l0_reverse 20x3', 'weight_hh_l0_reverse 20x5', 'bias_ih_l0_reverse 20', 'bias_hh_l0_reverse 20',
      'weight_ih_l1 20x10', 'weight_hh_l1 20x5', 'bias_ih_l1 20', 'bias_hh_l1 20',
      'weight_ih_l1_reverse 20x10', 'weight_hh_l1_reverse 20x5', 'bias_ih_l1_reverse 20', 'bias_hh_l1_reverse 20',
    ]);
    expect(Object.keys(new GRU(2, 4, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    // every parameter starts in U(-1/sqrt(H), 1/sqrt(H))
    for (const p of lstm.parameters()) expect(p.abs().amax().item()).toBeLessThanOrEqual(1 / Math.sqrt(5));
  });

  test('projSize: weight_hr_l{k} projects h, as PyTorch proj_size', () => {
    manualSeed(5);
    const lstm = new LSTM(3, 5, { projSize: 2, numLayers: 2 }).to('float64');
    const shapes = Object.entries(lstm.stateDict()).map(([k, v]) => `${k} ${v.shape.join('x')}`);
    expect(shapes.slice(0, 5)).toEqual(['weight_ih_l0 20x3', 'weight_hh_l0 20x2', 'bias_ih_l0 20', 'bias_hh_l0 20', 'weight_hr_l0 2x5']);
    expect(shapes[5]).toBe('weight_ih_l1 20x2');
    const x = randn([4, 1, 3], { dtype: 'float64' });
    const h0 = randn([2, 1, 2], { dtype: 'float64' });
    const c0 = randn([2, 1, 5], { dtype: 'float64' });
    const [out, [h, c]] = lstm.forward(x, [h0, c0]);
    expect([out.shape, h.shape, c.shape]).toEqual([[4, 1, 2], [2, 1, 2], [2, 1, 5]]);
    const ref = refStack('lstm', lstm.stateDict(), 2, false, x.select(1, 0).tolist() as number[][], h0.select(1, 0).tolist() as number[][], c0.select(1, 0).tolist() as number[][]);
    close(out, ref.ys.flat());
    close(h, ref.hs.flat());
    close(c, ref.cs.flat());
    expect(() => new LSTM(3, 5, { projSize: 5 })).toThrow(/LSTM.*projSize/);
    expect(() => new GRU(3, 5, { projSize: 2 } as never)).toThrow(/GRU.*only supported for LSTM/);
  });

  test('one LSTM step by hand: gate rows in the order i, f, g, o', () => {
    const lstm = new LSTM(1, 1, { bias: false }).to('float64');
    lstm.loadStateDict({ weight_ih_l0: tensor([[1], [2], [3], [4]], { dtype: 'float64' }), weight_hh_l0: tensor([[0], [0], [0], [0]], { dtype: 'float64' }) });
    const x = 0.5;
    const c0 = 2;
    const [, [h, c]] = lstm.forward(tensor([[[x]]], { dtype: 'float64' }), [tensor([[[0]]], { dtype: 'float64' }), tensor([[[c0]]], { dtype: 'float64' })]);
    const c1 = sig(2 * x) * c0 + sig(x) * Math.tanh(3 * x); // f c + i g
    close(c, [c1]);
    close(h, [sig(4 * x) * Math.tanh(c1)]);
  });

  test('one GRU step by hand: gate rows r, z, n; r gates the hidden part of n', () => {
    const gru = new GRU(1, 1).to('float64');
    const t = (v: number[]) => tensor(v.map((a) => [a]), { dtype: 'float64' });
    gru.loadStateDict({ weight_ih_l0: t([1, 2, 3]), weight_hh_l0: t([0.5, -1, 2]), bias_ih_l0: tensor([0, 0, 0.1], { dtype: 'float64' }), bias_hh_l0: tensor([0, 0, 0.2], { dtype: 'float64' }) });
    const [x, h0] = [0.4, -0.3];
    const [out, h] = gru.forward(tensor([[x]], { dtype: 'float64' }), tensor([[h0]], { dtype: 'float64' })); // unbatched
    const r = sig(x + 0.5 * h0);
    const z = sig(2 * x - h0);
    const n = Math.tanh(3 * x + 0.1 + r * (2 * h0 + 0.2));
    close(h, [(1 - z) * n + z * h0]);
    close(out, [(1 - z) * n + z * h0]);
    expect(out.shape).toEqual([1, 1]);
  });

  for (const kind of ['lstm', 'gru'] as const) {
    test(`${kind}: stacked, bidirectional, batch-first, initial states match the reference equations`, () => {
      manualSeed(3);
      const [I, H, L, N, layers] = [3, 2, 4, 2, 2];
      const opts = { numLayers: layers, bidirectional: true, batchFirst: true };
      const m = (kind === 'lstm' ? new LSTM(I, H, opts) : new GRU(I, H, opts)).to('float64');
      const x = randn([N, L, I], { dtype: 'float64' });
      const h0 = randn([layers * 2, N, H], { dtype: 'float64' });
      const c0 = randn([layers * 2, N, H], { dtype: 'float64' });
      const [out, hN, cN] = m instanceof LSTM ? (([o, [a, b]]) => [o, a, b])(m.forward(x, [h0, c0])) : [...(m as GRU).forward(x, h0), null];
      expect(out!.shape).toEqual([N, L, 2 * H]);
      const sd = m.stateDict();
      for (let n = 0; n < N; n++) {
        const ref = refStack(kind, sd, layers, true, x.select(0, n).tolist() as number[][], h0.select(1, n).tolist() as number[][], c0.select(1, n).tolist() as number[][]);
        close(out!.select(0, n), ref.ys.flat());
        close(hN!.select(1, n), ref.hs.flat());
        if (cN) close(cN.select(1, n), ref.cs.flat());
      }
    });
  }

  test('weights move through safetensors: the reloaded network gives the same output', () => {
    manualSeed(4);
    const a = new LSTM(2, 3, { numLayers: 2 });
    const bytes = serializeSafetensors(a.stateDict());
    const b = new LSTM(2, 3, { numLayers: 2 });
    b.loadStateDict(parseSafetensors(bytes).tensors);
    const x = randn([5, 1, 2]);
    expect(b.forward(x)[0].tolist()).toEqual(a.forward(x)[0].tolist());
  });

  test('errors name the layer and the shapes', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 2, 2]))).toThrow(/LSTM.*inputSize; expected 3, got 2/);
    expect(() => lstm.forward(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])])).toThrow(/LSTM.*hx of shape \[2, 2, 4\], got \[1, 2, 4\]/);
    expect(() => new GRU(3, 4).forward(randn([3]))).toThrow(/GRU.*2-d \(unbatched\) or 3-d/);
    expect(() => new GRU(3, 0)).toThrow(/GRU.*hiddenSize/);
  });
});
