// A resumable data loader: seeded shuffling per epoch, batching through a collate function, and a state
// (epoch, cursor, generator state) that a checkpoint saves so a resumed run sees exactly the same batches.

import { Generator, ValueError, defaultGenerator, type GeneratorState } from '@tsgrad/core';
import { defaultCollate, type Collated } from './default-collate.js';
import { permutation } from './shuffle.js';

/** What a loader reads from: arrays qualify, and so does `PackedLMDataset`. */
export interface Dataset<T> {
  /** Number of items. */
  readonly length: number;
  /**
   * The item at `index`.
   * @param index - 0 .. length - 1.
   * @returns The item, or undefined out of range.
   */
  at(index: number): T | undefined;
}

/** Options for `DataLoader` (PyTorch's names). */
export interface DataLoaderOptions<T, B> {
  /** Items per batch. */
  readonly batchSize: number;
  /** Builds a batch from the items (e.g. `collateClassification` with its options bound). Default: `defaultCollate` (stacks tensors, numbers become tensors). */
  readonly collateFn?: (items: T[]) => B;
  /** Reshuffle at the start of every epoch. Default false. */
  readonly shuffle?: boolean;
  /**
   * The generator the shuffles draw from (the loader advances it). Default: a new one seeded from
   * the global generator (`manualSeed`) when the loader is made, as PyTorch's loader draws its seed.
   */
  readonly generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  readonly seed?: number;
  /** Drop the last batch of an epoch if it is short. Default false. */
  readonly dropLast?: boolean;
  /**
   * Batch items of similar length together (Hugging Face's `group_by_length`): the shuffled order is cut into
   * windows of `window` batches (default 8) and each window is sorted by `lengthOf`, so padded batches waste
   * little while every epoch still visits the items in a new random order.
   */
  readonly groupByLength?: LengthGrouping<T>;
}

/** How `DataLoader` groups items of similar length (its `groupByLength` option). */
export interface LengthGrouping<T> {
  /** An item's length (e.g. its token count). */
  readonly lengthOf: (item: T) => number;
  /** Batches per sorted window. Default 8. */
  readonly window?: number;
}

/** A loader's position, JSON-safe (PyTorch's StatefulDataLoader `state_dict`). */
export interface DataLoaderState {
  /** The epoch of the last batch given, counted from 0. */
  readonly epoch: number;
  /** Batches already taken from the current epoch. */
  readonly cursor: number;
  /** The generator state at the start of the current epoch, before its permutation was drawn. */
  readonly epochStartGenerator: GeneratorState;
  /** Size of the dataset the state belongs to, checked on load. */
  readonly numSamples: number;
  /** The batch size the state belongs to, checked on load. */
  readonly batchSize: number;
}

