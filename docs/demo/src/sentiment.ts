// The demo's sentiment classifier and its explanations: a one-block BERT-style SequenceClassifier
// (nn) trained in the page, on the CPU backend, on the UCI Sentiment Labelled Sentences (3,000
// review sentences from Amazon, IMDb and Yelp, 10% held out), with a byte-level BPE learned from
// the training sentences; `explain` is train's explainClassifier: integrated gradients on the token
// embeddings and attention rollout.

import { crossEntropy, noGrad, type Tensor } from '@tsgrad/core';
import { SequenceClassifier } from '@tsgrad/nn';
import {
  AdamW, BPETokenizer, collateClassification, encodeExamples, explainClassifier, shuffled,
  type EncodedExample, type Explanation, type LabelledText,
} from '@tsgrad/train/browser';

/** The classifier's size: it trains to ~70% held-out accuracy in a few seconds on a CPU. */
export const CLASSIFIER_CONFIG = { vocabSize: 800, maxPositions: 64, nLayer: 1, nHead: 2, nEmbd: 32, dimFeedforward: 64, dropout: 0.1 };

/** The labels' names (the data set's 0 and 1). */
export const LABELS = ['negative', 'positive'] as const;

const SPECIALS = ['<pad>', '<cls>', '<unk>'];
const PAD = 0;
const CLS = 1;

/** A sentence classifier trained step by step in the page. */
export class SentimentClassifier {
  readonly tokenizer: BPETokenizer;
  readonly model: SequenceClassifier;
  /** The held-out sentences (10%, never trained on). */
  readonly heldOut: EncodedExample[];
  private readonly train: EncodedExample[];
  private readonly opt: AdamW;
  private order: EncodedExample[] = [];
  private pos = 0;
  private epoch = 0;

  /**
   * @param examples - Labelled sentences (label 0 negative, 1 positive).
   * @param seed - Seeds the split and the batch order (the weights use the default generator).
   */
  constructor(examples: readonly LabelledText<number>[], readonly seed = 0) {
    const data = shuffled(examples, seed);
    const nHeldOut = Math.round(data.length / 10);
    const trainTexts = data.slice(nHeldOut);
    const c = CLASSIFIER_CONFIG;
    this.tokenizer = BPETokenizer.train(trainTexts.map((e) => e.text), { vocabSize: c.vocabSize, specialTokens: SPECIALS, minFrequency: 2 });
    const encode = (xs: readonly LabelledText<number>[]) => encodeExamples(this.tokenizer, xs, { maxLength: c.maxPositions, prefix: [CLS] });
    this.train = encode(trainTexts);
    this.heldOut = encode(data.slice(0, nHeldOut));
    const { vocabSize: _, ...shape } = c;
    this.model = SequenceClassifier.fromConfig({
      body: { arch: 'bert', vocabSize: this.tokenizer.vocabSize, padId: PAD, normFirst: true, ...shape },
      numLabels: LABELS.length, pooling: 'mean', classifierDropout: 0.1,
    });
    this.opt = new AdamW(this.model.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
  }

  private logits(batch: readonly EncodedExample[]): { logits: Tensor; labels: Tensor } {
    const b = collateClassification(batch, { padId: PAD });
    return { logits: this.model.forward(b.inputIds, { keyPaddingMask: b.attentionMask.logicalNot() }), labels: b.labels };
  }

  /** One AdamW step on the next batch of a shuffled epoch; returns its loss. */
  step(batchSize = 32): number {
    if (this.pos + batchSize > this.order.length) {
      this.order = shuffled(this.train, this.seed * 1000 + ++this.epoch);
      this.pos = 0;
    }
    const { logits, labels } = this.logits(this.order.slice(this.pos, this.pos + batchSize));
    this.pos += batchSize;
    const loss = crossEntropy(logits, labels);
    loss.backward();
    this.opt.step();
    this.opt.zeroGrad();
    return loss.item();
  }

  /** Accuracy on the held-out sentences. */
  accuracy(): number {
    this.model.eval();
    let correct = 0;
    for (let i = 0; i < this.heldOut.length; i += 100) {
      const { logits, labels } = noGrad(() => this.logits(this.heldOut.slice(i, i + 100)));
      const pred = logits.argmax(-1).tolist() as number[];
      const gold = labels.tolist() as number[];
      pred.forEach((p, j) => void (correct += p === gold[j] ? 1 : 0));
    }
    this.model.train();
    return correct / this.heldOut.length;
  }

  /** The prediction for `text` with every token's integrated-gradients attribution and rollout weight. */
  explain(text: string, steps = 64): Explanation {
    const e = explainClassifier(this.model, this.tokenizer, text, { prefix: [CLS], steps });
    this.model.train(); // explainClassifier leaves the model in eval mode
    return e;
  }
}
