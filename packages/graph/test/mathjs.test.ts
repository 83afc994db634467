import fc from 'fast-check';
import { all, create, type MathNode, type ParenthesisNode } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { Graph, PRIMITIVES, ShapeError, getOp, tensor, type Node, type Tensor } from '@chainrule/graph';
import { ExpressionError, fromExpression, mathScope, toExpression, toMathNode, toTex } from '@chainrule/graph/mathjs';
import { mathjs } from '../src/io/mathjs/instance.js';

// The reference: mathjs itself, real-valued, with comparisons made exact. NOTE: by default mathjs
// calls numbers within a relative 1e-12 equal (so `1 < 1 + 1e-14` is false); the graph compares
// exactly, and relTol must be positive, so the smallest one is used.
const math = create(all!, { predictable: true, relTol: Number.MIN_VALUE, absTol: 0 });

// NOTE: mathjs's max(−0, 0) is −0 (it keeps the first of equal values) where Math.max, and so the
// graph, gives +0; 1/x then tells them apart. Only that tie is decided the JavaScript way.
const signedZero = (js: (a: number, b: number) => number, mathjsFn: (a: number, b: number) => number) => (a: number, b: number) =>
  a === 0 && b === 0 ? js(a, b) : mathjsFn(a, b);
const referenceFunctions = {
  ...mathScope(),
  max: signedZero(Math.max, (a, b) => math.max(a, b)),
  min: signedZero(Math.min, (a, b) => math.min(a, b)),
};

/** Agreement within 1e-12 relative or 1e-300 absolute; NaN matches NaN, infinities match by sign. */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= Math.max(1e-12 * Math.max(Math.abs(a), Math.abs(b)), 1e-300);
}

/** The element of `t` that broadcasting sends to position `index` of a result of shape `out`. */
function broadcastAt(t: Tensor, out: readonly number[], index: readonly number[]): number {
  const offset = out.length - t.rank;
  return t.get(...t.shape.map((d, k) => (d === 1 || k + offset < 0 ? 0 : index[k + offset]!)));
}

function unravel(i: number, shape: readonly number[]): number[] {
  const index = shape.map(() => 0);
  for (let k = shape.length - 1; k >= 0; k--) {
    index[k] = i % shape[k]!;
    i = Math.floor(i / shape[k]!);
  }
  return index;
}

/** Evaluates `expression` with mathjs once per element of `out`, feeding the broadcast elements. */
function expectMathjsAgrees(expression: string, out: Tensor, feeds: Readonly<Record<string, Tensor>>): void {
  const compiled = math.compile(expression);
  for (let i = 0; i < out.size; i++) {
    const index = unravel(i, out.shape);
    const scope: Record<string, unknown> = { ...referenceFunctions };
    for (const [name, t] of Object.entries(feeds)) scope[name] = broadcastAt(t, out.shape, index);
    const raw: unknown = compiled.evaluate(scope);
    expect(typeof raw === 'number' || typeof raw === 'boolean', `${expression} gave ${String(raw)}`).toBe(true);
    const expected = Number(raw);
    const got = out.data[i]!;
    expect(close(got, expected), `${expression} at ${JSON.stringify(scope)}: graph ${got}, mathjs ${expected}`).toBe(true);
  }
}

function expectSameValues(a: Tensor, b: Tensor): void {
  expect(b.shape).toEqual(a.shape);
  a.data.forEach((v, i) => expect(close(v, b.data[i]!), `element ${i}: ${v} vs ${b.data[i]}`).toBe(true));
}

/** A mathjs tree with its ParenthesisNodes removed (they carry no meaning once parsed). */
function unparenthesized(m: MathNode): MathNode {
  return m.transform((n) => (n.type === 'ParenthesisNode' ? unparenthesized((n as ParenthesisNode).content) : n));
}

