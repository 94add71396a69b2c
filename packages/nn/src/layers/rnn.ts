// LSTM and GRU (torch.nn.LSTM/GRU): stacked, optionally bidirectional recurrent layers with
// PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, and
// `_reverse` for the backward direction), gate order (LSTM i, f, g, o; GRU r, z, n) and
// initialisation, so state dicts move between the two frameworks unchanged. Each layer projects
// the whole sequence's input in one matmul; the recurrence then runs one step per position.

import { type Generator, type Tensor, ShapeError, ValueError, cat, dropout, linear, stack, zeros } from '@tsgrad/core';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Options of LSTM and GRU (PyTorch's keyword arguments and defaults). */
export interface RNNOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are (N, L, *) instead of (L, N, *) (default false; states stay (layers, N, H)). */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, while training (default 0). */
  dropout?: number;
  /** Also run each layer backwards and concatenate the two outputs (default false). */
  bidirectional?: boolean;
  /** Draw dropout masks from this generator instead of the default one. */
  generator?: Generator;
}

/** Options of LSTM: those of every recurrent layer, and PyTorch's `proj_size`. */
export interface LSTMOptions extends RNNOptions {
  /** Project each hidden state to this size with `weight_hr_l{k}` (default 0: no projection; must be below hiddenSize). */
  projSize?: number;
}

type Cell = { wih: Tensor; whh: Tensor; bih: Tensor | null; bhh: Tensor | null; whr: Tensor | null };
type Step = (xp: Tensor, h: Tensor, c: Tensor | null, cell: Cell) => [Tensor, Tensor | null];

abstract class RNNBase extends Module {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden (and cell) state. */
  readonly hiddenSize: number;
  /** LSTM's projection size (0: none); the hidden state and the output have this size when set. */
  readonly projSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Batch-first input and output. */
  readonly batchFirst: boolean;
  /** Dropout between layers while training. */
  readonly dropout: number;
  /** Whether each layer also runs backwards. */
  readonly bidirectional: boolean;
  /** Dropout masks' generator (undefined: the default one). */
  generator: Generator | undefined;

