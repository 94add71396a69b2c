// Train/validation/test splits that never leak (identical texts are removed before splitting), with a
// stratified option for labels, and "use only N labelled examples" subsets balanced across classes.

import { ValueError } from '@tsgrad/core';
import { shuffled, toGenerator, type SeedLike } from './shuffle.js';

/** An example with a text and a class label. */
export interface LabelledText<L = number> {
  /** The text. */
  readonly text: string;
  /** Its class. */
  readonly label: L;
}

/**
 * Keeps the first item of each key (by default its `text`), in order. With labels this also drops later
 * copies that carry a different label.
 *
 * @example
 * dedupe([{ text: 'a' }, { text: 'b' }, { text: 'a' }]).length; // 2
 * @param items - The items.
 * @param key - What makes two items the same (default: the text).
 * @returns The items without later duplicates.
 */
export function dedupe<T extends {
  /** The text that defines duplicates by default. */
  readonly text: string;
}>(items: readonly T[], key: (item: T) => string = (x) => x.text): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Options for `splitDataset`. */
export interface SplitOptions<T> {
  /** Validation size: a count (integer >= 1), a fraction in (0, 1), or 0. */
  readonly validation?: number;
  /** Test size, the same way. */
  readonly test?: number;
  /** Seed (or generator) of the shuffle. */
  readonly seed: SeedLike;
  /** Keep each class's share in every split (Hugging Face's `stratify_by_column`); needs `label`. */
  readonly stratify?: boolean;
  /**
   * Remove later copies of an example before splitting, so no example is in two splits (default
   * true; the count removed is reported as `duplicatesRemoved`). False keeps every item.
   */
  readonly dedupe?: boolean;
  /** The key that defines "the same example" for deduplication. Default: the text. */
  readonly key?: (item: T) => string;
}

/** The three splits, and how many duplicates were removed first. */
export interface Splits<T> {
  /** The training split. */
  readonly train: T[];
  /** The validation split. */
  readonly validation: T[];
  /** The test split. */
  readonly test: T[];
  /** Items dropped as duplicates before splitting. */
  readonly duplicatesRemoved: number;
}

function sizeOf(op: string, name: string, size: number, n: number): number {
  if (size === 0) return 0;
  if (size > 0 && size < 1) return Math.round(size * n);
  if (Number.isInteger(size) && size >= 1) return size;
  throw new ValueError(op, `${name} must be 0, a fraction in (0, 1) or a whole count, got ${size}`);
}

/** Orders labels: numbers numerically, before anything else, which is ordered by its string form. */
function compareLabels(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Splits `total` among groups in proportion to `sizes` (largest remainder, ties to the earlier group). */
function apportion(total: number, sizes: readonly number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (n === 0 ? 0 : (total * s) / n));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (out[i]! < sizes[i]!) { out[i]!++; left--; }
  }
  return out;
}

/**
 * Splits a dataset into train, validation and test after removing duplicate texts (unless `dedupe: false`),
 * so no text is in two splits; `duplicatesRemoved` reports how many went. For a plain random split
 * without deduplication, PyTorch's way, use `randomSplit`. Seeded; with `stratify`, each split keeps the class proportions (counts per class by largest
 * remainder, the totals exact).
 *
 * @example
 * const data = Array.from({ length: 10 }, (_, i) => ({ text: `t${i}`, label: i % 2 }));
 * const s = splitDataset(data, { validation: 2, test: 0.2, seed: 0, stratify: true });
 * [s.train.length, s.validation.length, s.test.length]; // [6, 2, 2]
 * @param items - The dataset.
 * @param opts - `validation`, `test`, `seed`, `stratify`, `dedupe`, `key`.
 * @returns The splits.
 */
