/**
 * The reduction kernel's specialised loops (one reduced run of axes) against a direct walk of the
 * input in flat order: the same bits in float64 and float32, for sums and maxima, NaN included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, stridesOf, type DType } from '../src/index.js';
import { prepareReduce } from '../src/kernels/reduce.js';
import { FOLDS } from '../src/kernels/folds.js';

/** Folds every element into its output in increasing flat order, storing after every step. */
function directReduce(shape: readonly number[], axes: readonly number[], fold: (typeof FOLDS)['sum'], X: Float64Array | Float32Array, out: Float64Array | Float32Array): void {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(kept);
  const inStrides = stridesOf(shape);
  out.fill(fold.init);
  for (let i = 0; i < X.length; i++) {
    let o = 0;
    for (let ax = 0; ax < shape.length; ax++) {
      const index = Math.floor(i / inStrides[ax]!) % shape[ax]!;
      if (!axes.includes(ax)) o += index * outStrides[ax]!;
    }
    out[o] = fold.step(out[o]!, X[i]!);
  }
}

const value = fc.oneof(
  // full 24-bit mantissas over a range of exponents, so that float32 steps round often
  { weight: 20, arbitrary: fc.tuple(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), fc.integer({ min: -12, max: 12 })).map(([m, e]) => m * 2 ** e) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0) },
);

const reduction = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.subarray(shape.map((_, i) => i)),
      values: fc.array(value, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
      dtype: fc.constantFrom<DType>('float64', 'float32'),
      fold: fc.constantFrom<'sum' | 'max'>('sum', 'max'),
    }),
  );

describe('prepareReduce', () => {
  it('gives the bits of a direct flat-order fold, for every axis pattern', () => {
    fc.assert(
      fc.property(reduction, ({ shape, axes, values, dtype, fold }) => {
        const X = allocate(dtype, values.length);
        X.set(values);
        const outSize = shape.reduce((a, d, i) => (axes.includes(i) ? a : a * d), 1);
        const got = allocate(dtype, outSize).fill(12345);
        const want = allocate(dtype, outSize);
        prepareReduce(shape, axes, FOLDS[fold])(got, X);
        directReduce(shape, axes, FOLDS[fold], X, want);
        for (let o = 0; o < outSize; o++) expect(Object.is(got[o], want[o]) || (Number.isNaN(got[o]) && Number.isNaN(want[o])), `out[${o}]: ${got[o]} vs ${want[o]}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('sums a float32 column in float32 steps (rounding after every addition)', () => {
    // 2²⁴ + 1 + 1 in float32 steps stays 2²⁴ (each +1 rounds away); in float64 it would be 2²⁴ + 2.
    const X = new Float32Array([2 ** 24, 1, 1]);
    const out = new Float32Array(1);
    prepareReduce([3], [0], FOLDS.sum)(out, X);
    expect(out[0]).toBe(2 ** 24);
    const column = new Float32Array([2 ** 24, 0, 1, 0, 1, 0]);
    const sums = new Float32Array(2);
    prepareReduce([3, 2], [0], FOLDS.sum)(sums, column);
    expect(Array.from(sums)).toEqual([2 ** 24, 0]);
  });
});
