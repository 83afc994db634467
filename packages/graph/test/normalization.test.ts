import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, Graph, ShapeError, batchNormTraining, graphFromJSON, graphToJSON, ones, tensor, zeros, type Node, type Tensor } from '../src/index.js';

// The normalisation ops against naive references written here from the definitions (index loops,
// the formula as printed), hand-computed values, float32, the compiled executor, and their errors.

const values = (t: Tensor): number[] => Array.from(t.data);

/** Row-major strides-free view: x as [rows, features] for the last `k` axes of `shape`. */
const split = (shape: readonly number[], k: number): [number, number] => {
  const features = shape.slice(shape.length - k).reduce((a, d) => a * d, 1);
  return [shape.reduce((a, d) => a * d, 1) / features, features];
};

/** y[i, c] = scale[c]·(x[i, c] − mean[c]) / √(variance[c] + ε) + offset[c], as printed. */
function naiveBatchNorm(x: readonly number[], shape: readonly number[], scale: readonly number[], offset: readonly number[], mean: readonly number[], variance: readonly number[], epsilon: number): number[] {
  const [rows, channels] = split(shape, 1);
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < channels; c++) y.push((scale[c]! * (x[i * channels + c]! - mean[c]!)) / Math.sqrt(variance[c]! + epsilon) + offset[c]!);
  }
  return y;
}

/** Per example: m = Σx/n, s² = Σ(x − m)²/n, y = γ·(x − m)/√(s² + ε) + β. */
function naiveLayerNorm(x: readonly number[], shape: readonly number[], k: number, scale: readonly number[], offset: readonly number[], epsilon: number): number[] {
  const [rows, n] = split(shape, k);
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = x.slice(i * n, (i + 1) * n);
    const m = row.reduce((a, v) => a + v, 0) / n;
    const s2 = row.reduce((a, v) => a + (v - m) ** 2, 0) / n;
    row.forEach((v, j) => y.push((scale[j]! * (v - m)) / Math.sqrt(s2 + epsilon) + offset[j]!));
  }
  return y;
}

/** Per channel (last axis) over all other axes: the mean and the biased variance. */
function naiveMoments(x: readonly number[], shape: readonly number[]): { mean: number[]; variance: number[] } {
  const [rows, channels] = split(shape, 1);
  const mean = Array.from({ length: channels }, (_, c) => Array.from({ length: rows }, (_, i) => x[i * channels + c]!).reduce((a, v) => a + v, 0) / rows);
  const variance = mean.map((m, c) => Array.from({ length: rows }, (_, i) => (x[i * channels + c]! - m) ** 2).reduce((a, v) => a + v, 0) / rows);
  return { mean, variance };
}

function expectClose(got: readonly number[], want: readonly number[], rel: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i]!))));
}

const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const list = (n: number, min: number, max: number): fc.Arbitrary<number[]> => fc.array(finite(min, max), { minLength: n, maxLength: n });
const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 });

