import { describe, expect, it } from 'vitest';
import { Graph, normalInit, tensor, uniformInit, type Conv2dOptions, type DType, type Node, type Pool2dOptions, type Tensor } from '@chainrule/graph';
import { adam, minimize } from '@chainrule/optim';
import { compileOnnx, toONNX } from '../src/index.js';
import { agree, expectAgree } from './agree.js';

// Convolution and pooling on ONNX Runtime against the interpreter, in both dtypes (float32 runs
// ONNX's Conv, MaxPool and AveragePool; float64 the gather and MatMul forms, see lower/conv.ts), and
// a training step of a small convolutional network.

const REL: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

const image = (shape: number[], seed: number, dtype: DType): Tensor => uniformInit(-1, 1, seed)(shape, dtype);

/** Runs outputs on the interpreter and on ONNX Runtime; sums agree normwise (their order differs). */
async function agreeOnOnnx(g: Graph, outputs: Node[], feeds: Record<string, Tensor>, rel: number): Promise<void> {
  const want = g.run(outputs, feeds);
  const run = await compileOnnx(g, { outputs, intraOpNumThreads: 1 });
  try {
    expectAgree(await run(feeds), want, rel, { normwise: true });
  } finally {
    await run.release();
  }
}

const CONVS: [string, Conv2dOptions, number][] = [
  ['valid', {}, 1],
  ["'same', strides 2", { strides: 2, padding: 'same' }, 1],
  ['explicit padding, dilation 2, 2 groups', { padding: [[2, 0], [1, 3]], dilations: 2, groups: 2 }, 2],
  ['depthwise (groups = channels), strides [1, 2]', { strides: [1, 2], padding: 'same', groups: 4 }, 4],
];

const POOLS: [string, Pool2dOptions][] = [
  ['2×2', { windowShape: 2 }],
  ["3×3 'same' strides 2", { windowShape: 3, strides: 2, padding: 'same' }],
  ['explicit padding, overlapping', { windowShape: [3, 2], strides: 1, padding: [[1, 2], [0, 1]] }],
];

describe('ONNX lowering of convolution and pooling', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, options, groups] of CONVS) {
      it(`conv2d and its adjoints: ${name} (${dtype}, symbolic batch)`, async () => {
        const g = new Graph();
        const x = g.input('x', ['batch', 7, 6, 4], dtype);
        const w = g.input('w', [3, 2, 4 / groups, 8], dtype);
        const y = x.conv2d(w, options);
        const dy = g.input('dy', y.shape, dtype);
        const outputs = [y, g.conv2dBackpropInput(dy, w, [7, 6], options), g.conv2dBackpropFilter(x, dy, [3, 2], options)];
        const feeds = { x: image([3, 7, 6, 4], 1, dtype), w: image([3, 2, 4 / groups, 8], 2, dtype), dy: image([3, ...(y.shape.slice(1) as number[])], 3, dtype) };
        await agreeOnOnnx(g, outputs, feeds, REL[dtype]);
      });
    }
    for (const [name, options] of POOLS) {
      it(`maxPool2d, avgPool2d and their derivatives: ${name} (${dtype}, ties and a NaN)`, async () => {
        const g = new Graph();
        const x = g.input('x', ['batch', 6, 5, 3], dtype);
        const pooled = x.maxPool2d(options);
        const dy = g.input('dy', pooled.shape, dtype);
        const outputs = [
          pooled,
          x.avgPool2d(options),
          g.maxPool2dBackprop(x, dy, options),
          g.maxPool2dSelect(x, x.sin(), options),
          g.avgPool2dBackprop(dy, [6, 5], options),
        ];
        // values on a coarse grid, so that windows hold tied maxima; one NaN
        const values = Array.from(image([2, 6, 5, 3], 4, 'float64').data, (v) => Math.round(v * 3));
        values[17] = NaN;
        const feeds = { x: tensor(values, [2, 6, 5, 3], dtype), dy: image([2, ...(pooled.shape.slice(1) as number[])], 5, dtype) };
        await agreeOnOnnx(g, outputs, feeds, REL[dtype]);
      });
    }
  }

  it('a float32 model holds ONNX Conv, MaxPool and AveragePool nodes (the form other runtimes recognise)', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 8, 8, 1], 'float32');
    const y = x.conv2d(g.variable('w', [3, 3, 1, 2], normalInit(0, 0.1, 1), 'float32'), { padding: 'same' }).maxPool2d({ windowShape: 2 }).avgPool2d({ windowShape: 2 });
    const text = new TextDecoder('latin1').decode(toONNX(g, { outputs: [y] }));
    for (const op of ['Conv', 'MaxPool', 'AveragePool']) expect(text).toContain(op);
  });
});

/** A small CNN: conv 3×3 (4) → relu → max pool → conv 3×3 stride 2 (6) → avg pool → flatten → dense 10; Adam. */
function cnn(dtype: DType): { g: Graph; loss: Node; updates: ReturnType<typeof minimize> } {
  const g = new Graph();
  const x = g.input('x', ['batch', 12, 12, 1], dtype);
  const labels = g.input('y', ['batch', 10], dtype);
  const w1 = g.variable('w1', [3, 3, 1, 4], normalInit(0, 0.5, 1), dtype);
  const w2 = g.variable('w2', [3, 3, 4, 6], normalInit(0, 0.3, 2), dtype);
  const w3 = g.variable('w3', [24, 10], normalInit(0, 0.2, 3), dtype);
  const h = x.conv2d(w1, { padding: 'same' }).relu().maxPool2d({ windowShape: 2 });
  const features = h.conv2d(w2, { strides: 2, padding: 'same' }).relu().avgPool2d({ windowShape: 2, padding: 'same' }).flatten();
  const logits = features.matmul(w3);
  const loss = logits.logSoftmax().mul(labels).sum(-1).neg().mean();
  return { g, loss, updates: minimize(loss, [w1, w2, w3], adam({ lr: 1e-2 })) };
}

describe('training a small CNN on ONNX Runtime', () => {
  for (const [dtype, rel] of [['float64', 1e-10], ['float32', 1e-4]] as const) {
    it(`gives the interpreter's losses and parameters, step after step (${dtype}, ${rel} relative)`, async () => {
      const [a, b] = [cnn(dtype), cnn(dtype)];
      const step = a.g.compile({ outputs: [a.loss], updates: a.updates });
      const onnxStep = await compileOnnx(b.g, { outputs: [b.loss], updates: b.updates, intraOpNumThreads: 2 });
      for (const [k, n] of [8, 8, 3].entries()) {
        const labels = Array.from({ length: n }, (_, i) => Array.from({ length: 10 }, (_, c) => ((i * 3 + k) % 10 === c ? 1 : 0)));
        const feeds = { x: image([n, 12, 12, 1], 10 + k, dtype), y: tensor(labels, undefined, dtype) };
        const [want] = step(feeds);
        const [got] = await onnxStep(feeds);
        expect(agree(got!, want!, rel), `loss at step ${k}: ${got!.data[0]} vs ${want!.data[0]}`).toBe(true);
      }
      await onnxStep.release();
      for (const v of a.g.variables) expect(agree(b.g.getVariable(v.name!), a.g.getVariable(v.name!), rel, { normwise: true }), v.name).toBe(true);
      // the steps moved the filters
      expect(agree(a.g.getVariable('w1'), cnn(dtype).g.getVariable('w1'), 1e-3, { normwise: true })).toBe(false);
    });
  }
});