  constructor(private readonly kind: 'LSTM' | 'GRU', gates: number, inputSize: number, hiddenSize: number, opts: LSTMOptions) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.projSize = opts.projSize ?? 0;
    if (kind === 'GRU' && this.projSize !== 0) throw new ValueError(kind, 'projSize is only supported for LSTM, not GRU');
    if (!Number.isInteger(this.projSize) || this.projSize < 0 || (this.projSize > 0 && this.projSize >= hiddenSize)) {
      throw new ValueError(kind, `projSize must be a non-negative integer below hiddenSize (${hiddenSize}), got ${this.projSize}`);
    }
    const out = this.projSize > 0 ? this.projSize : hiddenSize; // the hidden state's size
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false } = opts;
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(kind, `${name} must be a positive integer, got ${v}`);
    }
    if (!(p >= 0 && p <= 1)) throw new ValueError(kind, `dropout should be a number in range [0, 1], got ${p}`);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    this.generator = opts.generator;
    const slots = this as unknown as Record<string, Parameter>;
    for (let l = 0; l < numLayers; l++) {
      for (const suffix of bidirectional ? ['', '_reverse'] : ['']) {
        const inSize = l === 0 ? inputSize : out * (bidirectional ? 2 : 1);
        slots[`weight_ih_l${l}${suffix}`] = new Parameter(zeros([gates * hiddenSize, inSize]));
        slots[`weight_hh_l${l}${suffix}`] = new Parameter(zeros([gates * hiddenSize, out]));
        if (bias) {
          slots[`bias_ih_l${l}${suffix}`] = new Parameter(zeros([gates * hiddenSize]));
          slots[`bias_hh_l${l}${suffix}`] = new Parameter(zeros([gates * hiddenSize]));
        }
        if (this.projSize > 0) slots[`weight_hr_l${l}${suffix}`] = new Parameter(zeros([this.projSize, hiddenSize]));
      }
    }
    this.resetParameters();
  }

  /** Re-draws every weight and bias from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters(false)) uniform_(p, -bound, bound);
  }

  private cell(l: number, suffix: string): Cell {
    const slots = this as unknown as Record<string, Tensor>;
    return { wih: slots[`weight_ih_l${l}${suffix}`]!, whh: slots[`weight_hh_l${l}${suffix}`]!, bih: slots[`bias_ih_l${l}${suffix}`] ?? null, bhh: slots[`bias_hh_l${l}${suffix}`] ?? null, whr: slots[`weight_hr_l${l}${suffix}`] ?? null };
  }

  /** Checks a state's shape: (layers * directions, N, H), or without N for unbatched input. */
  private checkState(name: string, s: Tensor, expected: number[]): void {
    if (s.ndim !== expected.length || s.shape.some((v, i) => v !== expected[i])) {
      throw new ShapeError(this.kind, `expected ${name} of shape [${expected.join(', ')}], got [${s.shape.join(', ')}]`, { [name]: s.shape });
    }
  }

  /** Runs the stack; returns the output (as the input is laid out) and the final h (and c). */
  protected runLayers(input: Tensor, h0: Tensor | null | undefined, c0: Tensor | null | undefined, withCell: boolean, step: Step): [Tensor, Tensor, Tensor | null] {
    const { kind, hiddenSize: H } = this;
    if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(kind, `expected a 2-d (unbatched) or 3-d (batched) input, got ${input.ndim}-d`, { input: input.shape });
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(kind, `input.size(-1) must be equal to inputSize; expected ${this.inputSize}, got ${input.shape[input.ndim - 1]}`, { input: input.shape });
    }
    const batched = input.ndim === 3;
    let x = batched ? (this.batchFirst ? input.transpose(0, 1) : input) : input.unsqueeze(1); // (L, N, in)
    const [L, N] = [x.shape[0]!, x.shape[1]!];
    if (L === 0) throw new ShapeError(kind, 'expected a non-empty sequence', { input: input.shape });
    const D = this.bidirectional ? 2 : 1;
    const init = (name: string, s: Tensor | null | undefined, size: number): Tensor => {
      if (!s) return zeros([this.numLayers * D, N, size], { dtype: x.dtype, device: x.device });
      this.checkState(name, s, batched ? [this.numLayers * D, N, size] : [this.numLayers * D, size]);
      return batched ? s : s.unsqueeze(1);
    };
    const hInit = init('hx', h0, this.projSize > 0 ? this.projSize : H);
    const cInit = withCell ? init('cx', c0, H) : null;
    const hOut: Tensor[] = [];
    const cOut: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const cell = this.cell(l, d === 1 ? '_reverse' : '');
        const xp = linear(x, cell.wih, cell.bih); // (L, N, gates * H): the input's share of every step, in one matmul
        let h = hInit.select(0, l * D + d);
        let c = cInit ? cInit.select(0, l * D + d) : null;
        const seq: Tensor[] = new Array<Tensor>(L);
        for (let k = 0; k < L; k++) {
          const t = d === 1 ? L - 1 - k : k;
          [h, c] = step(xp.select(0, t), h, c, cell);
          seq[t] = h;
        }
        outs.push(stack(seq, 0));
        hOut.push(h);
        if (c) cOut.push(c);
      }
      x = D === 1 ? outs[0]! : cat(outs, 2);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) x = dropout(x, this.dropout, true, { generator: this.generator });
    }
    const out = batched ? (this.batchFirst ? x.transpose(0, 1) : x) : x.squeeze(1);
    const fin = (s: Tensor[]) => (batched ? stack(s, 0) : stack(s, 0).squeeze(1));
    return [out, fin(hOut), withCell ? fin(cOut) : null];
  }
}

// one LSTM step: gates = xp + h W_hh^T + b_hh split as (i, f, g, o)
const lstmStep: Step = (xp, h, c, cell) => {
  const [i, f, g, o] = xp.add(linear(h, cell.whh, cell.bhh)).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c1 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
  const h1 = o.sigmoid().mul(c1.tanh());
  return [cell.whr ? linear(h1, cell.whr) : h1, c1]; // with projSize: h = W_hr (o tanh(c))
};

