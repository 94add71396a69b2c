// Half precision in safetensors: F16/BF16 written with the bits worked out by hand, read back as
// float16/bfloat16 (keepHalf) or widened to float32, and float16 model files at about half the size.
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fromFloat16Bits, manualSeed, tensor, toFloat16Bits } from '@tsgrad/core';
import { GPT, loadModel, parseSafetensors, saveModel, serializeSafetensors } from '@tsgrad/nn';

describe('F16 and BF16 tensors in safetensors files', () => {
  test('written as their bits, little-endian, with dtype F16/BF16', () => {
    const bytes = serializeSafetensors({ h: tensor([1, -2]).to('float16'), b: tensor([1, 3]).to('bfloat16') });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header.h!.dtype).toBe('F16');
    expect(header.b!.dtype).toBe('BF16');
    const at = (name: string) => Array.from(bytes.subarray(8 + headerLen + header[name]!.data_offsets[0]!, 8 + headerLen + header[name]!.data_offsets[1]!));
    expect(at('h')).toEqual([0x00, 0x3c, 0x00, 0xc0]); // 1 = 0x3c00, -2 = 0xc000
    expect(at('b')).toEqual([0x80, 0x3f, 0x40, 0x40]); // 1 = 0x3f80, 3 = 0x4040
  });

  test('read back as float16/bfloat16 with keepHalf, or widened to float32 by default', () => {
    const bytes = serializeSafetensors({ h: tensor([[0.1, 2]]).to('float16'), b: tensor([1.5]).to('bfloat16') });
    const kept = parseSafetensors(bytes, { keepHalf: true }).tensors;
    expect([kept.h!.dtype, kept.b!.dtype]).toEqual(['float16', 'bfloat16']);
    expect(kept.h!.tolist()).toEqual([[fromFloat16Bits(toFloat16Bits(0.1)), 2]]);
    const wide = parseSafetensors(bytes).tensors;
    expect(wide.h!.dtype).toBe('float32');
    expect(wide.h!.tolist()).toEqual(kept.h!.tolist());
  });

  test('saveModel with dtype float16 stores the weights in about half the bytes; loadModel casts back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsgrad-half-'));
    manualSeed(0);
    const gpt = new GPT({ vocabSize: 64, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32 });
    await saveModel(join(dir, 'f32.safetensors'), gpt);
    await saveModel(join(dir, 'f16.safetensors'), gpt, { dtype: 'float16' });
    const [full, half] = [(await stat(join(dir, 'f32.safetensors'))).size, (await stat(join(dir, 'f16.safetensors'))).size];
    expect(half / full).toBeGreaterThan(0.45);
    expect(half / full).toBeLessThan(0.55);
    const back = (await loadModel(join(dir, 'f16.safetensors'))) as GPT;
    const w = gpt.stateDict()['transformer.wte.weight']!;
    const w16 = back.stateDict()['transformer.wte.weight']!;
    expect(w16.dtype).toBe('float32');
    expect(w16.tolist()).toEqual(w.to('float16').to('float32').tolist());
  });
});
