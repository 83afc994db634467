import fc from 'fast-check';
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Graph, Node, Tensor, sizeOf, stridesOf, tensor, type DType, type Primitive } from '../src/index.js';
import { elementwiseOps } from './op-lists.js';

// The oracle: mathjs, configured so that sqrt(−1) and log(−1) give NaN rather than complex numbers,
// and with comparisons (max, min, equal) exact rather than within 1e-12: two distinct doubles differ
// by at least 2⁻⁵³ relatively, so a relative tolerance of 2⁻⁵⁴ (0 is refused) tells every pair apart.
const math = create(all!, { predictable: true, relTol: 2 ** -54, absTol: 0 });

/** mathjs applied elementwise to nested arrays (its scalar functions refuse matrices). */
const elementwise = (f: (v: number) => unknown) => (a: unknown): number[] =>
  (typeof a === 'number' ? num(f(a)) : math.map(a as number[], (v: number) => num(f(v)))) as number[];
const mapExp = elementwise((v) => math.exp(v));
const mapLog = elementwise((v) => math.log(v));

// ---------------------------------------------------------------------------------------------
// Helpers

/** A number from mathjs (its typings allow complex results, which `predictable` rules out). */
function num(v: unknown): number {
  if (typeof v !== 'number') throw new Error(`oracle returned ${String(v)}, not a number`);
  return v;
}

/** Feeds `values` as inputs x0, x1, … and runs the node `build` makes from them. */
function run(build: (xs: Node[], g: Graph) => Node, ...values: Tensor[]): Tensor {
  const g = new Graph();
  const xs = values.map((v, i) => g.input(`x${i}`, v.shape, v.dtype));
  const y = build(xs, g);
  return g.run([y], Object.fromEntries(values.map((v, i) => [`x${i}`, v])))[0]!;
}

function flatten(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [num(v)];
}

function close(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/** Asserts shape and values (flat, row-major) within a tolerance; NaN matches NaN. */
function expectTensor(actual: Tensor, shape: readonly number[], expected: ArrayLike<number>, rtol = 1e-12, atol = 1e-12): void {
  expect(actual.shape).toEqual(shape);
  expect(actual.size).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual.data[i]!, expected[i]!, rtol, atol)) {
      throw new Error(`element ${i} of ${actual.shape.join('x')}: got ${actual.data[i]}, expected ${expected[i]}`);
    }
  }
}

const dimArb = (max = 4, min = 1) => fc.integer({ min, max });
const shapeArb = (minRank = 0, maxRank = 3, maxDim = 4, minDim = 1) =>
  fc.array(dimArb(maxDim, minDim), { minLength: minRank, maxLength: maxRank });
const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const ints = (min: number, max: number) => fc.integer({ min, max });

/** A tensor of the given shape with values drawn from `values`. */
function tensorOf(shape: readonly number[], values: fc.Arbitrary<number>, dtype: DType = 'float64'): fc.Arbitrary<Tensor> {
  const n = sizeOf(shape);
  return fc.array(values, { minLength: n, maxLength: n }).map((v) => tensor(v, shape, dtype));
}
const tensorArb = (values: fc.Arbitrary<number>, shapes = shapeArb()) => shapes.chain((s) => tensorOf(s, values));

/** Row-major multi-index of flat position `i`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    idx[ax] = i % shape[ax]!;
    i = Math.floor(i / shape[ax]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  const s = stridesOf(shape);
  return idx.reduce((o, v, ax) => o + v * s[ax]!, 0);
}

/** The matrix of a rank ≥ 2 tensor at a multi-index into its leading (batch) axes. */
function matrixAt(t: Tensor, batch: readonly number[]): number[][] {
  const r = t.rank;
  const rows = t.shape[r - 2]!;
  const cols = t.shape[r - 1]!;
  const off = ravel(batch, t.shape.slice(0, r - 2)) * rows * cols;
  return Array.from({ length: rows }, (_, i) => Array.from(t.data.subarray(off + i * cols, off + (i + 1) * cols)));
}

/** Operand batch index for an output batch index under NumPy broadcasting. */
function broadcastIndex(outIdx: readonly number[], shape: readonly number[]): number[] {
  const lead = outIdx.length - shape.length;
  return shape.map((d, i) => (d === 1 ? 0 : outIdx[lead + i]!));
}