/**
 * Iterates a dataset in batches, epoch after epoch. `next()` gives the next batch (starting a new epoch when one
 * ends); `for (const b of loader)` runs the rest of the current epoch. `stateDict()`/`loadStateDict()` save and
 * restore the position bit-exactly.
 *
 * @example
 * const loader = new DataLoader([1, 2, 3, 4, 5], { batchSize: 2, collateFn: (xs) => xs });
 * [...loader]; // [[1, 2], [3, 4], [5]]
 * loader.next(); // [1, 2] (the first batch of epoch 1)
 * loader.epoch; // 1
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  private readonly generator: Generator;
  private readonly collateFn: (items: T[]) => B;
  private order: Int32Array | undefined; // the current epoch's permutation, drawn when the epoch starts
  private epochStart: GeneratorState;
  private epochValue = 0;
  private cursorValue = 0;

  /**
   * @param dataset - What to read (an array works).
   * @param opts - `batchSize`, `collateFn`, `shuffle`, `generator` (or `seed`), `dropLast`, `groupByLength`.
   */
  constructor(readonly dataset: Dataset<T>, readonly opts: DataLoaderOptions<T, B>) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new ValueError('DataLoader', `batchSize must be a positive integer, got ${opts.batchSize}`);
    if (dataset.length === 0) throw new ValueError('DataLoader', 'the dataset is empty');
    if (opts.generator && opts.seed !== undefined) throw new ValueError('DataLoader', 'give generator or seed, not both');
    // a shuffling loader without either seeds its own generator from the global one (2^31 seeds)
    this.generator = opts.generator ?? new Generator(opts.seed ?? (opts.shuffle ? defaultGenerator.randint(0, 2 ** 31) : 0));
    this.collateFn = opts.collateFn ?? (defaultCollate as unknown as (items: T[]) => B);
    this.epochStart = this.generator.getState();
    if (this.length === 0) throw new ValueError('DataLoader', `dropLast with batchSize ${opts.batchSize} leaves no batch of the ${dataset.length} items`);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length, b = this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  /** The epoch of the last batch given, counted from 0. */
  get epoch(): number {
    return this.epochValue;
  }

  /** Batches taken from the current epoch. */
  get cursor(): number {
    return this.cursorValue;
  }

  private drawOrder(): Int32Array {
    const n = this.dataset.length;
    const order = this.opts.shuffle ? permutation(n, this.generator) : Int32Array.from({ length: n }, (_, i) => i);
    const g = this.opts.groupByLength;
    if (!g) return order;
    const len = Float64Array.from({ length: n }, (_, i) => g.lengthOf(this.dataset.at(i)!));
    const w = this.opts.batchSize * (g.window ?? 8);
    for (let s = 0; s < n; s += w) order.subarray(s, Math.min(s + w, n)).sort((a, b) => len[a]! - len[b]!);
    return order;
  }

  /**
   * The next batch; moves to a new (reshuffled) epoch after the last batch of one.
   * @returns The batch.
   */
  next(): B {
    if (this.order !== undefined && this.cursorValue >= this.length) {
      this.epochValue++;
      this.cursorValue = 0;
      this.order = undefined;
    }
    if (this.order === undefined) {
      this.epochStart = this.generator.getState();
      this.order = this.drawOrder();
    }
    const b = this.opts.batchSize;
    const idx = this.order.subarray(this.cursorValue * b, Math.min((this.cursorValue + 1) * b, this.order.length));
    this.cursorValue++;
    return this.collateFn(Array.from(idx, (i) => this.dataset.at(i)!));
  }

  /**
   * Runs the remaining batches of the current epoch, or all of the next epoch if this one is done.
   * @returns An iterator over the batches.
   */
  *[Symbol.iterator](): Iterator<B> {
    if (this.order === undefined || this.cursorValue >= this.length) yield this.next(); // starts an epoch
    while (this.cursorValue < this.length) yield this.next();
  }

  /**
   * The position, to save in a checkpoint.
   * @returns A JSON-safe state.
   */
  stateDict(): DataLoaderState {
    return { epoch: this.epochValue, cursor: this.cursorValue, epochStartGenerator: this.epochStart, numSamples: this.dataset.length, batchSize: this.opts.batchSize };
  }

  /**
   * Restores a position from `stateDict`; the batches that follow are those the saved loader would have given.
   * @param state - A state from `stateDict` (same dataset size and batch size).
   */
  loadStateDict(state: DataLoaderState): void {
    if (state.numSamples !== this.dataset.length || state.batchSize !== this.opts.batchSize) {
      throw new ValueError('DataLoader.loadStateDict', `the state is for ${state.numSamples} items in batches of ${state.batchSize}, this loader has ${this.dataset.length} in batches of ${this.opts.batchSize}`);
    }
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor > this.length) throw new ValueError('DataLoader.loadStateDict', `cursor ${state.cursor} is outside [0, ${this.length}]`);
    this.generator.setState(state.epochStartGenerator);
    this.epochStart = this.generator.getState();
    this.epochValue = state.epoch;
    this.cursorValue = state.cursor;
    this.order = this.drawOrder(); // redraws the same permutation, leaving the generator where the saved one was
  }
}
