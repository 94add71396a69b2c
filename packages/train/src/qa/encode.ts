// Question-answering inputs as token ids: `<cls> question <eos> context`, with each context token's
// character range, so a gold answer becomes token positions and a predicted span becomes text.
// The context is encoded one pre-token at a time, which for a byte-level BPE gives the same ids as
// encoding it whole.

import { ValueError } from '@tsgrad/core';
import { preTokenize } from '../tokenizers/pre-tokenize.js';
import type { Tokenizer } from '../tokenizers/types.js';

/** One encoded question and context. */
export interface EncodedQa {
  /** `<cls> question <eos> context` ids. */
  ids: number[];
  /** Position of the first context token. */
  contextFrom: number;
  /** One past the last context token. */
  contextTo: number;
  /** Character range [start, end) in the context of each context token. */
  offsets: [number, number][];
  /** Gold start token (absolute position), or -1 when the answer was cut off or not given. */
  start: number;
  /** Gold end token (inclusive), or -1. */
  end: number;
}

/**
 * Encodes a question and its context for the span head, truncating the context to `maxLength`
 * tokens in all; with `answerStart`/`answer`, also the gold token span (-1 when truncated away).
 * @param tok - A tokenizer with `<cls>` and `<eos>` ids.
 * @param question - The question.
 * @param context - The context.
 * @param opts - `maxLength` (the model's context), and the gold `answer` text at character `answerStart`.
 * @returns Ids, the context window, token offsets and the gold span.
 * @example
 * const tok = trainRecipeTokenizer(['Mary went to the kitchen.', 'Where is Mary?'], 300);
 * const e = encodeQa(tok, 'Where is Mary?', 'Mary went to the kitchen.', { maxLength: 64, answer: 'kitchen', answerStart: 17 });
 * qaAnswerText('Mary went to the kitchen.', e, e.start, e.end); // 'kitchen'
 */
export function encodeQa(tok: Tokenizer, question: string, context: string, opts: { maxLength: number; answer?: string; answerStart?: number }): EncodedQa {
  const cls = tok.clsTokenId;
  const eos = tok.eosTokenId;
  if (cls === undefined || eos === undefined) throw new ValueError('encodeQa', 'the tokenizer has no <cls> or <eos> token', {}, 'use a recipe tokenizer (trainRecipeTokenizer)');
  const head = [cls, ...tok.encode(question), eos];
  if (head.length >= opts.maxLength) throw new ValueError('encodeQa', `the question takes ${head.length} tokens, leaving no room for the context in ${opts.maxLength}`, {}, 'ask a shorter question');
  const ids = [...head];
  const offsets: [number, number][] = [];
  let pos = 0;
  for (const piece of preTokenize(context)) {
    for (const id of tok.encode(piece)) {
      if (ids.length >= opts.maxLength) break;
      ids.push(id);
      offsets.push([pos, pos + piece.length]);
    }
    pos += piece.length;
  }
  const contextFrom = head.length;
  let start = -1;
  let end = -1;
  if (opts.answer !== undefined && opts.answerStart !== undefined) {
    const [a, b] = [opts.answerStart, opts.answerStart + opts.answer.length];
    const first = offsets.findIndex(([, e]) => e > a);
    let last = -1;
    offsets.forEach(([s], i) => { if (s < b) last = i; });
    if (first >= 0 && last >= first && offsets[last]![1] >= b) [start, end] = [contextFrom + first, contextFrom + last];
  }
  return { ids, contextFrom, contextTo: ids.length, offsets, start, end };
}

/**
 * The text of a predicted span: the context between its first and last tokens' characters, trimmed.
 * @param context - The context.
 * @param e - Its encoding.
 * @param start - First token (absolute position, within the context window).
 * @param end - Last token, inclusive.
 * @returns The answer text.
 * @example
 * const tok = trainRecipeTokenizer(['Mary went to the kitchen.'], 300);
 * const e = encodeQa(tok, 'Where?', 'Mary went to the kitchen.', { maxLength: 64 });
 * qaAnswerText('Mary went to the kitchen.', e, e.contextFrom, e.contextFrom); // 'Mary'
 */
export function qaAnswerText(context: string, e: EncodedQa, start: number, end: number): string {
  if (start < e.contextFrom || end >= e.contextTo || end < start) throw new ValueError('qaAnswerText', `span [${start}, ${end}] is not inside the context tokens [${e.contextFrom}, ${e.contextTo})`);
  return context.slice(e.offsets[start - e.contextFrom]![0], e.offsets[end - e.contextFrom]![1]).trim();
}
