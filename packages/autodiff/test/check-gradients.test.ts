import { afterEach, describe, expect, it } from 'vitest';
import { ChainruleError, tensor, type Node } from '@chainrule/graph';
import { VJP_RULES, checkGradients, grad, type VjpRule } from '@chainrule/autodiff';

const rules = VJP_RULES as Record<string, VjpRule>;
const saved = { ...rules };
afterEach(() => Object.assign(rules, saved));

/** Plants a wrong rule: sin′ = +sin instead of cos. */
const breakSin = (): void => {
  rules['sin'] = (ct, n) => [() => ct.mul(n.inputs[0]!.sin())];
};

const f = (x: Node, y: Node): Node => x.sin().mul(y).add(x.square().sum(1, true)).tanh();
const points = [tensor([[0.3, -0.4], [1.1, 0.2]]), tensor([[0.5], [-2]])];

describe('checkGradients', () => {
  for (const mode of ['exhaustive', 'projection', 'taylor'] as const) {
    it(`passes correct gradients (${mode})`, () => {
      const report = checkGradients(f, points, { mode });
      expect(report.ok, report.message).toBe(true);
      expect(report.mode).toBe(mode);
      if (mode === 'taylor') expect(report.order).toBeGreaterThan(1.8);
    });

    it(`catches a wrong rule and names it (${mode})`, () => {
      breakSin();
      const report = checkGradients(f, points, { mode });
      expect(report.ok).toBe(false);
      expect(report.culprit).toMatchObject({ op: 'sin', rule: 'vjp:sin' });
      expect(report.message).toMatch(/analytic \(derivative graph\) .* numeric \(central differences\)/);
      if (mode === 'taylor') expect(report.order).toBeLessThan(1.3);
    });
  }

  it('reports the input, flat index and both values in exhaustive mode', () => {
    breakSin();
    const report = checkGradients((x) => x.sin().sum(), [tensor([0.5, 1.0])], { mode: 'exhaustive' });
    expect(report.mismatches[0]).toMatchObject({ input: 'x0', index: 0, outputIndex: 0 });
    expect(report.mismatches[0]!.analytic).toBeCloseTo(Math.sin(0.5), 12);
    expect(report.mismatches[0]!.numeric).toBeCloseTo(Math.cos(0.5), 8);
  });

  it('checks second derivatives through the gradient graph', () => {
    const report = checkGradients((x) => grad(x.sin().mul(x).sum(), [x])[0]!, [tensor([0.2, 0.9, -1.3])]);
    expect(report.ok, report.message).toBe(true);
    breakSin();
    expect(checkGradients((x) => grad(x.cos().sum(), [x])[0]!, [tensor([0.2, 0.9])]).ok).toBe(false);
  });

  it('chooses projections for large inputs in auto mode', () => {
    const big = tensor(Array.from({ length: 3000 }, (_, i) => Math.sin(i)));
    const report = checkGradients((x) => x.mul(x.exp()).sum(), [big]);
    expect(report.mode).toBe('projection');
    expect(report.ok, report.message).toBe(true);
  });

  it('refuses float32 unless asked, and says why', () => {
    const x32 = tensor([0.5, 0.25], [2], 'float32');
    expect(() => checkGradients((x) => x.square().sum(), [x32])).toThrow(ChainruleError);
    expect(() => checkGradients((x) => x.square().sum(), [x32])).toThrow(/cancellation/);
    const report = checkGradients((x) => x.square().sum(), [x32], { allowFloat32: true, atol: 1e-2, rtol: 1e-2 });
    expect(report.ok, report.message).toBe(true);
  });
});
