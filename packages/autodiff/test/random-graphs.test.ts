import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, schedule, simplify, type Tensor } from '@chainrule/graph';
import { checkGradients, grad, vjp } from '@chainrule/autodiff';
import { buildRecipe, graphRecipe } from '@chainrule/autodiff/testing';

const sameValues = (a: Tensor, b: Tensor): boolean =>
  a.data.length === b.data.length && Array.from(a.data).every((v, i) => Object.is(v, b.data[i]) || Math.abs(v - b.data[i]!) <= 1e-12 * Math.max(1, Math.abs(v)));

describe('random graphs', () => {
  it('have gradients that agree with central differences', () => {
    fc.assert(
      fc.property(graphRecipe(), (recipe) => {
        const report = checkGradients(buildRecipe(recipe), recipe.points, { atol: 1e-5, rtol: 1e-5, mode: 'projection' });
        if (!report.ok) throw new Error(report.message);
      }),
      { numRuns: Math.max(300, fc.readConfigureGlobal().numRuns ?? 0) }, // hundreds of graphs, even in CI
    );
  });

  it('obey the chain rule: vjp through f∘g equals vjp through f then through g', () => {
    fc.assert(
      fc.property(graphRecipe(5), graphRecipe(5), (inner, outer) => {
        const g = new Graph();
        const x = g.input('x', inner.points[0]!.shape);
        const extra = inner.points.slice(1).map((p, i) => g.input(`e${i}`, p.shape));
        const mid = buildRecipe(inner)(x, ...extra);
        const y = buildRecipe({ ...outer, points: [outer.points[0]!] })(mid).sum();
        const [direct] = grad(y, [x]);
        const [dMid] = grad(y, [mid]);
        const [chained] = vjp([mid], [dMid!], [x]); // J(f∘g) = J_f(g(x)) · J_g(x)
        const feeds = Object.fromEntries([['x', inner.points[0]!], ...inner.points.slice(1).map((p, i) => [`e${i}`, p] as const)]);
        const [a, b] = g.run([direct!, chained!], feeds);
        expect(sameValues(a!, b!)).toBe(true);
      }),
    );
  });

  it('keep their values under simplify, which shrinks real gradient graphs', () => {
    fc.assert(
      fc.property(graphRecipe(), (recipe) => {
        const g = new Graph();
        const xs = recipe.points.map((p, i) => g.input(`x${i}`, p.shape));
        const y = buildRecipe(recipe)(...xs);
        const grads = grad(y.sum(), xs);
        const simple = simplify([y, ...grads]);
        const feeds = Object.fromEntries(recipe.points.map((p, i) => [`x${i}`, p]));
        const before = g.run([y, ...grads], feeds);
        const after = g.run(simple, feeds);
        before.forEach((v, i) => {
          expect(after[i]!.shape).toEqual(v.shape);
          expect(sameValues(v, after[i]!)).toBe(true);
        });
        expect(schedule(simple).length).toBeLessThanOrEqual(schedule([y, ...grads]).length);
      }),
    );
  });
});
