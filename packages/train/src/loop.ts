// The one training loop, train(config): gradient accumulation, clipping and the LR schedule per
// step; evaluation, early stopping and checkpoints are callbacks (callbacks.ts); exact resume.

import { Tensor, ValueError, defaultGenerator, setCpuMemoryReuse, stepScope } from '@tsgrad/core';
import { EarlyStopping, Evaluation, ModelCheckpoint } from './callbacks.js';
import { loadCheckpoint } from './checkpoint.js';
import type { Callback, StepRecord, TrainConfig, TrainContext, TrainerState, TrainResult } from './loop-types.js';
import { clipGradNorm_ } from './optim/clip.js';
import type { Optimizer } from './optim/optimizer.js';
import { JsonlLog, Progress } from './progress.js';

export type { BatchStream, Callback, LogOptions, StepRecord, TrainConfig, TrainContext, TrainerState, TrainResult, TrainableModel } from './loop-types.js';
export { EarlyStopping, Evaluation, ModelCheckpoint } from './callbacks.js';

/** The callbacks a configuration asks for, in the order they run: evaluation, early stopping, checkpoints, the caller's. */
function callbacksOf<B>(config: TrainConfig<B>): Callback[] {
  const es = config.earlyStopping ? new EarlyStopping(config.earlyStopping) : undefined;
  const ev = config.evaluate ? new Evaluation(config.evaluate, { every: config.evalEvery ?? 0 }) : undefined;
  if (es && !ev) throw new ValueError('train', 'earlyStopping needs evaluate (the metrics it watches)');
  const list: Callback[] = [...(ev ? [ev] : []), ...(es ? [es] : []), ...(config.checkpoint ? [new ModelCheckpoint(config.checkpoint)] : []), ...(config.callbacks ?? [])];
  for (const c of list) if (c instanceof Evaluation) c.listeners = list;
  return list;
}

/** Sets the step's learning rates: an absolute schedule for every group, or a factor of each group's initial lr. */
function setLr<B>(config: TrainConfig<B>, optimizer: Optimizer<any, any>, step: number): void {
  if (config.schedule) for (const g of optimizer.paramGroups) g.lr = config.schedule(step);
  else optimizer.setLrFactor(config.lrLambda ? config.lrLambda(step) : 1);
}

