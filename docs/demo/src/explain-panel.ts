// The "Why this prediction?" panel: trains the sentiment classifier in the page (yielding to the
// browser between steps), then explains the prediction for the sentence the visitor types. Reads
// `?clfSteps=N&explain=1` (train N steps, then explain the default sentence: what the browser test
// uses) and reports its progress in `window.tsgradDemo.classifier`.

import { manualSeed } from '@tsgrad/core';
import sentences from 'virtual:tsgrad-sentiment';
import { drawAttributions } from './attributions.js';
import { LABELS, SentimentClassifier } from './sentiment.js';

/** What the panel has done, for people reading the console and for tests. */
export interface ClassifierState {
  phase: 'idle' | 'training' | 'done' | 'error';
  losses: number[];
  /** Held-out accuracy after training. */
  accuracy: number | null;
  /** The last explanation: tokens with their scores, the prediction and the completeness error. */
  explanation: { text: string; predicted: string; tokens: { token: string; ig: number; rollout: number }[]; completenessError: number } | null;
  /** Token cells drawn for the last explanation. */
  cells: number;
  /** Why the last explanation failed (a sentence longer than the context, say). */
  explainError?: string;
  error?: string;
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Wires the panel's controls; `state` is updated in place. */
export function setupExplainPanel(state: ClassifierState, params: URLSearchParams): void {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const steps = $<HTMLInputElement>('clf-steps');
  const trainButton = $<HTMLButtonElement>('clf-train');
  const status = $<HTMLSpanElement>('clf-status');
  const text = $<HTMLInputElement>('explain-text');
  const explainButton = $<HTMLButtonElement>('explain');
  const out = $<HTMLDivElement>('attributions');
  let clf: SentimentClassifier | undefined;

  const fail = (e: unknown) => {
    state.phase = 'error';
    state.error = e instanceof Error ? e.message : String(e);
    status.textContent = `Error: ${state.error}`;
    console.error(e);
  };

  const explain = () => {
    if (!clf) return;
    try {
      const e = clf.explain(text.value);
      state.cells = drawAttributions(out, e, LABELS);
      state.explanation = {
        text: text.value, predicted: LABELS[e.predicted]!, completenessError: e.completenessError,
        tokens: e.tokens.map(({ token, ig, rollout }) => ({ token, ig, rollout })),
      };
      state.explainError = undefined;
    } catch (e) {
      state.explainError = out.textContent = e instanceof Error ? e.message : String(e); // e.g. a sentence longer than the context
      state.explanation = null;
      state.cells = 0;
    }
  };

  const train = async () => {
    trainButton.disabled = true;
    explainButton.disabled = true;
    state.phase = 'training';
    state.losses = [];
    state.error = undefined;
    try {
      manualSeed(0);
      clf = new SentimentClassifier(sentences, 0);
      const n = Math.max(1, Number(steps.value) || 1);
      const t0 = performance.now();
      for (let s = 1; s <= n; s++) {
        state.losses.push(clf.step());
        if (s % 10 === 0 || s === n) {
          status.textContent = `CPU: step ${s}/${n}, loss ${state.losses.at(-1)!.toFixed(3)}, ${(s / ((performance.now() - t0) / 1000)).toFixed(1)} steps/s`;
          await nextFrame();
        }
      }
      state.accuracy = clf.accuracy();
      status.textContent = `Trained ${n} steps: ${(100 * state.accuracy).toFixed(1)}% correct on ${clf.heldOut.length} held-out sentences.`;
      explainButton.disabled = false;
      explain();
      state.phase = 'done';
    } catch (e) {
      fail(e);
    } finally {
      trainButton.disabled = false;
    }
  };

  trainButton.addEventListener('click', () => void train());
  explainButton.addEventListener('click', explain);
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') explain();
  });
  if (params.has('clfSteps')) steps.value = params.get('clfSteps')!;
  if (params.has('explain')) void train();
}