export function splitDataset<T extends {
  /** The text (duplicates are removed by it, unless `key` or `dedupe: false`). */
  readonly text?: string;
  /** The label (needed for `stratify`). */
  readonly label?: unknown;
}>(items: readonly T[], opts: SplitOptions<T>): Splits<T> {
  if (opts.dedupe !== false && !opts.key && items.some((x) => typeof x.text !== 'string')) {
    throw new ValueError('splitDataset', 'deduplication needs a text on every item (or a key function)', {}, 'pass key: (item) => ..., or dedupe: false');
  }
  const unique = opts.dedupe === false ? [...items] : dedupe(items as readonly (T & { readonly text: string })[], opts.key as ((item: T & { readonly text: string }) => string) | undefined);
  const n = unique.length;
  const nTest = sizeOf('splitDataset', 'test', opts.test ?? 0, n);
  const nVal = sizeOf('splitDataset', 'validation', opts.validation ?? 0, n);
  if (nTest + nVal > n) throw new ValueError('splitDataset', `test (${nTest}) + validation (${nVal}) exceed the ${n} unique examples`);
  const g = toGenerator(opts.seed);
  const groups = new Map<unknown, T[]>();
  if (opts.stratify) {
    for (const x of unique) {
      if (!('label' in x)) throw new ValueError('splitDataset', 'stratify needs a label on every example');
      const list = groups.get(x.label);
      if (list) list.push(x); else groups.set(x.label, [x]);
    }
  } else {
    groups.set(undefined, [...unique]);
  }
  const keys = [...groups.keys()].sort(compareLabels);
  const lists = keys.map((k) => shuffled(groups.get(k)!, g));
  const testPer = apportion(nTest, lists.map((l) => l.length));
  const valPer = apportion(nVal, lists.map((l, i) => l.length - testPer[i]!));
  const train: T[] = [], validation: T[] = [], test: T[] = [];
  lists.forEach((list, i) => {
    const t = testPer[i]!, v = valPer[i]!;
    // NOTE: loops, not push(...slice): spreading 100k+ items overflows the call stack
    for (let i = 0; i < list.length; i++) (i < t ? test : i < t + v ? validation : train).push(list[i]!);
  });
  return {
    train: shuffled(train, g),
    validation: shuffled(validation, g),
    test: shuffled(test, g),
    duplicatesRemoved: items.length - n,
  };
}

/**
 * Picks `n` labelled examples for low-label fine-tuning ("use only N labels"), balanced across classes when
 * possible: each class gets `n / k`; a class with too few examples gives its share to the others; leftover
 * single slots go to classes in a seeded random order. The result is shuffled.
 *
 * @example
 * const data = Array.from({ length: 100 }, (_, i) => ({ text: `t${i}`, label: i % 3 }));
 * const few = takeLabelled(data, 30, { seed: 0 });
 * few.filter((x) => x.label === 0).length; // 10
 * @param items - The labelled pool.
 * @param n - How many to take.
 * @param opts - `seed`, `balanced` (default true).
 * @returns n examples (fewer if the pool is smaller), shuffled.
 */
export function takeLabelled<T extends LabelledText<unknown>>(items: readonly T[], n: number, opts: { seed: SeedLike; balanced?: boolean }): T[] {
  if (!Number.isInteger(n) || n < 0 || n > items.length) throw new ValueError('takeLabelled', `n must be a whole number in [0, ${items.length}], got ${n}`);
  const g = toGenerator(opts.seed);
  if (opts.balanced === false) return shuffled(items, g).slice(0, n);
  const groups = new Map<unknown, T[]>();
  for (const x of items) {
    const list = groups.get(x.label);
    if (list) list.push(x); else groups.set(x.label, [x]);
  }
  const keys = [...groups.keys()].sort(compareLabels);
  const lists = keys.map((k) => shuffled(groups.get(k)!, g));
  const quota = lists.map(() => 0);
  let left = n;
  for (;;) { // water-filling: share what is left equally among classes that still have examples
    const open = lists.map((l, i) => i).filter((i) => quota[i]! < lists[i]!.length);
    if (left === 0 || open.length === 0) break;
    const share = Math.floor(left / open.length);
    if (share === 0) {
      for (const i of shuffled(open, g).slice(0, left)) quota[i]!++;
      break;
    }
    for (const i of open) {
      const take = Math.min(share, lists[i]!.length - quota[i]!);
      quota[i]! += take;
      left -= take;
    }
  }
  return shuffled(lists.flatMap((l, i) => l.slice(0, quota[i]!)), g);
}
