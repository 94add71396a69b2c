// The synthetic QA set (reproducible, answers justified by the story, splits disjoint by story),
// the span encoding, the shortcut baselines on hand-written stories, and a short recipe run.

import { describe, expect, test } from 'vitest';
import { encodeQa, qaAnswerText, qaBaseline, syntheticQa, syntheticQaSplits, trainQa, trainRecipeTokenizer, MODEL_PRESETS, SYNTHETIC_QA_WORLD } from '@tsgrad/train';

/** Replays a story and answers a question by the simulator's rules, independently of its code. */
function solve(context: string, question: string): string | undefined {
  const at = new Map<string, string>();
  const holder = new Map<string, string>();
  const lying = new Map<string, string>();
  for (const s of context.split('. ').map((x) => x.replace(/\.$/, ''))) {
    const w = s.split(' ');
    const [p, last] = [w[0]!, w[w.length - 1]!];
    if (/ (went to|travelled to|moved to|journeyed to|walked into) the /.test(s)) at.set(p, last);
    else if (/ (picked up|grabbed|took) the /.test(s)) (holder.set(last, p), lying.delete(last));
    else if (/ (dropped|put down|left) the /.test(s)) (holder.delete(last), lying.set(last, at.get(p)!));
  }
  const m = /^Where is the (\w+)\?$/.exec(question) ?? /^Where is (\w+)\?$/.exec(question) ?? /^Who is in the (\w+)\?$/.exec(question);
  const x = m![1]!;
  if (question.startsWith('Who')) {
    const there = [...at].filter(([, l]) => l === x).map(([p]) => p);
    return there.length === 1 ? there[0] : undefined;
  }
  if (question.startsWith('Where is the')) return holder.has(x) ? at.get(holder.get(x)!) : lying.get(x);
  return at.get(x);
}

describe('syntheticQa', () => {
  test('the same seed writes the same stories; another seed others', () => {
    expect(syntheticQa({ stories: 5, seed: 3 })).toEqual(syntheticQa({ stories: 5, seed: 3 }));
    expect(syntheticQa({ stories: 5, seed: 4 })).not.toEqual(syntheticQa({ stories: 5, seed: 3 }));
  });

  test('every answer is what replaying the story gives, and the span points at it', () => {
    const xs = syntheticQa({ stories: 300, seed: 1 });
    expect(xs.length).toBeGreaterThan(600);
    for (const x of xs) {
      expect(solve(x.context, x.question), `${x.context} | ${x.question}`).toBe(x.answers[0]);
      expect(x.context.slice(x.answerStart, x.answerStart + x.answers[0]!.length)).toBe(x.answers[0]);
    }
    expect(new Set(xs.map((x) => x.kind))).toEqual(new Set(['where-person', 'where-object', 'who']));
  });

  test('splits share no story and no context', () => {
    const s = syntheticQaSplits({ train: 200, validation: 40, test: 40 }, 2);
    const ctx = (xs: { context: string }[]) => new Set(xs.map((x) => x.context));
    const [tr, va, te] = [ctx(s.train), ctx(s.validation), ctx(s.test)];
    for (const c of te) expect(tr.has(c) || va.has(c)).toBe(false);
    for (const c of va) expect(tr.has(c)).toBe(false);
    expect(Math.max(...s.train.map((x) => x.storyId))).toBeLessThan(Math.min(...s.validation.map((x) => x.storyId)));
  });

  test('bad options', () => {
    expect(() => syntheticQa({ stories: -1 })).toThrow(/stories must be a non-negative integer, got -1/);
    expect(() => syntheticQa({ stories: 1, events: [3, 2] })).toThrow(/events must be integers 2 <= min <= max, got \[3, 2\]/);
  });
});

describe('shortcut baselines (hand-worked)', () => {
  const ctx = 'Mary went to the kitchen. John went to the garden. Mary moved to the office. John took the milk.';
  test('first and last of the answer type', () => {
    expect(qaBaseline('first-of-type', 'Where is Mary?', ctx)).toBe('kitchen');
    expect(qaBaseline('last-of-type', 'Where is Mary?', ctx)).toBe('office');
    expect(qaBaseline('first-of-type', 'Who is in the office?', ctx)).toBe('Mary');
    expect(qaBaseline('last-of-type', 'Who is in the office?', ctx)).toBe('John');
  });
  test('window overlap: the candidate with the most question words within 4 words, later on ties', () => {
    // words: 0 mary .. 4 kitchen 5 john .. 9 garden 10 mary .. 14 office 15 john 16 took 17 the 18 milk; "john" is
    // within 4 words of kitchen (5), garden (5) and office (15): a three-way tie goes to the last
    expect(qaBaseline('window-overlap', 'Where is John?', ctx)).toBe('office');
    // 0 john .. 4 garden 5 mary .. 9 kitchen: garden's window [0, 8] holds "john", kitchen's [5, 9] does not
    const two = 'John went to the garden. Mary went to the kitchen.';
    expect(qaBaseline('window-overlap', 'Where is John?', two)).toBe('garden');
    // "mary" (5) is in both windows: the tie goes to the later kitchen; with half-width 1 in neither, still the later
    expect(qaBaseline('window-overlap', 'Where is Mary?', two)).toBe('kitchen');
    expect(qaBaseline('window-overlap', 'Where is John?', two, 1)).toBe('kitchen');
    expect(qaBaseline('first-of-type', 'Where is Mary?', 'Nobody moved.')).toBe('');
  });
});

describe('encodeQa', () => {
  const tok = trainRecipeTokenizer(['Mary went to the kitchen. Where is Mary?'], 300);
  test('<cls> question <eos> context; the gold span maps to tokens and back to text', () => {
    const ctx = 'Mary went to the kitchen.';
    const e = encodeQa(tok, 'Where is Mary?', ctx, { maxLength: 64, answer: 'kitchen', answerStart: 17 });
    expect(e.ids[0]).toBe(tok.clsTokenId);
    expect(e.ids[e.contextFrom - 1]).toBe(tok.eosTokenId);
    expect(e.ids.slice(e.contextFrom)).toEqual(tok.encode(ctx));
    expect(qaAnswerText(ctx, e, e.start, e.end)).toBe('kitchen');
    // truncated away: no gold span
    const short = encodeQa(tok, 'Where is Mary?', ctx, { maxLength: e.contextFrom + 2, answer: 'kitchen', answerStart: 17 });
    expect([short.start, short.end, short.ids.length]).toEqual([-1, -1, e.contextFrom + 2]);
    expect(() => encodeQa(tok, 'Where is Mary?', ctx, { maxLength: 3 })).toThrow(/leaving no room for the context in 3/);
    expect(() => qaAnswerText(ctx, e, 0, 1)).toThrow(/not inside the context tokens/);
  });
});

describe('trainQa', () => {
  test('a short scratch run returns scores in range and restores the best validation step', async () => {
    const s = syntheticQaSplits({ train: 40, validation: 10, test: 10 }, 0);
    const tokenizer = trainRecipeTokenizer(s.train.map((x) => `${x.context} ${x.question}`), 400);
    const r = await trainQa({
      tokenizer, init: { scratch: { objective: 'mlm', vocabSize: tokenizer.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, blockSize: 128 } } },
      train: s.train, validation: s.validation, test: s.test, steps: 10, log: { progress: 'none' },
    });
    expect(r.truncated).toBe(0);
    expect(r.test.f1).toBeGreaterThanOrEqual(r.test.exactMatch);
    expect(r.validation.f1).toBe(r.result.best!.metrics['f1']);
    expect(SYNTHETIC_QA_WORLD.people).toContain('Mary');
  });
});
