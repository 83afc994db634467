import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, tensor, type Node } from '@chainrule/graph';
import { Trainer, batchNorm, dense, layerNorm, reshape, sequential, squaredLoss } from '@chainrule/nn';
import { sgd } from '@chainrule/optim';
import { expectClose } from './helpers.js';

const EPS = 1e-5;

/** A trainer of batchNorm alone (m = 0.5) on two features, fitting zero targets. */
function batchNormTrainer(): Trainer {
  return new Trainer({ model: sequential([batchNorm({ momentum: 0.5 })]), inputUnits: 2, targetUnits: 2, loss: squaredLoss, rule: sgd({ lr: 0.1 }) });
}
const zeros2 = tensor([[0, 0], [0, 0]]);

describe('batchNorm layer', () => {
  it('trains on batch statistics and updates the running averages in the same run, every step', () => {
    const trainer = batchNormTrainer();
    const read = (name: string): number[] => Array.from(trainer.graph.getVariable(`batchNorm1/${name}`).data);
    expect([read('runningMean'), read('runningVariance')]).toEqual([[0, 0], [1, 1]]);
    // Batch 1: μ_B = [2, 4], σ²_B = [1, 4] (biased). With γ = 1, β = 0 the outputs are ∓1/√(1 + ε), ∓2/√(4 + ε).
    const loss = trainer.step({ x: tensor([[1, 2], [3, 6]]), y: zeros2 });
    expect(loss).toBeCloseTo(1 / (1 + EPS) + 4 / (4 + EPS), 14);
    // μ̄ ← ½·0 + ½·[2, 4], σ̄² ← ½·1 + ½·[1, 4]
    expect([read('runningMean'), read('runningVariance')]).toEqual([[1, 2], [1, 2.5]]);
    // Batch 2: μ_B = [1, 1], σ²_B = [1, 1] (the statistics depend on x alone, not on γ and β).
    trainer.step({ x: tensor([[0, 0], [2, 2]]), y: zeros2 });
    expect([read('runningMean'), read('runningVariance')]).toEqual([[1, 1.5], [1, 1.75]]);
  });

  it('evaluates with the running averages, γ·(x − μ̄)/√(σ̄² + ε) + β', () => {
    const trainer = batchNormTrainer();
    trainer.step({ x: tensor([[1, 2], [3, 6]]), y: zeros2 });
    trainer.step({ x: tensor([[0, 0], [2, 2]]), y: zeros2 });
    const gamma = Array.from(trainer.graph.getVariable('batchNorm1/gamma').data);
    const beta = Array.from(trainer.graph.getVariable('batchNorm1/beta').data);
    expect(gamma[0]).not.toBe(1); // the rule moved γ: the check below is not on the first values
    const [mean, variance] = [[1, 1.5], [1, 1.75]];
    const x = [[5, -1], [0.5, 3]];
    const expected = x.flatMap((row) => row.map((v, j) => (gamma[j]! * (v - mean[j]!)) / Math.sqrt(variance[j]! + EPS) + beta[j]!));
    expectClose(trainer.predict(tensor(x)).data, expected, 1e-14);
    // evaluation reads the averages and changes nothing
    expect(Array.from(trainer.graph.getVariable('batchNorm1/runningMean').data)).toEqual([1, 1.5]);
  });

  it('keeps its running averages out of the rule and counts them as non-trainable', () => {
    const trainer = new Trainer({ model: sequential([dense(3), batchNorm(), dense(1)]), inputUnits: 2, targetUnits: 1, loss: squaredLoss, rule: sgd() });
    expect([...trainer.model.parameters.keys()]).toEqual(['dense1/W', 'dense1/b', 'batchNorm1/gamma', 'batchNorm1/beta', 'dense2/W', 'dense2/b']);
    expect(trainer.update.params.map((p) => p.name)).not.toContain('batchNorm1/runningMean');
    expect(trainer.model.summaryRows()[1]).toEqual({ name: 'batchNorm1', kind: 'batchNorm', outputShape: ['batch', 3], trainable: 6, nonTrainable: 6 });
  });

  it('refuses training mode without a place for its state updates', () => {
    const g = new Graph();
    const model = sequential([batchNorm()]).build(g, 2);
    const x = g.input('x', ['batch', 2]);
    expect(() => model.forward(x, { training: true })).toThrow(/batchNorm: training mode needs options.stateUpdates/);
    const updates: (readonly [Node, Node])[] = [];
    model.forward(x, { training: true, stateUpdates: updates });
    expect(updates.map(([v]) => v.name)).toEqual(['batchNorm1/runningMean', 'batchNorm1/runningVariance']);
    expect(() => model.forward(x, { training: false })).not.toThrow();
  });

  it('checks its options', () => {
    for (const momentum of [1, -0.1, Number.NaN]) expect(() => batchNorm({ momentum })).toThrow(new ChainruleError(`batchNorm: momentum must be a number in [0, 1), got ${momentum}`));
    for (const epsilon of [0, -1, Infinity]) expect(() => batchNorm({ epsilon })).toThrow(/batchNorm: epsilon must be a finite number > 0/);
  });
});

describe('layerNorm layer', () => {
  it('normalises each example over its last axis, γ = 1 and β = 0 at first', () => {
    const g = new Graph();
    const model = sequential([layerNorm()]).build(g, 3);
    const [y] = g.run([model.forward(g.constant([[1, 2, 3], [4, 4, 10]]), { training: false })]);
    // rows: mean 2, variance 2/3; mean 6, variance 8
    const expected = [[1, 2, 3].map((v) => (v - 2) / Math.sqrt(2 / 3 + EPS)), [4, 4, 10].map((v) => (v - 6) / Math.sqrt(8 + EPS))].flat();
    expectClose(y!.data, expected, 1e-14);
    expect(model.summaryRows()[0]).toMatchObject({ trainable: 6, nonTrainable: 0 });
  });

  it('over two trailing axes, with γ and β of their shape; the same in training', () => {
    const g = new Graph();
    const model = sequential([reshape([2, 3]), layerNorm({ axes: 2 })]).build(g, 6);
    expect(g.getVariable('layerNorm1/gamma').shape).toEqual([2, 3]);
    const x = g.constant([[1, 2, 3, 4, 5, 6]]);
    const [evaluation, training] = g.run([model.forward(x, { training: false }), model.forward(x, { training: true })]);
    const expected = [1, 2, 3, 4, 5, 6].map((v) => (v - 3.5) / Math.sqrt(35 / 12 + EPS));
    expectClose(evaluation!.data, expected, 1e-14);
    expect(Array.from(training!.data)).toEqual(Array.from(evaluation!.data));
  });

  it('checks its options when made and its axes when built', () => {
    expect(() => layerNorm({ axes: 0 })).toThrow(/layerNorm: options.axes must be an integer ≥ 1/);
    expect(() => layerNorm({ epsilon: 0 })).toThrow(/layerNorm: epsilon must be a finite number > 0/);
    expect(() => sequential([layerNorm({ axes: 2 })]).build(new Graph(), 4)).toThrow(new ChainruleError('layerNorm: axes is 2, but an example has only 1 axes ([4])'));
  });
});
