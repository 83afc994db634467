/**
 * Lecture 3, "Stochastic gradient descent": the stochastic gradient is unbiased.
 *
 * For the regularised empirical risk f(w) = (1/m) Σᵢ ℓ(yᵢ, h_w(xᵢ)) + λφ(w), the stochastic gradient
 * of one example s, ∇̂f(w) = ∇_w ℓ(yₛ, h_w(xₛ)) + λ∇φ(w), averaged over a uniformly random s, is
 * ∇f(w): (1/m) Σₛ ∇̂ₛf(w) = ∇f(w). So the SGD update w − η∇̂ₛf(w) equals the gradient descent
 * update w − η∇f(w) in expectation.
 *
 * Checked through chainrule: a per-example loss graph with the example fed as inputs x, y and
 * `minimize(loss, [W, b], sgd({ lr: η }))` (its `gradients` are ∇̂ₛf), run once from the same
 * parameters for every example; and a full-batch graph of (1/m)Σℓ + λφ on the whole data set, with
 * `minimize(f, [W, b], sgd({ lr: η }))`. Models: linear regression with squared loss (ŷ − y)², and
 * logistic regression ŷ = σ(xᵀW + b) with the lecture's cross-entropy −y log ŷ − (1 − y) log(1 − ŷ);
 * regularisers φ ∈ {‖w‖₂ (the lecture's ridge), ½‖w‖₂², ‖w‖₁} from `@chainrule/optim`.
 */
import fc from 'fast-check';
import { Graph, tensor, type Node } from '@chainrule/graph';
import { l1Norm, l2Norm, l2Squared, minimize, sgd, type Regularizer } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { column, normInf, real, runs, sub, vector, type Mat, type Vec } from './helpers.js';

type Model = 'linear' | 'logistic';

/** ℓ(y, h_w(x)) for a batch of rows x [rows, n], y [rows, 1]: a column of per-example losses. */
function exampleLoss(model: Model, x: Node, y: Node, W: Node, b: Node): Node {
  const z = x.matmul(W).add(b);
  if (model === 'linear') return z.sub(y).square(); // (ŷ − y)²
  const yHat = z.sigmoid();
  return y.mul(yHat.log()).add(y.neg().add(1).mul(yHat.neg().add(1).log())).neg(); // −y log ŷ − (1−y) log(1−ŷ)
}

interface Case {
  readonly model: Model;
  readonly phi: Regularizer;
  readonly lambda: number;
  readonly X: Mat;
  readonly y: Vec;
  readonly W0: Vec;
  readonly b0: number;
  readonly eta: number;
}

/** The regularised loss over [W, b] in a fresh graph, on data given by `data` (inputs or constants). */
function build(c: Case, data: (g: Graph) => { x: Node; y: Node; reduce: (l: Node) => Node }) {
  const graph = new Graph();
  const W = graph.variable('W', column(c.W0));
  const b = graph.variable('b', tensor(c.b0));
  const { x, y, reduce } = data(graph);
  const loss = reduce(exampleLoss(c.model, x, y, W, b)).add(c.phi([W, b]).mul(c.lambda));
  const step = minimize(loss, [W, b], sgd({ lr: c.eta }));
  // Outputs are read before the update: ∇ at the starting point; then W, b after one SGD step.
  const run = graph.compile({ outputs: step.gradients, updates: step });
  const reset = (): void => {
    graph.setVariable('W', column(c.W0));
    graph.setVariable('b', tensor(c.b0));
  };
  const after = (): Vec => [...graph.getVariable('W').data, ...graph.getVariable('b').data];
  return { run, reset, after };
}

const cases: fc.Arbitrary<Case> = fc
  .record({ n: fc.integer({ min: 2, max: 5 }), m: fc.integer({ min: 2, max: 8 }), model: fc.constantFrom<Model>('linear', 'logistic') })
  .chain(({ n, m, model }) =>
    fc.record({
      model: fc.constant(model),
      phi: fc.constantFrom(l2Norm, l2Squared, l1Norm),
      lambda: real(0, 1),
      X: fc.array(vector(n, 2), { minLength: m, maxLength: m }),
      y: fc.array(model === 'linear' ? real(-3, 3) : fc.constantFrom(0, 1), { minLength: m, maxLength: m }),
      W0: vector(n, 2),
      b0: real(-1, 1),
      eta: real(0.001, 1),
    }),
  );

describe('SGD: the stochastic gradient is an unbiased estimate of ∇f', () => {
  it('(1/m) Σₛ ∇̂ₛf(w) = ∇f(w) and the mean SGD step is the full-batch GD step, to 1e-12', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const m = c.X.length;
        // per example: x [1, n] and y [1, 1] fed as inputs
        const one = build(c, (g) => ({ x: g.input('x', [1, c.W0.length]), y: g.input('y', [1, 1]), reduce: (l) => l.sum() }));
        // full batch: (1/m) Σᵢ ℓᵢ on the whole data set
        const all = build(c, (g) => ({ x: g.constant(c.X), y: g.constant(column(c.y)), reduce: (l) => l.mean() }));

        const meanGrad = new Array<number>(c.W0.length + 1).fill(0);
        const meanAfter = new Array<number>(c.W0.length + 1).fill(0);
        for (let s = 0; s < m; s++) {
          one.reset();
          const grads = one.run({ x: tensor([c.X[s]!]), y: tensor([[c.y[s]!]]) }).flatMap((t) => [...t.data]);
          grads.forEach((g, i) => (meanGrad[i]! += g / m));
          one.after().forEach((w, i) => (meanAfter[i]! += w / m));
        }
        const fullGrad = all.run({}).flatMap((t) => [...t.data]);
        const gdAfter = all.after();

        expect(normInf(sub(meanGrad, fullGrad))).toBeLessThanOrEqual(1e-12 * (1 + normInf(fullGrad)));
        expect(normInf(sub(meanAfter, gdAfter))).toBeLessThanOrEqual(1e-12 * (1 + normInf(gdAfter)));
      }),
      { numRuns: runs(40) },
    );
  });
});
