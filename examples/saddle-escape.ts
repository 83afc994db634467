// Gradient descent escapes a strict saddle: f(x) = ½ xᵀ diag(λ) x with λ = (1, 0.5, −0.2) has its only
// critical point at 0, a saddle. From random starts the iterates leave it along the negative
// direction; from a start in the span of the positive directions they converge to it.
// Run with `pnpm --filter @chainrule/examples saddle-escape`.
import { Graph, tensor, uniformInit } from '@chainrule/graph';
import { minimize, sgd } from '@chainrule/optim';

const lambda = [1, 0.5, -0.2];
const eta = 0.5; // 0 < η < 1/max|λ|

function run(start: number[], steps: number): number[] {
  const g = new Graph();
  const x = g.variable('x', tensor(start));
  const f = x.square().mul(g.constant(lambda)).sum().mul(0.5);
  const step = g.compile({ outputs: [], updates: minimize(f, [x], sgd({ lr: eta })) });
  const norms = [Math.hypot(...start)];
  for (let t = 0; t < steps; t++) {
    step();
    norms.push(Math.hypot(...g.getVariable('x').data));
  }
  return norms;
}

for (let seed = 1; seed <= 4; seed++) {
  const start = Array.from(uniformInit(-1e-3, 1e-3, seed)([3], 'float64').data);
  const norms = run(start, 60);
  console.log(`random start ${seed}: ‖x⁽⁰⁾‖ = ${norms[0]!.toExponential(2)}, ‖x⁽³⁰⁾‖ = ${norms[30]!.toExponential(2)}, ‖x⁽⁶⁰⁾‖ = ${norms[60]!.toExponential(2)}  (escapes)`);
}
const onStableSet = run([1e-3, -1e-3, 0], 60);
console.log(`start in span(e₁, e₂): ‖x⁽⁶⁰⁾‖ = ${onStableSet[60]!.toExponential(2)}  (converges to the saddle)`);
console.log(`\nper-step growth along e₃ is 1 − ηλ₃ = ${1 - eta * lambda[2]!}; the others shrink by ${lambda.slice(0, 2).map((l) => 1 - eta * l).join(' and ')}`);
