/**
 * Every walk over user-sized input handles 100,000-deep and 100,000-wide input: no walk recurses
 * once per node or per level (which overflows the call stack, a RangeError, at a few thousand), and
 * what cannot be handled (mathjs's own parser on deep nesting, a formula that written out would be
 * astronomically long) is refused with a ChainruleError that says so, in a message of bounded size.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionError, Graph, LimitError, graphFromJSON, graphToJSON, schedule, simplify, substitute, tensor, toDot, type Node } from '@chainrule/graph';
import { fromExpression, toExpression, toTex } from '@chainrule/graph/mathjs';

const N = 100_000;

/** x + 1 + 1 + … (N additions): a chain N nodes deep. */
function deepChain(): { g: Graph; x: Node; y: Node } {
  const g = new Graph();
  const x = g.input('x', [2]);
  let y = x;
  for (let i = 0; i < N; i++) y = y.add(1);
  return { g, x, y };
}

/** w + w + … (N terms): one input read by N nodes. */
function wideSum(): { g: Graph; w: Node; y: Node } {
  const g = new Graph();
  const w = g.input('w', [3]);
  let y = w;
  for (let i = 1; i < N; i++) y = y.add(w);
  return { g, w, y };
}

describe(`graph walks over a chain ${N} nodes deep`, () => {
  const { g, x, y } = deepChain();
  const feeds = { x: tensor([1, 2]) };

  it('runs, interpreted and compiled, to the exact sums', () => {
    for (const executor of ['interpreter', 'compiled'] as const) {
      expect(Array.from(g.run([y], feeds, { executor })[0]!.data), executor).toEqual([1 + N, 2 + N]);
    }
  });

  it('goes to JSON and back (within raised node limits), and to DOT (before the next test adds nodes)', () => {
    const json = graphToJSON(g);
    expect(() => graphFromJSON(json)).toThrow(LimitError); // more than the default 100,000 nodes
    const copy = graphFromJSON(JSON.stringify(json), { limits: { maxNodes: Infinity } });
    expect(copy.nodes.length).toBe(g.nodes.length);
    expect(Array.from(copy.run([copy.node(y.id)], feeds)[0]!.data)).toEqual([1 + N, 2 + N]);
    // (toMermaid draws the vertices and edges of the same walk as toDot)
    expect(toDot(g, { outputs: [y] }).split('\n').filter((l) => l.includes('->')).length).toBe(2 * N);
  });

  it('schedules, substitutes, simplifies', () => {
    expect(schedule([y]).length).toBe(N + 2); // x, the scalar 1, and the additions
    const [shifted] = substitute([y], new Map([[x, x.mul(2)]]));
    expect(Array.from(g.run([shifted!], feeds)[0]!.data)).toEqual([2 + N, 4 + N]);
    const [same] = simplify([y]);
    expect(Array.from(g.run([same!], feeds)[0]!.data)).toEqual([1 + N, 2 + N]);
  });

  it('prints as a formula and as TeX, and fromExpression reads the formula back (a flat sum, parsed as a left-leaning tree as deep)', () => {
    const formula = toExpression(y, { form: 'mathjs' });
    expect(formula).toBe(`x${' + 1'.repeat(N)}`);
    expect(toTex(y, { form: 'mathjs' })).toBe(` x${'+1'.repeat(N)}`);
    const h = new Graph();
    const z = fromExpression(h, formula, { x: h.input('x', [2]) });
    expect(Array.from(h.run([z], feeds)[0]!.data)).toEqual([1 + N, 2 + N]);
  });
});

describe(`graph walks over a node read ${N} times`, () => {
  const { g, w, y } = wideSum();
  const expected = [1, 2, 3].map((v) => v * N);

  it('runs, interpreted and compiled', () => {
    for (const executor of ['interpreter', 'compiled'] as const) {
      expect(Array.from(g.run([y], { w: tensor([1, 2, 3]) }, { executor })[0]!.data), executor).toEqual(expected);
    }
  });

  it('concatenates a node with itself that many times', () => {
    const c = g.concat(Array.from({ length: N }, () => w));
    expect(c.shape).toEqual([3 * N]);
    expect(g.run([c.sum()], { w: tensor([1, 2, 3]) })[0]!.item()).toBe(6 * N);
  });
});

describe('fromExpression', () => {
  for (const [what, text] of [
    ['parentheses', `${'('.repeat(N)}x${')'.repeat(N)}`],
    ['function calls', `${'sin('.repeat(N)}x${')'.repeat(N)}`],
    ['unary minus signs', `${'-'.repeat(N)}x`],
    ['powers (right-associative)', Array(N).fill('x').join('^')],
  ]) {
    it(`refuses ${N} nested ${what} with an ExpressionError of bounded length`, () => {
      const g = new Graph();
      let error: unknown;
      try {
        fromExpression(g, text!, { x: g.input('x', [1]) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExpressionError);
      expect((error as Error).message).toMatch(/^fromExpression: cannot parse '.{120}…' \(\d+ characters\): it is nested too deeply for the parser/);
      expect((error as Error).message.length).toBeLessThan(400);
    });
  }
});

describe('printing a formula whose written-out form would be astronomically long', () => {
  it('is refused, not attempted: y = y + y sixty times is 2⁶⁰ terms', () => {
    const g = new Graph();
    let y = g.input('x', [1]);
    for (let i = 0; i < 60; i++) y = y.add(y);
    expect(() => toExpression(y, { form: 'mathjs' })).toThrow(/^the formula would have more than 4000000 parts written out/);
    expect(() => toTex(y, { form: 'mathjs' })).toThrow(ExpressionError);
    // the lecture notation names each shared sum once instead: 59 definitions and the last sum
    const lines = toExpression(y).split('\n');
    expect(lines).toHaveLength(60);
    expect(lines[0]).toBe('u_1 = x + x');
    expect(lines[59]).toBe('u_59 + u_59');
    // a shared node below the size limit is written out in full in the mathjs form
    let z = g.input('z', [1]);
    for (let i = 0; i < 3; i++) z = z.add(z);
    expect(toExpression(z, { form: 'mathjs' })).toBe('z + z + (z + z) + (z + z + (z + z))');
  });
});