// Random formulas over x and y. Parentheses are dropped at random so that mathjs's precedence rules
// are exercised too; both sides parse the same string, so any grouping is fair. Three rules keep the
// string inside the domain where mathjs and JavaScript agree:
// - comparisons and conditionals are always parenthesised (an unparenthesised `a < b < c` is a
//   chained comparison, and `x + c ? a : b` would make the condition non-boolean);
// - a conditional's condition is a comparison (0 or 1: mathjs takes NaN as false, the graph as true);
// - a power has a base ≥ 0 (abs, exp, a non-negative literal) or an integer literal exponent
//   (predictable mathjs takes real odd roots of negatives, Math.pow gives NaN).
const literal = fc.oneof(
  fc.constantFrom('0', '1', '2', '0.5', '3', '1e-3', '1e3', 'pi', 'e'),
  fc.double({ min: 0, max: 1e3, noNaN: true }).map((v) => String(v)),
);
const atom = fc.oneof(fc.constantFrom('x', 'y'), literal);
// Every function of one operand that formulas may call: the ones the op definitions name.
const UNARY = PRIMITIVES.flatMap((op) => {
  const { arity, mathFunction } = getOp(op)!;
  return arity === 1 && mathFunction !== undefined ? [mathFunction] : [];
});

const { expr } = fc.letrec<{ expr: string; comparison: string }>((tie) => {
  const maybeParens = fc.tuple(tie('expr'), fc.boolean()).map(([e, p]) => (p ? `(${e})` : e));
  return {
    expr: fc.oneof(
      { maxDepth: 5, depthSize: 'small', withCrossShrink: true },
      atom,
      maybeParens.map((e) => `-${e}`),
      maybeParens.map((e) => `+${e}`),
      fc.tuple(maybeParens, fc.constantFrom('+', '-', '*', '/'), maybeParens).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom(...UNARY), tie('expr')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(fc.constantFrom('max', 'min'), tie('expr'), tie('expr')).map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc.tuple(fc.constantFrom('abs', 'exp'), tie('expr'), maybeParens).map(([f, a, b]) => `${f}(${a}) ^ ${b}`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `pow(abs(${a}), ${b})`),
      fc.tuple(literal, maybeParens).map(([a, b]) => `${a} ^ ${b}`),
      fc.tuple(tie('expr'), fc.integer({ min: -3, max: 3 })).map(([a, k]) => `(${a}) ^ ${k}`),
      tie('comparison'),
      fc.tuple(tie('comparison'), tie('expr'), tie('expr')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    ),
    comparison: fc.tuple(tie('expr'), fc.constantFrom('>', '<', '=='), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
  };
});

const value = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, -2, Infinity, -Infinity, NaN),
  fc.double(),
);
const SHAPES = [[], [3], [2, 1]] as const;
const operand = fc.constantFrom(...SHAPES).chain((shape) => {
  const size = shape.reduce<number>((n, d) => n * d, 1);
  return fc.array(value, { minLength: size, maxLength: size }).map((v) => tensor(v, [...shape]));
});
const formulaCase = fc.record({ expression: expr, x: operand, y: operand });

function build({ expression, x, y }: { expression: string; x: Tensor; y: Tensor }) {
  const g = new Graph();
  const scope = { x: g.input('x', x.shape), y: g.input('y', y.shape) };
  const node = fromExpression(g, expression, scope);
  const feeds = { x, y };
  return { g, scope, node, feeds, out: g.run([node], feeds)[0]! };
}

describe('fromExpression against mathjs (property)', () => {
  it('builds nodes whose values match mathjs evaluating the same string', () => {
    fc.assert(
      fc.property(formulaCase, (c) => {
        const { out, feeds } = build(c);
        expectMathjsAgrees(c.expression, out, feeds);
      }),
    );
  });

  it('renders nodes as strings that mathjs evaluates to the graph values and that parse to the same tree', () => {
    fc.assert(
      fc.property(formulaCase, (c) => {
        const { node, out, feeds } = build(c);
        const rendered = toExpression(node, { form: 'mathjs' });
        expectMathjsAgrees(rendered, out, feeds);
        expect(unparenthesized(math.parse(rendered)).equals(unparenthesized(toMathNode(node))), rendered).toBe(true);
      }),
    );
  });

  it('builds the same values again from the rendered string', () => {
    fc.assert(
      fc.property(formulaCase, (c) => {
        const { g, scope, node, out, feeds } = build(c);
        const again = fromExpression(g, toExpression(node), scope);
        expectSameValues(out, g.run([again], feeds)[0]!);
      }),
    );
  });

  it('writes every scalar constant so that it parses back to the same number', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const g = new Graph();
        const back = fromExpression(g, toExpression(g.scalar(v)), {});
        expect(Object.is(g.run([back])[0]!.item(), v)).toBe(true);
      }),
    );
  });
});

