// How big is a gradient graph, and how much do the rewrites take off? Builds an MLP loss
// (784-256-128-10, ReLU, softmax cross-entropy), differentiates it with respect to every parameter,
// simplifies the result, and prints the node counts. Run with
// `pnpm --filter @chainrule/examples gradient-graph`.
import { Graph, schedule, simplify } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';

const g = new Graph();
const x = g.input('x', ['batch', 784]);
const labels = g.input('labels', ['batch', 10]);
const sizes = [784, 256, 128, 10];
const params = sizes.slice(1).map((n, l) => ({
  w: g.variable(`w${l}`, [sizes[l]!, n], 0.01),
  b: g.variable(`b${l}`, [n], 0),
}));
let h = x;
params.forEach(({ w, b }, l) => {
  h = h.matmul(w).add(b);
  if (l < params.length - 1) h = h.relu();
});
const loss = h.logSoftmax().mul(labels).sum(1).neg().mean();

const wrt = params.flatMap(({ w, b }) => [w, b]);
const grads = grad(loss, wrt);
const simplified = simplify(grads);

const count = (nodes: Parameters<typeof schedule>[0]): number => schedule(nodes).length;
const rows: [string, number][] = [
  ['forward graph (loss)', count([loss])],
  ['gradient graph, as derived', count(grads)],
  ['gradient graph, simplified', count(simplified)],
  ['loss and gradients together, simplified', count(simplify([loss, ...grads]))],
];
console.log('Node counts for the loss of an MLP 784-256-128-10 and its gradient:');
for (const [what, n] of rows) console.log(`  ${what.padEnd(42)} ${String(n).padStart(4)}`);
const ops = new Map<string, number>();
for (const n of schedule(simplified)) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
console.log('\nOps in the simplified gradient graph:', [...ops].map(([op, k]) => `${op}×${k}`).join(', '));
