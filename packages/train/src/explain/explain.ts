// Explaining a classifier's prediction token by token: integrated gradients on the token
// embeddings (the embedding layer's output is replaced along the path by a forward hook) and
// attention rollout from the body's attention maps.

import { type Tensor, ValueError, fromArray, noGrad, softmax, zeros } from '@tsgrad/core';
import type { SequenceClassifier } from '@tsgrad/nn';
import type { Tokenizer } from '../tokenizers/types.js';
import { attentionRollout, recordAttention } from './attention-rollout.js';
import { integratedGradients } from './integrated-gradients.js';

/** Options of {@link explainClassifier}. */
export interface ExplainOptions {
  /** Ids put before the text (the model's `<cls>` or `<bos>`, as in fine-tuning). */
  prefix?: number[];
  /** The class to explain (default: the predicted one). */
  target?: number;
  /** Integrated-gradients path points (default 64). */
  steps?: number;
  /** The baseline input: 'zeros' (a zero embedding at every position, the default) or 'pad' (the padding token's embedding). */
  baseline?: 'zeros' | 'pad';
}

/** One token's scores. */
export interface TokenScore {
  /** The token id. */
  id: number;
  /** Its text. */
  token: string;
  /** Integrated-gradients attribution (the sum over its embedding features) to the target logit. */
  ig: number;
  /** Attention-rollout weight of the token in the pooled output (rows sum to 1). */
  rollout: number;
}

/** An explained prediction. */
export interface Explanation {
  /** The explained class. */
  target: number;
  /** The predicted class. */
  predicted: number;
  /** Class probabilities. */
  probabilities: number[];
  /** Per-token scores, in order (the prefix included). */
  tokens: TokenScore[];
  /** The target logit at the input and at the baseline. */
  logit: number;
  /** The target logit at the baseline. */
  baselineLogit: number;
  /** |sum of attributions - (logit - baselineLogit)| / |logit - baselineLogit|. */
  completenessError: number;
}

/**
 * Explains a sequence classifier's prediction for `text`: per token, the integrated-gradients
 * attribution to the target class's logit (Sundararajan et al. 2017; baseline configurable;
 * Gauss-Legendre quadrature) and its attention-rollout weight (Abnar & Zuidema 2020) in the pooled
 * output: the rollout row of the first token for 'cls' pooling, of the last for 'last', and the mean
 * of all rows otherwise. The model is put in eval mode.
 * @param model - The classifier.
 * @param tok - Its tokenizer.
 * @param text - The text to explain.
 * @param opts - `prefix` ids, `target` class, `steps` and `baseline`.
 * @returns The prediction and the per-token scores.
 * @example
 * const tok = trainRecipeTokenizer(['good film', 'bad film'], 300);
 * const clf = classifierFor({ objective: 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny }, 2, { pooling: 'mean' });
 * const e = explainClassifier(clf, tok, 'good film', { prefix: [tok.clsTokenId!] });
 * e.tokens.length === tok.encode('good film').length + 1; // true
 * e.completenessError < 0.01; // true
 */
export function explainClassifier(model: SequenceClassifier, tok: Tokenizer, text: string, opts: ExplainOptions = {}): Explanation {
  const ids = [...(opts.prefix ?? []), ...tok.encode(text)];
  if (ids.length === 0) throw new ValueError('explainClassifier', 'the text has no tokens', {}, 'give a non-empty text');
  const body = model.transformer;
  const max = 'blockSize' in body.config ? body.config.blockSize : body.config.maxPositions;
  if (ids.length > max) throw new ValueError('explainClassifier', `the text takes ${ids.length} tokens, more than the model's ${max}`, {}, 'explain a shorter text');
  model.eval();
  const device = model.parameters()[0]?.device ?? 'cpu';
  const T = ids.length;
  const idsT = fromArray(Int32Array.from(ids), [1, T]).to(device);
  const { result: logits, maps } = noGrad(() => recordAttention(model, () => model.forward(idsT, { keyPaddingMask: null })));
  const probabilities = softmax(logits, -1).squeeze(0).tolist() as number[];
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const target = opts.target ?? predicted;
  if (!Number.isInteger(target) || target < 0 || target >= probabilities.length) throw new ValueError('explainClassifier', `target must be a class in [0, ${probabilities.length}), got ${target}`);
  // integrated gradients: the embedding layer's output is swapped for the path point
  let swap: Tensor | null = null;
  const handle = body.wte.registerForwardHook(() => swap ?? undefined);
  let ig;
  try {
    const f = (emb: Tensor) => {
      swap = emb;
      return model.forward(idsT.expand([emb.shape[0]!, T]), { keyPaddingMask: null }).select(-1, target); // (N)
    };
    const x = noGrad(() => body.wte.forward(idsT)).squeeze(0).detach(); // (T, C)
    const padId = tok.padTokenId ?? 0;
    const x0 = opts.baseline === 'pad' ? body.wte.weight.detach().select(0, padId).expand(x.shape).contiguous() : zeros(x.shape, { dtype: x.dtype, device: x.device });
    ig = integratedGradients(f, x, x0, { steps: opts.steps ?? 64 });
  } finally {
    handle.remove();
    swap = null;
  }
  const perToken = ig.attributions.sum(-1).tolist() as number[];
  const roll = attentionRollout(maps.map((m) => (m.squeeze(0).tolist() as number[][])));
  const pooling = model.config.pooling;
  const rowOf = (j: number) => (pooling === 'cls' ? roll[0]![j]! : pooling === 'last' ? roll[T - 1]![j]! : roll.reduce((s, r) => s + r[j]!, 0) / T);
  return {
    target, predicted, probabilities, logit: ig.output, baselineLogit: ig.baselineOutput, completenessError: ig.completenessError,
    tokens: ids.map((id, j) => ({ id, token: tok.decode([id]), ig: perToken[j]!, rollout: rowOf(j) })),
  };
}
