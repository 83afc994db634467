import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Graph, kernelOptions, type Tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { buildRecipe, graphRecipe } from '@chainrule/autodiff/testing';
import { setVectoriseAll, vectorisedRuns } from '../packages/graph/src/kernels/wasm/elementwise.js';
import { fastPathsRequired } from '../packages/graph/test/fast-paths.js';

const agree = (a: Tensor, b: Tensor): boolean =>
  a.data.length === b.data.length &&
  Array.from(a.data).every((v, i) => {
    const w = b.data[i]!;
    return Object.is(v, w) || Math.abs(v - w) <= 1e-12 * Math.max(Math.abs(v), Math.abs(w));
  });

/** The interpreter's and the compiling executor's values of random graphs and their gradients. */
function agreesOnRandomGraphs(): void {
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
}

describe('the compiling executor', () => {
  it('agrees with the interpreter on random graphs and their gradients (float64, 1e-12 relative)', () => {
    agreesOnRandomGraphs();
  });

  it('agrees as well with every vectorisable fused loop run by the WebAssembly evaluator, however small', () => {
    const previous = setVectoriseAll(true);
    const before = vectorisedRuns();
    try {
      agreesOnRandomGraphs();
    } finally {
      setVectoriseAll(previous);
    }
    // the evaluator really ran (where this runtime has WebAssembly SIMD)
    if (kernelOptions().wasmSimd || fastPathsRequired()) expect(vectorisedRuns() - before).toBeGreaterThan(100);
  });
});

describe('training on both executors', () => {
  afterEach(() => {
    setVectoriseAll(false);
  });
  for (const [dtype, vectorised] of [['float64', false], ['float32', false], ['float64', true], ['float32', true]] as const) {
    const how = vectorised ? ', every vectorisable loop in WebAssembly' : '';
    it(`gives bit-identical parameters, optimizer state and dropout masks (${dtype}, Adam, symbolic batch, last batch smaller${how})`, async () => {
      setVectoriseAll(vectorised);
      const before = vectorisedRuns();
      const { Trainer, crossEntropyFromLogits, dense, dropout, sequential } = await import('@chainrule/nn');
      const { adam, chain, clipByGlobalNorm } = await import('@chainrule/optim');
      const { uniformInit, tensor } = await import('@chainrule/graph');
      const X = uniformInit(-1, 1, 3)([50, 4], dtype);
      const Y = tensor(Array.from({ length: 50 }, (_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]), undefined, dtype);
      const train = (executor: 'interpreter' | 'compiled') => {
        const t = new Trainer({
          model: sequential([dense(8, { activation: 'relu' }), dropout(0.8), dense(3)]),
          inputUnits: 4,
          targetUnits: 3,
          loss: crossEntropyFromLogits,
          rule: chain(clipByGlobalNorm(1), adam({ lr: 0.01 })),
          dtype,
          executor,
        });
        t.fit({ x: X, y: Y }, { epochs: 3, batchSize: 16, progress: 'none' }); // batches of 16, 16, 16, 2
        return t.graph;
      };
      const [a, b] = [train('interpreter'), train('compiled')];
      if (kernelOptions().wasmSimd || fastPathsRequired()) expect(vectorisedRuns() > before).toBe(vectorised);
      expect(b.randomState()).toEqual(a.randomState());
      for (const v of a.variables) {
        const [x, y] = [a.getVariable(v.name!).data, b.getVariable(v.name!).data];
        expect(Array.from(y).every((value, i) => Object.is(value, x[i])), v.name).toBe(true);
      }
    });
  }
});
