// tsgrad explain: per-token attributions of a fine-tuned classifier's prediction (integrated
// gradients and attention rollout), printed as a table or JSON, optionally written as HTML.

import { writeFileSync, renameSync } from 'node:fs';
import { loadCheckpoint } from '../../checkpoint.js';
import { explainClassifier, type Explanation } from '../../explain/explain.js';
import { classifierFor, type RecipeModelConfig } from '../../recipes/models.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import type { Pooling } from '@tsgrad/nn';
import { CliError, choice, intOption, required, type Command } from '../args.js';
import { useDevice } from '../device.js';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The explanation as an HTML page: tokens shaded by attribution (green for, red against the class). */
function html(e: Explanation, names: string[], text: string): string {
  const top = Math.max(1e-12, ...e.tokens.map((t) => Math.abs(t.ig)));
  const spans = e.tokens.map((t) => {
    const a = t.ig / top;
    const bg = a >= 0 ? `rgba(0,160,0,${a.toFixed(3)})` : `rgba(220,0,0,${(-a).toFixed(3)})`;
    return `<span title="IG ${t.ig.toFixed(4)} / rollout ${t.rollout.toFixed(4)}" style="background:${bg};white-space:pre">${escape(t.token)}</span>`;
  }).join('');
  return `<!doctype html><meta charset="utf-8"><title>tsgrad explain</title><body style="font:16px sans-serif;max-width:50em;margin:2em auto">
<p>${escape(text)}</p><p>predicted <b>${escape(names[e.predicted] ?? String(e.predicted))}</b> (p = ${e.probabilities[e.predicted]!.toFixed(3)}); explained class <b>${escape(names[e.target] ?? String(e.target))}</b>;
integrated gradients (green: towards the class, red: against), completeness error ${(100 * e.completenessError).toFixed(2)}%</p><p style="font-size:20px">${spans}</p></body>\n`;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: "per-token attributions of a fine-tuned classifier's prediction (integrated gradients, attention rollout)",
  usage: 'tsgrad explain --from CKPT --text TEXT [--target CLASS] [--steps N] [--baseline zeros|pad] [--json] [--out FILE.html]',
  options: {
    from: { type: 'string', help: "a classifier checkpoint written by 'tsgrad finetune --out'", arg: 'CKPT' },
    text: { type: 'string', help: 'the text whose prediction to explain', arg: 'TEXT' },
    target: { type: 'string', help: 'the class to explain, by name or id (default: the predicted one)', arg: 'CLASS' },
    steps: { type: 'string', default: '64', help: 'integrated-gradients path points (Gauss-Legendre)', arg: 'N' },
    baseline: { type: 'string', default: 'zeros', help: "the integrated-gradients baseline: 'zeros' or 'pad' (the padding token's embedding)", arg: 'NAME' },
    json: { type: 'boolean', help: 'print the explanation as one JSON line instead of a table' },
    out: { type: 'string', help: 'also write the tokens shaded by attribution to this .html file', arg: 'FILE' },
  },
  async run(v) {
    const from = required(v, 'from', '(a fine-tuned classifier checkpoint)');
    const text = required(v, 'text', '(the text to explain)');
    const steps = intOption(v, 'steps', 1);
    const baseline = choice(v, 'baseline', ['zeros', 'pad'] as const);
    const out = typeof v['out'] === 'string' ? v['out'] : undefined;
    if (out && !out.endsWith('.html')) throw new CliError(`--out must name an .html file, got '${out}'`, 2);
    const ck = await loadCheckpoint(from);
    const cfg = ck.modelConfig as RecipeModelConfig | undefined;
    const extra = ck.extra as { task?: string; classNames?: unknown; pooling?: Pooling } | undefined;
    if (!ck.tokenizer || !cfg?.shape || extra?.task !== 'classification' || !Array.isArray(extra.classNames)) {
      throw new CliError(`${from} is not a fine-tuned classifier checkpoint (write one with 'tsgrad finetune --out DIR')`);
    }
    const names = extra.classNames.map(String);
    const tok = tokenizerFromJSON(ck.tokenizer);
    const model = classifierFor(cfg, names.length, { pooling: extra.pooling });
    model.loadStateDict(ck.model);
    model.to(await useDevice(String(v['device'])));
    let target: number | undefined;
    if (typeof v['target'] === 'string') {
      target = names.indexOf(v['target']);
      if (target < 0) target = /^\d+$/.test(v['target']) ? Number(v['target']) : -1;
      if (target < 0 || target >= names.length) throw new CliError(`--target must be one of ${names.join(', ')} (or 0..${names.length - 1}), got '${v['target']}'`, 2);
    }
    const prefix = [cfg.objective === 'clm' ? tok.bosTokenId! : tok.clsTokenId!];
    const e = explainClassifier(model, tok, text, { prefix, target, steps, baseline });
    if (out) {
      const tmp = `${out}.tmp-${process.pid}`;
      writeFileSync(tmp, html(e, names, text));
      renameSync(tmp, out);
    }
    const label = (i: number) => names[i] ?? String(i);
    if (v['json']) {
      process.stdout.write(`${JSON.stringify({ predicted: label(e.predicted), target: label(e.target), probabilities: Object.fromEntries(names.map((n, i) => [n, e.probabilities[i]])), logit: e.logit, baselineLogit: e.baselineLogit, completenessError: e.completenessError, tokens: e.tokens })}\n`);
      return;
    }
    const rows = e.tokens.map((t) => `  ${JSON.stringify(t.token).padEnd(18)} ${t.ig.toFixed(4).padStart(9)} ${t.rollout.toFixed(4).padStart(9)}`);
    process.stdout.write([
      `predicted: ${label(e.predicted)} (p = ${e.probabilities[e.predicted]!.toFixed(3)}); explaining: ${label(e.target)}`,
      `logit ${e.logit.toFixed(4)} - baseline ${e.baselineLogit.toFixed(4)} = ${(e.logit - e.baselineLogit).toFixed(4)}; attributions sum to ${e.tokens.reduce((s, t) => s + t.ig, 0).toFixed(4)} (completeness error ${(100 * e.completenessError).toFixed(2)}%${e.completenessError > 0.01 ? `; max pooling bends the path: raise --steps` : ''})`,
      `  ${'token'.padEnd(18)} ${'IG'.padStart(9)} ${'rollout'.padStart(9)}`, ...rows, '',
    ].join('\n'));
  },
};
