// MultiheadAttention against a plain-JS reference of Vaswani et al.'s equations: outputs, per-head
// and averaged weights, PyTorch's mask rules, layouts, kdim/vdim, addBiasKv, and the KV cache.

import { describe, expect, test } from 'vitest';
import { type Tensor, cat, manualSeed, randn, tensor, zeros } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { KVCache, MultiheadAttention, RotaryEmbedding, Transformer, causalMask, generateSquareSubsequentMask } from '@tsgrad/nn';
import { mat, mhaState, mhaWeights, t64 } from './helpers/fixtures.js';
import { type Mat, causalRef, mhaRef, rows, values } from './helpers/reference.js';

const [E, H, L, S, B] = [4, 2, 3, 4, 2];
const w = mhaWeights(E, 1);
const seqFirst = (n: number, seed: number) => t64(values(n * B * E, seed, 1)).reshape([n, B, E]); // (T, B, E)
const batchRows = (x: Tensor, b: number): Mat => (x.tolist() as Mat[]).map((t) => t[b]!); // (T, E) of batch b
const flat = (m: Mat[]) => m.flat(2);

function mha(opts: ConstructorParameters<typeof MultiheadAttention>[2] = {}) {
  const m = new MultiheadAttention(E, H, opts).to('float64');
  m.loadStateDict(mhaState(w));
  return m;
}