describe('batchNorm', () => {
  it('computes the hand-worked values γ·(x − μ)/√(σ² + ε) + β', () => {
    const g = new Graph();
    // σ² + ε = [1, 4], so the divisors are 1 and 2.
    const y = g.constant([[1, 2], [3, 4]]).batchNorm(g.constant([1, 2]), g.constant([0, 1]), g.constant([2, 3]), g.constant([0.75, 3.75]), { epsilon: 0.25 });
    expect(values(g.run([y])[0]!)).toEqual([-1, 0, 1, 2]);
  });

  it('matches the naive reference for random shapes of rank 2 to 4, on both executors', () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) => {
          const c = shape[shape.length - 1]!;
          const size = shape.reduce((a, d) => a * d, 1);
          return fc.tuple(fc.constant(shape), list(size, -5, 5), list(c, -2, 2), list(c, -2, 2), list(c, -2, 2), list(c, 0, 3), finite(1e-6, 1));
        }),
        ([shape, x, s, o, m, v, epsilon]) => {
          const g = new Graph();
          const y = g.input('x', ['batch', ...shape.slice(1)]).batchNorm(g.constant(s), g.constant(o), g.constant(m), g.constant(v), { epsilon });
          const feeds = { x: tensor(x, shape) };
          const want = naiveBatchNorm(x, shape, s, o, m, v, epsilon);
          const interpreted = g.run([y], feeds)[0]!;
          expectClose(values(interpreted), want, 1e-12);
          expect(values(g.run([y], feeds, { executor: 'compiled' })[0]!)).toEqual(values(interpreted));
        },
      ),
      { seed: 2020, numRuns: 60 },
    );
  });

  it('in float32 agrees with the float64 reference to float32 rounding, and stays float32', () => {
    const g = new Graph();
    const shape = [3, 2, 4];
    const x = Array.from({ length: 24 }, (_, i) => Math.fround(Math.sin(i) * 3));
    const [s, o, m, v] = [[1, -2, 0.5, 3], [0.1, 0.2, -0.3, 0], [0.5, -1, 0, 2], [0.3, 2, 1, 0.01]].map((a) => a.map(Math.fround));
    const c = (a: number[]): Node => g.constant(tensor(a, [4], 'float32'), 'float32');
    const y = g.constant(tensor(x, shape, 'float32'), 'float32').batchNorm(c(s!), c(o!), c(m!), c(v!));
    for (const executor of ['interpreter', 'compiled'] as const) {
      const got = g.run([y], {}, { executor })[0]!;
      expect(got.dtype).toBe('float32');
      expectClose(values(got), naiveBatchNorm(x, shape, s!, o!, m!, v!, 1e-5), 2 ** -23);
    }
  });

  it('refuses, at build time, shapes and dtypes that break its rule, naming batchNorm and the shapes', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3]);
    const c3 = g.input('c3', [3]);
    const c4 = g.input('c4', [4]);
    expect(() => g.input('v', [3]).batchNorm(c3, c3, c3, c3)).toThrow(/^batchNorm: x has shape \[3\]; batchNorm needs rank ≥ 2/);
    expect(() => x.batchNorm(c4, c3, c3, c3)).toThrow(/^batchNorm: scale has shape \[4\]; it must be \[3\], the channels \(last axis\) of x \[batch,3\]/);
    expect(() => x.batchNorm(c3, c3, c3, g.input('v2', [1, 3]))).toThrow(/^batchNorm: variance has shape \[1,3\]; it must be \[3\]/);
    expect(() => x.batchNorm(c3, c3, g.input('m', ['batch']), c3)).toThrow(/^batchNorm: mean has shape \[batch\]/);
    expect(() => x.batchNorm(c3, g.input('o32', [3], 'float32'), c3, c3)).toThrow(DTypeError);
    expect(() => x.batchNorm(c3, g.input('o32b', [3], 'float32'), c3, c3)).toThrow(/^batchNorm: offset is float32 but x is float64; cast/);
  });

  it('validates ε (a finite number > 0) as an attribute, from a builder or from JSON', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const c = g.input('c', [3]);
    for (const epsilon of [0, -1e-5, Infinity, NaN]) {
      expect(() => x.batchNorm(c, c, c, c, { epsilon }), String(epsilon)).toThrow(ShapeError);
    }
    expect(() => x.batchNorm(c, c, c, c, { epsilon: -1 })).toThrow(/^batchNorm: attribute 'epsilon': expected a finite number > 0, got -1/);
    expect(() => g.apply('batchNorm', [x, c, c, c, c], { epsilon: 'small' })).toThrow(/^batchNorm: attribute 'epsilon'/);
    expect(() => g.apply('batchNorm', [x, c, c, c, c], { momentum: 0.9 })).toThrow(/^batchNorm: attribute 'momentum': unknown/);
    expect(() => x.batchNorm(c, c, c, c, 1e-3 as never)).toThrow(ArgumentError);
    expect(g.apply('batchNorm', [x, c, c, c, c]).attrs).toEqual({ epsilon: 1e-5 });
  });

  it('survives a JSON round trip with its ε', () => {
    const g = new Graph();
    const x = g.input('x', [2, 2]);
    const y = x.batchNorm(g.constant([1, 2]), g.constant([0, 1]), g.constant([0.5, 0]), g.constant([1, 2]), { epsilon: 0.125 });
    const h = graphFromJSON(graphToJSON(g));
    const feeds = { x: tensor([[1, 2], [3, 4]]) };
    expect(values(h.run([h.node(y.id)], feeds)[0]!)).toEqual(values(g.run([y], feeds)[0]!));
    expect(h.node(y.id).attrs).toEqual({ epsilon: 0.125 });
  });
});

