// A synthetic extractive-QA data set in the style of bAbI (Weston et al. 2015): a seeded world
// simulator writes short stories of people moving between places and carrying objects, and asks
// where a person is, where an object is, and who is in a place. Answers are spans of the story.
// Every story is one source document: splits never share a story.

import { Generator, ValueError } from '@tsgrad/core';

/** One question over one context, SQuAD-style. */
export interface QaExample {
  /** The story (source document) id: splits are made by this. */
  storyId: number;
  /** The context (the story). */
  context: string;
  /** The question. */
  question: string;
  /** The gold answers (the first is the one `answerStart` points at). */
  answers: string[];
  /** Character offset of the first gold answer in `context` (the mention that justifies it). */
  answerStart: number;
  /** Which template asked it. */
  kind: QaKind;
}

/** The three question templates: where a person is, where an object is, who is in a place. */
export type QaKind = 'where-person' | 'where-object' | 'who';

/**
 * The simulator's vocabulary (people, places, objects and the verbs of each event).
 * @example SYNTHETIC_QA_WORLD.places.length; // 8
 */
export const SYNTHETIC_QA_WORLD = {
  /** The people (3 or 4 per story). */
  people: ['Mary', 'John', 'Sandra', 'Daniel', 'Emma', 'Omar', 'Lucia', 'Peter'],
  /** The places. */
  places: ['kitchen', 'garden', 'office', 'bedroom', 'hallway', 'bathroom', 'cellar', 'library'],
  /** The objects. */
  objects: ['apple', 'football', 'milk', 'key', 'book', 'lamp'],
  /** Verbs of moving to a place. */
  move: ['went to', 'travelled to', 'moved to', 'journeyed to', 'walked into'],
  /** Verbs of picking an object up. */
  take: ['picked up', 'grabbed', 'took'],
  /** Verbs of putting it down. */
  drop: ['dropped', 'put down', 'left'],
} as const;

/** Options of {@link syntheticQa}. */
export interface SyntheticQaOptions {
  /** Stories to write. */
  stories: number;
  /** Seed of the simulator (the same seed writes the same data). */
  seed?: number;
  /** Id of the first story (default 0). */
  firstStoryId?: number;
  /** Events per story, inclusive range (default [3, 4]: with the question, a story fits in 64 tokens of the pretrained 4,096-token BPE). */
  events?: [number, number];
}

interface State { at: Map<string, { place: string; start: number }>; holder: Map<string, string>; lying: Map<string, { place: string; start: number }> }

/**
 * Writes `stories` seeded stories and up to three questions on each (one per template, when the
 * story supports it). "Where is P?" is answered by P's last move; "Where is the O?" by the place
 * of the person carrying O, or where O was put down; "Who is in the L?" only when exactly one
 * person is there. A person usually moves more than once, so the first place named is often wrong.
 * @param o - Stories, seed, first id and events per story.
 * @returns The examples, story by story.
 * @example
 * const xs = syntheticQa({ stories: 2, seed: 1 });
 * xs.every((x) => x.context.slice(x.answerStart, x.answerStart + x.answers[0]!.length) === x.answers[0]); // true
 */
