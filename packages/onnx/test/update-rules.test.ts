import { describe, expect, it } from 'vitest';
import { Graph, tensor, type Tensor } from '@chainrule/graph';
import * as optim from '@chainrule/optim';
import { compileOnnx } from '../src/index.js';
import { agree } from './agree.js';

// Every update rule of @chainrule/optim as an ONNX training step: the rules' state variables,
// schedules on the step counter, look-ahead (Sutskever) and Newton's Hessian solve all go through
// the export, and the trajectories match the interpreter's.

const RULES: readonly (readonly [string, () => optim.UpdateRule])[] = [
  ['sgd with exponential decay', () => optim.sgd({ lr: optim.exponentialDecay(0.3, 0.9) })],
  ['polyak', () => optim.polyak({ lr: 0.1, momentum: 0.9 })],
  ['bufferMomentum', () => optim.bufferMomentum({ lr: 0.1, momentum: 0.8 })],
  ['nesterov', () => optim.nesterov({ lr: 0.1 })],
  ['sutskever', () => optim.sutskever({ lr: 0.1, momentum: 0.9 })],
  ['adagrad', () => optim.adagrad({ lr: 0.1 })],
  ['rmsprop', () => optim.rmsprop({ lr: 0.01 })],
  ['rmspropGraves', () => optim.rmspropGraves({ lr: 0.01, momentum: 0.5 })],
  ['adam', () => optim.adam({ lr: 0.05 })],
  ['newton (damped)', () => optim.newton({ damping: 0.1 })],
  ['chain(clipByGlobalNorm, adam)', () => optim.chain(optim.clipByGlobalNorm(0.5), optim.adam({ lr: 0.05 }))],
  ['chain(addRegularization(l2Squared), sgd)', () => optim.chain(optim.addRegularization(optim.l2Squared, 0.1), optim.sgd({ lr: 0.2 }))],
];

const X = tensor([[0.5, -1.2, 2], [1.5, 0.3, -0.7], [-0.4, 0.9, 1.1], [2.2, -0.5, 0.1], [0.2, 1.7, -1.3]]);
const Y = tensor([[1], [0], [1], [1], [0]]);

function problem(rule: optim.UpdateRule): { g: Graph; loss: ReturnType<Graph['input']>; step: ReturnType<typeof optim.minimize> } {
  const g = new Graph();
  const w = g.variable('w', tensor([[0.1], [-0.2], [0.3]]));
  const b = g.variable('b', tensor([0.05]));
  const x = g.input('x', ['n', 3]);
  const y = g.input('y', ['n', 1]);
  // logistic regression: mean of softplus(z) − y·z, z = x·w + b
  const z = x.matmul(w).add(b);
  const loss = z.softplus().sub(y.mul(z)).sum().div(5);
  return { g, loss, step: optim.minimize(loss, [w, b], rule) };
}

describe('every update rule trains the same on ONNX Runtime', () => {
  for (const [name, make] of RULES) {
    it(name, async () => {
      const [a, b] = [problem(make()), problem(make())];
      const feeds: Record<string, Tensor> = { x: X, y: Y };
      const run = await compileOnnx(b.g, { outputs: [b.loss], updates: b.step });
      const reference = a.g.compile({ outputs: [a.loss], updates: a.step });
      for (let k = 0; k < 4; k++) expect(agree((await run(feeds))[0]!, reference(feeds)[0]!, 1e-10), `loss at step ${k}`).toBe(true);
      await run.release();
      for (const v of a.g.variables) expect(agree(b.g.getVariable(v.name!), a.g.getVariable(v.name!), 1e-10), v.name).toBe(true);
    });
  }
});
