// Errors raised inside nested modules name the module path: `in a.b (Class) <- a (Class) <- Root`.

import { describe, expect, test } from 'vitest';
import { ShapeError, TsgradError, manualSeed, ones, randn, tensor, zeros, type Tensor } from '@tsgrad/core';
import { GPT, Linear, Module, ReLU, Sequential, TransformerEncoder, TransformerEncoderLayer } from '@tsgrad/nn';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TsgradError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('module breadcrumbs', () => {
  test('a shape error deep inside a GPT names every module on the way out', () => {
    manualSeed(0);
    const gpt = new GPT({ vocabSize: 10, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 });
    gpt.transformer.h[1]!.self_attn.out_proj.weight = zeros([8, 7]) as never; // a broken weight in block 1
    const msg = messageOf(() => gpt.forward(tensor([[1, 2, 3]], { dtype: 'int32' })));
    expect(msg).toMatch(/^(matmul|Linear): /);
    expect(msg.endsWith('\n  in transformer.h.1.self_attn.out_proj (Linear) <- transformer.h.1.self_attn (MultiheadAttention)'
      + ' <- transformer.h.1 (TransformerEncoderLayer) <- transformer (GPTModel) <- GPT')).toBe(true);
  });

  test('a module precondition (embedding dim) raised in the attention layer of a stack', () => {
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
    const msg = messageOf(() => enc.forward(randn([5, 2, 6])));
    expect(msg).toBe([
      'MultiheadAttention: was expecting embedding dimension of 8, but got 6',
      '  query: [5, 2, 6]',
      '  key: [5, 2, 6]',
      '  value: [5, 2, 6]',
      '  in layers.0.self_attn (MultiheadAttention) <- layers.0 (TransformerEncoderLayer) <- TransformerEncoder',
    ].join('\n'));
  });

  test('containers show their indices; a module called directly is the root', () => {
    const seq = new Sequential(new Linear(4, 3), new ReLU(), new Linear(2, 1));
    const msg = messageOf(() => seq.forward(ones([1, 4])));
    expect(msg).toContain('Linear: the input\'s last dim must be inFeatures = 2');
    expect(msg.endsWith('\n  in 2 (Linear) <- Sequential')).toBe(true);
    expect(messageOf(() => new Linear(3, 1).forward(ones([2]))).endsWith('\n  in Linear')).toBe(true);
  });

  test('the trail is added once, even when the same error is rethrown through another forward', () => {
    const inner = new Linear(2, 2);
    class Rethrow extends Module {
      forward(x: Tensor): Tensor {
        try {
          return inner.forward(x);
        } catch (e) {
          return inner.forward(x.narrow(-1, 0, 1)); // a second, different error
        }
      }
    }
    class Keep extends Module {
      saved: unknown = null;
      forward(x: Tensor): Tensor {
        try {
          return inner.forward(x);
        } catch (e) {
          this.saved = e;
          throw e;
        }
      }
    }
    const k = new Keep();
    const first = messageOf(() => k.forward(ones([1, 3])));
    expect(first.endsWith('\n  in Linear <- Keep')).toBe(true);
    const again = messageOf(() => new Rethrow().forward(ones([1, 3])));
    expect(again.match(/\n  in /g)).toHaveLength(1);
    expect(again.endsWith('\n  in Linear <- Rethrow')).toBe(true);
    expect((k.saved as ShapeError).trail).toEqual(['Linear', 'Keep']);
  });

  test('errors that are not TsgradErrors pass through unchanged', () => {
    class Boom extends Module {
      forward(): Tensor {
        throw new RangeError('plain');
      }
    }
    expect(() => new Sequential(new Boom() as never).forward(ones([1]))).toThrow(/^plain$/);
  });
});