describe('batchNormTraining', () => {
  it('returns the batch mean and biased variance over every axis but the last, and normalises with them', () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) => fc.tuple(fc.constant(shape), list(shape.reduce((a, d) => a * d, 1), -4, 4), list(shape[shape.length - 1]!, -2, 2), list(shape[shape.length - 1]!, -2, 2))),
        ([shape, x, s, o]) => {
          const g = new Graph();
          const { y, mean, variance } = batchNormTraining(g.input('x', ['batch', ...shape.slice(1)]), g.constant(s), g.constant(o), { epsilon: 1e-3 });
          const feeds = { x: tensor(x, shape) };
          const moments = naiveMoments(x, shape);
          const [gotY, gotMean, gotVariance] = g.run([y, mean, variance], feeds);
          expectClose(values(gotMean!), moments.mean, 1e-12);
          expectClose(values(gotVariance!), moments.variance, 1e-12);
          expectClose(values(gotY!), naiveBatchNorm(x, shape, s, o, moments.mean, moments.variance, 1e-3), 1e-10);
          expect(values(g.run([y, mean, variance], feeds, { executor: 'compiled' })[0]!)).toEqual(values(gotY!));
        },
      ),
      { seed: 2021, numRuns: 40 },
    );
  });

  it('with γ = 1 and β = 0, gives per-channel mean 0 and variance σ²/(σ² + ε) ≈ 1', () => {
    const g = new Graph();
    const shape = [8, 3, 3, 4];
    const x = Array.from({ length: 8 * 3 * 3 * 4 }, (_, i) => 3 * Math.sin(0.37 * i * i) + (i % 4)); // channels of different mean and spread
    const { y, variance } = g.input('x', ['batch', 3, 3, 4]).batchNormTraining(g.constant(ones([4])), g.constant(zeros([4])));
    const [out, batchVariance] = g.run([y, variance], { x: tensor(x, shape) });
    const moments = naiveMoments(values(out!), shape);
    expectClose(moments.mean, [0, 0, 0, 0], 1e-14);
    expectClose(moments.variance, values(batchVariance!).map((s2) => s2 / (s2 + 1e-5)), 1e-12);
    expectClose(moments.variance, [1, 1, 1, 1], 1e-4);
  });

  it('hand-worked: x = [[1], [3]] has mean 2 and variance 1; with ε = 3, y = [−½, ½]', () => {
    const g = new Graph();
    const { y, mean, variance } = batchNormTraining(g.constant([[1], [3]]), g.constant([1]), g.constant([0]), { epsilon: 3 });
    expect(g.run([y, mean, variance]).map(values)).toEqual([[-0.5, 0.5], [2], [1]]);
  });

  it('checks its arguments before building any node', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const c = g.input('c', [3]);
    const before = g.nodes.length;
    expect(() => batchNormTraining(x, 'c' as never, c)).toThrow(/^batchNormTraining: scale must be a graph node/);
    expect(() => batchNormTraining(x, c, new Graph().input('o', [3]))).toThrow(/^batchNormTraining: offset must be a node of x's graph/);
    expect(() => batchNormTraining(x, c, c, { epsilon: 0 })).toThrow(/^batchNormTraining: options.epsilon must be a finite number > 0, got 0/);
    expect(() => batchNormTraining(x, c, c, { epsilon: Infinity })).toThrow(ArgumentError);
    expect(() => batchNormTraining(g.input('v', [3]), c, c)).toThrow(/^batchNormTraining: x has shape \[3\]; batchNormTraining needs rank ≥ 2/);
    expect(() => batchNormTraining(x, g.input('c2', [2]), c)).toThrow(/^batchNormTraining: scale has shape \[2\]; it must be \[3\]/);
    expect(g.nodes.length).toBe(before + 2); // only the inputs v and c2, made for the calls
  });
});

