import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainruleError, tensor } from '@chainrule/graph';
import { batches, exampleCount, permutation, takeRows, trainValidationSplit, type Dataset } from '@chainrule/nn';
import { runs } from './helpers.js';

/** m examples whose input row i is [i, 100 + i] and target row i is [−i]: rows identify examples. */
function indexed(m: number): Dataset {
  return {
    x: tensor(Array.from({ length: m }, (_, i) => [i, 100 + i]).flat(), [m, 2]),
    y: tensor(Array.from({ length: m }, (_, i) => -i), [m, 1]),
  };
}

/** The example indices of a part, checking inputs and targets stayed paired. */
function indicesOf(part: Dataset): number[] {
  const m = part.x.shape[0]!;
  expect(part.y.shape[0]).toBe(m);
  return Array.from({ length: m }, (_, r) => {
    const i = part.x.data[2 * r]!;
    expect(part.x.data[2 * r + 1]).toBe(100 + i);
    expect(part.y.data[r]).toBe(-i);
    return i;
  });
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (a: readonly number[]): number[] => [...a].sort((p, q) => p - q);

describe('batches', () => {
  it('m = 10, batch size 4 → 4, 4, 2, in data order without a seed', () => {
    const parts = batches(indexed(10), { batchSize: 4 });
    expect(parts.map((b) => b.x.shape[0])).toEqual([4, 4, 2]);
    expect(parts.map(indicesOf)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('cover every example exactly once per epoch, with ⌈m/b⌉ batches of b and a smaller last one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
        fc.integer({ min: 0, max: 20 }),
        (m, batchSize, seed, epoch) => {
          const parts = batches(indexed(m), { batchSize, epoch, ...(seed === undefined ? {} : { seed }) });
          const sizes = parts.map((b) => b.x.shape[0]!);
          expect(sizes.length).toBe(Math.ceil(m / batchSize));
          sizes.slice(0, -1).forEach((s) => expect(s).toBe(batchSize));
          expect(sizes.at(-1)).toBe(m - batchSize * (sizes.length - 1));
          const seen = parts.flatMap(indicesOf);
          expect(sorted(seen)).toEqual(range(m));
          if (seed === undefined) expect(seen).toEqual(range(m));
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it('batch size 1 is stochastic gradient descent: m batches of one example', () => {
    const parts = batches(indexed(7), { batchSize: 1, seed: 3 });
    expect(parts.length).toBe(7);
    parts.forEach((b) => expect(b.x.shape).toEqual([1, 2]));
    expect(sorted(parts.flatMap(indicesOf))).toEqual(range(7));
  });

  it('batch size m (or more) is batch gradient descent: one batch of every example', () => {
    for (const batchSize of [7, 8, 1000]) {
      const parts = batches(indexed(7), { batchSize });
      expect(parts.length).toBe(1);
      expect(indicesOf(parts[0]!)).toEqual(range(7));
    }
  });

  it('keeps trailing axes of inputs and targets', () => {
    const data = { x: tensor(range(24), [4, 3, 2]), y: tensor(range(8), [4, 2]) };
    const [first, second] = batches(data, { batchSize: 3 });
    expect(first!.x.shape).toEqual([3, 3, 2]);
    expect(second!.x.shape).toEqual([1, 3, 2]);
    expect(Array.from(second!.x.data)).toEqual([18, 19, 20, 21, 22, 23]);
    expect(Array.from(second!.y.data)).toEqual([6, 7]);
  });

  it('seeded shuffling is reproducible, and differs per epoch and per seed', () => {
    const order = (seed: number, epoch: number): number[] => batches(indexed(30), { batchSize: 8, seed, epoch }).flatMap(indicesOf);
    expect(order(5, 0)).toEqual(order(5, 0));
    expect(order(5, 3)).toEqual(order(5, 3));
    expect(order(5, 0)).not.toEqual(range(30));
    const epochs = [0, 1, 2, 3].map((e) => order(5, e).join());
    expect(new Set(epochs).size).toBe(4);
    expect(order(5, 1)).not.toEqual(order(6, 1));
    expect(order(5, 0)).toEqual(permutation(30, 5, 0));
  });

  it('permutation(n, seed, stream) is a permutation of 0..n−1, reproducible', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(1000), (n, seed, stream) => {
        const p = permutation(n, seed, stream);
        expect(sorted(p)).toEqual(range(n));
        expect(permutation(n, seed, stream)).toEqual(p);
      }),
      { numRuns: runs(100) },
    );
  });

  it('rejects a batch size that is not a positive integer', () => {
    for (const batchSize of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => batches(indexed(5), { batchSize })).toThrow(ChainruleError);
      expect(() => batches(indexed(5), { batchSize })).toThrow(/batchSize must be a positive integer/);
    }
  });

  it('rejects inputs and targets with different numbers of examples', () => {
    const bad = { x: tensor(range(20), [10, 2]), y: tensor(range(9), [9, 1]) };
    expect(() => batches(bad, { batchSize: 4 })).toThrow(ChainruleError);
    expect(() => batches(bad, { batchSize: 4 })).toThrow(/\[10,2\].*\[9,1\].*same first axis/);
    expect(() => exampleCount(bad)).toThrow(/same first axis/);
    expect(() => exampleCount({ x: tensor(3), y: tensor(3) })).toThrow(/same first axis/);
    expect(exampleCount(indexed(6))).toBe(6);
  });
});

describe('takeRows', () => {
  it('takes rows in the order given, repeats allowed', () => {
    const t = tensor(range(8), [4, 2]);
    expect(takeRows(t, [3, 0, 3]).toArray()).toEqual([[6, 7], [0, 1], [6, 7]]);
    expect(takeRows(t, []).shape).toEqual([0, 2]);
  });
});

describe('trainValidationSplit', () => {
  it('sizes round(m·f) and m − round(m·f), disjoint, covering every example, pairs intact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.integer({ min: 0, max: 0xffffffff }), (m, f, seed) => {
        const { train, validation } = trainValidationSplit(indexed(m), f, seed);
        const k = Math.round(m * f);
        const [t, v] = [indicesOf(train), indicesOf(validation)];
        expect(v.length).toBe(k);
        expect(t.length).toBe(m - k);
        expect(t.filter((i) => v.includes(i))).toEqual([]);
        expect(sorted([...t, ...v])).toEqual(range(m));
      }),
      { numRuns: runs(100) },
    );
  });

  it('m = 10, f = 0.3 → 7 training and 3 validation examples', () => {
    const { train, validation } = trainValidationSplit(indexed(10), 0.3, 1);
    expect([train.x.shape[0], validation.x.shape[0]]).toEqual([7, 3]);
  });

  it('f = 0 keeps every example for training', () => {
    const { train, validation } = trainValidationSplit(indexed(10), 0, 1);
    expect(sorted(indicesOf(train))).toEqual(range(10));
    expect(validation.x.shape).toEqual([0, 2]);
    expect(validation.y.shape).toEqual([0, 1]);
  });

  it('is seeded: the same seed gives the same split, another seed another one', () => {
    const split = (seed: number): string => indicesOf(trainValidationSplit(indexed(40), 0.25, seed).validation).join();
    expect(split(7)).toBe(split(7));
    expect(split(7)).not.toBe(split(8));
    expect(indicesOf(trainValidationSplit(indexed(40), 0.25, 7).validation)).not.toEqual(range(10));
  });

  it('rejects a fraction outside [0, 1) and mismatched inputs and targets', () => {
    for (const f of [-0.1, 1, 1.5, NaN, Infinity]) {
      expect(() => trainValidationSplit(indexed(10), f, 1)).toThrow(ChainruleError);
      expect(() => trainValidationSplit(indexed(10), f, 1)).toThrow(/fraction must be in \[0, 1\)/);
    }
    const bad = { x: tensor(range(20), [10, 2]), y: tensor(range(11), [11, 1]) };
    expect(() => trainValidationSplit(bad, 0.2, 1)).toThrow(/same first axis/);
  });
});