describe('fromExpression', () => {
  it('computes sin(x) * y + x^2', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const y = g.input('y', []);
    const n = fromExpression(g, 'sin(x) * y + x^2', { x, y });
    const [out] = g.run([n], { x: tensor([0.5, 1, -2]), y: tensor(3) });
    expect(Array.from(out!.data)).toEqual([0.5, 1, -2].map((v) => Math.sin(v) * 3 + v ** 2));
  });

  it('broadcasts like the ops: [3] with [2, 1] gives [2, 3]', () => {
    const g = new Graph();
    const n = fromExpression(g, 'x * 10 + y', { x: g.input('x', [3]), y: g.input('y', [2, 1]) });
    expect(n.shape).toEqual([2, 3]);
    expect(g.run([n], { x: tensor([1, 2, 3]), y: tensor([[0.5], [0.25]]) })[0]!.toArray()).toEqual([
      [10.5, 20.5, 30.5],
      [10.25, 20.25, 30.25],
    ]);
  });

  it('lets a ShapeError from building surface unchanged', () => {
    const g = new Graph();
    const scope = { x: g.input('x', [3]), y: g.input('y', [4]) };
    const build = () => fromExpression(g, 'x + y', scope);
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/add: shapes \[3\] and \[4\]/);
  });

  it('takes numbers from the scope and pi, e as scalars of the scope dtype', () => {
    const g = new Graph();
    const x = g.input('x', [2], 'float32');
    const n = fromExpression(g, 'a * x + pi - e', { x, a: 2 });
    expect(n.dtype).toBe('float32');
    expect(Array.from(g.run([n], { x: tensor([1, 2], [2], 'float32') })[0]!.data)).toEqual(
      Array.from(Float32Array.from([1, 2].map((v) => Math.fround(Math.fround(Math.fround(2 * v) + Math.fround(Math.PI)) - Math.fround(Math.E))))),
    );
    expect(fromExpression(g, '2 * 3', {}).dtype).toBe('float64');
  });

  it('builds comparisons, the conditional, max/min and unary plus', () => {
    const g = new Graph();
    const x = g.input('x', [4]);
    const n = fromExpression(g, '(x > 0) ? max(x, 1) : min(+x, -1) + (x == -2) + (x < -5)', { x });
    expect(n.op).toBe('where');
    expect(Array.from(g.run([n], { x: tensor([3, 0.5, -2, -7]) })[0]!.data)).toEqual([3, 1, -1, -6]);
  });

  it('names an unknown symbol and lists the scope', () => {
    const g = new Graph();
    const scope = { x: g.input('x', []), y: 2 };
    const build = () => fromExpression(g, 'x + z * y', scope);
    expect(build).toThrow(ExpressionError);
    expect(build).toThrow("fromExpression: unknown symbol 'z' in 'x + z * y'; the scope has x, y (constants: pi, e)");
  });

  it.each([
    ['log(x, 2)', /log takes one argument .* in 'log\(x, 2\)'; write log\(x\) \/ log\(base\)/],
    ['[1, 2] + x', /matrix literals are not supported in '\[1, 2\]' \(in '\[1, 2\] \+ x'\)/],
    ['x = 1', /assignments are not supported in 'x = 1'/],
    ['f(x) = x', /function definitions are not supported/],
    ['foo(x) + 1', /unknown function 'foo' in 'foo\(x\)'/],
    ['sin(x, x)', /sin takes 1 argument, got 2, in 'sin\(x, x\)'/],
    ['max(x)', /max takes 2 arguments, got 1, in 'max\(x\)'/],
    ['x mod 2', /unsupported operator 'mod' in 'x mod 2'/],
    ['x >= 1', /unsupported operator '>=' in 'x >= 1'/],
    ['x < 1 < 2', /chained comparisons are not supported/],
    ['x[1]', /indexing and property access are not supported/],
    ['"one" + x', /only numbers can be constants in '"one"'/],
    ['x; x', /several statements are not supported/],
    ['x +', /cannot parse 'x \+'/],
    ['  ', /the expression is empty/],
  ])('rejects %s', (expression, message) => {
    const g = new Graph();
    const x = g.input('x', []);
    const build = () => fromExpression(g, expression, { x });
    expect(build).toThrow(ExpressionError);
    expect(build).toThrow(message);
  });

  it('rejects a scope with mixed dtypes, foreign nodes or other values', () => {
    const g = new Graph();
    const x = g.input('x', []);
    expect(() => fromExpression(g, 'x + y', { x, y: g.input('y', [], 'float32') })).toThrow(/the scope mixes dtypes \('x' is float64, 'y' is float32\)/);
    expect(() => fromExpression(g, 'z', { z: new Graph().input('z', []) })).toThrow(/scope entry 'z' \(#0 input 'z'\) belongs to another graph/);
    expect(() => fromExpression(g, 'x', { x: 'x' as unknown as number })).toThrow(/scope entry 'x' must be a Node or a number, got string/);
  });
});