/** A shape that broadcasts to `out`: some leading axes dropped, some dimensions set to 1. */
function broadcastableTo(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

// ---------------------------------------------------------------------------------------------
// Elementwise ops

/** One row per unary op: a domain where the mathjs formula is accurate, and that formula. */
const UNARY: readonly [Primitive, fc.Arbitrary<number>, (x: number) => number][] = [
  ['neg', finite(-1e300, 1e300), (x) => num(math.unaryMinus(x))],
  ['abs', finite(-1e300, 1e300), (x) => num(math.abs(x))],
  ['sign', fc.oneof(finite(-1e3, 1e3), fc.constantFrom(0, -0)), (x) => num(math.sign(x))],
  ['exp', finite(-700, 700), (x) => num(math.exp(x))],
  ['log', finite(1e-300, 1e300), (x) => num(math.log(x))],
  ['log1p', finite(-0.999, 1e6), (x) => num(math.log1p(x))],
  ['sqrt', finite(0, 1e300), (x) => num(math.sqrt(x))],
  ['square', finite(-1e150, 1e150), (x) => num(math.square(x))],
  ['reciprocal', fc.oneof(finite(-1e6, -1e-6), finite(1e-6, 1e6)), (x) => num(math.divide(1, x))],
  ['sin', finite(-100, 100), (x) => num(math.sin(x))],
  ['cos', finite(-100, 100), (x) => num(math.cos(x))],
  ['tanh', finite(-30, 30), (x) => num(math.tanh(x))],
  ['sigmoid', finite(-30, 30), (x) => num(math.divide(1, math.add(1, math.exp(math.unaryMinus(x)))))],
  ['relu', finite(-1e6, 1e6), (x) => num(math.max(x, 0))],
  // log(1 + eˣ) loses relative accuracy once eˣ ≪ 1: keep x ≥ −5 for the naive formula.
  ['softplus', finite(-5, 40), (x) => num(math.log(math.add(1, math.exp(x))))],
  // From the bits: a float64 with exponent field 0 (±0 or subnormal) is the zero of its sign. The
  // tolerance here cannot tell ±0 from a subnormal; flush-subnormal.test.ts compares bits.
  ['flushSubnormal', fc.oneof(finite(-1e300, 1e300), finite(-(2 ** -1020), 2 ** -1020)), (x) => (Math.abs(x) >= 2 ** -1022 ? x : Math.sign(x) * 0)],
  // The value unchanged: what a run computes of these two (they differ only to autodiff).
  ['stopGradient', finite(-1e300, 1e300), (x) => x],
  ['identity', finite(-1e300, 1e300), (x) => x],
];

describe('unary elementwise kernels match mathjs', () => {
  it.each(UNARY)('%s', (op, domain, oracle) => {
    fc.assert(
      fc.property(tensorArb(domain), (x) => {
        const y = run(([a]) => a!.graph.apply(op, [a!]), x);
        expect(y.dtype).toBe('float64');
        expectTensor(y, x.shape, Array.from(x.data, oracle), 1e-12, 1e-300);
      }),
    );
  });

  it.each(UNARY.map(([op]) => op))('%s(NaN) is NaN', (op) => {
    const y = run(([a]) => a!.graph.apply(op, [a!]), tensor([NaN, 1]));
    expect(y.data[0]).toBeNaN();
  });

  it('softplus and sigmoid are exact far from 0, where the naive formulas overflow', () => {
    const x = tensor([1000, -1000, 0, 40, -40, Infinity, -Infinity]);
    const sp = run(([a]) => a!.softplus(), x).data;
    expect(Array.from(sp.subarray(0, 3))).toEqual([1000, 0, Math.LN2]);
    expect(sp[3]).toBeCloseTo(40, 12);
    expect(sp[4]).toBeCloseTo(Math.exp(-40), 25);
    expect(sp[5]).toBe(Infinity);
    expect(sp[6]).toBe(0);
    const sg = run(([a]) => a!.sigmoid(), x).data;
    expect(Array.from(sg.subarray(0, 3))).toEqual([1, 0, 0.5]);
    expect(sg[5]).toBe(1);
    expect(sg[6]).toBe(0);
  });

  it('relu keeps NaN (does not turn it into 0) and is 0 at 0', () => {
    expect(Array.from(run(([a]) => a!.relu(), tensor([NaN, 0, -2, 3])).data)).toEqual([NaN, 0, 0, 3]);
  });
});

/** One row per binary op: domains of both operands and the mathjs formula. Comparisons draw from a
 * small integer grid so that ties happen (mathjs compares with a tolerance, exact on integers). */
const BINARY: readonly [Primitive, fc.Arbitrary<number>, fc.Arbitrary<number>, (a: number, b: number) => number][] = [
  ['add', finite(-1e6, 1e6), finite(-1e6, 1e6), (a, b) => num(math.add(a, b))],
  ['sub', finite(-1e6, 1e6), finite(-1e6, 1e6), (a, b) => num(math.subtract(a, b))],
  ['mul', finite(-1e6, 1e6), finite(-1e6, 1e6), (a, b) => num(math.multiply(a, b))],
  ['div', finite(-1e6, 1e6), fc.oneof(finite(-1e3, -1e-3), finite(1e-3, 1e3)), (a, b) => num(math.divide(a, b))],
  ['pow', finite(1e-3, 10), finite(-5, 5), (a, b) => num(math.pow(a, b))],
  ['maximum', ints(-3, 3), ints(-3, 3), (a, b) => num(math.max(a, b))],
  ['minimum', ints(-3, 3), ints(-3, 3), (a, b) => num(math.min(a, b))],
  ['greater', ints(-3, 3), ints(-3, 3), (a, b) => (math.larger(a, b) ? 1 : 0)],
  ['less', ints(-3, 3), ints(-3, 3), (a, b) => (math.smaller(a, b) ? 1 : 0)],
  ['equal', ints(-3, 3), ints(-3, 3), (a, b) => (math.equal(a, b) ? 1 : 0)],
];

describe('binary elementwise kernels match mathjs', () => {
  it.each(BINARY)('%s (same shapes, and against a scalar)', (op, da, db, oracle) => {
    const arb = shapeArb().chain((s) => fc.tuple(tensorOf(s, da), tensorOf(s, db), tensorOf([], db)));
    fc.assert(
      fc.property(arb, ([a, b, s]) => {
        const y = run(([p, q]) => p!.graph.apply(op, [p!, q!]), a, b);
        expectTensor(y, a.shape, Array.from(a.data, (v, i) => oracle(v, b.data[i]!)), 1e-12, 0);
        const z = run(([p, q]) => p!.graph.apply(op, [p!, q!]), a, s);
        expectTensor(z, a.shape, Array.from(a.data, (v) => oracle(v, s.data[0]!)), 1e-12, 0);
      }),
    );
  });

  it('where picks a where the condition is non-zero, else b', () => {
    const arb = shapeArb().chain((s) => fc.tuple(tensorOf(s, ints(0, 1)), tensorOf(s, finite(-9, 9)), tensorOf(s, finite(-9, 9))));
    fc.assert(
      fc.property(arb, ([c, a, b]) => {
        const y = run(([p, q, r], g) => g.where(p!, q!, r!), c, a, b);
        expectTensor(y, a.shape, Array.from(c.data, (v, i) => (math.equal(v, 0) ? b.data[i]! : a.data[i]!)), 0, 0);
      }),
    );
  });

  it('maximum and minimum propagate NaN from either side', () => {
    const a = tensor([NaN, 1, NaN]);
    const b = tensor([1, NaN, NaN]);
    for (const op of ['maximum', 'minimum'] as const) {
      for (const v of run(([p, q]) => p![op](q!), a, b).data) expect(v).toBeNaN();
    }
  });

  it('pow of a negative base and a non-integer exponent is NaN, as in mathjs with predictable: true', () => {
    const y = run(([p, q]) => p!.pow(q!), tensor([-2, -2]), tensor([0.5, 3]));
    expect(y.data[0]).toBeNaN();
    expect(num(math.pow(-2, 0.5))).toBeNaN();
    expect(y.data[1]).toBe(-8);
  });
});

describe('the elementwise oracle tables', () => {
  it.each([
    [1, UNARY.map(([op]) => op)],
    [2, BINARY.map(([op]) => op)],
  ] as const)('of arity %i have a row for exactly the elementwise primitives of that arity without attributes', (arity, table) => {
    const ops = elementwiseOps(arity);
    expect(ops.filter((op) => !table.includes(op)), 'primitives without an oracle').toEqual([]);
    expect(table.filter((op) => !ops.includes(op)), 'rows for no such primitive').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Reductions and composites

/** A tensor of rank 1–4 and axes to reduce: any subset, in any order, some spelled negatively. */
const reductionCase = (values: fc.Arbitrary<number>) =>
  shapeArb(1, 4, 3).chain((shape) =>
    fc.record({
      x: tensorOf(shape, values),
      axes: fc
        .shuffledSubarray(shape.map((_, i) => i))
        .chain((axes) => fc.array(fc.boolean(), { minLength: axes.length, maxLength: axes.length }).map((neg) => axes.map((a, i) => (neg[i] ? a - shape.length : a)))),
      keepDims: fc.boolean(),
    }),
  );

/** mathjs reduction applied one axis at a time, highest axis first so lower axes keep their numbers. */
function reduceOracle(fn: 'sum' | 'max', x: Tensor, axes: readonly number[]): number[] {
  let v: unknown = x.toArray();
  const sorted = axes.map((a) => (a < 0 ? a + x.rank : a)).sort((p, q) => q - p);
  for (const ax of sorted) v = fn === 'sum' ? math.sum(v as number[], ax) : math.max(v as number[], ax);
  return flatten(v);
}

function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const set = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  return keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
}

describe('reductions match mathjs sum(A, dim) and max(A, dim)', () => {
  it.each(['sum', 'max'] as const)('%s over random axes, keepDims true and false', (fn) => {
    fc.assert(
      fc.property(reductionCase(finite(-100, 100)), ({ x, axes, keepDims }) => {
        const y = run(([a]) => a![fn](axes, keepDims), x);
        expectTensor(y, reducedShape(x.shape, axes, keepDims), reduceOracle(fn, x, axes), 1e-12, 1e-12);
      }),
    );
  });

  it.each(['sum', 'max'] as const)('%s over all axes (the default), including a scalar', (fn) => {
    fc.assert(
      fc.property(tensorArb(finite(-100, 100), shapeArb(0, 4, 3)), fc.boolean(), (x, keepDims) => {
        const y = run(([a]) => a![fn](undefined, keepDims), x);
        const expected = fn === 'sum' ? num(math.sum(Array.from(x.data))) : num(math.max(Array.from(x.data)));
        expectTensor(y, keepDims ? x.shape.map(() => 1) : [], [expected], 1e-12, 1e-12);
      }),
    );
  });

  it('a NaN anywhere makes the max NaN, wherever it is', () => {
    for (const data of [[NaN, 1, 2], [1, NaN, 2], [1, 2, NaN], [NaN, NaN, NaN]]) {
      expect(run(([a]) => a!.max(), tensor(data)).item()).toBeNaN();
    }
    const rows = run(([a]) => a!.max(1), tensor([[1, NaN], [3, 4]])).data;
    expect(rows[0]).toBeNaN();
    expect(rows[1]).toBe(4);
    expect(run(([a]) => a!.sum(), tensor([1, NaN])).item()).toBeNaN();
  });

  it('reductions over an empty axis give the identity: 0 for sum, −∞ for max', () => {
    const x = new Tensor(new Float64Array(0), [0, 2]);
    expect(Array.from(run(([a]) => a!.sum(0), x).data)).toEqual([0, 0]);
    expect(Array.from(run(([a]) => a!.max(0), x).data)).toEqual([-Infinity, -Infinity]);
  });

  it('mean matches mathjs mean over one axis and over all', () => {
    const arb = shapeArb(1, 3, 4).chain((s) => fc.tuple(tensorOf(s, finite(-100, 100)), fc.integer({ min: 0, max: s.length - 1 })));
    fc.assert(
      fc.property(arb, ([x, ax]) => {
        const nested = x.toArray() as number[];
        expectTensor(run(([a]) => a!.mean(ax), x), reducedShape(x.shape, [ax], false), flatten(math.mean(nested, ax)), 1e-12, 1e-12);
        expectTensor(run(([a]) => a!.mean(), x), [], [num(math.mean(Array.from(x.data)))], 1e-12, 1e-12);
      }),
    );
  });

  it('min matches mathjs min over one axis', () => {
    const arb = shapeArb(1, 3, 4).chain((s) => fc.tuple(tensorOf(s, finite(-100, 100)), fc.integer({ min: 0, max: s.length - 1 })));
    fc.assert(
      fc.property(arb, ([x, ax]) => {
        expectTensor(run(([a]) => a!.min(ax), x), reducedShape(x.shape, [ax], false), flatten(math.min(x.toArray() as number[], ax)), 0, 0);
      }),
    );
  });

  it('logSumExp matches log(sum(exp(x))) for moderate values', () => {
    const arb = shapeArb(1, 3, 4).chain((s) => fc.tuple(tensorOf(s, finite(-20, 20)), fc.integer({ min: 0, max: s.length - 1 }), fc.boolean()));
    fc.assert(
      fc.property(arb, ([x, ax, keepDims]) => {
        const oracle = flatten(mapLog(math.sum(mapExp(x.toArray()), ax)));
        expectTensor(run(([a]) => a!.logSumExp(ax, keepDims), x), reducedShape(x.shape, [ax], keepDims), oracle, 1e-12, 1e-12);
        const total = num(math.log(num(math.sum(mapExp(Array.from(x.data))))));
        expectTensor(run(([a]) => a!.logSumExp(), x), [], [total], 1e-12, 1e-12);
      }),
    );
  });

  it('logSumExp is finite for ±1000 and for −∞ entries', () => {
    const x = tensor([
      [1000, 999],
      [-1000, -1001],
      [-Infinity, 0],
      [-Infinity, -Infinity],
    ]);
    const y = run(([a]) => a!.logSumExp(1), x).data;
    expect(y[0]).toBeCloseTo(1000 + Math.log1p(Math.exp(-1)), 10);
    expect(y[1]).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 10);
    expect(y[2]).toBe(0);
    // Every entry −∞: the sum of exponentials is 0, so −∞ (not NaN).
    expect(y[3]).toBe(-Infinity);
  });

  it('softmax rows are probabilities that sum to 1, even for logits of ±1000', () => {
    const arb = fc.tuple(dimArb(4), dimArb(5)).chain(([r, c]) => tensorOf([r, c], finite(-1000, 1000)));
    fc.assert(
      fc.property(arb, (x) => {
        const y = run(([a]) => a!.softmax(), x);
        const [r, c] = x.shape as [number, number];
        for (let i = 0; i < r; i++) {
          const row = Array.from(y.data.subarray(i * c, (i + 1) * c));
          for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
          expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('softmax matches exp(x) / sum(exp(x)) for moderate logits, along any axis', () => {
    const arb = fc.tuple(dimArb(4), dimArb(4), fc.constantFrom(0, 1, -1)).chain(([r, c, ax]) => fc.tuple(tensorOf([r, c], finite(-20, 20)), fc.constant(ax)));
    fc.assert(
      fc.property(arb, ([x, ax]) => {
        const e = mapExp(x.toArray()) as unknown as number[][];
        const a = ax < 0 ? ax + 2 : ax;
        const s = math.sum(e, a) as unknown as number[];
        const oracle = e.map((row, i) => row.map((v, j) => v / s[a === 0 ? j : i]!));
        expectTensor(run(([p]) => p!.softmax(ax), x), x.shape, flatten(oracle), 1e-12, 1e-15);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Linear algebra

describe('matmul matches math.multiply', () => {
  it('for random m, k, n in every transpose combination', () => {
    const arb = fc
      .record({ m: dimArb(), k: dimArb(), n: dimArb(), tA: fc.boolean(), tB: fc.boolean() })
      .chain((c) =>
        fc.tuple(fc.constant(c), tensorOf(c.tA ? [c.k, c.m] : [c.m, c.k], finite(-10, 10)), tensorOf(c.tB ? [c.n, c.k] : [c.k, c.n], finite(-10, 10))),
      );
    fc.assert(
      fc.property(arb, ([{ m, n, tA, tB }, a, b]) => {
        const y = run(([p, q]) => p!.matmul(q!, { transposeA: tA, transposeB: tB }), a, b);
        const A = a.toArray() as number[][];
        const B = b.toArray() as number[][];
        const oracle = math.multiply(tA ? math.transpose(A) : A, tB ? math.transpose(B) : B);
        expectTensor(y, [m, n], flatten(oracle), 1e-12, 1e-12);
      }),
    );
  });

  it('batched, with broadcast batch axes, equals a loop of math.multiply', () => {
    const arb = fc
      .record({ batch: shapeArb(1, 3, 3), m: dimArb(3), k: dimArb(3), n: dimArb(3), tA: fc.boolean(), tB: fc.boolean() })
      .chain((c) => fc.tuple(fc.constant(c), broadcastableTo(c.batch), broadcastableTo(c.batch)))
      .chain(([c, ba, bb]) =>
        fc.tuple(
          fc.constant(c),
          tensorOf([...ba, ...(c.tA ? [c.k, c.m] : [c.m, c.k])], finite(-10, 10)),
          tensorOf([...bb, ...(c.tB ? [c.n, c.k] : [c.k, c.n])], finite(-10, 10)),
        ),
      );
    fc.assert(
      fc.property(arb, ([{ m, n, tA, tB }, a, b]) => {
        const y = run(([p, q]) => p!.matmul(q!, { transposeA: tA, transposeB: tB }), a, b);
        const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
        const expected: number[] = [];
        for (let t = 0; t < sizeOf(batch); t++) {
          const idx = unravel(t, batch);
          const A = matrixAt(a, broadcastIndex(idx, a.shape.slice(0, -2)));
          const B = matrixAt(b, broadcastIndex(idx, b.shape.slice(0, -2)));
          expected.push(...flatten(math.multiply(tA ? math.transpose(A) : A, tB ? math.transpose(B) : B)));
        }
        expectTensor(y, [...batch, m, n], expected, 1e-12, 1e-12);
      }),
    );
  });

  it('an inner dimension of 0 gives zeros', () => {
    const y = run(([p, q]) => p!.matmul(q!), new Tensor(new Float64Array(0), [2, 0]), new Tensor(new Float64Array(0), [0, 3]));
    expectTensor(y, [2, 3], [0, 0, 0, 0, 0, 0]);
  });
});

/** NumPy broadcast of two concrete shapes (both known to be compatible). */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    return da === 1 ? db : da;
  });
}

describe('transpose', () => {
  it('matches an index-mapping oracle for random permutations', () => {
    const arb = shapeArb(0, 4, 3).chain((shape) =>
      fc.tuple(tensorOf(shape, finite(-9, 9)), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })),
    );
    fc.assert(
      fc.property(arb, ([x, perm]) => {
        const outShape = perm.map((a) => x.shape[a]!);
        const expected = Array.from({ length: x.size }, (_, i) => {
          const j = unravel(i, outShape);
          const src = new Array<number>(x.rank);
          perm.forEach((a, k) => (src[a] = j[k]!));
          return x.data[ravel(src, x.shape)]!;
        });
        expectTensor(run(([p]) => p!.transpose(perm), x), outShape, expected, 0, 0);
      }),
    );
  });

  it('reverses the axes by default, which is math.transpose for a matrix', () => {
    fc.assert(
      fc.property(fc.tuple(dimArb(), dimArb()).chain(([r, c]) => tensorOf([r, c], finite(-9, 9))), (x) => {
        const y = run(([p]) => p!.transpose(), x);
        expectTensor(y, [x.shape[1]!, x.shape[0]!], flatten(math.transpose(x.toArray() as number[][])), 0, 0);
      }),
    );
  });
});

/** A diagonally dominant (so well-conditioned) n×n matrix. */
const dominantMatrix = (n: number) =>
  fc
    .tuple(fc.array(finite(-1, 1), { minLength: n * n, maxLength: n * n }), fc.array(fc.boolean(), { minLength: n, maxLength: n }))
    .map(([v, neg]) => {
      for (let i = 0; i < n; i++) {
        let off = 0;
        for (let j = 0; j < n; j++) if (j !== i) off += Math.abs(v[i * n + j]!);
        v[i * n + i] = (off + 0.5) * (neg[i] ? -1 : 1);
      }
      return tensor(v, [n, n]);
    });

describe('solve', () => {
  it('matches math.lusolve on random well-conditioned systems', () => {
    const arb = fc.tuple(dimArb(5), dimArb(3)).chain(([n, k]) => fc.tuple(dominantMatrix(n), tensorOf([n, k], finite(-10, 10))));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const [n, k] = b.shape as [number, number];
        const A = a.toArray() as number[][];
        const B = b.toArray() as number[][];
        const oracle: number[][] = Array.from({ length: n }, () => []);
        for (let j = 0; j < k; j++) {
          const col = flatten(math.lusolve(A, B.map((row) => [row[j]!])));
          col.forEach((v, i) => (oracle[i]![j] = v));
        }
        expectTensor(run(([p, q], g) => g.solve(p!, q!), a, b), [n, k], flatten(oracle), 1e-9, 1e-12);
      }),
    );
  });

  it('broadcasts batch axes', () => {
    const arb = dimArb(3).chain((n) => fc.tuple(dominantMatrix(n), dominantMatrix(n), tensorOf([3, 1, n, 2], finite(-5, 5))));
    fc.assert(
      fc.property(arb, ([a0, a1, b]) => {
        const n = a0.shape[0]!;
        const a = tensor([...a0.data, ...a1.data], [2, n, n]);
        const y = run(([p, q], g) => g.solve(p!, q!), a, b);
        const expected: number[] = [];
        for (let i = 0; i < 3; i++) {
          for (const am of [a0, a1]) {
            const B = matrixAt(b, [i, 0]);
            const cols = [0, 1].map((j) => flatten(math.lusolve(am.toArray() as number[][], B.map((row) => [row[j]!]))));
            for (let r = 0; r < n; r++) expected.push(cols[0]![r]!, cols[1]![r]!);
          }
        }
        expectTensor(y, [3, 2, n, 2], expected, 1e-9, 1e-12);
      }),
    );
  });

  it('throws an ExecutionError naming solve for a singular matrix', () => {
    const singular = tensor([
      [1, 2],
      [2, 4],
    ]);
    const zero = tensor([[0]]);
    for (const [a, b] of [
      [singular, tensor([[1], [2]])],
      [zero, tensor([[1]])],
    ] as const) {
      let err: unknown;
      try {
        run(([p, q], g) => g.solve(p!, q!), a, b);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExecutionError);
      expect((err as Error).message).toMatch(/solve/);
      expect((err as Error).message).toMatch(/singular/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Shape ops

/** A random factorisation of `size` into 1–3 dimensions. */
const factorArb = (size: number) =>
  fc.array(fc.nat(), { minLength: 0, maxLength: 2 }).map((picks) => {
    const dims: number[] = [];
    let rest = size;
    for (const p of picks) {
      const divisors = Array.from({ length: rest }, (_, i) => i + 1).filter((d) => rest % d === 0);
      const d = divisors[p % divisors.length]!;
      dims.push(d);
      rest /= d;
    }
    return [...dims, rest];
  });

describe('shape ops', () => {
  it('reshape keeps the row-major order (math.reshape), with or without a -1', () => {
    const arb = shapeArb(0, 3, 4).chain((s) => fc.tuple(tensorOf(s, finite(-9, 9)), factorArb(sizeOf(s)), fc.option(fc.nat())));
    fc.assert(
      fc.property(arb, ([x, target, infer]) => {
        const spec = infer === null ? target : target.map((d, i) => (i === infer % target.length ? -1 : d));
        const y = run(([p]) => p!.reshape(spec), x);
        expect(y.toArray()).toEqual(math.reshape(Array.from(x.data), target));
      }),
    );
  });

  it('slice matches math.subset', () => {
    const arb = shapeArb(1, 3, 4).chain((shape) =>
      fc.tuple(
        tensorOf(shape, finite(-9, 9)),
        fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }), fc.boolean())))),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, box]) => {
        const begin = box.map(([b]) => b);
        const lens = box.map(([, len]) => len);
        const size = box.map(([b, len, toEnd], i) => (toEnd && b + len === x.shape[i] ? -1 : len));
        const index = math.index(...box.map(([b, len]) => Array.from({ length: len }, (_, i) => b + i)));
        const oracle = math.subset(x.toArray() as number[], index) as unknown;
        expectTensor(run(([p]) => p!.slice(begin, size), x), lens, flatten(oracle), 0, 0);
      }),
    );
  });

  it('slice can take an empty box', () => {
    const y = run(([p]) => p!.slice([1, 0], [0, 3]), tensor([[1, 2, 3], [4, 5, 6]]));
    expect(y.shape).toEqual([0, 3]);
  });

  it('pad surrounds with the value (index-mapping oracle)', () => {
    const arb = shapeArb(0, 3, 3).chain((shape) =>
      fc.tuple(
        tensorOf(shape, finite(-9, 9)),
        fc.array(ints(0, 2), { minLength: shape.length, maxLength: shape.length }),
        fc.array(ints(0, 2), { minLength: shape.length, maxLength: shape.length }),
        fc.option(finite(-9, 9)),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, before, after, value]) => {
        const outShape = x.shape.map((d, i) => d + before[i]! + after[i]!);
        const expected = Array.from({ length: sizeOf(outShape) }, (_, i) => {
          const j = unravel(i, outShape).map((v, ax) => v - before[ax]!);
          return j.every((v, ax) => v >= 0 && v < x.shape[ax]!) ? x.data[ravel(j, x.shape)]! : (value ?? 0);
        });
        const y = run(([p]) => (value === null ? p!.pad(before, after) : p!.pad(before, after, value)), x);
        expectTensor(y, outShape, expected, 0, 0);
      }),
    );
  });

  it('concat matches math.concat along any axis', () => {
    const arb = shapeArb(1, 3, 3)
      .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.array(dimArb(3), { minLength: 2, maxLength: 4 })))
      .chain(([shape, axis, lens]) => {
        const ax = axis < 0 ? axis + shape.length : axis;
        return fc.tuple(fc.constant(axis), fc.tuple(...lens.map((len) => tensorOf(shape.map((d, i) => (i === ax ? len : d)), finite(-9, 9)))));
      });
    fc.assert(
      fc.property(arb, ([axis, parts]) => {
        const ax = axis < 0 ? axis + parts[0]!.rank : axis;
        const y = run((xs, g) => g.concat(xs, axis), ...parts);
        const oracle = math.concat(...(parts.map((p) => p.toArray()) as number[][]), ax);
        const shape = parts[0]!.shape.map((d, i) => (i === ax ? parts.reduce((s, p) => s + p.shape[ax]!, 0) : d));
        expectTensor(y, shape, flatten(oracle), 0, 0);
      }),
    );
  });

  it('concat of one part is that part', () => {
    const x = tensor([[1, 2]]);
    expect(run((xs, g) => g.concat(xs, 1), x).toArray()).toEqual([[1, 2]]);
  });

  /** Integer indices in [0, rows) of a random shape of rank 0–2. */
  const indicesArb = (rows: number) => tensorArb(ints(0, rows - 1), shapeArb(0, 2, 3));

  it('gather picks rows by index', () => {
    const arb = fc
      .tuple(dimArb(4), shapeArb(0, 2, 3))
      .chain(([rows, rowShape]) => fc.tuple(tensorOf([rows, ...rowShape], finite(-9, 9)), indicesArb(rows)));
    fc.assert(
      fc.property(arb, ([x, idx]) => {
        const rowSize = sizeOf(x.shape.slice(1));
        const expected = Array.from(idx.data).flatMap((r) => Array.from(x.data.subarray(r * rowSize, (r + 1) * rowSize)));
        expectTensor(run(([p, q]) => p!.gather(q!), x, idx), [...idx.shape, ...x.shape.slice(1)], expected, 0, 0);
      }),
    );
  });

  it('scatterAdd accumulates rows at their indices, repeated indices adding up', () => {
    const arb = fc
      .tuple(dimArb(3), shapeArb(0, 2, 3))
      .chain(([rows, rowShape]) => fc.tuple(fc.constant(rows), fc.constant(rowShape), indicesArb(rows)))
      .chain(([rows, rowShape, idx]) => fc.tuple(fc.constant(rows), tensorOf([...idx.shape, ...rowShape], finite(-9, 9)), fc.constant(idx)));
    fc.assert(
      fc.property(arb, ([rows, upd, idx]) => {
        const rowShape = upd.shape.slice(idx.rank);
        const rowSize = sizeOf(rowShape);
        const expected = new Array<number>(rows * rowSize).fill(0);
        idx.data.forEach((r, i) => {
          for (let j = 0; j < rowSize; j++) expected[r * rowSize + j]! += upd.data[i * rowSize + j]!;
        });
        expectTensor(run(([u, q], g) => g.scatterAdd(u!, q!, rows), upd, idx), [rows, ...rowShape], expected, 1e-12, 1e-12);
      }),
    );
  });

  it('scatterAdd is the adjoint of gather: <gather(x, i), u> = <x, scatterAdd(u, i)>', () => {
    const arb = fc
      .tuple(dimArb(4), dimArb(3))
      .chain(([rows, cols]) => fc.tuple(tensorOf([rows, cols], finite(-9, 9)), indicesArb(rows)))
      .chain(([x, idx]) => fc.tuple(fc.constant(x), fc.constant(idx), tensorOf([...idx.shape, x.shape[1]!], finite(-9, 9))));
    fc.assert(
      fc.property(arb, ([x, idx, u]) => {
        const lhs = run(([p, q, r]) => p!.gather(q!).mul(r!).sum(), x, idx, u).item();
        const rhs = run(([p, q, r], g) => p!.mul(g.scatterAdd(r!, q!, x.shape[0]!)).sum(), x, idx, u).item();
        expect(close(lhs, rhs, 1e-12, 1e-9)).toBe(true);
      }),
    );
  });

  it('gather and scatterAdd refuse an index out of range or not an integer', () => {
    const x = tensor([[1], [2]]);
    for (const bad of [2, -1, 0.5, NaN]) {
      expect(() => run(([p, q]) => p!.gather(q!), x, tensor([bad]))).toThrow(ExecutionError);
      expect(() => run(([p, q]) => p!.gather(q!), x, tensor([bad]))).toThrow(/gather/);
      expect(() => run(([u, q], g) => g.scatterAdd(u!, q!, 2), tensor([[1]]), tensor([bad]))).toThrow(/scatterAdd/);
    }
  });

  it('oneHot puts a 1 at each index along a new last axis', () => {
    const arb = dimArb(5).chain((depth) => fc.tuple(fc.constant(depth), tensorArb(ints(0, depth - 1), shapeArb(0, 2, 3))));
    fc.assert(
      fc.property(arb, ([depth, idx]) => {
        const expected = Array.from(idx.data).flatMap((k) => Array.from({ length: depth }, (_, j) => (j === k ? 1 : 0)));
        expectTensor(run(([p]) => p!.oneHot(depth), idx), [...idx.shape, depth], expected, 0, 0);
      }),
    );
    expect(() => run(([p]) => p!.oneHot(3), tensor([3]))).toThrow(ExecutionError);
  });

  it('cast to float32 rounds like Math.fround; back to float64 is exact', () => {
    const values = fc.oneof(finite(-1e6, 1e6), finite(-1e300, 1e300), fc.constantFrom(1e39, -1e39, 1e-46, NaN, Infinity));
    fc.assert(
      fc.property(tensorArb(values), (x) => {
        const y = run(([p]) => p!.cast('float32'), x);
        expect(y.data).toBeInstanceOf(Float32Array);
        expect(y.shape).toEqual(x.shape);
        expect(Array.from(y.data)).toEqual(Array.from(x.data, Math.fround));
        const z = run(([p]) => p!.cast('float32').cast('float64'), x);
        expect(z.data).toBeInstanceOf(Float64Array);
        expect(Array.from(z.data)).toEqual(Array.from(x.data, Math.fround));
      }),
    );
  });

  it('dimSize is the product of the bound dimensions over the given axes', () => {
    const arb = shapeArb(0, 3, 5, 0).chain((shape) => fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, i) => i))));
    fc.assert(
      fc.property(arb, ([shape, axes]) => {
        const g = new Graph();
        const x = g.input('x', shape.map((d, i) => (i % 2 === 0 ? `s${i}` : d)));
        const y = g.apply('dimSize', [x], { axes });
        const [v] = g.run([y], { x: new Tensor(new Float64Array(sizeOf(shape)), shape) });
        expect(v!.shape).toEqual([]);
        expect(v!.item()).toBe(axes.reduce((n, a) => n * shape[a]!, 1));
      }),
    );
  });

  it('mean over a symbolic axis divides by the size bound at run time', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const m = x.mean(0);
    expect(g.run([m], { x: tensor([[1, 2], [3, 4], [5, 9]]) })[0]!.toArray()).toEqual([3, 5]);
    expect(g.run([m], { x: tensor([[1, 2]]) })[0]!.toArray()).toEqual([1, 2]);
  });
});

