import { describe, expect, it } from 'vitest';
import { checkGradients } from '@chainrule/autodiff';
import { ArgumentError, Graph, ShapeError, normalInit, substitute, tensor, type Node, type Tensor } from '@chainrule/graph';
import { avgPool2d, batchNorm, conv2d, crossEntropyFromLogits, dense, dropout, flatten, heNormal, layerNorm, maxPool2d, reshape, sequential, type Layer } from '@chainrule/nn';

/** A small CNN on 8×8 one-channel images: every new layer kind once. */
const smallCnn = (): Layer[] => [
  reshape([8, 8, 1]),
  conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
  maxPool2d({ windowShape: 2 }),
  conv2d({ filters: 6, kernelSize: 3, useBias: false }),
  batchNorm(),
  avgPool2d({ windowShape: 2 }),
  flatten(),
  dropout(0.5),
  dense(3),
];

describe('conv2d, maxPool2d, avgPool2d layers', () => {
  it('shapes through a small CNN: built, summarised and run agree', () => {
    const g = new Graph();
    const model = sequential(smallCnn()).build(g, 64);
    expect(model.summaryRows().map((r) => [r.name, r.outputShape, r.trainable, r.nonTrainable])).toEqual([
      ['reshape1', ['batch', 8, 8, 1], 0, 0],
      ['conv2d1', ['batch', 8, 8, 4], 3 * 3 * 1 * 4 + 4, 0],
      ['maxPool2d1', ['batch', 4, 4, 4], 0, 0],
      ['conv2d2', ['batch', 2, 2, 6], 3 * 3 * 4 * 6, 0],
      ['batchNorm1', ['batch', 2, 2, 6], 12, 12],
      ['avgPool2d1', ['batch', 1, 1, 6], 0, 0],
      ['flatten1', ['batch', 6], 0, 0],
      ['dropout1', ['batch', 6], 0, 0],
      ['dense1', ['batch', 3], 21, 0],
    ]);
    const text = model.summary();
    expect(text.split('\n').slice(-3)).toEqual(['trainable parameters: 289', 'non-trainable parameters: 12', 'total: 301']);
    expect(text).toContain('conv2d2     [batch, 2, 2, 6]        216              0');
    // the forward pass has the shapes the summary promised, in both modes
    const x = g.input('x', ['batch', 64]);
    const updates: (readonly [Node, Node])[] = [];
    for (const training of [false, true]) {
      const y = model.forward(x, { training, stateUpdates: updates });
      expect(y.shape).toEqual(['batch', 3]);
      const [out] = g.run([y], { x: normalInit(0, 1, 5)([5, 64], 'float64') });
      expect(out!.shape).toEqual([5, 3]);
    }
    expect(updates).toHaveLength(2); // batch norm's two running averages
  });

  it('computes the cross-correlation with bias and activation (hand values)', () => {
    const g = new Graph();
    const model = sequential([conv2d({ filters: 2, kernelSize: 2, activation: 'relu', kernelInitializer: 1, biasInitializer: -10 })]).build(g, [3, 3, 1]);
    // filter of ones: each output is the sum of a 2×2 window, minus 10, through relu
    const x = g.constant([[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]]);
    const [y] = g.run([model.forward(x, { training: false })]);
    expect(y!.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(y!.data)).toEqual([2, 2, 6, 6, 14, 14, 18, 18]);
  });

  it('strides, dilations, explicit padding and groups reach the op', () => {
    const g = new Graph();
    const model = sequential([conv2d({ filters: 4, kernelSize: [3, 2], strides: [2, 1], dilations: [1, 2], padding: [[1, 1], [0, 2]], groups: 2 })]).build(g, [5, 4, 6]);
    expect(g.getVariable('conv2d1/W').shape).toEqual([3, 2, 3, 4]); // channels/groups = 3
    // height: ⌊(5 + 2 − 3)/2⌋ + 1 = 3; width: the dilated filter spans 3 of 4 + 2 columns: 6 − 3 + 1 = 4
    expect(model.outputShape).toEqual([3, 4, 4]);
    expect(model.forward(g.input('x', [2, 5, 4, 6]), { training: false }).shape).toEqual([2, 3, 4, 4]);
  });

  it('pooling: max and mean of each window, strides defaulting to the window', () => {
    const g = new Graph();
    const x = g.constant([[[[1], [5], [2], [0]], [[3], [4], [8], [6]]]]); // 2×4, one channel
    const run = (layer: Layer): number[] => Array.from(g.run([sequential([layer]).build(g, [2, 4, 1], { scope: `${layer.kind}/` }).forward(x, { training: false })])[0]!.data);
    expect(run(maxPool2d({ windowShape: 2 }))).toEqual([5, 8]);
    expect(run(avgPool2d({ windowShape: 2 }))).toEqual([13 / 4, 16 / 4]);
    // 'same' with strides 1: the windows at the edges count only the in-bounds elements
    expect(run(avgPool2d({ windowShape: [1, 2], strides: 1, padding: 'same' }))).toEqual([3, 3.5, 1, 0, 3.5, 6, 7, 6]);
  });

  it('filters start He normal with HWIO fans, seeded per layer', () => {
    const g = new Graph();
    sequential([reshape([6, 6, 2]), conv2d({ filters: 5, kernelSize: 3 })]).build(g, 72, { seed: 40 });
    const W = g.getVariable('conv2d1/W');
    // layer 1 gets seed 40 + 1; fan_in = 3·3·2 = 18
    expect(Array.from(W.data)).toEqual(Array.from(heNormal(41, 'hwio')([3, 3, 2, 5], 'float64').data));
    expect(Array.from(g.getVariable('conv2d1/b').data)).toEqual([0, 0, 0, 0, 0]);
  });

  it('errors at build name the layer and the shapes', () => {
    expect(() => sequential([conv2d({ filters: 2, kernelSize: 3 })]).build(new Graph(), 784)).toThrow(
      new ShapeError('conv2d: needs images [height, width, channels] (NHWC), got examples of shape [784]; put reshape([h, w, c]) before it'),
    );
    expect(() => sequential([conv2d({ filters: 3, kernelSize: 1, groups: 2 })]).build(new Graph(), [4, 4, 4])).toThrow(/conv2d: groups \(2\) must divide the input channels \(4\) and the filters \(3\)/);
    expect(() => sequential([conv2d({ filters: 2, kernelSize: 5 })]).build(new Graph(), [4, 4, 1])).toThrow(ShapeError);
    expect(() => sequential([maxPool2d({ windowShape: 3 })]).build(new Graph(), [2, 2, 1])).toThrow(/maxPool2d: the window spans 3 along height/);
    expect(() => conv2d({ filters: 0, kernelSize: 3 })).toThrow(/conv2d: options.filters must be an integer ≥ 1/);
    expect(() => conv2d({ filters: 2, kernelSize: [3] as never })).toThrow(ArgumentError);
    expect(() => conv2d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/conv2d: options.padding must be 'same', 'valid' or \[\[top, bottom\], \[left, right\]\]/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, activation: 'gelu' as never })).toThrow(ArgumentError);
    expect(() => maxPool2d(undefined as never)).toThrow(ArgumentError);
  });
});

