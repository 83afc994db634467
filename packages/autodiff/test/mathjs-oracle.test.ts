import fc from 'fast-check';
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { Graph, tensor } from '@chainrule/graph';
import { fromExpression } from '@chainrule/graph/mathjs';
import { grad } from '@chainrule/autodiff';

const math = create(all!, { predictable: true });

/** Random smooth scalar expressions in x whose derivative mathjs knows. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', '2', '0.5', '3'),
    tie('e').map((a) => `sin(${a})`),
    tie('e').map((a) => `cos(${a})`),
    tie('e').map((a) => `tanh(${a})`),
    tie('e').map((a) => `exp(tanh(${a}))`),
    tie('e').map((a) => `log((${a})^2 + 1)`),
    tie('e').map((a) => `sqrt((${a})^2 + 1)`),
    tie('e').map((a) => `-(${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) + (${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) - (${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) * (${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) / ((${b})^2 + 1)`),
    tie('e').map((a) => `(${a})^3`),
  ),
})).e;

describe('the mathjs oracle', () => {
  it("our derivative of random scalar expressions equals mathjs's symbolic derivative", () => {
    fc.assert(
      fc.property(expression, fc.double({ min: -2, max: 2, noNaN: true }), (text, at) => {
        const g = new Graph();
        const x = g.input('x', []);
        const [dx] = grad(fromExpression(g, text, { x }), [x]);
        const ours = g.run([dx!], { x: tensor(at) })[0]!.item();
        const theirs = math.derivative(text, 'x').evaluate({ x: at }) as number;
        fc.pre(Number.isFinite(theirs) && Math.abs(theirs) < 1e12); // away from overflow, where both are noise
        expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(theirs)));
      }),
    );
  });
});