// ---------------------------------------------------------------------------------------------
// float32

/** Float32 values: doubles rounded to the nearest float32. */
const f32 = (min: number, max: number) => finite(min, max).map(Math.fround);

/** Runs `build` on float32 inputs and on the same values in float64. */
function both(build: (xs: Node[], g: Graph) => Node, ...values: Tensor[]): [Tensor, Tensor] {
  const r32 = run(build, ...values);
  const r64 = run(build, ...values.map((v) => tensor(Float64Array.from(v.data), v.shape)));
  return [r32, r64];
}

/** Within float32 tolerance of Math.fround(expected): a few ulps, relative to `scale`. */
function expectF32(actual: Tensor, expected: Tensor, scale: (i: number) => number = (i) => Math.abs(expected.data[i]!)): void {
  expect(actual.dtype).toBe('float32');
  expect(actual.data).toBeInstanceOf(Float32Array);
  expect(actual.shape).toEqual(expected.shape);
  expected.data.forEach((e, i) => {
    const tol = 4 * 2 ** -24 * scale(i) + 1e-30;
    const a = actual.data[i]!;
    if (!(Math.abs(a - Math.fround(e)) <= tol)) throw new Error(`element ${i}: float32 ${a} vs fround(${e}) = ${Math.fround(e)}`);
  });
}