describe('gradients of a tiny CNN against finite differences', () => {
  // conv (tanh) → max pool → conv → batch norm (training: through the batch statistics) →
  // layer norm → flatten → dense; the cross-entropy of 3 examples. Every parameter and the input
  // are checked. Smooth activations and continuous random values keep the points off the kinks
  // (ties in the max pool, relu at 0).
  const layers = (): Layer[] => [
    reshape([4, 4, 1]),
    conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }),
    maxPool2d({ windowShape: 2, strides: 1 }),
    conv2d({ filters: 3, kernelSize: 2, padding: 'same', useBias: false }),
    batchNorm(),
    layerNorm(),
    flatten(),
    dense(3),
  ];
  it('checkGradients agrees for every parameter and the input', () => {
    const reference = sequential(layers()).build(new Graph(), 16, { seed: 3 });
    const params = [...reference.parameters.values()];
    // γ and β of the norms start at 1 and 0: move them so that the check is not at a special point
    const points: Tensor[] = params.map((p, i) => normalInit(p.name!.endsWith('gamma') ? 1 : 0, 0.5, 100 + i)(p.shape as number[], 'float64'));
    const x = normalInit(0, 1, 7)([3, 16], 'float64');
    const y = tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const report = checkGradients(
      (...nodes: Node[]) => {
        const g = nodes[0]!.graph;
        const model = sequential(layers()).build(g, 16, { seed: 3 });
        const out = model.forward(nodes.at(-1)!, { training: true, stateUpdates: [] });
        const loss = crossEntropyFromLogits(out, g.constant(y)).mean();
        const [moved] = substitute([loss], new Map([...model.parameters.values()].map((p, i) => [p, nodes[i]!])));
        return moved!;
      },
      [...points, x],
    );
    expect(report.ok, report.message).toBe(true);
    expect(report.comparisons).toBeGreaterThan(0);
  });
});