function checkConfig<B>(config: TrainConfig<B>): void {
  const { steps, gradAccumSteps = 1 } = config;
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError('train', `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(gradAccumSteps) || gradAccumSteps < 1) throw new ValueError('train', `gradAccumSteps must be a positive integer, got ${gradAccumSteps}`);
  if (config.schedule && config.lrLambda) throw new ValueError('train', 'give schedule (absolute learning rates) or lrLambda (factors of each group\'s lr), not both');
  if (config.schedule && (config.schedule as { kind?: unknown }).kind !== 'lr') {
    throw new ValueError('train', 'schedule must be an absolute learning-rate schedule', {},
      'build it with constant/warmupCosine/... or schedule(fn); for a factor of each group\'s lr pass lrLambda: lrLambda(fn)');
  }
  if (config.lrLambda && (config.lrLambda as { kind?: unknown }).kind !== 'factor') {
    throw new ValueError('train', 'lrLambda must be a factor schedule', {}, 'wrap the function: lrLambda(fn)');
  }
}

/**
 * Trains `config.model` for `config.steps` optimizer steps and returns the loss history,
 * evaluations and the best evaluation. Each step runs in one `stepScope` (its tensors are freed on
 * any backend). Evaluation, early stopping and checkpoints are callbacks (`Evaluation`,
 * `EarlyStopping`, `ModelCheckpoint`), made from the options or passed in `callbacks`. Resuming from
 * a checkpoint continues bit-identically. docs/training.md shows it with a GPT.
 *
 * @param config - Model, optimizer, data, loss, steps, and the optional schedule, accumulation,
 * clipping, evaluation, early stopping, checkpoints, callbacks, resume and logging.
 * @returns The history, evaluations and timing.
 * @example
 * manualSeed(0);
 * const model = new Linear(2, 1);
 * const xs = randn([64, 2]);
 * const ys = xs.matmul(tensor([[2], [-1]])); // y = 2 x0 - x1
 * const loader = new DataLoader([...Array(64).keys()], {
 *   batchSize: 16, shuffle: true, collateFn: (idx: number[]) => tensor(idx, { dtype: 'int32' }),
 * });
 * const result = await train({
 *   model,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   data: loader,
 *   loss: (i) => mseLoss(model.forward(xs.indexSelect(0, i)), ys.indexSelect(0, i)),
 *   steps: 200,
 *   log: { progress: 'none' },
 * });
 * result.history.length; // 200
 * result.history.at(-1)!.loss < 1e-3; // true
 */
export async function train<B>(config: TrainConfig<B>): Promise<TrainResult> {
  checkConfig(config);
  const { model, optimizer, data, steps } = config;
  const callbacks = callbacksOf(config);
  const gen = config.generator ?? defaultGenerator;
  const label = config.log?.label ?? 'train';
  const t0 = performance.now();
  let st: TrainerState = { step: 0, rng: gen.getState(), data: data.stateDict(), history: [], evals: [], badEvals: 0 };
  if (config.resumeFrom !== undefined) {
    const ck = typeof config.resumeFrom === 'string' ? await loadCheckpoint(config.resumeFrom) : config.resumeFrom;
    if (!ck.trainer || !ck.optimizer) throw new ValueError('train', 'the checkpoint has no trainer/optimizer state to resume from', {}, 'it was written without them; start a new run from its weights instead');
    model.loadStateDict(ck.model);
    optimizer.loadStateDict(ck.optimizer);
    st = ck.trainer as TrainerState;
    gen.setState(st.rng);
    data.loadStateDict(st.data as never);
  }
  const jsonl = config.log?.jsonl ? new JsonlLog(config.log.jsonl) : undefined;
  const progress = new Progress(steps, config.log?.progress ?? 'auto', label, process.stderr, config.log?.every);
  const ctx: TrainContext = {
    model, optimizer, data: data as TrainContext['data'], steps, state: st, stop: false,
    note: (line) => progress.note(`${label} ${line}`),
    log: (record) => jsonl?.write(record),
    snapshot: () => Object.assign(st, { rng: gen.getState(), data: data.stateDict() }),
  };
  model.train();
  optimizer.zeroGrad(); // once, for gradients left from before the run; each step clears its own
  const reuseWas = setCpuMemoryReuse(config.cpuMemoryReuse ?? true);
  try {
    await steps_(config, ctx, callbacks, progress, jsonl);
  } finally {
    setCpuMemoryReuse(reuseWas);
  }
  for (const c of callbacks) await c.onTrainEnd?.(ctx);
  model.eval();
  return { step: st.step, history: st.history, evals: st.evals, best: st.best, stoppedEarly: ctx.stop, seconds: (performance.now() - t0) / 1000 };
}

/** The optimizer steps of {@link train}, each in one stepScope, with the callbacks after each. */
async function steps_<B>(config: TrainConfig<B>, ctx: TrainContext, callbacks: Callback[], progress: Progress, jsonl: JsonlLog | undefined): Promise<void> {
  const { optimizer, data, steps, gradAccumSteps = 1 } = config;
  const st = ctx.state;
  const params = config.model.parameters();
  while (st.step < steps && !ctx.stop) {
    setLr(config, optimizer, st.step);
    const extra: Record<string, number> = {};
    const read = await stepScope(() => {
      let total: Tensor | undefined;
      for (let k = 0; k < gradAccumSteps; k++) {
        const out = config.loss(data.next());
        const loss = out instanceof Tensor ? out : out.loss;
        (gradAccumSteps > 1 ? loss.div(gradAccumSteps) : loss).backward();
        total = total ? total.add(loss.detach()) : loss.detach();
        if (!(out instanceof Tensor) && out.metrics) for (const [m, v] of Object.entries(out.metrics)) extra[m] = (extra[m] ?? 0) + v / gradAccumSteps;
      }
      const gradNorm = config.gradClip !== undefined ? clipGradNorm_(params, config.gradClip) : undefined;
      optimizer.step();
      for (const p of params) p.grad = null; // cleared inside the scope, so their memory is freed with it
      return { loss: total!, gradNorm };
    });
    st.step++;
    const rec: StepRecord = { step: st.step, loss: read.loss! / gradAccumSteps, lr: optimizer.paramGroups[0]!.lr, ...extra, ...(read.gradNorm !== undefined ? { gradNorm: read.gradNorm } : {}) };
    st.history.push(rec);
    jsonl?.write({ type: 'train', ...rec });
    progress.update(st.step, { loss: rec.loss, lr: rec.lr });
    config.onStep?.(rec);
    for (const c of callbacks) await c.onStepEnd?.(ctx, rec);
  }
}
