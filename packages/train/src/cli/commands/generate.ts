// tsgrad generate: continues a prompt with a causal-LM checkpoint (temperature, top-k, top-p).

import { Generator } from '@tsgrad/core';
import { loadCheckpoint } from '../../checkpoint.js';
import type { RecipeModelConfig } from '../../recipes/models.js';
import { checkpointModel } from '../../recipes/quantize.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import { CliError, intOption, numberOption, required, type Command } from '../args.js';
import { useDevice } from '../device.js';
import type { GPT } from '@tsgrad/nn';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate text from a causal-LM checkpoint',
  usage: 'tsgrad generate --from CKPT [--prompt TEXT] [--max-new-tokens N] [--temperature T] [--top-k K] [--top-p P]',
  options: {
    from: { type: 'string', help: 'a causal-LM checkpoint (tsgrad pretrain --objective clm)', arg: 'CKPT' },
    prompt: { type: 'string', default: 'The state of the Union', help: 'text to continue', arg: 'TEXT' },
    'max-new-tokens': { type: 'string', default: '60', help: 'tokens to generate', arg: 'N' },
    temperature: { type: 'string', default: '0.8', help: 'sampling temperature (0 = greedy)', arg: 'T' },
    'top-k': { type: 'string', default: '0', help: 'sample from the k most likely tokens (0 = all)', arg: 'K' },
    'top-p': { type: 'string', default: '1', help: 'nucleus sampling mass', arg: 'P' },
  },
  async run(v) {
    const from = required(v, 'from', 'CKPT');
    const ck = await loadCheckpoint(from);
    const cfg = ck.modelConfig as RecipeModelConfig | undefined;
    if (!ck.tokenizer || !cfg?.shape) throw new CliError(`${from} is not a tsgrad recipe checkpoint (it has no tokenizer or model config)`);
    if (cfg.objective !== 'clm' || (ck.extra as { task?: string } | undefined)?.task) throw new CliError(`${from} is not a causal language model; generate needs one from 'tsgrad pretrain --objective clm'`);
    const device = await useDevice(String(v['device']));
    const tokenizer = tokenizerFromJSON(ck.tokenizer);
    const model = checkpointModel(ck) as GPT; // float, or int8 from tsgrad quantize
    model.to(device);
    model.eval();
    const prompt = tokenizer.encode(String(v['prompt']));
    if (prompt.length === 0) throw new CliError('--prompt must not be empty', 2);
    const topK = intOption(v, 'top-k');
    const topP = numberOption(v, 'top-p', 0);
    if (!(topP > 0 && topP <= 1)) throw new CliError(`--top-p must be in (0, 1] (the probability mass sampled from), got '${String(v['top-p'])}'`, 2);
    const ids = await model.generate(prompt, {
      maxNewTokens: intOption(v, 'max-new-tokens', 1), temperature: numberOption(v, 'temperature', 0),
      ...(topK > 0 ? { topK } : {}), topP, generator: new Generator(intOption(v, 'seed')), eosId: tokenizer.eosTokenId,
    });
    process.stdout.write(`${tokenizer.decode(ids, { skipSpecialTokens: true })}\n`);
  },
};
