import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/graph';
import { sgd } from '@chainrule/optim';
import { DivergenceError, Trainer, dense, sequential, squaredLoss, type Dataset } from '@chainrule/nn';

const data: Dataset = { x: tensor([[1, 2], [3, 4], [5, 6], [7, 8]]), y: tensor([[1], [2], [3], [4]]) };
const trainer = (lr: number, checkNumerics = false) =>
  new Trainer({ model: sequential([dense(1)]), inputUnits: 2, targetUnits: 1, loss: squaredLoss, rule: sgd({ lr }), seed: 1, checkNumerics });

function caught(run: () => unknown): DivergenceError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DivergenceError);
    return e as DivergenceError;
  }
  throw new Error('training did not stop');
}

describe('Trainer.fit notices divergence', () => {
  it('stops when the loss grows past a million times the first, naming the epoch and step and suggesting a smaller step', () => {
    const e = caught(() => trainer(1).fit(data, { epochs: 50, batchSize: 1, shuffleSeed: null, progress: 'none' }));
    expect(e.message).toMatch(/diverged at epoch \d+, step \d+: the loss .* is more than 1000000 times the first batch's/);
    expect(e.message).toMatch(/try a smaller one/);
    expect(e.epoch).toBeGreaterThanOrEqual(1);
    expect(e.step).toBeGreaterThanOrEqual(1);
    expect(e.loss).toBeGreaterThan(100);
  });

  it('stops at the first non-finite loss when the growth check is off (factor ∞), and not at all with divergence: false', () => {
    const e = caught(() => trainer(10).fit(data, { epochs: 500, batchSize: 1, shuffleSeed: null, progress: 'none', divergence: { factor: Infinity } }));
    expect(e.message).toMatch(/the loss is (NaN|Infinity)/);
    expect(Number.isFinite(e.loss)).toBe(false);
    const history = trainer(10).fit(data, { epochs: 100, batchSize: 1, shuffleSeed: null, progress: 'none', divergence: false });
    expect(history).toHaveLength(100);
    expect(Number.isFinite(history.at(-1)!.loss)).toBe(false);
  });

  it('with checkNumerics, names the node that first produced a non-finite value, and the step changes nothing', () => {
    const t = trainer(10, true);
    const e = caught(() => t.fit(data, { epochs: 500, batchSize: 1, shuffleSeed: null, progress: 'none', divergence: { factor: Infinity } }));
    expect(e.message).toMatch(/checkNumerics: #\d+ \w+/);
    expect(e.cause).toBeDefined();
    expect(Array.from(t.graph.getVariable('dense1/W').data).every(Number.isFinite)).toBe(true);
  });

  it('does not stop a run that converges, and refuses a factor ≤ 1', () => {
    expect(trainer(0.01).fit(data, { epochs: 20, batchSize: 2, progress: 'none' })).toHaveLength(20);
    expect(() => trainer(0.01).fit(data, { epochs: 1, batchSize: 2, progress: 'none', divergence: { factor: 1 } })).toThrow(/factor/);
  });
});
