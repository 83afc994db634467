import { describe, expect, it } from 'vitest';
import { Graph, tensor, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';

/**
 * One hand-computed derivative per differentiable primitive: d/dx Σ f(x) at a point, worked out on
 * paper (the comment shows the working).
 */
const CASES: [op: string, f: (x: Node) => Node, at: number[], expected: number[]][] = [
  ['neg', (x) => x.neg(), [2], [-1]],
  ['abs', (x) => x.abs(), [-3, 2], [-1, 1]],
  ['exp', (x) => x.exp(), [0, 1], [1, Math.E]],
  ['log', (x) => x.log(), [2, 0.5], [0.5, 2]], // 1/x
  ['log1p', (x) => x.log1p(), [1], [0.5]], // 1/(1+x)
  ['sqrt', (x) => x.sqrt(), [4], [0.25]], // 1/(2√x)
  ['square', (x) => x.square(), [3], [6]],
  ['reciprocal', (x) => x.reciprocal(), [2], [-0.25]], // −1/x²
  ['sin', (x) => x.sin(), [0], [1]],
  ['cos', (x) => x.cos(), [Math.PI / 2], [-1]],
  ['tanh', (x) => x.tanh(), [0], [1]],
  ['sigmoid', (x) => x.sigmoid(), [0], [0.25]],
  ['relu', (x) => x.relu(), [-1, 2], [0, 1]],
  ['softplus', (x) => x.softplus(), [0], [0.5]], // σ(0)
  ['cast', (x) => x.cast('float32').cast('float64').mul(3), [1.5], [3]],
  ['identity', (x) => x.identity().mul(2), [1], [2]],
  ['add', (x) => x.add(x), [1], [2]],
  ['sub', (x) => x.sub(x.mul(3)), [1], [-2]],
  ['mul', (x) => x.mul(x), [5], [10]],
  ['div', (x) => x.div(x.add(1)), [1], [0.25]], // 1/(x+1)²
  ['pow', (x) => x.pow(x), [1], [1]], // xˣ(ln x + 1) at 1
  ['maximum', (x) => x.maximum(x.mul(2)), [1, -1], [2, 1]],
  ['minimum', (x) => x.minimum(x.mul(2)), [1, -1], [1, 2]],
  ['where', (x) => x.graph.where(x.greater(0), x.mul(3), x.square()), [2, -2], [3, -4]],
  ['sum', (x) => x.sum().square(), [1, 2], [6, 6]], // 2Σx
  ['max', (x) => x.max().mul(5), [1, 7, 3], [0, 5, 0]],
  ['matmul', (x) => x.reshape([1, 2]).matmul(x.reshape([2, 1])), [3, 4], [6, 8]], // ‖x‖²
  ['transpose', (x) => x.reshape([2, 1]).transpose().mul(x.graph.constant([[1, 10]])), [0, 0], [1, 10]],
  ['solve', (x) => x.graph.solve(x.reshape([1, 1]), x.graph.constant([[2]])), [4], [-0.125]], // d(2/x) = −2/x²
  ['reshape', (x) => x.reshape([2, 1]).mul(x.graph.constant([[1], [2]])), [0, 0], [1, 2]],
  ['broadcastTo', (x) => x.broadcastTo([3, 2]), [0, 0], [3, 3]],
  ['slice', (x) => x.slice([1], [2]), [0, 0, 0], [0, 1, 1]],
  ['pad', (x) => x.pad([1], [1], 7).mul(x.graph.constant([1, 2, 3, 4])), [0, 0], [2, 3]],
  ['concat', (x) => x.graph.concat([x, x.mul(3)], 0), [0, 0], [4, 4]],
  ['gather', (x) => x.gather(x.graph.constant([0, 0, 1])), [0, 0], [2, 1]],
  ['scatterAdd', (x) => x.graph.scatterAdd(x, x.graph.constant([1, 1]), 3).mul(x.graph.constant([1, 5, 9])), [0, 0], [5, 5]],
  // x/√(x² + 3), x as the value and its square as the variance: d = 3/(x² + 3)^{3/2} = 3/8 at 1
  ['batchNorm', (x) => x.reshape([1, 1]).batchNorm(x.graph.constant([1]), x.graph.constant([0]), x.graph.constant([0]), x.square(), { epsilon: 3 }), [1], [0.375]],
  // [a, b] → d = (a − b)/2, x̂ = ±d/√(d² + 1), Σγx̂ = −2d/√(d² + 1) for γ = [1, 3]; at d = 1: ∓2·2^{−3/2}·½
  ['layerNorm', (x) => x.reshape([1, 2]).layerNorm(x.graph.constant([1, 3]), x.graph.constant([0, 0]), { epsilon: 1 }), [1, -1], [-(2 ** -1.5), 2 ** -1.5]],
  // NHWC rows [1, 1, n, 1] and 1×2 filters [1, 2, 1, 1] = [1, 2]: y[j] = x[j] + 2x[j+1]
  ['conv2d', (x) => x.reshape([1, 1, 3, 1]).conv2d(x.graph.constant([[[[1]], [[2]]]])), [0, 0, 0], [1, 3, 2]], // Σy = x₀ + 3x₁ + 2x₂
  ['conv2dBackpropInput', (x) => x.graph.conv2dBackpropInput(x.reshape([1, 1, 2, 1]), x.graph.constant([[[[1]], [[2]]]]), [1, 3]), [0, 0], [3, 3]], // z = (dy₀, 2dy₀ + dy₁, 2dy₁)
  ['conv2dBackpropFilter', (x) => x.graph.conv2dBackpropFilter(x.reshape([1, 1, 3, 1]), x.graph.constant([[[[1], [5]]]]), [1, 2]), [0, 0, 0], [1, 6, 5]], // dw = (x₀ + 5x₁, x₁ + 5x₂)
  ['maxPool2d', (x) => x.reshape([1, 2, 2, 1]).maxPool2d({ windowShape: 2 }), [1, 3, 3, 0], [0, 0.5, 0.5, 0]], // two tied maxima share
  ['maxPool2dBackprop', (x) => x.graph.maxPool2dBackprop(x.graph.constant([[[[1], [3]], [[3], [0]]]]), x.reshape([1, 1, 1, 1]), { windowShape: 2 }).mul(x.graph.constant([[[[1], [2]], [[3], [4]]]])), [0], [2.5]], // (2 + 3)/2
  ['maxPool2dSelect', (x) => x.graph.maxPool2dSelect(x.graph.constant([[[[1], [3]], [[3], [0]]]]), x.reshape([1, 2, 2, 1]), { windowShape: 2 }), [0, 0, 0, 0], [0, 0.5, 0.5, 0]], // (t₁ + t₂)/2
  // 1×3 windows, stride 2, 'same' over 4 columns: columns {0, 1, 2} and {2, 3} (the padding not counted)
  ['avgPool2d', (x) => x.reshape([1, 1, 4, 1]).avgPool2d({ windowShape: [1, 3], strides: [1, 2], padding: 'same' }), [0, 0, 0, 0], [1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2]],
  ['avgPool2dBackprop', (x) => x.graph.avgPool2dBackprop(x.reshape([1, 1, 2, 1]), [1, 4], { windowShape: [1, 3], strides: [1, 2], padding: 'same' }).mul(x.graph.constant([[[[1], [2], [3], [4]]]])), [0, 0], [2, 3.5]], // (1 + 2 + 3)/3, (3 + 4)/2
];

describe('hand-computed derivatives, one per primitive', () => {
  for (const [op, f, at, expected] of CASES) {
    it(op, () => {
      const g = new Graph();
      const x = g.input('x', [at.length]);
      const [d] = g.run(grad(f(x).sum(), [x]), { x: tensor(at) });
      expect(d!.shape).toEqual([at.length]);
      Array.from(d!.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    });
  }
});
