// The CPU kernels of the fused primitives (ops/fused/*, dropout), gathered into one table that
// the CPU backend spreads into its own.

import type { Kernel } from '../../backend.js';
import { adamStepKernel } from './adam.js';
import { scaledMaskedSoftmaxKernel, softmaxBackwardKernel } from './attention-softmax.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from './cross-entropy.js';
import { dropoutKernel } from './dropout.js';
import { geluBackwardKernel, geluKernel } from './gelu.js';
import { linearCrossEntropyKernel, linearCrossEntropyPackedKernel } from './linear-cross-entropy.js';
import { linearInt8Kernel } from './linear-int8.js';
import { normBackwardKernel, normKernel, sumSquaresKernel } from './norms.js';
import { packedAttentionBackwardKernel, packedAttentionKernel, packedAttentionWeightsKernel } from './packed-attention.js';

/** Kernels by primitive name. */
export const fusedKernels: Record<string, Kernel> = {
  gelu: geluKernel,
  geluBackward: geluBackwardKernel,
  layerNorm: normKernel(false),
  layerNormBackward: normBackwardKernel(false),
  rmsNorm: normKernel(true),
  rmsNormBackward: normBackwardKernel(true),
  scaledMaskedSoftmax: scaledMaskedSoftmaxKernel,
  softmaxBackward: softmaxBackwardKernel,
  packedAttention: packedAttentionKernel,
  packedAttentionWeights: packedAttentionWeightsKernel,
  packedAttentionBackward: packedAttentionBackwardKernel,
  crossEntropy: crossEntropyKernel,
  crossEntropyBackward: crossEntropyBackwardKernel,
  linearCrossEntropy: linearCrossEntropyKernel,
  linearCrossEntropyPacked: linearCrossEntropyPackedKernel,
  dropout: dropoutKernel,
  adamStep: adamStepKernel,
  linearDynamicInt8: linearInt8Kernel,
  sumSquares: sumSquaresKernel,
};