describe('layerNorm', () => {
  it('computes the hand-worked values: x = [−1, 1, −1, 1] has m = 0, s² = 1; with ε = 3 the divisor is 2', () => {
    const g = new Graph();
    const y = g.constant([[-1, 1, -1, 1]]).layerNorm(g.constant([1, 2, 3, 4]), g.constant([0, 0, 0, 1]), { epsilon: 3 });
    expect(values(g.run([y])[0]!)).toEqual([-0.5, 1, -1.5, 3]);
  });

  it('matches the naive reference for random shapes and numbers of normalised axes, on both executors', () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) =>
          fc.integer({ min: 1, max: shape.length }).chain((k) => {
            const features = split(shape, k)[1];
            return fc.tuple(fc.constant(shape), fc.constant(k), list(shape.reduce((a, d) => a * d, 1), -5, 5), list(features, -2, 2), list(features, -2, 2), finite(1e-6, 1));
          }),
        ),
        ([shape, k, x, s, o, epsilon]) => {
          const g = new Graph();
          const trailing = shape.slice(shape.length - k);
          const y = g.input('x', shape).layerNorm(g.constant(tensor(s, trailing)), g.constant(tensor(o, trailing)), { axes: k, epsilon });
          const feeds = { x: tensor(x, shape) };
          const interpreted = g.run([y], feeds)[0]!;
          expectClose(values(interpreted), naiveLayerNorm(x, shape, k, s, o, epsilon), 1e-10);
          expect(values(g.run([y], feeds, { executor: 'compiled' })[0]!)).toEqual(values(interpreted));
        },
      ),
      { seed: 2022, numRuns: 60 },
    );
  });

  it('is exact for a large mean and a small spread, where E[x²] − m² would cancel', () => {
    const g = new Graph();
    const x = [1e8 + 1, 1e8 - 1, 1e8 + 1, 1e8 - 1]; // m = 1e8, s² = 1 exactly
    const y = g.constant([x]).layerNorm(g.constant([1, 1, 1, 1]), g.constant([0, 0, 0, 0]), { epsilon: 3 });
    expect(values(g.run([y])[0]!)).toEqual([0.5, -0.5, 0.5, -0.5]);
  });

  it('in float32 agrees with the float64 reference to float32 rounding', () => {
    const g = new Graph();
    const x = Array.from({ length: 12 }, (_, i) => Math.fround(Math.cos(i * 1.3) * 2));
    const [s, o] = [[1, 0.5, -2], [0, 0.25, 1]].map((a) => a.map(Math.fround));
    const y = g.constant(tensor(x, [4, 3], 'float32'), 'float32').layerNorm(g.constant(tensor(s!, [3], 'float32'), 'float32'), g.constant(tensor(o!, [3], 'float32'), 'float32'));
    for (const executor of ['interpreter', 'compiled'] as const) {
      const got = g.run([y], {}, { executor })[0]!;
      expect(got.dtype).toBe('float32');
      expectClose(values(got), naiveLayerNorm(x, [4, 3], 1, s!, o!, 1e-5), 2 ** -23);
    }
  });

  it('refuses, at build time, shapes, dtypes and attributes that break its rule', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2, 3]);
    const d = g.input('d', [3]);
    const td = g.input('td', [2, 3]);
    expect(x.layerNorm(d, d).shape).toEqual(['batch', 2, 3]);
    expect(x.layerNorm(td, td, { axes: 2 }).shape).toEqual(['batch', 2, 3]);
    expect(() => x.layerNorm(td, td)).toThrow(/^layerNorm: scale has shape \[2,3\]; it must be \[3\], the last axis of x \[batch,2,3\]/);
    expect(() => x.layerNorm(td, d, { axes: 2 })).toThrow(/^layerNorm: offset has shape \[3\]; it must be \[2,3\], the last 2 axes of x \[batch,2,3\]/);
    expect(() => x.layerNorm(d, d, { axes: 4 })).toThrow(/^layerNorm: axes 4 normalises more trailing axes than x \[batch,2,3\] has/);
    expect(() => x.layerNorm(d, g.input('f32', [3], 'float32'))).toThrow(/^layerNorm: offset is float32 but x is float64; cast/);
    for (const axes of [0, -1, 1.5, '1']) expect(() => x.layerNorm(d, d, { axes: axes as number }), String(axes)).toThrow(/^layerNorm: attribute 'axes'/);
    for (const epsilon of [0, -1, NaN, Infinity]) expect(() => x.layerNorm(d, d, { epsilon }), String(epsilon)).toThrow(/^layerNorm: attribute 'epsilon'/);
    expect(() => x.layerNorm(d, d, 'all' as never)).toThrow(ArgumentError);
    expect(() => x.layerNorm(d, 1 as never)).toThrow(/^layerNorm: operand 2 is not a graph node/);
    expect(g.apply('layerNorm', [x, d, d]).attrs).toEqual({ axes: 1, epsilon: 1e-5 });
  });
});
