/**
 * Derivatives of convolution and pooling beyond the spec rows: a small network's gradient and its
 * second derivatives (reverse over reverse, forward over reverse) against central differences, and
 * the tie convention of max pooling in both modes.
 */
import { describe, expect, it } from 'vitest';
import { Graph, tensor, uniformInit, type Conv2dOptions, type Node, type Tensor } from '@chainrule/graph';
import { checkGradients, grad, jvp } from '@chainrule/autodiff';

/** conv → sin → max pool → conv (strided, dilated) → avg pool → a weighted sum: every new op on one path. */
function network(x: Node, w1: Node, w2: Node): Node {
  const second: Conv2dOptions = { strides: [1, 2], dilations: [2, 1], padding: [[1, 1], [0, 1]] };
  const h = x.conv2d(w1, { padding: 'same' }).sin().maxPool2d({ windowShape: 2, strides: 1, padding: 'same' });
  const z = h.conv2d(w2, second).avgPool2d({ windowShape: [2, 2], padding: 'same' });
  return z.flatten().sin().sum();
}

/**
 * Points drawn uniformly from [−1, 1] by seed: continuous values, so no pooling window holds a tie
 * (where max pooling is not differentiable and central differences straddle the kink). Generated
 * arrays would not do: fast-check favours repeated edge values, which tie.
 */
const points = (seed: number): Tensor[] => [[1, 5, 4, 2], [3, 3, 2, 3], [2, 2, 3, 2]].map((shape, i) => uniformInit(-1, 1, seed * 10 + i)(shape, 'float64'));

describe('derivatives through convolution and pooling', () => {
  it('the gradient of a small network, in both modes', () => {
    for (const seed of [1, 2, 3]) {
      for (const mode of ['exhaustive', 'projection'] as const) {
        const report = checkGradients(network, points(seed), { mode, atol: 1e-6, rtol: 1e-6 });
        expect(report.ok, report.message).toBe(true);
      }
    }
  });

  it('second derivatives: the gradient with respect to the filters, differentiated again (reverse and forward over reverse)', () => {
    for (const seed of [4, 5]) {
      // the derivative of ∂ℓ/∂w₁ builds conv2dBackpropFilter, maxPool2dBackprop, avgPool2dBackprop
      // and conv2dBackpropInput nodes, and differentiates them in turn
      const gradient = (a: Node, b: Node, c: Node): Node => grad(network(a, b, c), [b])[0]!.square().sum();
      for (const mode of ['exhaustive', 'projection'] as const) {
        const report = checkGradients(gradient, points(seed), { mode, atol: 1e-5, rtol: 1e-5 });
        expect(report.ok, report.message).toBe(true);
      }
    }
  });

  it('tied maxima of a pooling window share the cotangent equally, as for the max reduction, in reverse and forward mode', () => {
    const g = new Graph();
    const x = g.input('x', [1, 2, 2, 1]);
    const feeds = { x: tensor([3, 3, 1, 3], [1, 2, 2, 1]) };
    const pooled = x.maxPool2d({ windowShape: 2 });
    const [dx] = g.run(grad(pooled.sum(), [x]), feeds);
    expect(Array.from(dx!.data)).toEqual([1 / 3, 1 / 3, 0, 1 / 3]);
    const [reduced] = g.run(grad(x.max(), [x]), feeds);
    expect(Array.from(dx!.data)).toEqual(Array.from(reduced!.data));
    // forward mode: the tangent of the window's maximum is the mean of the tied entries' tangents
    const [tangent] = g.run([jvp(pooled, [x], [g.constant(tensor([3, 6, 100, 9], [1, 2, 2, 1]))])], feeds);
    expect(Array.from(tangent!.data)).toEqual([6]);
  });
});
