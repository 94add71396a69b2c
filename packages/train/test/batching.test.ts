// Classification batches (padding, mask, truncation) and packed LM windows (inputs/targets shifted by one).
import { describe, expect, test } from 'vitest';
import { ValueError } from '@tsgrad/core';
import { CharTokenizer, PackedLMDataset, collateClassification, padTokenIds, collateLM, encodeExamples, packSequences, truncate } from '@tsgrad/train';

describe('classification batches', () => {
  const tok = CharTokenizer.fromText('abcde', { specialTokens: ['<pad>', '<cls>', '<sep>'] }); // a=3 .. e=7

  test('encode with [CLS]/[SEP] and truncate the text to fit maxLength', () => {
    const enc = encodeExamples(tok, [{ text: 'abcde', label: 1 }, { text: 'b', label: 0 }], { maxLength: 5, prefix: [tok.clsTokenId!], suffix: [tok.sepTokenId!] });
    expect(enc).toEqual([{ ids: [1, 3, 4, 5, 2], label: 1 }, { ids: [1, 4, 2], label: 0 }]);
    expect(truncate([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(truncate([1, 2, 3], 1, 'left')).toEqual([3]);
    expect(() => encodeExamples(tok, [], { maxLength: 1, prefix: [1], suffix: [2] })).toThrow(/shorter than prefix \+ suffix/);
    expect(() => encodeExamples(tok, [], { prefix: [tok.bosTokenId!] })).toThrow(/may lack that special token/);
  });

  test('pads to the longest, marks real tokens, stacks labels; int32/bool/int32 dtypes', () => {
    const b = collateClassification([{ ids: [3, 4], label: 1 }, { ids: [5, 6, 7, 3], label: 0 }, { ids: [4], label: 1 }], { padId: 0 });
    expect(b.inputIds.shape).toEqual([3, 4]);
    expect([b.inputIds.dtype, b.attentionMask.dtype, b.labels.dtype]).toEqual(['int32', 'bool', 'int32']);
    expect(b.inputIds.tolist()).toEqual([[3, 4, 0, 0], [5, 6, 7, 3], [4, 0, 0, 0]]);
    expect(b.attentionMask.tolist()).toEqual([[true, true, false, false], [true, true, true, true], [true, false, false, false]]);
    expect(b.labels.tolist()).toEqual([1, 0, 1]);
  });

  test('a fixed padTo cuts longer sequences', () => {
    const b = collateClassification([{ ids: [3, 4, 5], label: 0 }], { padId: 9, padTo: 2 });
    expect(b.inputIds.tolist()).toEqual([[3, 4]]);
    expect(collateClassification([{ ids: [3], label: 0 }], { padId: 9, padTo: 3 }).inputIds.tolist()).toEqual([[3, 9, 9]]);
    expect(() => collateClassification([], { padId: 0 })).toThrow(ValueError);
    expect(() => collateClassification([{ ids: [1], label: 0.5 }], { padId: 0 })).toThrow(/labelsToIds/);
  });
});

describe('packed language-model data', () => {
  test('documents joined with EOS (and BOS when asked)', () => {
    expect(Array.from(packSequences([[5, 6], [], [7]], { eosId: 0 }))).toEqual([5, 6, 0, 0, 7, 0]);
    expect(Array.from(packSequences([[5], [6]], { eosId: 0, bosId: 1 }))).toEqual([1, 5, 0, 1, 6, 0]);
  });

  test('windows of T+1 overlap by one token; targets are inputs shifted by one', () => {
    const stream = Int32Array.from({ length: 11 }, (_, i) => 100 + i);
    const ds = new PackedLMDataset(stream, 4); // windows start at 0, 4: (11 - 1) / 4 = 2 full windows
    expect(ds.length).toBe(2);
    expect(Array.from(ds.at(0)!)).toEqual([100, 101, 102, 103, 104]);
    expect(Array.from(ds.at(1)!)).toEqual([104, 105, 106, 107, 108]);
    expect(ds.at(2)).toBeUndefined();
    const b = collateLM([ds.at(1)!, ds.at(0)!]);
    expect(b.inputIds.tolist()).toEqual([[104, 105, 106, 107], [100, 101, 102, 103]]);
    expect(b.targets.tolist()).toEqual([[105, 106, 107, 108], [101, 102, 103, 104]]);
    expect(b.inputIds.dtype).toBe('int32');
    expect(() => new PackedLMDataset(Int32Array.from([1, 2]), 4)).toThrow(/holds no window of 5/);
  });
});

describe('padTokenIds', () => {
  test('pads rows on the right to the longest, as int32 (B, T)', () => {
    const t = padTokenIds([[5, 6, 7], [8], [9, 10]], 1);
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3, 3]);
    expect(t.tolist()).toEqual([[5, 6, 7], [8, 1, 1], [9, 10, 1]]);
  });

  test('rejects no rows and a non-integer pad id', () => {
    expect(() => padTokenIds([], 0)).toThrow(/padTokenIds.*no rows/);
    expect(() => padTokenIds([[1]], 0.5)).toThrow(/padTokenIds.*padId must be an integer, got 0.5/);
  });
});
