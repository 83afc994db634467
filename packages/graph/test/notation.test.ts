import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, Tensor, notation, type Node } from '@chainrule/graph';
import { fromExpression, toExpression, toTex } from '@chainrule/graph/mathjs';

/** A random elementwise formula over x [3] and y [2, 3], reusing earlier subexpressions at random. */
const formula = fc.array(
  fc.record({
    op: fc.constantFrom('add', 'sub', 'mul', 'div', 'sin', 'tanh', 'sigmoid', 'square', 'neg', 'softplus', 'max', 'where'),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.double({ min: -3, max: 3, noNaN: true }),
  }),
  { minLength: 1, maxLength: 12 },
);

function build(steps: readonly { op: string; a: number; b: number; c: number }[]) {
  const g = new Graph();
  const x = g.input('x', [3]);
  const y = g.input('y', [2, 3]);
  const made: Node[] = [x, y];
  for (const { op, a, b, c } of steps) {
    const p = made[a % made.length]!;
    const q = made[b % made.length]!;
    const next: Record<string, () => Node> = {
      add: () => p.add(q), sub: () => p.sub(q), mul: () => p.mul(q), div: () => p.div(q.square().add(1)),
      sin: () => p.sin(), tanh: () => p.tanh(), sigmoid: () => p.sigmoid(), square: () => p.square().mul(c), neg: () => p.neg(),
      softplus: () => p.softplus(), max: () => p.maximum(q), where: () => g.where(p.greater(c), p, q),
    };
    made.push(next[op]!());
  }
  return { g, x, y, out: made[made.length - 1]! };
}

describe('notation: printed formulas read back through the mathjs bridge', () => {
  it('text (with its definitions) parses back, with the same bindings, to the same values and shape', () => {
    fc.assert(
      fc.property(formula, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 9, maxLength: 9 }), (steps, values) => {
        const { g, x, y, out } = build(steps);
        const printed = notation(out);
        const scope: Record<string, Node> = { x, y };
        for (const d of printed.definitions) scope[d.name] = fromExpression(g, d.text, scope);
        const back = fromExpression(g, printed.text, scope);
        expect(back.shape).toEqual(out.shape);
        const feeds = { x: new Tensor(Float64Array.from(values.slice(0, 3)), [3]), y: new Tensor(Float64Array.from(values.slice(3)), [2, 3]) };
        const [want, got] = g.run([out, back], feeds);
        expect(Array.from(got!.data)).toEqual(Array.from(want!.data));
        // toExpression is the same text, definitions first, one per line
        expect(toExpression(out)).toBe([...printed.definitions.map((d) => `${d.name} = ${d.text}`), printed.text].join('\n'));
      }),
    );
  });

  it('names a subexpression used twice once, and prints everything once', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const w = g.variable('w', [2, 1], 0.5);
    const s = x.matmul(w).sigmoid();
    const n = notation(s.mul(s.neg().add(1)));
    expect(n.definitions).toEqual([{ name: 'σ', texName: '\\sigma', text: 'sigmoid(x · w)', tex: '\\operatorname{sigmoid}\\left(x \\cdot w\\right)' }]);
    expect(n.text).toBe('σ * (-σ + 1)');
    expect(notation(s.mul(s.neg().add(1)), { share: false }).text).toBe('sigmoid(x · w) * (-sigmoid(x · w) + 1)');
  });

  it('prints transposes of products, sums over named axes, means over the batch as n, implicit broadcasts, and hides guards unless asked', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3]);
    const v = g.input('v', ['batch', 2]);
    const h = g.input('h', []);
    expect(toExpression(x.matmul(v, { transposeA: true }))).toBe('xᵀ · v');
    expect(toExpression(x.matmul(x, { transposeB: true }))).toBe('x · xᵀ');
    expect(toExpression(x.transpose())).toBe('xᵀ');
    expect(toExpression(x.sum(0))).toBe('Σ[batch](x)');
    expect(toExpression(x.sum(1))).toBe('Σ[axis 1](x)');
    expect(toExpression(x.mean(0))).toBe('mean[batch](x)');
    expect(toTex(x.mean(0))).toBe('\\frac{1}{n}\\sum_{\\text{batch}} x');
    expect(toExpression(x.mean())).toBe('mean(x)');
    expect(toTex(x.mean())).toBe('\\frac{1}{n\\,3}\\sum x');
    expect(toExpression(h.reshape([1, 1]).broadcastTo(['batch', 3]).mul(x))).toBe('h * x');
    const guarded = g.where(h.equal(0), 0, h.div(x.sum()));
    expect(toExpression(guarded)).toBe('h / Σ(x)');
    expect(toExpression(guarded, { guards: true })).toBe('h == 0 ? 0 : h / Σ(x)');
    expect(toTex(x.mul(2).add(1e-8))).toBe('x \\, 2 + 10^{-8}');
    expect(toExpression(x.logSoftmax())).toBe('x - logSumExp[axis 1](x)');
    expect(toExpression(x.softmax())).toBe('softmax[axis 1](x)');
  });
});
