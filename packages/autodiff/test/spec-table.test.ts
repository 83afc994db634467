import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, OPS, PRIMITIVES, tensor, type Node } from '@chainrule/graph';
import { VJP_RULES, checkGradients, grad } from '@chainrule/autodiff';
import { OP_SPECS, valuesIn, type OpSpec } from '@chainrule/autodiff/testing';
import { hasForwardRule } from '../src/forward.js';

const differentiable = PRIMITIVES.filter((p) => OPS[p].differentiable);

describe('the derivative registry', () => {
  it('has a VJP rule and a spec row for every differentiable primitive, and nothing else', () => {
    const missingRule = differentiable.filter((p) => !(p in VJP_RULES));
    const missingSpec = differentiable.filter((p) => !(p in OP_SPECS));
    expect(missingRule, 'differentiable ops without a VJP rule').toEqual([]);
    expect(missingSpec, 'differentiable ops without a row in OP_SPECS').toEqual([]);
    const strayRules = Object.keys(VJP_RULES).filter((k) => !differentiable.includes(k as never));
    expect(strayRules, 'rules for ops that are not differentiable').toEqual([]);
  });

  it('has a forward-mode rule for every differentiable primitive (linear per its op definition, elementwise, or its own)', () => {
    expect(differentiable.filter((p) => !hasForwardRule(p)), 'differentiable ops jvp cannot push a tangent through').toEqual([]);
    expect(hasForwardRule('oneHot'), 'a non-differentiable op').toBe(false);
  });
});

describe('the gradient spec table, against central differences', () => {
  for (const [op, spec] of Object.entries(OP_SPECS) as [string, OpSpec][]) {
    it(op, () => {
      const points = fc.tuple(...spec.shapes.map((s) => valuesIn(spec.domain, s)));
      fc.assert(
        fc.property(points, (xs) => {
          // exhaustive checks every VJP entry; projection also checks the forward-mode (JVP) rule
          for (const mode of ['exhaustive', 'projection'] as const) {
            const report = checkGradients((...nodes) => spec.build(nodes), xs, { mode, atol: spec.tolerance, rtol: spec.tolerance });
            if (!report.ok) throw new Error(report.message);
          }
        }),
        { numRuns: 20 },
      );
    });
  }
});

describe('hand-computed derivatives', () => {
  it('σ′(0) = 1/4, tanh′(0) = 1, softplus′(0) = 1/2, ∂(x+2)ʸ at (0, 3) = (12, 8 ln 2), ∂ max = one-hot', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = g.input('y', []);
    const feeds = { x: tensor(0), y: tensor(3) };
    const d = (n: Node, wrt: Node[] = [x]): number[] => g.run(grad(n, wrt), feeds).map((t) => t.item());
    expect(d(x.sigmoid())).toEqual([0.25]);
    expect(d(x.tanh())).toEqual([1]);
    expect(d(x.softplus())).toEqual([0.5]);
    expect(d(x.add(2).pow(y), [x, y])).toEqual([12, 8 * Math.log(2)]);
    const v = g.input('v', [3]);
    expect(Array.from(g.run(grad(v.max(), [v]), { v: tensor([1, 5, 2]) })[0]!.data)).toEqual([0, 1, 0]);
  });
});
