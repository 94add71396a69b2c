// The demo's model: a character-level GPT (nn's GPT) trained with AdamW on random windows of the
// corpus, the per-head attention weights of any block, and sampling. Runs on 'cpu' or 'gpu'; on the
// GPU every step releases its intermediates with scope()/dispose() instead of waiting for the GC.

import { Generator, crossEntropy, dispose, keep, noGrad, scope, tensor, type Tensor } from '@tsgrad/core';
import { GPT, type GPTConfig } from '@tsgrad/nn';
import { AdamW, CharTokenizer } from '@tsgrad/train/browser';

/** The model size: small enough to train in seconds on a CPU. */
export const MODEL_CONFIG: Omit<GPTConfig, 'vocabSize'> = { blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 48, dimFeedforward: 192, dropout: 0 };

/** One head's attention map and the characters it is over. */
export interface AttentionMap {
  tokens: string[];
  /** Row-major (H, T, T): weights[h][i][j] is how much query i attends to key j in head h. */
  weights: Float32Array;
  heads: number;
}

/** A character-level language model being trained on one text. */
export class CharLM {
  readonly tokenizer: CharTokenizer;
  readonly model: GPT;
  private readonly ids: Int32Array;
  private readonly opt: AdamW;
  private readonly rng: Generator;

  constructor(text: string, readonly device: 'cpu' | 'gpu', config = MODEL_CONFIG, readonly batchSize = 16, seed = 0) {
    this.tokenizer = CharTokenizer.fromText(text, { specialTokens: ['<unk>'] });
    this.ids = Int32Array.from(this.tokenizer.encode(text));
    this.model = new GPT({ ...config, vocabSize: this.tokenizer.vocabSize }); // initialised from the seeded default generator
    if (device === 'gpu') this.model.to('gpu');
    this.opt = new AdamW(this.model.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
    this.rng = new Generator(seed);
  }

  get blockSize(): number {
    return this.model.config.blockSize;
  }

  /** B random windows: inputs x (B, T) and next-character targets y (B, T), int32. */
  batch(B = this.batchSize): { x: Tensor; y: Tensor } {
    const T = this.blockSize;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const o = this.rng.randint(0, this.ids.length - T - 1);
      x.set(this.ids.subarray(o, o + T), b * T);
      y.set(this.ids.subarray(o + 1, o + T + 1), b * T);
    }
    const opts = { shape: [B, T], dtype: 'int32' as const, device: this.device };
    return { x: tensor(x, opts), y: tensor(y, opts) };
  }

  private stateTensors(): Tensor[] {
    return [...this.opt.state.values()].flatMap((s) => [s.expAvg, s.expAvgSq]);
  }

  /** One AdamW step on a fresh batch; resolves to its loss. */
  async step(): Promise<number> {
    const { x, y } = this.batch();
    const params = this.model.parameters();
    const V = this.model.config.vocabSize;
    const loss = scope(() => {
      const logits = this.model.forward(x); // (B, T, V)
      const l = crossEntropy(logits.reshape([-1, V]), y.reshape([-1]));
      l.backward();
      keep(params.map((p) => p.grad)); // the gradients outlive the scope, for the optimizer
      return l.detach();
    });
    const before = this.stateTensors();
    scope(() => {
      this.opt.step();
      keep(this.stateTensors()); // the new moments are the optimizer's; its temporaries go
    });
    const now = new Set(this.stateTensors());
    dispose(before.filter((t) => !now.has(t))); // on the GPU, Adam's moments are new tensors each step
    dispose(params.map((p) => p.grad));
    this.opt.zeroGrad();
    dispose([x, y]);
    const value = (await loss.data())[0]!;
    dispose(loss);
    return value;
  }

  /**
   * The residual stream entering block `layer` (`layer` = nLayer: after the last block, before
   * `ln_f`), computed the way GPTModel.forward computes it. (B, T, C); call it inside noGrad.
   */
  hiddenBefore(idx: Tensor, layer: number): Tensor {
    const body = this.model.transformer;
    let h = body.wte.forward(idx); // (B, T, C)
    if (body.wpe) h = body.wpe.forward(h);
    h = body.drop.forward(h);
    for (let i = 0; i < layer; i++) h = body.h[i]!.forward(h, { isCausal: true });
    return h;
  }

  /**
   * Per-head attention weights of block `layer` for `text` (its last blockSize characters). GPT's
   * forward does not return attention weights, so this runs the body up to that block and asks the
   * block's MultiheadAttention for them (needWeights, per head), on the block's normalised input.
   */
  async attention(text: string, layer: number): Promise<AttentionMap> {
    const ids = this.tokenizer.encode(text).slice(-this.blockSize);
    const body = this.model.transformer;
    body.eval();
    const w = noGrad(() => scope(() => {
      const h = this.hiddenBefore(tensor([ids], { dtype: 'int32', device: this.device }), layer);
      const block = body.h[layer]!;
      const hn = block.normFirst ? block.norm1.forward(h) : h; // GPT's blocks are pre-norm
      const [, weights] = block.self_attn.forward(hn, hn, hn, { isCausal: true, needWeights: true, averageAttnWeights: false });
      return weights!.squeeze(0); // (H, T, T)
    }));
    body.train();
    const data = (await w.data()) as Float32Array;
    const heads = w.shape[0]!;
    dispose(w);
    return { tokens: ids.map((id) => this.tokenizer.idToToken(id)!), weights: data, heads };
  }

  /** Continues `prompt` by `n` characters. */
  async generate(prompt: string, n: number, temperature: number): Promise<string> {
    this.model.eval();
    const out = await this.model.generate(this.tokenizer.encode(prompt), { maxNewTokens: n, temperature, topK: 20, generator: this.rng });
    this.model.train();
    return this.tokenizer.decode(out);
  }
}
