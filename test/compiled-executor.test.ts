import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, type Tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { buildRecipe, graphRecipe } from '@chainrule/autodiff/testing';

const agree = (a: Tensor, b: Tensor): boolean =>
  a.data.length === b.data.length &&
  Array.from(a.data).every((v, i) => {
    const w = b.data[i]!;
    return Object.is(v, w) || Math.abs(v - w) <= 1e-12 * Math.max(Math.abs(v), Math.abs(w));
  });

describe('the compiling executor', () => {
  it('agrees with the interpreter on random graphs and their gradients (float64, 1e-12 relative)', () => {
    fc.assert(
      fc.property(graphRecipe(), (recipe) => {
        const g = new Graph();
        const xs = recipe.points.map((p, i) => g.input(`x${i}`, p.shape));
        const y = buildRecipe(recipe)(...xs);
        const outputs = [y, ...grad(y.sum(), xs)];
        const feeds = Object.fromEntries(recipe.points.map((p, i) => [`x${i}`, p]));
        const reference = g.run(outputs, feeds);
        const compiled = g.compile({ outputs, executor: 'compiled' });
        for (let k = 0; k < 2; k++) {
          // twice: the second run reuses the planned buffers
          const got = compiled(feeds);
          got.forEach((v, i) => {
            expect(v.shape).toEqual(reference[i]!.shape);
            expect(agree(v, reference[i]!), `output ${i}`).toBe(true);
          });
        }
      }),
      { numRuns: Math.max(200, fc.readConfigureGlobal().numRuns ?? 0) },
    );
  });
});