describe('MultiheadAttention golden values', () => {
  const q = seqFirst(L, 10);
  const k = seqFirst(S, 20);
  const v = seqFirst(S, 30);

  test('output and averaged weights equal the reference, per batch element', () => {
    const [out, weights] = mha().forward(q, k, v);
    expect(out.shape).toEqual([L, B, E]);
    expect(weights!.shape).toEqual([B, L, S]);
    for (let b = 0; b < B; b++) {
      const ref = mhaRef(batchRows(q, b), batchRows(k, b), batchRows(v, b), w, H);
      assertClose(out.select(1, b), ref.out.flat(), { rtol: 1e-10, atol: 1e-12 });
      const avg = ref.weights[0]!.map((r, i) => r.map((x, j) => (x + ref.weights[1]![i]![j]!) / 2));
      assertClose(weights!.select(0, b), avg.flat(), { rtol: 1e-10 });
    }
  });

  test('per-head weights (averageAttnWeights: false); needWeights: false returns null', () => {
    const m = mha();
    const [, perHead] = m.forward(q, k, v, { averageAttnWeights: false });
    expect(perHead!.shape).toEqual([B, H, L, S]);
    const ref = mhaRef(batchRows(q, 1), batchRows(k, 1), batchRows(v, 1), w, H);
    assertClose(perHead!.select(0, 1), flat(ref.weights), { rtol: 1e-10 });
    expect(m.forward(q, k, v, { needWeights: false })[1]).toBeNull();
  });

  test('masks: bool attnMask (true = may NOT attend), float attnMask and keyPaddingMask are summed as PyTorch', () => {
    const boolMask = tensor([[false, true, false, false], [false, false, true, true], [true, false, false, false]]);
    const floatMask = t64([[0, -1.5, 0, 0.5], [0, 0, 0, -2], [0, 0.25, 0, 0]]);
    const kpm = tensor([[false, false, false, true], [true, false, false, false]]); // (B, S), true = padding
    const m = mha();
    for (const [attnMask, addRef] of [[boolMask, (i: number, j: number) => (boolMask.tolist() as boolean[][])[i]![j]! ? -Infinity : 0],
      [floatMask, (i: number, j: number) => (floatMask.tolist() as Mat)[i]![j]!]] as const) {
      const [out, weights] = m.forward(q, k, v, { attnMask, keyPaddingMask: kpm, averageAttnWeights: false });
      for (let b = 0; b < B; b++) {
        const pad = (kpm.tolist() as boolean[][])[b]!;
        const mask = Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => addRef(i, j) + (pad[j] ? -Infinity : 0)));
        const ref = mhaRef(batchRows(q, b), batchRows(k, b), batchRows(v, b), w, H, mask);
        assertClose(out.select(1, b), ref.out.flat(), { rtol: 1e-10, atol: 1e-12 });
        assertClose(weights!.select(0, b), flat(ref.weights), { rtol: 1e-10, atol: 1e-15 });
      }
    }
  });

  test('a 3-D attnMask (B * H, L, S) masks per batch element and head', () => {
    const m3 = Array.from({ length: B * H }, (_, bh) => Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => ((bh + i + j) % 3 === 0 ? -Infinity : 0.1 * bh))));
    const [, weights] = mha().forward(q, k, v, { attnMask: t64(m3 as never), averageAttnWeights: false });
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const ref = mhaRef(batchRows(q, b), batchRows(k, b), batchRows(v, b), w, H, m3[b * H + h]!);
        assertClose(weights!.select(0, b).select(0, h), ref.weights[h]!.flat(), { rtol: 1e-10, atol: 1e-15 });
      }
    }
  });

  test('isCausal equals generateSquareSubsequentMask; masked weights are exactly 0', () => {
    const x = seqFirst(L, 40);
    const m = mha();
    const [a, wa] = m.forward(x, x, x, { isCausal: true });
    const [b2, wb] = m.forward(x, x, x, { attnMask: generateSquareSubsequentMask(L, { dtype: 'float64' }) });
    expect(a.tolist()).toEqual(b2.tolist());
    expect(wa!.tolist()).toEqual(wb!.tolist());
    const ref = mhaRef(batchRows(x, 0), batchRows(x, 0), batchRows(x, 0), w, H, causalRef(L));
    assertClose(a.select(1, 0), ref.out.flat(), { rtol: 1e-10, atol: 1e-12 });
    expect((wa!.tolist() as number[][][])[0]![0]!.slice(1)).toEqual([0, 0]);
    expect(generateSquareSubsequentMask(3).tolist()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    expect(Transformer.generateSquareSubsequentMask(2).tolist()).toEqual([[0, -Infinity], [0, 0]]);
    expect(causalMask(2, 4).tolist()).toEqual([[0, 0, 0, -Infinity], [0, 0, 0, 0]]);
  });

  test('batchFirst and unbatched inputs give the same numbers as the seq-first layout', () => {
    const [ref, wref] = mha().forward(q, k, v);
    const [bf, wbf] = mha({ batchFirst: true }).forward(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1));
    assertClose(bf.transpose(0, 1), ref, { rtol: 1e-12 });
    assertClose(wbf!, wref!, { rtol: 1e-12 });
    const [ub, wub] = mha().forward(q.select(1, 1), k.select(1, 1), v.select(1, 1), { keyPaddingMask: tensor([false, true, false, false]) });
    const [b1, wb1] = mha().forward(q, k, v, { keyPaddingMask: tensor([[false, false, false, false], [false, true, false, false]]) });
    expect(ub.shape).toEqual([L, E]);
    assertClose(ub, b1.select(1, 1), { rtol: 1e-12 });
    assertClose(wub!, wb1!.select(0, 1), { rtol: 1e-12 });
  });

  test('kdim/vdim use q_proj_weight, k_proj_weight and v_proj_weight', () => {
    const [kd, vd] = [3, 5];
    const Wq = mat(E, E, 61);
    const Wk = mat(E, kd, 62);
    const Wv = mat(E, vd, 63);
    const m = new MultiheadAttention(E, H, { kdim: kd, vdim: vd }).to('float64');
    m.loadStateDict({ q_proj_weight: t64(Wq), k_proj_weight: t64(Wk), v_proj_weight: t64(Wv), in_proj_bias: t64(w.bin!), 'out_proj.weight': t64(w.Wout), 'out_proj.bias': t64(w.bout!) });
    const kk = t64(values(S * B * kd, 3, 1)).reshape([S, B, kd]);
    const vv = t64(values(S * B * vd, 4, 1)).reshape([S, B, vd]);
    const [out] = m.forward(q, kk, vv);
    const ref = mhaRef(batchRows(q, 0), batchRows(kk, 0), batchRows(vv, 0), { ...w, Win: [...Wq, ...Wk, ...Wv] }, H);
    assertClose(out.select(1, 0), ref.out.flat(), { rtol: 1e-10, atol: 1e-12 });
  });

  test('addBiasKv appends one learned key and value after the projection; masks get a zero column', () => {
    const m = new MultiheadAttention(E, H, { addBiasKv: true }).to('float64');
    const bk = values(E, 71, 1);
    const bv = values(E, 72, 1);
    m.loadStateDict({ ...mhaState(w), bias_k: t64(bk).reshape([1, 1, E]), bias_v: t64(bv).reshape([1, 1, E]) });
    const kpm = tensor([[false, true, false, false], [false, false, false, false]]);
    const [out, weights] = m.forward(q, k, v, { keyPaddingMask: kpm });
    expect(weights!.shape).toEqual([B, L, S + 1]);
    const mask = rows(Array.from({ length: L * (S + 1) }, (_, i) => (i % (S + 1) === 1 ? -Infinity : 0)), S + 1);
    const ref = mhaRef(batchRows(q, 0), batchRows(k, 0), batchRows(v, 0), w, H, mask, { k: bk, v: bv });
    assertClose(out.select(1, 0), ref.out.flat(), { rtol: 1e-10, atol: 1e-12 });
  });

  test('attention dropout is active in training only', () => {
    manualSeed(3);
    const m = mha({ dropout: 0.5 });
    const [, wTrain] = m.forward(q, k, v, { averageAttnWeights: false });
    const vals = Array.from(wTrain!.dataSync());
    expect(vals.some((x) => x === 0)).toBe(true); // dropped weights
    const [evalOut] = m.eval().forward(q, k, v);
    const [plain] = mha().forward(q, k, v);
    expect(evalOut.tolist()).toEqual(plain.tolist());
  });

  test('self-attention without weights takes the packed path: the outputs and gradients of the general one, within float32 rounding', () => {
    // query === key === value runs one in-projection and packedAttention; a copy of x as key/value
    // runs three projections and the composite; float32, in training with dropout from one seed
    for (const [opts, fwd] of [
      [{ batchFirst: true, dropout: 0.2 }, { isCausal: true }],
      [{ batchFirst: false, dropout: 0 }, { keyPaddingMask: tensor([[false, false, true, true], [false, true, true, true]]) }],
      [{ batchFirst: true, dropout: 0.1 }, { attnMask: tensor([[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]) }],
    ] as const) {
      const m = new MultiheadAttention(8, 2, opts);
      m.train();
      const x = randn(opts.batchFirst ? [2, 4, 8] : [4, 2, 8]);
      const run = (packed: boolean) => {
        const xi = x.detach().requiresGrad_(true);
        m.zeroGrad();
        manualSeed(5);
        const [y] = m.forward(xi, packed ? xi : xi.mul(1), packed ? xi : xi.mul(1), { ...fwd, needWeights: false });
        y.mul(y).sum().backward();
        return { y: y.detach(), grads: [xi.grad!, ...m.parameters().map((p) => p.grad!)] };
      };
      const [a, b] = [run(true), run(false)];
      assertClose(a.y, b.y, { rtol: 1e-5, atol: 1e-6 });
      a.grads.forEach((g, i) => assertClose(g, b.grads[i]!, { rtol: 1e-5, atol: 1e-6 }));
    }
  });

  test('shape errors name what is wrong', () => {
    const m = mha();
    expect(() => m.forward(seqFirst(L, 1).narrow(2, 0, 3), k, v)).toThrow(/was expecting embedding dimension of 4, but got 3/);
    expect(() => m.forward(q, k, v, { attnMask: zeros([L, S + 1], { dtype: 'float64' }) })).toThrow(/2D attnMask should be \(L, S\) = \(3, 4\)/);
    expect(() => m.forward(q, k, v.narrow(0, 0, 2))).toThrow(/same sequence length/);
    expect(() => new MultiheadAttention(6, 4)).toThrow(/divisible by numHeads/);
  });
});

