// Matmul suite: float32 C = A B on square and training shapes, plus the backward pass's transposed
// forms A^T B and A B^T (tsgrad reads them as strided views; tfjs gets its transpose flags).

import { jsPytorchImpl, nested, plainImpl, tfjsImpl, TSGRAD_VARIANTS, tsgradImpl, tsgradTensor } from '../lib/peers.mjs';

/** Shapes as M x K x N. */
const SQUARE = [256, 512, 1024].map((n) => [n, n, n]);
const TRAINING = [[1024, 128, 128], [1024, 512, 128], [1024, 128, 512], [128, 512, 1024]];

/** Operand layouts: NN is A B; TN is A^T B with A stored [K, M]; NT is A B^T with B stored [N, K]. */
const VARIANTS = { NN: 'A B', TN: 'A^T B', NT: 'A B^T' };

function randomData(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The plain-JS loop a JS developer would write for each layout (i-k-j, or a dot product for NT). */
function plainLoop(v, M, K, N, A, B) {
  return () => {
    const C = new Float32Array(M * N);
    if (v === 'NT') {
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
        C[i * N + j] = s;
      }
      return C;
    }
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
      const a = v === 'TN' ? A[k * M + i] : A[i * K + k];
      for (let j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
    }
    return C;
  };
}

async function makeCase([M, K, N], v, quick) {
  const tA = v === 'TN';
  const tB = v === 'NT';
  const aShape = tA ? [K, M] : [M, K];
  const bShape = tB ? [N, K] : [K, N];
  const A = randomData(M * K, M * 31 + K);
  const B = randomData(K * N, K * 17 + N);
  const impls = [];
  if (!quick) {
    impls.push(plainImpl('plain JS loops', plainLoop(v, M, K, N, A, B)));
    impls.push(jsPytorchImpl('js-pytorch', (torch) => ({
      a: torch.tensor(nested(A, ...aShape)), b: torch.tensor(nested(B, ...bShape)),
      f: (a, b) => torch.matmul(tA ? a.transpose(0, 1) : a, tB ? b.transpose(0, 1) : b),
    })));
    impls.push(await tfjsImpl('tfjs-cpu', 'cpu', (tf) => ({ a: tf.tensor2d(A, aShape), b: tf.tensor2d(B, bShape), f: (a, b) => tf.matMul(a, b, tA, tB) })));
  }
  impls.push(await tfjsImpl('tfjs-wasm (1T)', 'wasm', (tf) => ({ a: tf.tensor2d(A, aShape), b: tf.tensor2d(B, bShape), f: (a, b) => tf.matMul(a, b, tA, tB) })));
  for (const [name, opts] of Object.entries(TSGRAD_VARIANTS)) {
    impls.push(tsgradImpl(name, opts, () => ({ a: tsgradTensor(A, aShape, tA), b: tsgradTensor(B, bShape, tB), f: (a, b) => a.matmul(b) })));
  }
  return { label: `${M}x${K}x${N} ${VARIANTS[v]}`, flops: 2 * M * N * K, impls, shape: [M, K, N], variant: v };
}

/** The cases of this suite, created one at a time (so only one case's operands are alive). */
export async function* cases({ quick = false } = {}) {
  for (const s of SQUARE) yield makeCase(s, 'NN', quick);
  for (const s of TRAINING) for (const v of ['NN', 'TN', 'NT']) yield makeCase(s, v, quick);
}

/** Ratio lines for the targets, from the results of all cases. */
export function targets(results) {
  const ratio = (r, num, den) => {
    const a = r.rows.find((x) => x.name === num);
    const b = r.rows.find((x) => x.name === den);
    return a && b ? a.gflops / b.gflops : NaN;
  };
  const lines = [];
  const pick = (pred) => results.filter((r) => pred(r.c));
  const fmt = (rs, num, den) => rs.map((r) => `${r.c.label}: ${ratio(r, num, den).toFixed(2)}x`).join('; ');
  lines.push(`- single thread vs tfjs-wasm, square (target >= 1.5x): ${fmt(pick((c) => c.shape[0] === c.shape[1] && c.shape[1] === c.shape[2]), 'tsgrad wasm (1T)', 'tfjs-wasm (1T)')}`);
  lines.push(`- single thread vs tfjs-wasm, transposed (target >= 5x): ${fmt(pick((c) => c.variant !== 'NN'), 'tsgrad wasm (1T)', 'tfjs-wasm (1T)')}`);
  const best1 = Math.max(...results.flatMap((r) => r.rows.filter((x) => x.name === 'tsgrad wasm (1T)').map((x) => x.gflops)));
  lines.push(`- best single-thread tsgrad: ${best1.toFixed(1)} GFLOP/s = ${((100 * best1) / 180).toFixed(0)}% of the ~180 GFLOP/s FP32 peak of one core`);
  const best2 = Math.max(...results.flatMap((r) => r.rows.filter((x) => x.name === 'tsgrad auto (2T)').map((x) => x.gflops)));
  lines.push(`- best two-thread tsgrad: ${best2.toFixed(1)} GFLOP/s`);
  return lines;
}
