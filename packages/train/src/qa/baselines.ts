// Shortcut baselines of the synthetic QA set, to tell reading from pattern matching: the first or
// the last entity of the question's answer type, and a sliding-window word overlap (Richardson et
// al. 2013's MCTest baseline, as the SQuAD paper uses it). Entity types come from the simulator's
// word lists (an oracle typer, which only helps the baselines).

import { ValueError } from '@tsgrad/core';
import { SYNTHETIC_QA_WORLD } from './synthetic.js';

/** A shortcut baseline's name. */
export type QaBaseline = 'first-of-type' | 'last-of-type' | 'window-overlap';

/**
 * The baselines {@link qaBaseline} knows.
 * @example QA_BASELINES.length; // 3
 */
export const QA_BASELINES: readonly QaBaseline[] = ['first-of-type', 'last-of-type', 'window-overlap'];

const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
const STOP = new Set(['where', 'who', 'is', 'the', 'in', 'a', 'an', 'what']);

/**
 * A shortcut's answer: candidates are the context's words of the answer type (a person for "who",
 * else a place). 'first-of-type' and 'last-of-type' take the first or last candidate;
 * 'window-overlap' takes the candidate whose window of ±`window` words holds the most question
 * words (stop words aside), ties going to the later candidate. Returns '' when there is no candidate.
 * @param kind - The baseline.
 * @param question - The question.
 * @param context - The context.
 * @param window - Half-width of the overlap window in words (default 4).
 * @returns The answer text.
 * @example
 * const ctx = 'Mary went to the kitchen. John went to the garden. Mary moved to the office.';
 * qaBaseline('first-of-type', 'Where is Mary?', ctx); // 'kitchen'
 * qaBaseline('window-overlap', 'Where is John?', ctx); // 'garden'
 */
export function qaBaseline(kind: QaBaseline, question: string, context: string, window = 4): string {
  const W = SYNTHETIC_QA_WORLD;
  const who = /^\s*who\b/i.test(question);
  const type = new Set<string>((who ? W.people : W.places).map((w) => w.toLowerCase()));
  const ws = words(context);
  const cands = ws.map((w, i) => (type.has(w) ? i : -1)).filter((i) => i >= 0);
  if (cands.length === 0) return '';
  const display = (i: number) => (who ? ws[i]!.charAt(0).toUpperCase() + ws[i]!.slice(1) : ws[i]!);
  if (kind === 'first-of-type') return display(cands[0]!);
  if (kind === 'last-of-type') return display(cands[cands.length - 1]!);
  if (kind !== 'window-overlap') throw new ValueError('qaBaseline', `unknown baseline '${String(kind)}'`, {}, `use ${QA_BASELINES.join(', ')}`);
  const q = new Set(words(question).filter((w) => !STOP.has(w)));
  let best = cands[0]!;
  let bestScore = -1;
  for (const i of cands) {
    let score = 0;
    for (let j = Math.max(0, i - window); j <= Math.min(ws.length - 1, i + window); j++) if (j !== i && q.has(ws[j]!)) score++;
    if (score >= bestScore) [best, bestScore] = [i, score];
  }
  return display(best);
}