describe('fromExpression on long and deep formulas', () => {
  it("builds the report's flat sum of 20,000 terms (a RangeError before: mathjs parses it as a tree as deep)", () => {
    const g = new Graph();
    const x = g.input('x', [1]);
    const y = fromExpression(g, Array(20000).fill('x').join('+'), { x });
    expect(g.run([y], { x: tensor([2]) })[0]!.item()).toBe(40000);
  });

  it('refuses nesting deeper than the parser can follow, saying so (see deep-and-wide.test.ts for 100,000 levels)', () => {
    const g = new Graph();
    expect(() => fromExpression(g, `${'('.repeat(20000)}x${')'.repeat(20000)}`, { x: g.input('x', [1]) })).toThrow(/nested too deeply for the parser/);
  });
});

describe('toMathNode / toExpression', () => {
  it('renders leaves, constants and each op as mathjs writes it', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const w = g.variable('w', tensor([1, 2, 3]));
    const s = x.sum();
    expect(toExpression(x.mul(-2).add(w.square()).sub(x.reciprocal()), { form: 'mathjs' })).toBe('x * -2 + w ^ 2 - 1 / x');
    expect(toExpression(s.add(x.cast('float32').cast('float64').identity()), { form: 'mathjs' })).toBe(`n${s.id} + x`);
    expect(toExpression(s.mul(x), { form: 'mathjs', name: (leaf) => (leaf === s ? 'total' : undefined) })).toBe('total * x');
    expect(toExpression(x.stopGradient().maximum(0).minimum(g.scalar(-Infinity)), { form: 'mathjs' })).toBe('min(max(stopGradient(x), 0), -Infinity)');
    expect(toExpression(g.where(x.greater(0), x, x.mul(0.01)), { form: 'mathjs' })).toBe('(x > 0) ? x : (x * 0.01)');
    expect(toExpression(x.neg().sigmoid().relu().softplus().log1p().sign().abs(), { form: 'mathjs' })).toBe('abs(sign(log1p(softplus(relu(sigmoid(-x))))))');
    expect(toMathNode(g.scalar(-0.5)).toString()).toBe('-0.5');
  });

  it('keeps the parentheses mathjs would drop: a + (b + c), a * (b / c), (a < b) < c', () => {
    const g = new Graph();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => g.input(n, [])) as [Node, Node, Node];
    expect(toExpression(a.add(b.add(c)), { form: 'mathjs' })).toBe('a + (b + c)');
    expect(toExpression(a.mul(b.div(c)), { form: 'mathjs' })).toBe('a * (b / c)');
    expect(toExpression(a.less(b).less(c), { form: 'mathjs' })).toBe('(a < b) < c');
    expect(toExpression(a.add(b).add(c), { form: 'mathjs' })).toBe('a + b + c');
    expect(toExpression(a.pow(b).pow(c), { form: 'mathjs' })).toBe('(a ^ b) ^ c');
    // a + (b + c) with a = 1e308, b = 1e308, c = −1e308 is finite; (a + b) + c is not.
    const n = fromExpression(g, toExpression(a.add(b.add(c))), { a, b, c });
    expect(g.run([n], { a: tensor(1e308), b: tensor(1e308), c: tensor(-1e308) })[0]!.item()).toBe(1e308);
  });

  it('has a way to write every elementwise primitive: its mathjs function, or a form the bridge knows', () => {
    // Operators and the conditional; cast and identity are transparent, stopGradient a call of its name.
    const FORMS = new Set(['add', 'sub', 'mul', 'div', 'pow', 'greater', 'less', 'equal', 'neg', 'square', 'reciprocal', 'where', 'cast', 'identity', 'stopGradient']);
    const unwritable = PRIMITIVES.filter((op) => getOp(op)!.kind === 'elementwise' && getOp(op)!.mathFunction === undefined && !FORMS.has(op));
    expect(unwritable, 'elementwise primitives with no mathFunction and no operator form in the mathjs bridge').toEqual([]);
  });

  it('renders every elementwise primitive so that mathjs (with mathScope) computes what a run does', () => {
    const grid = [-2.5, -1, -0.5, 0, 0.3, 1, 2, 10];
    for (const op of PRIMITIVES.filter((p) => getOp(p)!.kind === 'elementwise')) {
      const arity = getOp(op)!.arity as number;
      const g = new Graph();
      const names = ['a', 'b', 'c'].slice(0, arity);
      const inputs = names.map((n) => g.input(n, [grid.length ** arity]));
      const node = g.apply(op, inputs, op === 'cast' ? { dtype: 'float64' } : {});
      // Every combination of grid values, one per element.
      const columns = names.map((_, k) => Array.from({ length: grid.length ** arity }, (_, i) => grid[Math.floor(i / grid.length ** k) % grid.length]!));
      // NOTE: predictable mathjs takes real odd roots ((−8)^(1/3) = −2) where Math.pow gives NaN.
      const feeds = Object.fromEntries(names.map((n, k) => [n, tensor(columns[k]!.map((v, i) => (op === 'pow' && v < 0 && k === 0 && !Number.isInteger(columns[1]![i]!) ? -v : v)))]));
      expectMathjsAgrees(toExpression(node), g.run([node], feeds)[0]!, feeds);
    }
  });
});

