import { describe, expect, it } from 'vitest';
import { Graph, batchNormTraining, tensor, type DType, type Node, type Tensor } from '@chainrule/graph';
import { adam, minimize } from '@chainrule/optim';
import { compileOnnx, toONNX } from '../src/index.js';
import { onnxSchema } from '../src/onnx-schema.js';
import type { ModelProto } from '../src/proto.js';
import { agree, expectAgree, type AgreeOptions } from './agree.js';

// batchNorm and layerNorm lower to ONNX's BatchNormalization and LayerNormalization; ONNX Runtime
// runs both in float64. The values agree with the interpreter to rounding, in training steps too.

/** Runs outputs on the interpreter and on ONNX Runtime and compares them. */
async function both(g: Graph, outputs: readonly Node[], feeds: Record<string, Tensor>, rel: number, options: AgreeOptions = {}): Promise<void> {
  const run = await compileOnnx(g, { outputs });
  try {
    expectAgree(await run(feeds), g.run(outputs, feeds), rel, options);
  } finally {
    await run.release();
  }
}

/** Deterministic values of order one. */
const wave = (shape: readonly number[], phase: number, dtype: DType = 'float64'): Tensor =>
  tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, i) => 1.5 * Math.sin(1.7 * i + phase) + 0.1 * phase), shape, dtype);

/** The op types of the ONNX model of `outputs`. */
function opTypes(g: Graph, outputs: readonly Node[]): string[] {
  const Model = onnxSchema.lookupType('onnx.ModelProto');
  const model = Model.toObject(Model.decode(toONNX(g, { outputs })), { longs: Number }) as ModelProto;
  return model.graph.node.map((n) => n.opType);
}

const TOLERANCE = { float64: 1e-13, float32: 1e-6 } as const;
// float32: ONNX Runtime computes in float32 where the kernels compute in float64 and round once, so
// x − m loses a few float32 digits of an output near 0: compared relative to the largest value
const MEASURE = { float64: {}, float32: { normwise: true } } as const;

describe('batchNorm on ONNX Runtime', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`agrees at ranks 2, 3 and 4 with a symbolic batch (${dtype}), as BatchNormalization`, async () => {
      const g = new Graph();
      const c = (phase: number, positive = false): Node => g.constant(positive ? tensor(Array.from(wave([3], phase).data, (v) => v * v + 0.1), [3], dtype) : wave([3], phase, dtype), dtype);
      const [scale, offset, mean, variance] = [c(1), c(2), c(3), c(4, true)];
      const outputs = [['batch', 3], ['batch', 2, 3], ['batch', 2, 2, 3]].map((shape, i) =>
        g.input(`x${i}`, shape, dtype).batchNorm(scale, offset, mean, variance, { epsilon: 1e-3 }),
      );
      const feeds = { x0: wave([4, 3], 0, dtype), x1: wave([4, 2, 3], 1, dtype), x2: wave([4, 2, 2, 3], 2, dtype) };
      await both(g, outputs, feeds, TOLERANCE[dtype], MEASURE[dtype]);
      expect(opTypes(g, outputs).filter((t) => t === 'BatchNormalization')).toHaveLength(3);
    });
  }

  it('batchNormTraining: y and the batch statistics agree (float64)', async () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2, 3]);
    const { y, mean, variance } = batchNormTraining(x, g.constant([1, 2, 0.5]), g.constant([0, 0.1, -1]));
    await both(g, [y, mean, variance], { x: wave([4, 2, 3], 5) }, 1e-13);
  });
});

describe('layerNorm on ONNX Runtime', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`agrees over one and two trailing axes with a symbolic batch (${dtype}), as LayerNormalization`, async () => {
      const g = new Graph();
      const x = g.input('x', ['batch', 2, 3], dtype);
      const c = (shape: number[], phase: number): Node => g.constant(wave(shape, phase, dtype), dtype);
      // ε = 2⁻¹⁰ is a float32 number, so the ONNX attribute holds it exactly
      const outputs = [x.layerNorm(c([3], 1), c([3], 2), { epsilon: 2 ** -10 }), x.layerNorm(c([2, 3], 3), c([2, 3], 4), { axes: 2, epsilon: 2 ** -10 })];
      await both(g, outputs, { x: wave([4, 2, 3], 0, dtype) }, TOLERANCE[dtype], MEASURE[dtype]);
      expect(opTypes(g, outputs).filter((t) => t === 'LayerNormalization')).toHaveLength(2);
    });
  }

  it('with the default ε = 1e-5, which the float attribute rounds, agrees to 1e-10 for variances of order one', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 6]);
    await both(g, [x.layerNorm(g.constant(wave([6], 1)), g.constant(wave([6], 2)))], { x: wave([4, 6], 3) }, 1e-10);
  });

  it('is exact for a large mean and a small spread, as the kernel is (float64)', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 4]);
    const y = x.layerNorm(g.constant([1, 1, 1, 1]), g.constant([0, 0, 0, 0]), { epsilon: 3 });
    const run = await compileOnnx(g, { outputs: [y] });
    expect(Array.from((await run({ x: tensor([[1e8 + 1, 1e8 - 1, 1e8 + 1, 1e8 - 1]]) }))[0]!.data)).toEqual([0.5, -0.5, 0.5, -0.5]);
    await run.release();
  });
});

describe('a training step through both normalisations', () => {
  it('gives the interpreter\'s losses and parameters after three Adam steps (float64, 1e-10 relative)', async () => {
    const build = (): { g: Graph; loss: Node; updates: ReturnType<typeof minimize> } => {
      const g = new Graph();
      const x = g.input('x', ['batch', 2, 3]);
      const w = g.variable('w', wave([3, 3], 7));
      const gamma = g.variable('gamma', tensor([1, 1, 1]));
      const beta = g.variable('beta', tensor([0, 0, 0]));
      const lnScale = g.variable('lnScale', tensor([[1, 1, 1], [1, 1, 1]]));
      const lnOffset = g.variable('lnOffset', tensor([[0, 0, 0], [0, 0, 0]]));
      const h = batchNormTraining(x.matmul(w), gamma, beta).y.tanh().layerNorm(lnScale, lnOffset, { axes: 2, epsilon: 2 ** -10 });
      const loss = h.sub(g.input('t', ['batch', 2, 3])).square().mean();
      return { g, loss, updates: minimize(loss, [w, gamma, beta, lnScale, lnOffset], adam({ lr: 0.05 })) };
    };
    const [a, b] = [build(), build()];
    const onnxStep = await compileOnnx(b.g, { outputs: [b.loss], updates: b.updates });
    for (let k = 0; k < 3; k++) {
      const feeds = { x: wave([4, 2, 3], k), t: wave([4, 2, 3], k + 10) };
      const [want] = a.g.run([a.loss], feeds, { updates: a.updates });
      const [got] = await onnxStep(feeds);
      expect(agree(got!, want!, 1e-10), `loss at step ${k}: ${got!.data[0]} vs ${want!.data[0]}`).toBe(true);
    }
    await onnxStep.release();
    for (const v of a.g.variables) expect(agree(b.g.getVariable(v.name!), a.g.getVariable(v.name!), 1e-10, { normwise: true }), v.name).toBe(true);
    expect(Array.from(a.g.getVariable('gamma').data)).not.toEqual([1, 1, 1]); // the steps moved the parameters
  });
});
