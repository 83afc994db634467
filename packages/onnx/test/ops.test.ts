import { describe, expect, it } from 'vitest';
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { compileOnnx } from '../src/index.js';
import { expectAgree } from './agree.js';

/** Runs outputs on the interpreter and on ONNX Runtime, twice each (random streams must advance alike). */
async function bothTwice(make: (g: Graph) => Node[], feeds: Record<string, Tensor>, rel = 1e-13): Promise<void> {
  const [a, b] = [new Graph(), new Graph()];
  const [wantOutputs, gotOutputs] = [make(a), make(b)];
  const run = await compileOnnx(b, { outputs: gotOutputs });
  for (let k = 0; k < 2; k++) expectAgree(await run(feeds), a.run(wantOutputs, feeds), rel);
  expect(b.randomState()).toEqual(a.randomState());
  await run.release();
}

const x23 = tensor([[0.5, -1, 0], [2, -0.25, 3]]);

describe('ONNX lowering of the primitives the random graphs do not build', () => {
  it('comparisons, sign, where, stopGradient and cast (both ways)', async () => {
    await bothTwice((g) => {
      const x = g.input('x', [2, 3]);
      const y = g.constant([0, -1, 2]);
      return [g.apply('sign', [x]), g.apply('greater', [x, y]), g.apply('less', [x, y]), g.apply('equal', [x, y]), g.where(x, x.exp(), y), x.stopGradient(), x.cast('float32').cast('float64')];
    }, { x: x23 });
  });

  it('gather, scatterAdd, oneHot and pad', async () => {
    await bothTwice((g) => {
      const x = g.input('x', [2, 3]);
      const i = g.input('i', [4]);
      return [x.gather(i), g.scatterAdd(x.gather(i), i, 3), i.oneHot(3), x.pad([1, 0], [0, 2], -7)];
    }, { x: x23, i: tensor([1, 0, 1, 1]) });
  });

  it('symbolic dimensions: fill, reshape, broadcastTo, dimSize, slice of a symbolic axis, reductions', async () => {
    const feeds = { x: tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9.5]]) };
    await bothTwice((g) => {
      const x = g.input('x', ['batch', 3]);
      return [
        g.fill(['batch', 2], 1.5),
        x.reshape([-1, 1, 3]),
        x.reshape(['batch', 3, 1]).broadcastTo(['batch', 3, 2]),
        g.apply('dimSize', [x]),
        g.apply('dimSize', [x], { axes: [1] }),
        x.slice([0, 1], [-1, 2]),
        x.max(1, true),
        x.sum([]),
        x.sum(),
      ];
    }, feeds);
  });

  it('random ops draw the interpreter\'s values from the same streams, run after run', async () => {
    await bothTwice((g) => {
      const x = g.input('x', ['batch', 2]);
      return [
        g.randomUniform(['batch', 2], { seed: 1, low: -2, high: 3 }),
        g.randomNormal([3], { seed: 2, mean: 1, std: 2 }),
        g.randomBernoulli(['batch', 2], { seed: 3, p: 0.3 }).mul(x),
      ];
    }, { x: tensor([[1, 2], [3, 4], [5, 6]]) }, 0);
  });

  it('solve, batched with broadcasting, in float64 and float32', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      await bothTwice((g) => {
        const a = g.constant(tensor([[[0.1, 2, 1], [3, 0.5, -1], [1, 1, 4]], [[5, 1, 0], [1, 4, 1], [0, 1, 3]]], undefined, dtype));
        return [g.solve(a, g.constant(tensor([[1, 2], [3, 4], [5, 6]], undefined, dtype)))];
      }, {}, dtype === 'float64' ? 1e-13 : 0);
    }
  });

  it('log1p, sigmoid and softplus keep their accuracy where the naive formulas lose it', async () => {
    const x = tensor([1e-12, -1e-15, 3e-9, -40, 40, -800, 800, 0]);
    await bothTwice((g) => {
      const v = g.input('x', [8]);
      return [v.log1p().slice([0], [3]), v.sigmoid(), v.softplus()];
    }, { x }, 1e-15);
  });
});
