// The lecture's numerical example: f(w) = ½·H·w² with H = 0.05 and w⁽⁰⁾ = 1, minimised by gradient
// descent, Polyak's momentum, Sutskever et al.'s momentum and Nesterov's accelerated gradient.
// Run with `pnpm --filter @chainrule/examples lecture-momentum`.
import { Graph, tensor } from '@chainrule/graph';
import { minimize, nesterov, polyak, ruleFormulas, sgd, sutskever, type UpdateRule } from '@chainrule/optim';

const H = 0.05;
const eta = 1; // a constant step; GD then contracts by 1 − ηH = 0.95 per step
const gamma = 0.9;
const steps = 60;

const rules: [string, UpdateRule][] = [
  ['gradient descent', sgd({ lr: eta })],
  ['Polyak momentum', polyak({ lr: eta, momentum: gamma })],
  ['Sutskever momentum', sutskever({ lr: eta, momentum: gamma })],
  ['Nesterov (ρ-sequence)', nesterov({ lr: eta })],
];

const trajectories = rules.map(([name, rule]) => {
  const g = new Graph();
  const w = g.variable('w', tensor(1));
  const f = w.square().mul(H / 2);
  const run = g.compile({ outputs: [w], updates: minimize(f, [w], rule) });
  const ws = [1];
  for (let t = 0; t < steps; t++) {
    run();
    ws.push(g.getVariable('w').item());
  }
  return { name, rule, ws };
});

console.log(`f(w) = ½·${H}·w², w⁽⁰⁾ = 1, η = ${eta}, γ = ${gamma}\n`);
for (const { name, rule } of trajectories) {
  console.log(`${name}:`);
  for (const line of ruleFormulas(rule).slice(0, 2)) console.log(`  ${line.variable} ← ${line.text}`);
}
console.log('\n   t ' + trajectories.map(({ name }) => name.padStart(24)).join(''));
for (let t = 0; t <= steps; t += 5) {
  console.log(String(t).padStart(4) + ' ' + trajectories.map(({ ws }) => ws[t]!.toExponential(4).padStart(24)).join(''));
}
console.log('\n|w⁽ᵗ⁾| after', steps, 'steps:', trajectories.map(({ name, ws }) => `${name} ${Math.abs(ws[steps]!).toExponential(2)}`).join(', '));
