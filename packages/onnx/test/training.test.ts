import { describe, expect, it } from 'vitest';
import { Graph, tensor, uniformInit, type DType, type Node, type Tensor } from '@chainrule/graph';
import { crossEntropyFromLogits, dense, dropout, empiricalRisk, sequential } from '@chainrule/nn';
import { adam, minimize } from '@chainrule/optim';
import { compileOnnx } from '../src/index.js';
import { agree } from './agree.js';

// The MNIST MLP of examples/mnist.ts (784 inputs, two relu hidden layers each followed by dropout,
// 10 classes) trained with Adam on random data, once on the interpreter and once on ONNX Runtime:
// a few steps with the hidden layers kept small for test time, and one step at the real sizes.

const STEPS = [16, 16, 16, 5]; // batch sizes: the symbolic batch changes, and the last batch is smaller

function mlp(dtype: DType, [h1, h2]: readonly [number, number] = [64, 32]): { g: Graph; loss: Node; updates: ReturnType<typeof minimize> } {
  const g = new Graph();
  const layers = [dense(h1, { activation: 'relu' }), dropout(0.8), dense(h2, { activation: 'relu' }), dropout(0.8), dense(10)];
  const model = sequential(layers).build(g, 784, { dtype, seed: 5 });
  const x = g.input('x', ['batch', 784], dtype);
  const y = g.input('y', ['batch', 10], dtype);
  const loss = empiricalRisk(crossEntropyFromLogits(model.forward(x, { training: true }), y));
  return { g, loss, updates: minimize(loss, [...model.parameters.values()], adam({ lr: 1e-2 })) };
}

function batch(n: number, seed: number, dtype: DType): Record<string, Tensor> {
  const labels = Array.from({ length: n }, (_, i) => Array.from({ length: 10 }, (_, k) => ((i * 7 + seed) % 10 === k ? 1 : 0)));
  return { x: uniformInit(0, 1, seed)([n, 784], dtype), y: tensor(labels, undefined, dtype) };
}

describe('training the MNIST MLP on ONNX Runtime', () => {
  for (const [dtype, rel] of [['float64', 1e-10], ['float32', 1e-4]] as const) {
    it(`gives the interpreter's losses, parameters, Adam state and dropout streams (${dtype}, ${rel} relative)`, async () => {
      const [a, b] = [mlp(dtype), mlp(dtype)];
      const step = a.g.compile({ outputs: [a.loss], updates: a.updates });
      const onnxStep = await compileOnnx(b.g, { outputs: [b.loss], updates: b.updates, intraOpNumThreads: 2 });
      for (const [k, n] of STEPS.entries()) {
        const feeds = batch(n, k, dtype);
        const [want] = step(feeds);
        const [got] = await onnxStep(feeds);
        expect(agree(got!, want!, rel), `loss at step ${k}: ${got!.data[0]} vs ${want!.data[0]}`).toBe(true);
      }
      await onnxStep.release();
      expect(b.g.randomState()).toEqual(a.g.randomState());
      for (const v of a.g.variables) {
        const [want, got] = [a.g.getVariable(v.name!), b.g.getVariable(v.name!)];
        // float32: normwise, since Adam's first steps move near-zero weights by about lr whatever their last digits
        expect(agree(got, want, rel, { normwise: dtype === 'float32' }), v.name).toBe(true);
      }
      // the runs moved the parameters: the comparison is not of two untouched initial states
      const first = a.g.variables[0]!;
      expect(agree(a.g.getVariable(first.name!), mlp(dtype).g.getVariable(first.name!), 1e-3, { normwise: true })).toBe(false);
    });
  }

  it('gives the interpreter\'s step at the real sizes 784-256-128-10, batch 128 (float64, 1e-10 relative)', async () => {
    const [a, b] = [mlp('float64', [256, 128]), mlp('float64', [256, 128])];
    const feeds = batch(128, 3, 'float64');
    const [want] = a.g.run([a.loss], feeds, { updates: a.updates });
    const onnxStep = await compileOnnx(b.g, { outputs: [b.loss], updates: b.updates, intraOpNumThreads: 2 });
    const [got] = await onnxStep(feeds);
    await onnxStep.release();
    expect(agree(got!, want!, 1e-10), `loss: ${got!.data[0]} vs ${want!.data[0]}`).toBe(true);
    expect(b.g.randomState()).toEqual(a.g.randomState());
    // Parameters elementwise. Adam's moments normwise: they hold the gradient (and its square), sums
    // over 128 examples of terms of both signs that ONNX Runtime adds in its own order, so an entry
    // near 0 keeps the rounding of its terms. The step they make, lr·m/(√q + ε), does not.
    for (const v of a.g.variables) {
      const moment = v.name!.startsWith('optim/adam.');
      expect(agree(b.g.getVariable(v.name!), a.g.getVariable(v.name!), 1e-10, { normwise: moment }), v.name).toBe(true);
    }
  });
});
