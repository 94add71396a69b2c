// Draws an explanation as two rows of tokens: integrated gradients (green where a token pushes the
// model towards its prediction, red where it pushes away, intensity relative to the largest
// attribution) and attention rollout (blue, relative to the largest weight). Each token's title
// holds its exact numbers.

import type { Explanation } from '@tsgrad/train/browser';

function row(label: string, tokens: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'attr-row';
  const name = document.createElement('span');
  name.className = 'attr-label';
  name.textContent = label;
  div.append(name, ...tokens);
  return div;
}

function token(text: string, color: string, title: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'attr-token';
  span.textContent = text.replace(/ /g, '\u00a0'); // keep BPE's leading spaces visible
  span.style.backgroundColor = color;
  span.title = title;
  return span;
}

/**
 * Replaces `container`'s content with the explanation's two rows.
 * @returns The number of token cells drawn (twice the number of tokens).
 */
export function drawAttributions(container: HTMLElement, e: Explanation, labels: readonly string[]): number {
  const maxIg = Math.max(1e-12, ...e.tokens.map((t) => Math.abs(t.ig)));
  const maxRoll = Math.max(1e-12, ...e.tokens.map((t) => t.rollout));
  const ig = e.tokens.map((t) => {
    const a = Math.abs(t.ig) / maxIg;
    const color = t.ig >= 0 ? `rgba(0, 150, 60, ${a.toFixed(3)})` : `rgba(210, 30, 30, ${a.toFixed(3)})`;
    return token(t.token, color, `integrated gradients ${t.ig.toFixed(4)}`);
  });
  const roll = e.tokens.map((t) => token(t.token, `rgba(30, 90, 220, ${(t.rollout / maxRoll).toFixed(3)})`, `attention rollout ${t.rollout.toFixed(4)}`));
  const p = e.probabilities[e.predicted]!;
  const summary = document.createElement('p');
  summary.textContent = `Prediction: ${labels[e.predicted] ?? e.predicted} (p = ${p.toFixed(3)}). ` +
    `Attributions sum to ${e.tokens.reduce((s, t) => s + t.ig, 0).toFixed(4)}; ` +
    `logit minus baseline logit = ${(e.logit - e.baselineLogit).toFixed(4)} (completeness error ${(100 * e.completenessError).toFixed(3)}%).`;
  container.replaceChildren(summary, row('Integrated gradients', ig), row('Attention rollout', roll));
  return ig.length + roll.length;
}
