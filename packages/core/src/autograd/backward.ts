// The backward pass: one iterative loop over the graph in reverse topological order. Broadcasting
// is undone here, once (sumToSize), and every gradient's shape and dtype is checked.

import type { Storage } from '../backend.js';
import { AutogradError } from '../errors.js';
import { isGradEnabled, setGradEnabled } from '../grad-mode.js';
import { onesLike } from '../ops/creation.js';
import { sumToSize } from '../ops/reduce/sum-to-size.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Options of `backward` and `autograd.grad`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again (higher order). */
  createGraph?: boolean;
}

/** Tensors reachable from `roots` through gradFn edges, inputs before the tensors made from them. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [];
  for (const r of roots) {
    if (visited.has(r)) continue;
    visited.add(r);
    stack.push([r, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      const inputs = t.gradFn?.inputs ?? [];
      if (i < inputs.length) {
        top[1] = i + 1;
        const next = inputs[i]!;
        if (next.requiresGrad && !visited.has(next)) {
          visited.add(next);
          stack.push([next, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/**
 * The gradient to store in `.grad`: it owns a dense storage, and is detached unless `keepGraph`
 * (createGraph). VJPs may return views (sum's stride-0 expand) or one tensor for several inputs
 * (add), and the seed may be the caller's tensor; a `.grad` must alias none of these, since
 * optimizers update it in place (PyTorch's AccumulateGrad copies in such cases).
 */
function ownedGrad(g: Tensor, taken: Set<Storage>, keepGraph: boolean): Tensor {
  const dense = g.isContiguous() && g.offset === 0 && g.storage.size === g.numel();
  const own = dense && !taken.has(g.storage) ? g : g.clone(); // with createGraph, grad mode is on: the copy stays in the graph
  const out = keepGraph ? own : own.detach();
  taken.add(out.storage);
  return out;
}

function accumulate(map: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  const prev = map.get(t);
  map.set(t, prev ? prev.add(g) : g);
}

/**
 * Propagates `seeds` (one per root) back through the graph. With `targets`, returns their
 * gradients (torch.autograd.grad); otherwise accumulates into `.grad` of leaves that require grad
 * (and of `retainGrad` tensors). The loop is iterative, so graph depth is unbounded.
 */
export function runBackward(roots: readonly Tensor[], seeds: readonly Tensor[], opts: BackwardOptions = {}, targets?: readonly Tensor[]): Map<Tensor, Tensor> {
  const { createGraph = false, retainGraph = createGraph } = opts;
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((r, i) => accumulate(grads, r, seeds[i]!));
  const wanted = targets ? new Set(targets) : undefined;
  const found = new Map<Tensor, Tensor>();
  const taken = new Set<Storage>(seeds.map((s) => s.storage)); // storages a stored .grad may not reuse
  const order = topoOrder(roots);
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      grads.delete(t);
      if (g === undefined) continue;
      if (wanted?.has(t)) found.set(t, g);
      const node = t.gradFn;
      if (node === null) {
        if (!wanted) t.grad = t.grad ? t.grad.add(g) : ownedGrad(g, taken, createGraph);
        continue;
      }
      if (!wanted && t.retainsGrad) t.grad = t.grad ? t.grad.add(g) : ownedGrad(g, taken, false);
      const inputs = node.inputs;
      const gin = node.vjp(g);
      inputs.forEach((x, k) => {
        const gx = gin[k];
        if (gx === null || gx === undefined || !x.requiresGrad) return;
        let gs = sumToSize(gx, x.shape); // broadcasting undone here, once
        if (!shapesEqual(gs.shape, x.shape)) {
          throw new AutogradError(node.name, `gradient for input ${k} has shape [${gs.shape.join(', ')}], expected [${x.shape.join(', ')}]`);
        }
        if (gs.dtype !== x.dtype) gs = gs.to(x.dtype);
        accumulate(grads, x, gs);
      });
      if (!retainGraph) node.release();
    }
  } finally {
    setGradEnabled(prevMode);
  }
  return found;
}

function checkRoot(op: string, root: Tensor, gradient: Tensor | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(op, 'the tensor does not require grad and has no gradFn', { output: root.shape },
      'make an input require grad (requiresGrad: true) and check that no noGrad() or detach() cut the graph');
  }
  if (gradient !== undefined && !(gradient instanceof Tensor)) {
    throw new AutogradError(op, `gradient must be a Tensor, got ${gradient === null ? 'null' : typeof gradient}`, { output: root.shape },
      'options go second: y.backward(undefined, { retainGraph: true })');
  }
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new AutogradError(op, `grad can be implicitly created only for scalar outputs, got shape [${root.shape.join(', ')}]`, {},
        'pass the output gradient explicitly: y.backward(gradient), or reduce y first (y.sum())');
    }
    return onesLike(root);
  }
  if (!shapesEqual(gradient.shape, root.shape)) {
    throw new AutogradError(op, 'gradient must have the output\'s shape', { output: root.shape, gradient: gradient.shape });
  }
  return gradient;
}

/**
 * Computes the gradient of `root` and accumulates it into `.grad` of every leaf that requires
 * grad. `gradient` (dL/droot) may be omitted for a one-element root. `y.backward()` calls it.
 * The graph's saved tensors are freed afterwards unless `retainGraph`.
 * @param root - The tensor to differentiate (usually the scalar loss).
 * @param gradient - d loss / d root, shaped like `root` (omit for one element: ones).
 * @param opts - `retainGraph`, `createGraph`.
 * @example
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * backward(x.square().sum());
 * x.grad!.tolist(); // [2, 4, 6]
 * const y = tensor([1, 2], { requiresGrad: true });
 * y.mul(3).backward(tensor([1, 10])); // a non-scalar root needs its gradient
 * y.grad!.tolist(); // [3, 30]
 */
export function backward(root: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  runBackward([root], [checkRoot('backward', root, gradient)], opts);
}

/**
 * The gradients of `outputs` with respect to `inputs` (torch.autograd.grad), without touching
 * `.grad`. With `createGraph` they can be differentiated again. Inputs the outputs do not depend
 * on give an error unless `allowUnused`, in which case they give null.
 * @param outputs - The tensor(s) to differentiate.
 * @param inputs - The tensor(s) to differentiate with respect to (they must require grad).
 * @param opts - `retainGraph`, `createGraph`, `gradOutputs` (seed per output), `allowUnused`.
 * @returns One gradient per input, shaped like it (null for an unused input with `allowUnused`).
 * @example
 * const x = tensor([3], { requiresGrad: true });
 * const [g] = autogradGrad(x.pow(3).sum(), x, { createGraph: true });
 * g!.tolist(); // [27]
 * const [g2] = autogradGrad(g!.sum(), x); // second derivative 6x
 * g2!.tolist(); // [18]
 * x.grad; // null
 */
export function autogradGrad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: BackwardOptions & { gradOutputs?: readonly (Tensor | undefined)[]; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const seeds = outs.map((o, i) => checkRoot('autograd.grad', o, opts.gradOutputs?.[i]));
  for (const x of ins) {
    if (!x.requiresGrad) throw new AutogradError('autograd.grad', 'an input does not require grad', { input: x.shape });
  }
  const found = runBackward(outs, seeds, opts, ins);
  return ins.map((x, i) => {
    const g = found.get(x);
    if (g === undefined && !opts.allowUnused) {
      throw new AutogradError('autograd.grad', `input ${i} was not used to compute the outputs`, { input: x.shape }, 'pass { allowUnused: true } to get null for it');
    }
    return g ?? null;
  });
}