export function syntheticQa(o: SyntheticQaOptions): QaExample[] {
  if (!Number.isInteger(o.stories) || o.stories < 0) throw new ValueError('syntheticQa', `stories must be a non-negative integer, got ${o.stories}`);
  const [lo, hi] = o.events ?? [3, 4];
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 2 || hi < lo) throw new ValueError('syntheticQa', `events must be integers 2 <= min <= max, got [${lo}, ${hi}]`);
  const g = new Generator(o.seed ?? 0);
  const pick = <T>(xs: readonly T[]): T => xs[g.randint(0, xs.length)]!;
  const W = SYNTHETIC_QA_WORLD;
  const out: QaExample[] = [];
  for (let s = 0; s < o.stories; s++) {
    const storyId = (o.firstStoryId ?? 0) + s;
    // three or four people, so "who" questions have someone to ask about and something to confuse
    const pool = [...W.people];
    for (let i = pool.length - 1; i > 0; i--) { const j = g.randint(0, i + 1); [pool[i], pool[j]] = [pool[j]!, pool[i]!]; } // Fisher-Yates
    const people = pool.slice(0, 3 + g.randint(0, 2));
    const st: State = { at: new Map(), holder: new Map(), lying: new Map() };
    let text = '';
    const n = g.randint(lo, hi + 1);
    for (let e = 0; e < n; e++) {
      const p = pick(people);
      const here = st.at.get(p);
      const carried = W.objects.filter((x) => st.holder.get(x) === p);
      const free = W.objects.filter((x) => !st.holder.has(x));
      const r = g.random();
      const sep = text === '' ? '' : ' ';
      if (here && carried.length > 0 && r < 0.2) {
        const obj = pick(carried);
        const sentence = `${p} ${pick(W.drop)} the ${obj}.`;
        st.holder.delete(obj);
        st.lying.set(obj, { place: here.place, start: here.start });
        text += sep + sentence;
      } else if (here && free.length > 0 && r < 0.45) {
        const obj = pick(free);
        st.holder.set(obj, p);
        st.lying.delete(obj);
        text += `${sep}${p} ${pick(W.take)} the ${obj}.`;
      } else {
        const place = pick(W.places.filter((x) => x !== here?.place));
        const head = `${sep}${p} ${pick(W.move)} the `;
        st.at.set(p, { place, start: text.length + head.length });
        text += `${head}${place}.`;
      }
    }
    const q = (question: string, answer: string, answerStart: number, kind: QaKind) => out.push({ storyId, context: text, question, answers: [answer], answerStart, kind });
    const located = people.filter((p) => st.at.has(p));
    if (located.length > 0) {
      const p = pick(located);
      const a = st.at.get(p)!;
      q(`Where is ${p}?`, a.place, a.start, 'where-person');
    }
    const objs = W.objects.filter((x) => (st.holder.has(x) && st.at.has(st.holder.get(x)!)) || st.lying.has(x));
    if (objs.length > 0) {
      const x = pick(objs);
      const a = st.holder.has(x) ? st.at.get(st.holder.get(x)!)! : st.lying.get(x)!;
      q(`Where is the ${x}?`, a.place, a.start, 'where-object');
    }
    const byPlace = new Map<string, string[]>();
    for (const p of located) byPlace.set(st.at.get(p)!.place, [...(byPlace.get(st.at.get(p)!.place) ?? []), p]);
    const alone = [...byPlace].filter(([, ps]) => ps.length === 1);
    if (alone.length > 0) {
      const [place, [p]] = pick(alone) as [string, string[]];
      // the answer span: the person's last move into the place
      const a = st.at.get(p!)!;
      const start = text.lastIndexOf(p!, a.start);
      q(`Who is in the ${place}?`, p!, start, 'who');
    }
  }
  return out;
}

/** The three splits of a synthetic QA set, disjoint by story. */
export interface QaSplits {
  /** Training examples. */
  train: QaExample[];
  /** Validation examples (model selection). */
  validation: QaExample[];
  /** Test examples (reported only). */
  test: QaExample[];
}

/**
 * Train, validation and test splits of {@link syntheticQa}, written from one seed as consecutive
 * story ids, so no story (context) is in two splits; a story whose text repeats an earlier one is dropped.
 * @param sizes - Stories in each split.
 * @param seed - Seed of the simulator.
 * @returns The splits.
 * @example
 * const s = syntheticQaSplits({ train: 20, validation: 5, test: 5 }, 0);
 * s.test.some((t) => s.train.some((x) => x.context === t.context)); // false
 */
export function syntheticQaSplits(sizes: { train: number; validation: number; test: number }, seed = 0): QaSplits {
  const all = syntheticQa({ stories: sizes.train + sizes.validation + sizes.test, seed });
  const firstStory = new Map<string, number>();
  for (const x of all) if (!firstStory.has(x.context)) firstStory.set(x.context, x.storyId);
  const kept = all.filter((x) => firstStory.get(x.context) === x.storyId);
  const cut = (lo: number, hi: number) => kept.filter((x) => x.storyId >= lo && x.storyId < hi);
  const a = sizes.train;
  const b = a + sizes.validation;
  return { train: cut(0, a), validation: cut(a, b), test: cut(b, b + sizes.test) };
}
