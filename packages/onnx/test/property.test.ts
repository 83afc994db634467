import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { grad, hessian } from '@chainrule/autodiff';
import { OP_SPECS, buildRecipe, graphRecipe, valuesIn } from '@chainrule/autodiff/testing';
import { compileOnnx } from '../src/index.js';
import { expectAgree, type AgreeOptions } from './agree.js';

// ONNX Runtime sums in its own order (matmul, reductions), so agreement is to rounding, not bit for bit.
const REL = 1e-10;

/** Runs outputs on the interpreter and on ONNX Runtime and expects them to agree. */
async function bothAgree(g: Graph, outputs: readonly Node[], feeds: Record<string, Tensor>, options: AgreeOptions = {}): Promise<void> {
  const want = g.run(outputs, feeds);
  const run = await compileOnnx(g, { outputs, intraOpNumThreads: 1 });
  try {
    expectAgree(await run(feeds), want, REL, options);
  } finally {
    await run.release();
  }
}

describe('ONNX Runtime agrees with the interpreter', () => {
  it('on random graphs and their gradients (float64, 1e-10 relative)', async () => {
    await fc.assert(
      fc.asyncProperty(graphRecipe(), async (recipe) => {
        const g = new Graph();
        const xs = recipe.points.map((p, i) => g.input(`x${i}`, p.shape));
        const y = buildRecipe(recipe)(...xs);
        const feeds = Object.fromEntries(recipe.points.map((p, i) => [`x${i}`, p]));
        await bothAgree(g, [y, ...grad(y.sum(), xs)], feeds);
      }),
    );
  });

  // The spec table has one row per differentiable primitive (solve, pow, gather, scatterAdd, pad, …
  // which the random graphs do not build); each is checked with its gradient and a second derivative.
  // Gradients of these scalar functions sum terms of both signs, so they are compared normwise.
  for (const [op, spec] of Object.entries(OP_SPECS)) {
    it(`on ${op}, its gradient and its Hessian-vector product (float64)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...spec.shapes.map((s) => valuesIn(spec.domain, s))), async (points) => {
          const g = new Graph();
          const xs = points.map((p, i) => g.input(`x${i}`, p.shape));
          const y = spec.build(xs).sin().square().sum(); // a non-trivial cotangent, so the Hessian is not zero
          const grads = grad(y, xs);
          const [second] = grad(grads[0]!.sum(), [xs[0]!]);
          await bothAgree(g, [y, ...grads, second!], Object.fromEntries(points.map((p, i) => [`x${i}`, p])), { normwise: true });
        }),
        { numRuns: 10 },
      );
    });
  }

  // Hessian entries whose true value is 0 come out as rounding noise (~1e-17) in either engine: the
  // inputs and values are of order one, so differences below 1e-10 · 1 are not disagreements.
  it('on Hessians of random graphs (float64, 1e-10 relative to values of order one)', async () => {
    await fc.assert(
      fc.asyncProperty(graphRecipe(5), async (recipe) => {
        const g = new Graph();
        const xs = recipe.points.map((p, i) => g.input(`x${i}`, p.shape));
        const y = buildRecipe(recipe)(...xs).sum();
        const feeds = Object.fromEntries(recipe.points.map((p, i) => [`x${i}`, p]));
        await bothAgree(g, [hessian(y, xs[0]!)], feeds, { normwise: true, floor: 1 });
      }),
      { numRuns: 20 },
    );
  });

  it('in float32 (to float32 rounding)', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3], 'float32');
    const y = x.sigmoid().matmul(x, { transposeB: true }).softplus().log1p().sum();
    const outputs = [y, ...grad(y, [x])];
    const feeds = { x: tensor([[0.5, -1, 2], [3, -0.25, 0.125]], undefined, 'float32') };
    const want = g.run(outputs, feeds);
    const run = await compileOnnx(g, { outputs });
    expectAgree(await run(feeds), want, 1e-6);
    await run.release();
  });
});
