// The first-run demo: build a small static graph, print it, and run it twice with different batch
// sizes. Run with `pnpm start`.
import { Graph, tensor } from '@chainrule/graph';
import { fromExpression, toExpression, toTex } from '@chainrule/graph/mathjs';

const g = new Graph();

// A logistic-regression model, y = σ(x·w + b), with a symbolic batch dimension.
const x = g.input('x', ['batch', 2]);
const t = g.input('t', ['batch', 1]);
const w = g.variable('w', tensor([[0.5], [-0.25]]));
const b = g.variable('b', tensor([0.1]));
const y = x.matmul(w).add(b).sigmoid();
// Binary cross-entropy ℓ(t, y) = −t·log y − (1 − t)·log(1 − y), averaged over the batch.
const perExample = t.mul(y.log()).add(t.neg().add(1).mul(y.neg().add(1).log())).neg();
const loss = perExample.mean();

const run = g.compile({ outputs: [y, loss] });
console.log('The graph, in the order a run computes it:');
for (const node of run.schedule) {
  const operands = node.inputs.map((n) => `#${n.id}`).join(', ');
  console.log(`  ${String(node).padEnd(18)} (${operands.padEnd(8)}) -> ${node.dtype} [${node.shape.join(', ')}]`);
}
// Elementwise parts render as formulas; other nodes (here the matmul) appear as named leaves.
const leafName = (n: typeof x): string | undefined => (n.op === 'matmul' ? 'xw' : undefined);
console.log('\nThe loss of one example as a formula:\n ', toExpression(perExample, { name: leafName }));
console.log('  as TeX:', toTex(perExample, { name: leafName }));

for (const batch of [
  { x: tensor([[1, 2], [3, 4], [0, 0], [-1, 1]]), t: tensor([[1], [0], [1], [0]]) },
  { x: tensor([[2, 2], [-2, -2]]), t: tensor([[1], [0]]) },
]) {
  const [probs, value] = run(batch);
  console.log(`\nbatch of ${batch.x.shape[0]}: y = ${JSON.stringify(probs!.toArray())}`);
  console.log(`  loss = ${value!.item().toFixed(6)}`);
}

// The mathjs front end: a graph from an expression string, and back to TeX.
const u = g.input('u', [3]);
const v = g.input('v', [3]);
const f = fromExpression(g, 'sin(u) * v + u^2', { u, v });
const [fv] = g.run([f], { u: tensor([0, 1, 2]), v: tensor([1, 1, 1]) });
console.log(`\nsin(u)·v + u² at u = [0, 1, 2], v = 1: ${JSON.stringify(fv!.toArray())}`);
console.log('as TeX:', toTex(f));