// one GRU step: r, z from input and hidden parts; n = tanh(xn + r (h W_hn^T + b_hn)); h' = n + z (h - n)
const gruStep: Step = (xp, h, _c, cell) => {
  const [xr, xz, xn] = xp.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = linear(h, cell.whh, cell.bhh).chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.add(z.mul(h.sub(n))), null];
};

/**
 * A multi-layer long short-term memory network (torch.nn.LSTM; Hochreiter & Schmidhuber 1997).
 * Per step, with gates in PyTorch's order: i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(...),
 * g = tanh(...), o = σ(...); c' = f c + i g; h' = o tanh(c'). `weight_ih_l{k}` is
 * (4 hiddenSize, in) with the four gates' rows stacked as (i, f, g, o), as PyTorch, so weights
 * move both ways through safetensors. With `projSize` the hidden state is projected,
 * h' = W_hr (o tanh(c')), by `weight_hr_l{k}` (projSize, hiddenSize), as PyTorch's `proj_size`.
 *
 * # Shapes
 * - input: (L, N, inputSize), (N, L, inputSize) with batchFirst, or unbatched (L, inputSize)
 * - hx = [h0, c0]: each (numLayers * D, N, hiddenSize) (D = 2 if bidirectional), default zeros;
 *   h0 is (numLayers * D, N, projSize) with a projection
 * - output: (L, N, D * hiddenSize) (batchFirst: (N, L, ...)), D * projSize with a projection; [hN, cN] as hx
 *
 * @example
 * const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true });
 * const [out, [h, c]] = lstm.forward(randn([5, 7, 3]));
 * out.shape; // [5, 7, 4]
 * h.shape;   // [2, 5, 4]
 * Object.keys(lstm.stateDict()).slice(0, 4); // ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
 */
export class LSTM extends RNNBase {
  /**
   * @param inputSize - Features of each input step.
   * @param hiddenSize - Features of the hidden and cell states.
   * @param opts - `numLayers`, `bias`, `batchFirst`, `dropout`, `bidirectional`, `projSize`, `generator`.
   */
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, opts);
  }

  /**
   * Runs the sequence.
   * @param input - (L, N, inputSize), (N, L, inputSize) with batchFirst, or (L, inputSize).
   * @param hx - Initial [h0, c0] (default zeros).
   * @returns [output, [hN, cN]].
   */
  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [out, h, c] = this.runLayers(input, hx?.[0], hx?.[1], true, lstmStep);
    return [out, [h, c!]];
  }
}

/**
 * A multi-layer gated recurrent unit network (torch.nn.GRU; Cho et al. 2014). Per step, with
 * PyTorch's gate order: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h. `weight_ih_l{k}` is
 * (3 hiddenSize, in) with rows (r, z, n), so PyTorch state dicts load unchanged.
 *
 * # Shapes
 * - input: (L, N, inputSize), (N, L, inputSize) with batchFirst, or unbatched (L, inputSize)
 * - hx: (numLayers * D, N, hiddenSize) (D = 2 if bidirectional), default zeros
 * - output: (L, N, D * hiddenSize) (batchFirst: (N, L, ...)); hN as hx
 *
 * @example
 * const gru = new GRU(3, 4, { bidirectional: true });
 * const [out, h] = gru.forward(randn([6, 2, 3]));
 * out.shape; // [6, 2, 8]
 * h.shape;   // [2, 2, 4]
 */
export class GRU extends RNNBase {
  /**
   * @param inputSize - Features of each input step.
   * @param hiddenSize - Features of the hidden state.
   * @param opts - `numLayers`, `bias`, `batchFirst`, `dropout`, `bidirectional`, `generator`.
   */
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, opts);
  }

  /**
   * Runs the sequence.
   * @param input - (L, N, inputSize), (N, L, inputSize) with batchFirst, or (L, inputSize).
   * @param hx - Initial hidden state (default zeros).
   * @returns [output, hN].
   */
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const [out, h] = this.runLayers(input, hx, null, false, gruStep);
    return [out, h];
  }
}
