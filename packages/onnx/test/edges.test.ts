import { describe, expect, it } from 'vitest';
import { AttrError, AttrReader, Graph, OPS, PRIMITIVES, tensor, type DType, type Node, type Primitive, type Tensor } from '@chainrule/graph';
import { compileOnnx } from '../src/index.js';
import { agree } from './agree.js';

// The primitives at the edges of their domains — ±0, ±1, ±∞ and NaN — where ONNX Runtime's C++
// kernels and JavaScript's Math differ unless the lowering says otherwise.

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2, -3, 1e-300, Infinity, -Infinity, NaN];

/** The elementwise primitives of one arity whose attributes parse from `{}`, so that a new one is checked here too. */
function elementwiseOps(arity: number): Primitive[] {
  const needsNoAttrs = (op: Primitive): boolean => {
    try {
      OPS[op].parseAttrs(new AttrReader({}));
      return true;
    } catch (e) {
      if (e instanceof AttrError) return false;
      throw e;
    }
  };
  return PRIMITIVES.filter((op) => OPS[op].kind === 'elementwise' && OPS[op].arity === arity && needsNoAttrs(op));
}
const UNARY = elementwiseOps(1);
const BINARY = elementwiseOps(2);
const DTYPES = ['float64', 'float32'] as const;

/** Runs outputs once on ONNX Runtime; the interpreter's values second. */
async function both(g: Graph, outputs: readonly Node[], feeds: Record<string, Tensor>): Promise<[Tensor[], Tensor[]]> {
  const run = await compileOnnx(g, { outputs });
  try {
    return [await run(feeds), g.run(outputs, feeds)];
  } finally {
    await run.release();
  }
}

const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
const values = (t: Tensor): number[] => Array.from(t.data);

