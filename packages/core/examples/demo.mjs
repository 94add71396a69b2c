// A first demo of @tsgrad/core: fit a two-layer MLP to y = sin(3x) with autograd and plain SGD,
// printing the loss as it falls. Run it with `node packages/core/examples/demo.mjs` after a build.
import { manualSeed, noGrad, randn, linspace, mseLoss } from '../dist/index.js';

manualSeed(0);
const x = linspace(-1, 1, 128).unsqueeze(-1); // (N, 1)
const y = x.mul(3).sin(); // (N, 1)
const hidden = 32;
const w1 = randn([1, hidden]).mul(1.0).requiresGrad_();
const b1 = randn([hidden]).mul(0.1).requiresGrad_();
const w2 = randn([hidden, 1]).mul(1 / Math.sqrt(hidden)).requiresGrad_();
const b2 = randn([1]).mul(0.1).requiresGrad_();
const params = [w1, b1, w2, b2];
const lr = 0.1;
for (let step = 0; step <= 2000; step++) {
  const pred = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2); // (N, 1)
  const loss = mseLoss(pred, y);
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of params) p.sub_(p.grad, { alpha: lr });
  });
  if (step % 250 === 0) console.log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(5)}`);
}
