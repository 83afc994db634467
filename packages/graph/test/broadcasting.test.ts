import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, ShapeError, Tensor, broadcastShapes, formatShape, sizeOf, tensor, type Dim } from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// An independent statement of NumPy's rule, and a naive evaluator that indexes every operand by it.

/** NumPy broadcasting: pad with leading 1s, then per axis the sizes agree or one of them is 1. */
function numpyBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] === pb[i] || pb[i] === 1) out.push(pa[i]!);
    else if (pa[i] === 1) out.push(pb[i]!);
    else return null;
  }
  return out;
}

/** The element of `t` that output position `index` reads: right-aligned, 0 on axes of size 1. */
function read(t: Tensor, index: readonly number[]): number {
  const lead = index.length - t.rank;
  return t.get(...t.shape.map((d, i) => (d === 1 ? 0 : index[lead + i]!)));
}

function* positions(shape: readonly number[]): Generator<number[]> {
  const n = sizeOf(shape);
  for (let k = 0; k < n; k++) {
    const idx = new Array<number>(shape.length);
    let rem = k;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      idx[ax] = rem % shape[ax]!;
      rem = Math.floor(rem / shape[ax]!);
    }
    yield idx;
  }
}

function naive(shape: readonly number[], operands: readonly Tensor[], f: (v: number[]) => number): number[] {
  return [...positions(shape)].map((idx) => f(operands.map((t) => read(t, idx))));
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const outShapeArb = (minRank = 0) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: minRank, maxLength: 4 });

/** A shape that broadcasts to `out`: leading axes dropped, some dimensions replaced by 1. */
function broadcastableTo(out: readonly number[], minRank = 0): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length - Math.min(minRank, out.length) }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

function tensorOf(shape: readonly number[], values: fc.Arbitrary<number>): fc.Arbitrary<Tensor> {
  const n = sizeOf(shape);
  return fc.array(values, { minLength: n, maxLength: n }).map((v) => tensor(v, shape));
}

const value = fc.double({ min: -100, max: 100, noNaN: true });
const pairArb = outShapeArb().chain((out) => fc.tuple(broadcastableTo(out), broadcastableTo(out)));

function runOn(build: (g: Graph, names: string[]) => ReturnType<Graph['input']>, ...values: Tensor[]): Tensor {
  const g = new Graph();
  const names = values.map((_, i) => `x${i}`);
  values.forEach((v, i) => g.input(names[i]!, v.shape));
  const y = build(g, names);
  return g.run([y], Object.fromEntries(values.map((v, i) => [names[i]!, v])))[0]!;
}

const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less', 'equal'] as const;

// ---------------------------------------------------------------------------------------------

