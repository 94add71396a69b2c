// tsgrad finetune --task g2p: trains the encoder-decoder on CMUdict and prints word and phoneme
// error rates (greedy and beam search) as one JSON line.

import { trainG2P } from '../../recipes/g2p.js';
import { CliError, choice, intOption } from '../args.js';
import { useDevice } from '../device.js';

const SIZES = { tiny: { dModel: 64, nhead: 4, dimFeedforward: 128, numEncoderLayers: 1, numDecoderLayers: 1 }, small: { dModel: 128, nhead: 4, dimFeedforward: 256, numEncoderLayers: 2, numDecoderLayers: 2 }, base: { dModel: 256, nhead: 8, dimFeedforward: 1024, numEncoderLayers: 3, numDecoderLayers: 3 } };

/** Runs the g2p task from parsed finetune options. */
export async function runG2P(v: Record<string, string | boolean | undefined>, seed: number): Promise<void> {
  if (v['data'] !== 'sentiment' && v['data'] !== 'cmudict') throw new CliError("--task g2p reads CMUdict: use --data cmudict (or leave --data out)", 2);
  if (v['from']) throw new CliError('--task g2p trains an encoder-decoder from scratch; --from is for classifiers', 2);
  if ((await useDevice(String(v['device']))) !== 'cpu') throw new CliError('--task g2p runs on the CPU only (its decoders read tokens back synchronously)', 2);
  const preset = choice(v, 'preset', ['tiny', 'small', 'base'] as const);
  const words = typeof v['labels'] === 'string' ? intOption(v, 'labels', 1) : 20000;
  const r = await trainG2P({ words, testWords: 300, steps: intOption(v, 'steps', 1), model: SIZES[preset], seed, log: { progress: 'auto' } });
  process.stdout.write(`${JSON.stringify({ task: 'g2p', trainWords: words, testWords: r.testWords, greedy: r.greedy, beam: r.beam, steps: r.result.step, seconds: Math.round(r.result.seconds), examples: r.examples })}\n`);
}
