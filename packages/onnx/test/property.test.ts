import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, getOp, tensor, type Node, type Tensor } from '@chainrule/graph';
import { grad, hessian } from '@chainrule/autodiff';
import { OP_SPECS, buildRecipe, graphRecipe, valuesIn } from '@chainrule/autodiff/testing';
import { compileOnnx } from '../src/index.js';
import { agree, expectAgree, type AgreeOptions } from './agree.js';

// ONNX Runtime sums in its own order (matmul, reductions), so agreement is to rounding, not bit for bit.
const REL = 1e-10;

/**
 * Property runs relative to the global setting (100 by default, 20000 under `pnpm test:props`):
 * `runs(10)` is 10 in CI and scales with FC_NUM_RUNS, so that local runs can search harder.
 */
function runs(atDefault: number): number {
  return Math.max(1, Math.round(((fc.readConfigureGlobal().numRuns ?? 100) * atDefault) / 100));
}

/** Runs outputs on the interpreter and on ONNX Runtime and expects them to agree (options per output, or one for all). */
async function bothAgree(g: Graph, outputs: readonly Node[], feeds: Record<string, Tensor>, options: AgreeOptions | readonly AgreeOptions[] = {}): Promise<void> {
  const want = g.run(outputs, feeds);
  const run = await compileOnnx(g, { outputs, intraOpNumThreads: 1 });
  try {
    const got = await run(feeds);
    expect(got.length).toBe(want.length);
    got.forEach((t, i) => {
      const measure = Array.isArray(options) ? (options as readonly AgreeOptions[])[i] : (options as AgreeOptions);
      expect(agree(t, want[i]!, REL, measure), `output ${i}: ${t.toString()} vs ${want[i]!.toString()}`).toBe(true);
    });
  } finally {
    await run.release();
  }
}

/**
 * Specs whose values or derivatives are sums of terms of both signs that ONNX Runtime adds in its
 * own order (the matrix product, solve's elimination, reductions, the adds of gather's and
 * scatterAdd's adjoints, broadcastTo's un-broadcasting, the convolutions' products and the poolings'
 * window sums and their adjoints' scatter-adds): compared normwise, since the order of
 * summation decides their last digits, and never finer than 1e-10 absolute: the inputs are of order
 * one, and a derivative that comes out near 0 (a cotangent 2·sin·cos near 0) keeps the rounding
 * noise of its order-one terms. Every other spec is compared elementwise.
 */
const SUMMING = new Set(['matmul', 'solve', 'sum', 'max', 'broadcastTo', 'gather', 'scatterAdd', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool2d', 'maxPool2dBackprop', 'maxPool2dSelect', 'avgPool2d', 'avgPool2dBackprop', 'batchNorm', 'layerNorm']); // the normalisations: means and their adjoints

describe('ONNX Runtime agrees with the interpreter', () => {
  it('on random graphs and their gradients (float64, 1e-10 relative to values of order one)', async () => {
    await fc.assert(
      fc.asyncProperty(graphRecipe(), async (recipe) => {
        const g = new Graph();
        const xs = recipe.points.map((p, i) => g.input(`x${i}`, p.shape));
        const y = buildRecipe(recipe)(...xs);
        const feeds = Object.fromEntries(recipe.points.map((p, i) => [`x${i}`, p]));
        // values of order one: a value that cancels to 0 keeps their rounding noise (1e-16), not a disagreement
        await bothAgree(g, [y, ...grad(y.sum(), xs)], feeds, { floor: 1 });
      }),
    );
  });

  // The spec table has one row per differentiable primitive (solve, gather, scatterAdd, pad, …
  // which the random graphs do not build); each is checked with its gradient and a second derivative.
  // y is a scalar sum of non-negative terms, well conditioned whatever the order of its adds, and
  // is compared elementwise like everything else except the SUMMING specs and the gradient of an
  // operand that an elementwise op broadcasts (pow(x[2,3], y[3]): ∂/∂y sums over the broadcast axis).
  for (const [op, spec] of Object.entries(OP_SPECS)) {
    it(`on ${op}, its gradient and its Hessian-vector product (float64)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...spec.shapes.map((s) => valuesIn(spec.domain, s))), async (points) => {
          const g = new Graph();
          const xs = points.map((p, i) => g.input(`x${i}`, p.shape));
          const value = spec.build(xs);
          const y = value.sin().square().sum(); // a non-trivial cotangent, so the Hessian is not zero
          const grads = grad(y, xs);
          const [second] = grad(grads[0]!.sum(), [xs[0]!]);
          const summing = SUMMING.has(op);
          const broadcast = (x: Node): boolean => getOp(op)!.kind === 'elementwise' && x.shape.join() !== value.shape.join();
          const measure = (sums: boolean): AgreeOptions => (sums ? { normwise: true, floor: 1 } : {});
          const options = [{}, ...xs.map((x) => measure(summing || broadcast(x))), measure(summing || broadcast(xs[0]!))];
          await bothAgree(g, [y, ...grads, second!], Object.fromEntries(points.map((p, i) => [`x${i}`, p])), options);
        }),
        { numRuns: runs(10) },
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
      { numRuns: runs(20) },
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