describe('the documented differences, where the kernels throw and ONNX cannot', () => {
  it('oneHot of a non-integer index is a zero row; a nearly singular solve is large and finite', async () => {
    const g = new Graph();
    const i = g.input('i', [2]);
    const a = g.input('a', [2, 2]);
    const feeds = { i: tensor([1.5, 1]), a: tensor([[1, 1], [1, 1 + 2 ** -52]]) };
    expect(() => g.run([i.oneHot(3)], feeds)).toThrow();
    expect(() => g.run([g.solve(a, g.constant([[1], [2]]))], feeds)).toThrow(/singular to working precision/);
    const run = await compileOnnx(g, { outputs: [i.oneHot(3), g.solve(a, g.constant([[1], [2]]))] });
    const [hot, x] = await run(feeds);
    await run.release();
    expect(values(hot!)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(values(x!).every((v) => Number.isFinite(v) && Math.abs(v) > 1e15)).toBe(true);
  });
});

describe('the primitives at ±0, ±1, ±∞ and NaN', () => {
  for (const dtype of DTYPES) {
    // Zeros agree whatever their sign: ONNX Runtime does not keep the sign of a zero through
    // Sign, Min/Max of two zeros or the unselected side of Where (see the README).
    it(`every elementwise primitive gives the interpreter's values, ±∞ and NaN exactly (${dtype})`, async () => {
      const g = new Graph();
      const x = g.input('x', [SPECIAL.length, 1], dtype);
      const y = g.input('y', [1, SPECIAL.length], dtype);
      const named: [string, Node][] = [
        ...UNARY.map((op): [string, Node] => [op, g.apply(op, [x])]),
        ...BINARY.map((op): [string, Node] => [op, g.apply(op, [x, y])]),
        ['where', g.where(x, y, x)],
      ];
      const feeds = { x: tensor(SPECIAL.map((v) => [v]), undefined, dtype), y: tensor([SPECIAL], undefined, dtype) };
      const [got, want] = await both(g, named.map(([, n]) => n), feeds);
      const rel = dtype === 'float64' ? 1e-15 : 1e-6; // the C++ and JavaScript maths libraries round exp, sin, … differently
      const wrong = named.flatMap(([name], k) => {
        const cols = got[k]!.shape[1]!;
        return values(got[k]!).flatMap((v, i) => {
          const w = want[k]!.data[i]!;
          const args = cols > 1 ? `${show(SPECIAL[Math.floor(i / cols)]!)}, ${show(SPECIAL[i % cols]!)}` : show(SPECIAL[i]!);
          return agree(tensor([v]), tensor([w]), rel) ? [] : [`${name}(${args}): ${show(v)}, not ${show(w)}`];
        });
      });
      expect(wrong).toEqual([]);
    });

    it(`log1p is +∞ at +∞, −∞ at −1 and NaN at −∞ and NaN (${dtype})`, async () => {
      const g = new Graph();
      const x = g.input('x', [4], dtype);
      const [[got]] = await both(g, [x.log1p()], { x: tensor([Infinity, -1, -Infinity, NaN], undefined, dtype) });
      expect(values(got!)).toEqual([Infinity, -Infinity, NaN, NaN]);
    });

    it(`flushSubnormal sets exactly the ${dtype} subnormals to ±0, on ONNX Runtime as in the interpreter (${dtype})`, async () => {
      const g = new Graph();
      const x = g.input('x', [8], dtype);
      const t = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
      const feeds = { x: tensor([t, -t, t / 2, -t / 2, t - t / 2 ** 20, 1e-40, 2 ** -149, 1], undefined, dtype) };
      const [[got], [want]] = await both(g, [x.flushSubnormal()], feeds);
      const flushed = dtype === 'float32' ? [t, -t, 0, -0, 0, 0, 0, 1] : [t, -t, 0, -0, 0, 1e-40, 2 ** -149, 1];
      expect(values(want!).map(show)).toEqual(flushed.map(show));
      // a zero whatever its sign, as above: ONNX Runtime's Where loses the sign of a flushed −t/2
      expect(values(got!).map((v) => show(v === 0 ? 0 : v))).toEqual(flushed.map((v) => show(v === 0 ? 0 : v)));
    });

    it(`pow(±1, NaN) and pow(±1, ±∞) are NaN, as Math.pow gives (${dtype})`, async () => {
      const g = new Graph();
      const x = g.input('x', [2, 1], dtype);
      const y = g.input('y', [1, 4], dtype);
      const [[got]] = await both(g, [x.pow(y)], { x: tensor([[1], [-1]], undefined, dtype), y: tensor([[NaN, Infinity, -Infinity, 0]], undefined, dtype) });
      expect(values(got!)).toEqual([NaN, NaN, NaN, 1, NaN, NaN, NaN, 1]);
    });

    it(`solve is NaN throughout a batch entry whose A or B has a NaN or ±∞, as the kernel gives it (${dtype})`, async () => {
      const g = new Graph();
      const a = g.input('a', [3, 2, 2], dtype);
      const b = g.input('b', [3, 2, 2], dtype);
      const feeds = {
        a: tensor([[[2, 1], [1, 3]], [[2, NaN], [1, 3]], [[2, 1], [1, 3]]], undefined, dtype),
        b: tensor([[[1, 2], [3, 4]], [[1, 2], [3, 4]], [[1, Infinity], [3, 4]]], undefined, dtype),
      };
      const [[got], [want]] = await both(g, [g.solve(a, b)], feeds);
      expect(values(want!).slice(4)).toEqual(new Array(8).fill(NaN));
      expect(agree(got!, want!, dtype === 'float64' ? 1e-15 : 1e-6), `${got!.toString()} vs ${want!.toString()}`).toBe(true);
    });

    it(`sum and matmul carry ±∞ and NaN as the kernels do (${dtype})`, async () => {
      const g = new Graph();
      const a = g.input('a', [4, 3], dtype);
      const b = g.input('b', [3, 3], dtype);
      const feeds = {
        a: tensor([[1, Infinity, 2], [-Infinity, 0, 1], [3, 4, 5], [NaN, 1, 2]], undefined, dtype),
        b: tensor([[0, 1, 1], [1, 2, 0], [2, -1, Infinity]], undefined, dtype), // ∞·0, ∞ − ∞, ∞ + finite, NaN
      };
      const [got, want] = await both(g, [a.sum(0), a.sum(1), a.matmul(b), b.matmul(a, { transposeB: true })], feeds);
      got.forEach((t, i) => expect(agree(t, want[i]!, dtype === 'float64' ? 1e-15 : 1e-6), `${t.toString()} vs ${want[i]!.toString()}`).toBe(true));
    });

    it(`max is NaN when any reduced element is NaN, wherever it is (${dtype})`, async () => {
      const g = new Graph();
      const v = g.input('v', [3], dtype);
      const m = g.input('m', [3, 2], dtype);
      const feeds = { v: tensor([1, NaN, 2], undefined, dtype), m: tensor([[1, 2], [NaN, 3], [4, NaN]], undefined, dtype) };
      const [got, want] = await both(g, [v.max(), m.max(0), m.max(1, true), m.max()], feeds);
      expect(got.map(values)).toEqual([[NaN], [NaN, NaN], [2, NaN, NaN], [NaN]]);
      expect(got.map(values)).toEqual(want.map(values));
    });
  }
});