describe('float32 kernels give Float32Array results equal to the rounded float64 computation', () => {
  it.each(['exp', 'sigmoid', 'tanh', 'softplus', 'sqrt', 'reciprocal'] as const)('%s', (op) => {
    fc.assert(
      fc.property(
        shapeArb().chain((s) => tensorOf(s, f32(0.01, 20), 'float32')),
        (x) => {
          const [r32, r64] = both(([p]) => p![op](), x);
          expectF32(r32, r64);
        },
      ),
    );
  });

  it.each(['add', 'mul', 'div', 'maximum'] as const)('%s', (op) => {
    fc.assert(
      fc.property(
        shapeArb().chain((s) => fc.tuple(tensorOf(s, f32(-100, 100), 'float32'), tensorOf(s, f32(0.5, 100), 'float32'))),
        ([a, b]) => {
          const [r32, r64] = both(([p, q]) => p![op](q!), a, b);
          expectF32(r32, r64);
        },
      ),
    );
  });

  it('sum and matmul (accumulating in float32)', () => {
    const arb = fc.tuple(dimArb(), dimArb(), dimArb()).chain(([m, k, n]) => fc.tuple(tensorOf([m, k], f32(-10, 10), 'float32'), tensorOf([k, n], f32(-10, 10), 'float32')));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const k = a.shape[1]!;
        const absA = tensor(Float64Array.from(a.data, Math.abs), a.shape);
        const absB = tensor(Float64Array.from(b.data, Math.abs), b.shape);
        const [s32, s64] = both(([p]) => p!.sum(1), a);
        const sAbs = run(([p]) => p!.sum(1), absA);
        expectF32(s32, s64, (i) => k * sAbs.data[i]!);
        const [m32, m64] = both(([p, q]) => p!.matmul(q!), a, b);
        const mAbs = run(([p, q]) => p!.matmul(q!), absA, absB);
        expectF32(m32, m64, (i) => k * mAbs.data[i]!);
      }),
    );
  });

  it('softmax in float32 still sums to 1', () => {
    const x = tensor([[1000, -1000, 3], [0.5, 0.25, 0]], undefined, 'float32');
    const y = run(([p]) => p!.softmax(), x);
    expect(y.data).toBeInstanceOf(Float32Array);
    expect(y.data[0]! + y.data[1]! + y.data[2]!).toBeCloseTo(1, 6);
    expect(y.data[3]! + y.data[4]! + y.data[5]!).toBeCloseTo(1, 6);
  });
});