describe('KV cache', () => {
  test('token-by-token decoding with the cache equals the full causal forward (float64), with and without RoPE', () => {
    manualSeed(1);
    const T = 6;
    const x = randn([2, T, 8], { dtype: 'float64' });
    for (const rope of [undefined, new RotaryEmbedding(4).to('float64')]) {
      const m = new MultiheadAttention(8, 2, { batchFirst: true }).to('float64');
      const [full] = m.forward(x, x, x, { isCausal: true, rope });
      const cache = new KVCache();
      const [prefix] = m.forward(x.narrow(1, 0, 2), x.narrow(1, 0, 2), x.narrow(1, 0, 2), { isCausal: true, cache, rope }); // prefill 2 tokens
      const steps = [prefix];
      for (let t = 2; t < T; t++) {
        const xt = x.narrow(1, t, 1);
        steps.push(m.forward(xt, xt, xt, { isCausal: true, cache, rope })[0]);
      }
      expect(cache.length).toBe(T);
      assertClose(cat(steps, 1), full, { rtol: 1e-12, atol: 1e-12 });
      cache.reset();
      expect(cache.length).toBe(0);
    }
  });

  test('staticKv: cross-attention over a memory projected once equals the plain forward, with rows reordered between calls (float64)', () => {
    manualSeed(2);
    const m = new MultiheadAttention(8, 2, { batchFirst: true }).to('float64');
    const mem = randn([3, 5, 8], { dtype: 'float64' });
    const pad = tensor([[false, false, false, true, true], [false, false, false, false, false], [false, true, true, true, true]]);
    const staticKv = new KVCache();
    const q1 = randn([3, 1, 8], { dtype: 'float64' });
    const [first] = m.forward(q1, mem, mem, { keyPaddingMask: pad, staticKv });
    assertClose(first, m.forward(q1, mem, mem, { keyPaddingMask: pad })[0], { rtol: 1e-12, atol: 1e-12 });
    expect(staticKv.key!.shape).toEqual([3, 2, 5, 4]);
    // beam search: four rows continue sources 2, 0, 0, 1; the stored keys are reordered, the memory is not read again
    const idx = tensor([2, 0, 0, 1], { dtype: 'int32' });
    [staticKv.key, staticKv.value] = [staticKv.key!.indexSelect(0, idx), staticKv.value!.indexSelect(0, idx)];
    const q2 = randn([4, 2, 8], { dtype: 'float64' });
    const [again] = m.forward(q2, zeros([1, 1, 8], { dtype: 'float64' }), zeros([1, 1, 8], { dtype: 'float64' }), { keyPaddingMask: pad.indexSelect(0, idx), staticKv });
    const memRows = mem.indexSelect(0, idx);
    assertClose(again, m.forward(q2, memRows, memRows, { keyPaddingMask: pad.indexSelect(0, idx) })[0], { rtol: 1e-12, atol: 1e-12 });
  });

  test('staticKv: a batch that does not match the stored keys, or a combination with cache or rope, is an error', () => {
    const m = new MultiheadAttention(8, 2, { batchFirst: true });
    const mem = randn([2, 5, 8]);
    const staticKv = new KVCache();
    m.forward(randn([2, 1, 8]), mem, mem, { staticKv });
    expect(() => m.forward(randn([3, 1, 8]), mem, mem, { staticKv })).toThrow(/staticKv holds keys for a batch of 2, the query has 3 rows/);
    expect(() => m.forward(randn([2, 1, 8]), mem, mem, { staticKv: new KVCache(), cache: new KVCache() })).toThrow(/staticKv .* cannot be combined with cache, rope or addBiasKv/);
  });
});
