// tsgrad g2p: trains the grapheme-to-phoneme encoder-decoder on CMUdict and prints word and phoneme
// error rates (greedy and beam search) on held-out words as one JSON line.

import { trainG2P } from '../../recipes/g2p.js';
import { choice, intOption, numberOption, type Command } from '../args.js';
import { useDevice } from '../device.js';

/** Encoder-decoder sizes of the three presets. */
const SIZES = {
  tiny: { dModel: 64, nhead: 4, dimFeedforward: 128, numEncoderLayers: 1, numDecoderLayers: 1 },
  small: { dModel: 128, nhead: 4, dimFeedforward: 256, numEncoderLayers: 2, numDecoderLayers: 2 },
  base: { dModel: 256, nhead: 8, dimFeedforward: 1024, numEncoderLayers: 3, numDecoderLayers: 3 },
};

export const g2pCommand: Command = {
  name: 'g2p',
  summary: 'train grapheme-to-phoneme conversion on CMUdict and print its word/phoneme error rates',
  usage: 'tsgrad g2p [--words N] [--test-words N] [--steps N] [--preset tiny|small|base] [--beam N]',
  options: {
    words: { type: 'string', default: '20000', help: 'training words (a seeded random subset of CMUdict; 0: all)', arg: 'N' },
    'test-words': { type: 'string', default: '300', help: 'held-out words the error rates are measured on', arg: 'N' },
    steps: { type: 'string', default: '2000', help: 'optimizer steps', arg: 'N' },
    'batch-size': { type: 'string', default: '64', help: 'words per batch', arg: 'N' },
    lr: { type: 'string', default: '0.001', help: 'peak learning rate (warmup, then cosine decay)', arg: 'LR' },
    preset: { type: 'string', default: 'small', help: "encoder-decoder size: 'tiny', 'small' or 'base'", arg: 'NAME' },
    beam: { type: 'string', default: '4', help: 'beam width of the beam-search evaluation', arg: 'N' },
  },
  async run(v) {
    const device = await useDevice(String(v['device']));
    const preset = choice(v, 'preset', ['tiny', 'small', 'base'] as const);
    const words = intOption(v, 'words', 0);
    const r = await trainG2P({
      words, testWords: intOption(v, 'test-words', 1), steps: intOption(v, 'steps', 1), batchSize: intOption(v, 'batch-size', 1),
      lr: numberOption(v, 'lr'), beam: intOption(v, 'beam', 1), model: SIZES[preset], seed: intOption(v, 'seed'), device, log: { progress: 'auto' },
    });
    process.stdout.write(`${JSON.stringify({ task: 'g2p', trainWords: r.trainWords, testWords: r.testWords, greedy: r.greedy, beam: r.beam, steps: r.result.step, seconds: Math.round(r.result.seconds), examples: r.examples })}\n`);
  },
};