describe('toTex', () => {
  it('writes sigmoid as \\sigma and the other non-standard functions as operator names', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const w = g.input('w', []);
    expect(toTex(x.sigmoid().mul(w), { form: 'mathjs' })).toContain('\\sigma\\left(');
    const tex = toTex(x.relu().add(x.softplus()).add(x.log1p()).mul(x.stopGradient()), { form: 'mathjs' });
    for (const part of ['\\operatorname{relu}\\left(', '\\operatorname{softplus}\\left(', '\\ln\\left(1+', '\\operatorname{sg}\\left(']) {
      expect(tex).toContain(part);
    }
  });
});

describe('mathScope and the mathjs instance', () => {
  it('gives number functions for the calls mathjs lacks, checking their arity', () => {
    const scope = mathScope();
    expect(Object.keys(scope).sort()).toEqual(['flushSubnormal', 'relu', 'sigmoid', 'softplus', 'square', 'stopGradient']);
    expect(scope['sigmoid']!(0)).toBe(0.5);
    // numbers are float64 in mathjs: 1e-40 is normal there, 2⁻¹⁰⁷⁴ is not
    expect([scope['flushSubnormal']!(1e-40), scope['flushSubnormal']!(-(2 ** -1074))]).toEqual([1e-40, -0]);
    expect(scope['relu']!(-3)).toBe(0);
    expect(() => scope['relu']!(1, 2)).toThrow(ExpressionError);
    expect(math.evaluate('sigmoid(x) + stopGradient(x)', { x: 0, ...scope })).toBe(0.5);
  });

  it('creates one predictable instance on first use', () => {
    expect(mathjs()).toBe(mathjs());
    expect(mathjs().evaluate('sqrt(-1)')).toBeNaN();
  });
});

describe('entry points', () => {
  it('exports the bridge from @chainrule/graph and @chainrule/graph/mathjs alike', async () => {
    const main = await import('@chainrule/graph');
    const sub = await import('@chainrule/graph/mathjs');
    expect(main.fromExpression).toBe(sub.fromExpression);
    expect(main.toTex).toBe(sub.toTex);
    expect(main.ExpressionError).toBe(sub.ExpressionError);
  });
});
