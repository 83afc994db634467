// Stochastic, mini-batch and batch gradient descent are one update rule fed different data: here a
// linear regression whose loss is computed on examples sampled each step (seeded), and the lecture's
// fact that the stochastic gradient is an unbiased estimate of the full gradient.
// Run with `pnpm --filter @chainrule/examples sgd-sampling`.
import { Graph, Tensor, tensor, uniformInit } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { minimize, robbinsMonro, sgd } from '@chainrule/optim';
import { randomStream } from '@chainrule/graph';

const m = 500;
const X = uniformInit(-1, 1, 1)([m, 2], 'float64');
const trueW = [2, -3];
const Y = tensor(Array.from({ length: m }, (_, i) => [trueW[0]! * X.get(i, 0) + trueW[1]! * X.get(i, 1) + 0.05 * Math.sin(i)]));

const rows = (t: Tensor, idx: number[]): Tensor => tensor(idx.map((i) => Array.from(t.data.subarray(i * t.shape[1]!, (i + 1) * t.shape[1]!))));

for (const batch of [1, 16, m]) {
  const g = new Graph();
  const x = g.input('x', ['batch', 2]);
  const y = g.input('y', ['batch', 1]);
  const w = g.variable('w', [2, 1], 0);
  const loss = x.matmul(w).sub(y).square().mean(); // (1/|S|) Σ_{i∈S} ℓ(yᵢ, h_w(xᵢ))
  const step = g.compile({ outputs: [loss], updates: minimize(loss, [w], sgd({ lr: batch === 1 ? robbinsMonro(2, 20, 0.75) : 0.5 })) });
  const rng = randomStream(7, 0);
  const steps = batch === m ? 100 : 2000;
  for (let t = 0; t < steps; t++) {
    const idx = Array.from({ length: batch }, () => (rng.next() >>> 0) % m); // sample examples (with replacement)
    step({ x: rows(X, idx), y: rows(Y, idx) });
  }
  const label = batch === 1 ? 'stochastic (batch 1, η = 2/(20+t)^¾)' : batch === m ? 'batch (all 500)' : `mini-batch of ${batch}`;
  console.log(`${label.padEnd(34)} ${steps} steps → w = [${Array.from(g.getVariable('w').data, (v) => v.toFixed(3)).join(', ')}]  (true [2, -3])`);
}

// Unbiasedness: the mean of the per-example gradients is the full gradient.
const g = new Graph();
const x = g.input('x', ['batch', 2]);
const y = g.input('y', ['batch', 1]);
const w = g.variable('w', tensor([[0.3], [0.1]]));
const [dw] = grad(x.matmul(w).sub(y).square().mean(), [w]);
const full = g.run([dw!], { x: X, y: Y })[0]!;
const mean = [0, 0];
for (let i = 0; i < m; i++) {
  const gi = g.run([dw!], { x: rows(X, [i]), y: rows(Y, [i]) })[0]!;
  mean[0]! += gi.data[0]! / m;
  mean[1]! += gi.data[1]! / m;
}
console.log(`\nfull gradient ${Array.from(full.data, (v) => v.toFixed(12)).join(', ')}`);
console.log(`mean of the ${m} stochastic gradients ${mean.map((v) => v.toFixed(12)).join(', ')}`);
