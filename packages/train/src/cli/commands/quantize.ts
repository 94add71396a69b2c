// tsgrad quantize: post-training int8 dynamic quantisation of a recipe checkpoint (a fine-tuned
// classifier or a pretrained language model), written to DIR/model.safetensors.

import { join } from 'node:path';
import { quantizeCheckpoint } from '../../recipes/quantize.js';
import { required, type Command } from '../args.js';
import { prepareOut } from '../out.js';

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'int8 dynamic quantisation of a checkpoint (for evaluate and generate)',
  usage: 'tsgrad quantize --from CKPT --out DIR [--skip NAMES]',
  options: {
    from: { type: 'string', help: 'a float checkpoint (tsgrad finetune, pretrain or distill)', arg: 'CKPT' },
    out: { type: 'string', help: 'write the int8 checkpoint to DIR/model.safetensors', arg: 'DIR' },
    skip: { type: 'string', help: "comma-separated layers to keep float, by dotted name (e.g. 'classifier,transformer.wte')", arg: 'NAMES' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
  },
  async run(v) {
    const from = required(v, 'from', 'CKPT');
    const out = required(v, 'out', 'DIR');
    prepareOut(out, 'out', { force: Boolean(v['force']) });
    const skip = typeof v['skip'] === 'string' ? v['skip'].split(',').map((s) => s.trim()).filter(Boolean) : [];
    const r = await quantizeCheckpoint(from, join(out, 'model.safetensors'), { skip });
    process.stdout.write(`${JSON.stringify({ ...r, ratio: Number((r.int8Bytes / r.floatBytes).toFixed(4)) })}\n`);
  },
};
