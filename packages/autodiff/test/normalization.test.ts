import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, batchNormTraining, tensor, type Node } from '@chainrule/graph';
import { checkGradients, grad, jvp } from '@chainrule/autodiff';
import { valuesIn } from '@chainrule/autodiff/testing';

// The normalisations' derivatives beyond the spec table's rows: through the batch statistics of
// batchNormTraining, second derivatives (the VJP rules are graph ops), tangents of some operands
// only, and the invariances that pin the rules by hand.

/** Checks f's derivatives against central differences in both modes (exhaustive VJP, projected JVP). */
function expectGradientsMatch(f: (...xs: Node[]) => Node, points: Parameters<typeof checkGradients>[1]): void {
  for (const mode of ['exhaustive', 'projection'] as const) {
    const report = checkGradients(f, points, { mode, atol: 1e-6, rtol: 1e-6 });
    if (!report.ok) throw new Error(`${mode}: ${report.message}`);
  }
}

describe('batchNormTraining, differentiated through its batch statistics', () => {
  for (const shape of [[4, 3], [3, 2, 2]]) {
    it(`matches central differences with respect to x, γ and β (x of shape [${shape.join(', ')}])`, () => {
      const channels = shape[shape.length - 1]!;
      fc.assert(
        fc.property(valuesIn('distinct', shape), valuesIn('any', [channels]), valuesIn('any', [channels]), (x, s, o) => {
          expectGradientsMatch((X, S, O) => batchNormTraining(X!, S!, O!, { epsilon: 1e-3 }).y, [x, s, o]);
        }),
        { seed: 20, numRuns: 15 },
      );
    });
  }

  it('passes gradients to x through the statistics: ∂Σy/∂x = 0 for equal γ (y is centred per channel)', () => {
    const g = new Graph();
    const x = g.input('x', [4, 2]);
    const { y } = batchNormTraining(x, g.constant([2, 2]), g.constant([0.5, -1]));
    const [dx] = g.run(grad(y.sum(), [x]), { x: tensor([[1, 2], [0.5, -1], [3, 0], [-2, 4]]) });
    for (const v of dx!.data) expect(Math.abs(v)).toBeLessThan(1e-15);
    // without the path through the statistics it would be γ·r ≠ 0: the fixed-statistics op
    const [dxFixed] = g.run(grad(x.batchNorm(g.constant([2, 2]), g.constant([0, 0]), g.constant([0, 0]), g.constant([3, 3]), { epsilon: 1 }).sum(), [x]), { x: tensor([[1, 2], [0.5, -1], [3, 0], [-2, 4]]) });
    expect(Array.from(dxFixed!.data)).toEqual(new Array(8).fill(1)); // γ/√(σ² + ε) = 2/2
  });
});

describe('second derivatives (the VJP rules are built from differentiable ops)', () => {
  it('of batchNorm with respect to all five operands', () => {
    const points = [tensor([[0.5, -1, 2], [1.5, 0.25, -0.5]]), tensor([1, -2, 0.5]), tensor([0.1, 0.2, 0.3]), tensor([0.2, -0.1, 0.4]), tensor([0.5, 1.5, 0.8])];
    const gradient = (i: number) => (...xs: Node[]): Node => grad(xs[0]!.batchNorm(xs[1]!, xs[2]!, xs[3]!, xs[4]!).sin().sum(), [xs[i]!])[0]!;
    for (let i = 0; i < 5; i++) expectGradientsMatch(gradient(i), points);
  });

  it('of layerNorm with respect to x, γ and β', () => {
    const points = [tensor([[0.5, -1, 2, 0.3], [1.5, 0.25, -0.5, -1]]), tensor([1, -2, 0.5, 1.5]), tensor([0.1, 0.2, 0.3, -0.4])];
    const gradient = (i: number) => (...xs: Node[]): Node => grad(xs[0]!.layerNorm(xs[1]!, xs[2]!).sin().sum(), [xs[i]!])[0]!;
    for (let i = 0; i < 3; i++) expectGradientsMatch(gradient(i), points);
  });

  it('of batchNormTraining with respect to x', () => {
    const gradient = (x: Node, s: Node, o: Node): Node => grad(batchNormTraining(x, s, o).y.sin().sum(), [x])[0]!;
    expectGradientsMatch(gradient, [tensor([[0.5, -1], [1.5, 0.25], [-0.7, 2]]), tensor([1, -2]), tensor([0.1, 0.2])]);
  });
});

describe('forward mode with tangents for some operands only', () => {
  it('batchNorm: t_β alone is broadcast; t_μ alone gives −γ·r·t_μ', () => {
    const g = new Graph();
    const x = g.input('x', [2, 2]);
    const [scale, offset, mean, variance] = [g.input('s', [2]), g.input('o', [2]), g.input('m', [2]), g.input('v', [2])];
    const y = x.batchNorm(scale, offset, mean, variance, { epsilon: 1 });
    const t = g.constant([1, -2]);
    const feeds = { x: tensor([[1, 2], [3, 4]]), s: tensor([2, 3]), o: tensor([0, 0]), m: tensor([0, 1]), v: tensor([3, 8]) }; // r = [½, ⅓]
    const [tOffset, tMean] = g.run([jvp(y, [offset], [t]), jvp(y, [mean], [t])], feeds);
    expect(Array.from(tOffset!.data)).toEqual([1, -2, 1, -2]);
    expect(Array.from(tMean!.data)).toEqual([-1, 2, -1, 2]); // −[2·½, 3·⅓]·[1, −2]
  });

  it('layerNorm: t_x constant along the features gives 0 (a shift does not change y); t_γ gives x̂·t_γ', () => {
    const g = new Graph();
    const x = g.input('x', [1, 4]);
    const [scale, offset] = [g.input('s', [4]), g.input('o', [4])];
    const y = x.layerNorm(scale, offset, { epsilon: 3 });
    const feeds = { x: tensor([[-1, 1, -1, 1]]), s: tensor([1, 2, 3, 4]), o: tensor([0, 0, 0, 0]) }; // x̂ = x/2
    const [shift, tScale] = g.run([jvp(y, [x], [g.constant([[5, 5, 5, 5]])]), jvp(y, [scale], [g.constant([2, 2, 2, 2])])], feeds);
    for (const v of shift!.data) expect(Math.abs(v)).toBeLessThan(1e-15);
    expect(Array.from(tScale!.data)).toEqual([-1, 1, -1, 1]);
  });
});
