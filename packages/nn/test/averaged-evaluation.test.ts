/**
 * Evaluating a model at an average of its parameters (`TrainerOptions.evaluateAt`): training is the
 * same as without it, and evaluation and prediction read the average that the rule keeps.
 */
import { describe, expect, it } from 'vitest';
import { ChainruleError, InferenceModel, uniformInit, zeros } from '@chainrule/graph';
import { Trainer, crossEntropyFromLogits, dense, dropout, misclassificationFromLogits, sequential, type Dataset, type TrainerOptions } from '@chainrule/nn';
import { adam, averageIterates, emaIterates, sgd } from '@chainrule/optim';

/** m points in [−1, 1]², class 1 where x₀·x₁ > 0, one-hot targets. */
function quadrants(m: number, seed: number): Dataset {
  const x = uniformInit(-1, 1, seed)([m, 2], 'float64');
  const y = zeros([m, 2]);
  for (let i = 0; i < m; i++) y.data[2 * i + (x.data[2 * i]! * x.data[2 * i + 1]! > 0 ? 1 : 0)] = 1;
  return { x, y };
}

const setup = (options: Partial<TrainerOptions>): TrainerOptions => ({
  model: sequential([dense(8, { activation: 'tanh' }), dense(2)]),
  inputUnits: 2,
  targetUnits: 2,
  loss: crossEntropyFromLogits,
  metrics: { error: misclassificationFromLogits },
  rule: sgd({ lr: 0.1 }),
  seed: 3,
  ...options,
});

describe('Trainer evaluateAt', () => {
  const train = quadrants(64, 1);
  const test = quadrants(32, 2);

  for (const [name, rule] of [['ema', emaIterates(adam({ lr: 0.05 }), { decay: 0.9 })], ['average', averageIterates(sgd({ lr: 0.2 }))]] as const) {
    it(`'${name}': trains as without it, and evaluates and predicts with the average in place of the parameters`, () => {
      const averaged = new Trainer(setup({ rule, evaluateAt: name }));
      const plain = new Trainer(setup({ rule }));
      averaged.fit(train, { epochs: 3, batchSize: 16, progress: 'none' });
      plain.fit(train, { epochs: 3, batchSize: 16, progress: 'none' });
      const params = [...plain.model.parameters.keys()];
      for (const p of params) expect(averaged.graph.getVariable(p).data).toEqual(plain.graph.getVariable(p).data);
      // The plain trainer at the parameters differs from the averaged one; with the average copied
      // into its parameters it gives the same outputs, loss and error.
      expect(plain.predict(test.x).data).not.toEqual(averaged.predict(test.x).data);
      for (const p of params) plain.graph.setVariable(p, averaged.graph.getVariable(`optim/${name}.${name === 'ema' ? 'wtilde' : 'wbar'}/${p}`));
      expect(plain.predict(test.x).data).toEqual(averaged.predict(test.x).data);
      expect(plain.evaluate(test)).toEqual(averaged.evaluate(test));
    });
  }

  it('exports the model, and samples dropout predictions, at the average', () => {
    const options = (): TrainerOptions => setup({ model: sequential([dense(8, { activation: 'tanh' }), dropout({ keep: 0.8 }), dense(2)]), rule: emaIterates(adam({ lr: 0.05 }), { decay: 0.9 }) });
    const averaged = new Trainer({ ...options(), evaluateAt: 'ema' });
    const plain = new Trainer(options());
    averaged.fit(train, { epochs: 2, batchSize: 16, progress: 'none' });
    plain.fit(train, { epochs: 2, batchSize: 16, progress: 'none' });
    expect(InferenceModel.fromJSON(averaged.exportModel()).run({ x: test.x })['output']!.data).toEqual(averaged.predict(test.x).data);
    for (const p of plain.model.parameters.keys()) plain.graph.setVariable(p, averaged.graph.getVariable(`optim/ema.wtilde/${p}`));
    expect(plain.predictSampled(test.x, { samples: 4 }).data).toEqual(averaged.predictSampled(test.x, { samples: 4 }).data);
  });

  it('restoreBest restores the average it evaluates', () => {
    const trainer = new Trainer(setup({ rule: emaIterates(adam({ lr: 0.5 }), { decay: 0.3 }), evaluateAt: 'ema' }));
    const history = trainer.fit(train, { epochs: 8, batchSize: 8, validation: test, earlyStopping: { patience: 2, restoreBest: true }, progress: 'none' });
    const best = Math.min(...history.map((r) => r.validation!['loss']!));
    expect(history.at(-1)!.validation!['loss']).toBeGreaterThan(best); // the last epoch was not the best
    expect(trainer.evaluate(test)['loss']).toBeCloseTo(best, 12);
  });

  it('names an average the rule does not keep', () => {
    expect(() => new Trainer(setup({ rule: sgd(), evaluateAt: 'ema' }))).toThrow(ChainruleError);
    expect(() => new Trainer(setup({ rule: averageIterates(sgd()), evaluateAt: 'ema' }))).toThrow(/atAverage: the rule keeps no average named 'ema' \(it keeps: average\)/);
  });
});
