// Knowledge distillation's loss (Hinton, Vinyals and Dean 2015): the student matches the teacher's
// temperature-softened class distribution, plus cross-entropy on the labels where there are labels.

import { type Tensor, ValueError, crossEntropy, logSoftmax } from '@tsgrad/core';

/** Options of {@link distillationLoss}. */
export interface DistillationLossOptions {
  /** Weight of the soft (teacher) term; 1 - alpha weighs the cross-entropy on labels (default 0.5). */
  alpha?: number;
  /** Softmax temperature T > 0 of both distributions (default 2). */
  temperature?: number;
  /** Label value of examples without a label (default -100, PyTorch's ignore_index). */
  ignoreIndex?: number;
}

/**
 * The distillation loss of Hinton et al. (2015):
 * alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) * CE(z_s, labels).
 * The KL term is averaged over the batch (PyTorch's `kl_div(..., reduction='batchmean')`); T^2
 * keeps its gradients on the scale of the cross-entropy's as T changes. The cross-entropy is
 * averaged over the labelled examples: label `ignoreIndex` (-100) marks an example that only the
 * teacher labels (unlabelled text), and a batch with no labels has a cross-entropy of 0. Pass the
 * teacher's logits detached (computed without grad): the gradient flows to whatever requires it.
 * Gradient: through both sets of logits (autograd over the composite).
 *
 * # Shapes
 * - studentLogits, teacherLogits: (B, C)
 * - labels: (B) int32, class ids or `ignoreIndex`; null: the soft term alone, weighted 1
 * - output: scalar
 *
 * @param studentLogits - The student's logits z_s.
 * @param teacherLogits - The teacher's logits z_t.
 * @param labels - True classes, or null.
 * @param opts - `alpha`, `temperature`, `ignoreIndex`.
 * @returns The loss.
 * @example
 * const zs = tensor([[0, 0]]), zt = tensor([[Math.log(3), 0]]); // teacher: (0.75, 0.25) at T = 1
 * // KL((0.75, 0.25) || (0.5, 0.5)) = 0.75 ln 1.5 + 0.25 ln 0.5
 * distillationLoss(zs, zt, null, { temperature: 1 }).item(); // 0.1308 (about)
 * // with the label 0: 0.5 * 0.1308 + 0.5 * ln 2
 * distillationLoss(zs, zt, tensor([0], { dtype: 'int32' }), { temperature: 1 }).item(); // 0.4120 (about)
 */
export function distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, labels: Tensor | null, opts: DistillationLossOptions = {}): Tensor {
  const { alpha = 0.5, temperature: T = 2, ignoreIndex = -100 } = opts;
  const shapes = { studentLogits: studentLogits.shape, teacherLogits: teacherLogits.shape, ...(labels ? { labels: labels.shape } : {}) };
  if (studentLogits.ndim !== 2 || teacherLogits.ndim !== 2 || studentLogits.shape.some((s, i) => s !== teacherLogits.shape[i])) {
    throw new ValueError('distillationLoss', 'the student and teacher logits must both be (B, C) with the same B and C', shapes);
  }
  if (labels && (labels.ndim !== 1 || labels.shape[0] !== studentLogits.shape[0])) throw new ValueError('distillationLoss', 'labels must be (B)', shapes);
  if (!(T > 0)) throw new ValueError('distillationLoss', `temperature must be > 0, got ${T}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new ValueError('distillationLoss', `alpha must be in [0, 1], got ${alpha}`);
  const B = studentLogits.shape[0]!;
  const logPs = logSoftmax(studentLogits.div(T), -1);
  const logPt = logSoftmax(teacherLogits.div(T), -1);
  const kl = logPt.exp().mul(logPt.sub(logPs)).sum().div(B); // batchmean
  const soft = kl.mul(T * T);
  if (!labels) return soft;
  // the mean over labelled examples: a sum divided by their count (at least 1, so no labels give 0)
  const count = labels.ne(ignoreIndex).sum().clamp(1).to(studentLogits.dtype);
  const hard = crossEntropy(studentLogits, labels, { ignoreIndex, reduction: 'sum' }).div(count);
  return soft.mul(alpha).add(hard.mul(1 - alpha));
}