describe('broadcast shapes follow NumPy', () => {
  it('the static shape of every binary op equals the NumPy rule', () => {
    fc.assert(
      fc.property(pairArb, fc.constantFrom(...BINARY), ([a, b], op) => {
        const expected = numpyBroadcast(a, b);
        expect(expected).not.toBeNull();
        const g = new Graph();
        const y = g.apply(op, [g.input('a', a), g.input('b', b)]);
        expect(y.shape).toEqual(expected);
        expect(broadcastShapes(op, a, b)).toEqual(expected);
        expect(broadcastShapes(op, b, a)).toEqual(expected);
      }),
    );
  });

  it('add, mul and where compute what the naive oracle computes', () => {
    const arb = outShapeArb()
      .chain((out) => fc.tuple(broadcastableTo(out), broadcastableTo(out), broadcastableTo(out)))
      .chain(([sc, sa, sb]) => fc.tuple(tensorOf(sc, fc.constantFrom(0, 1, 2)), tensorOf(sa, value), tensorOf(sb, value)));
    fc.assert(
      fc.property(arb, ([c, a, b]) => {
        const shape = numpyBroadcast(a.shape, b.shape)!;
        const add = runOn((g, [p, q]) => g.byName(p!)!.add(g.byName(q!)!), a, b);
        expect(add.shape).toEqual(shape);
        expect(Array.from(add.data)).toEqual(naive(shape, [a, b], ([u, v]) => u! + v!));
        const mul = runOn((g, [p, q]) => g.byName(p!)!.mul(g.byName(q!)!), a, b);
        expect(Array.from(mul.data)).toEqual(naive(shape, [a, b], ([u, v]) => u! * v!));
        const all3 = numpyBroadcast(numpyBroadcast(c.shape, a.shape)!, b.shape)!;
        const where = runOn((g, [k, p, q]) => g.where(g.byName(k!)!, g.byName(p!)!, g.byName(q!)!), c, a, b);
        expect(where.shape).toEqual(all3);
        expect(Array.from(where.data)).toEqual(naive(all3, [c, a, b], ([k, u, v]) => (k !== 0 ? u! : v!)));
      }),
    );
  });

  it('broadcastTo repeats along the broadcast axes', () => {
    const arb = outShapeArb().chain((out) => fc.tuple(fc.constant(out), broadcastableTo(out).chain((s) => tensorOf(s, value))));
    fc.assert(
      fc.property(arb, ([out, x]) => {
        const y = runOn((g, [p]) => g.byName(p!)!.broadcastTo(out), x);
        expect(y.shape).toEqual(out);
        expect(Array.from(y.data)).toEqual(naive(out, [x], ([v]) => v!));
      }),
    );
  });

  it('incompatible shapes throw a ShapeError naming the op and both shapes', () => {
    const arb = outShapeArb(1)
      .chain((out) => fc.tuple(broadcastableTo(out, 1), broadcastableTo(out, 1)))
      .chain(([a, b]) =>
        fc.tuple(
          fc.constant(a),
          fc.constant(b),
          fc.integer({ min: 1, max: Math.min(a.length, b.length) }),
          fc.constantFrom([2, 3], [3, 2], [2, 4], [4, 3]),
          fc.constantFrom(...BINARY),
        ),
      )
      .map(([a, b, k, [p, q], op]) => {
        const sa = [...a];
        const sb = [...b];
        sa[sa.length - k] = p;
        sb[sb.length - k] = q;
        return { a: sa, b: sb, op };
      });
    fc.assert(
      fc.property(arb, ({ a, b, op }) => {
        expect(numpyBroadcast(a, b)).toBeNull();
        const g = new Graph();
        const x = g.input('a', a);
        const y = g.input('b', b);
        let err: unknown;
        try {
          g.apply(op, [x, y]);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ShapeError);
        const message = (err as Error).message;
        expect(message).toContain(op);
        expect(message).toContain(formatShape(a));
        expect(message).toContain(formatShape(b));
      }),
    );
  });

  it('[2,3] + [4] names the op, both shapes and the axis', () => {
    const g = new Graph();
    const a = g.input('a', [2, 3]);
    const b = g.input('b', [4]);
    const build = () => a.add(b);
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/^add: .*\[2,3\].*\[4\]/);
    expect(build).toThrow(/axis -1/);
  });

  it('where names itself when its operands do not broadcast', () => {
    const g = new Graph();
    const c = g.input('c', [2, 3]);
    const a = g.input('a', [3]);
    const b = g.input('b', [4]);
    const build = () => g.where(c, a, b);
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/^where: .*\[2,3\].*\[4\]/);
  });
});

describe('symbolic dimensions', () => {
  it("['batch', 3] + [3] is ['batch', 3] and runs for any batch size", () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3]);
    const y = x.add(g.constant([10, 20, 30]));
    expect(y.shape).toEqual(['batch', 3]);
    const step = g.compile({ outputs: [y] });
    for (const batch of [5, 2, 1]) {
      const xs = tensor(Array.from({ length: batch * 3 }, (_, i) => i), [batch, 3]);
      const [out] = step({ x: xs });
      expect(out!.shape).toEqual([batch, 3]);
      expect(Array.from(out!.data)).toEqual(Array.from(xs.data, (v, i) => v + [10, 20, 30][i % 3]!));
    }
    expect(g.run([y], { x: tensor([[0, 0, 0]]) })[0]!.toArray()).toEqual([[10, 20, 30]]);
  });

  it('a symbolic dimension broadcasts against 1 and against itself', () => {
    const g = new Graph();
    const cases: [Dim[], Dim[], Dim[]][] = [
      [['batch', 1], [1, 4], ['batch', 4]],
      [[1], ['batch', 'n'], ['batch', 'n']],
      [['batch', 'n'], ['batch', 1], ['batch', 'n']],
      [[], ['batch'], ['batch']],
    ];
    cases.forEach(([a, b, out], i) => {
      expect(g.input(`a${i}`, a).mul(g.input(`b${i}`, b)).shape).toEqual(out);
    });
  });

  it("['batch'] against [4], or against another symbol, is a ShapeError at build time", () => {
    const g = new Graph();
    const x = g.input('x', ['batch']);
    expect(() => x.add(g.input('y', [4]))).toThrow(ShapeError);
    expect(() => x.add(g.input('z', [4]))).toThrow(/^add: shapes \[batch\] and \[4\] do not broadcast/);
    expect(() => x.add(g.input('t', ['time']))).toThrow(/\[batch\] and \[time\]/);
  });

  it('runs with a symbolic dimension bound to 1, then to more', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const b = g.input('b', ['batch', 1]);
    const y = x.mul(b);
    expect(g.run([y], { x: tensor([[1, 2]]), b: tensor([[3]]) })[0]!.toArray()).toEqual([[3, 6]]);
    expect(g.run([y], { x: tensor([[1, 2], [3, 4]]), b: tensor([[2], [-1]]) })[0]!.toArray()).toEqual([
      [2, 4],
      [-3, -4],
    ]);
  });
});
