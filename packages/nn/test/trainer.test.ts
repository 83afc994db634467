import { describe, expect, it } from 'vitest';
import { ChainruleError, tensor } from '@chainrule/graph';
import { Trainer, batches, binaryCrossEntropyFromLogits, dense, dropout, sequential, type Dataset, type EpochRecord } from '@chainrule/nn';
import { adam, sgd } from '@chainrule/optim';
import { expectSameState, snapshot } from './helpers.js';
import { TRAIN, VALIDATION, expectSameTrainerState, makeTrainer, quiet, sameNumbers, stateOf } from './trainer-fixtures.js';

// ---------------------------------------------------------------------------------------------
// Fixtures.

/**
 * A problem whose validation loss must rise: a logistic unit z = w x + b fitted by full-batch
 * gradient descent to y = 1[x > 0] on symmetric x, validated on the same x with flipped labels.
 * Training increases w every step (and keeps b ≈ 0), and the flipped loss Σ softplus(w|x|) grows
 * with w, so the validation loss is best after epoch 1 and worse after every later one.
 */
function flipped() {
  const xs = [-2, -1, -0.5, 0.5, 1, 2];
  const train: Dataset = { x: tensor(xs, [6, 1]), y: tensor(xs.map((v) => (v > 0 ? 1 : 0)), [6, 1]) };
  const validation: Dataset = { x: train.x, y: tensor(xs.map((v) => (v > 0 ? 0 : 1)), [6, 1]) };
  const trainer = (): Trainer =>
    new Trainer({ model: sequential([dense(1)]), inputUnits: 1, targetUnits: 1, loss: binaryCrossEntropyFromLogits, rule: sgd({ lr: 0.5 }), seed: 2 });
  return { train, validation, trainer, fit: { batchSize: 6, shuffleSeed: null, ...quiet } };
}


// ---------------------------------------------------------------------------------------------

describe('fit', () => {
  it('returns one record per epoch with the training loss and the validation loss and metrics', () => {
    const trainer = makeTrainer();
    const history = trainer.fit(TRAIN, { epochs: 3, batchSize: 16, validation: VALIDATION, ...quiet });
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(trainer.epoch).toBe(3);
    for (const r of history) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(Object.keys(r.validation!).sort()).toEqual(['error', 'loss']);
      expect(Number.isFinite(r.validation!['loss'])).toBe(true);
      expect(r.validation!['error']).toBeGreaterThanOrEqual(0);
      expect(r.validation!['error']).toBeLessThanOrEqual(1);
      expect(r.milliseconds).toBeGreaterThanOrEqual(0);
    }
    const noValidation = makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 16, ...quiet });
    expect(noValidation.map((r) => r.validation)).toEqual([undefined, undefined]);
  });

  it("an epoch's loss is the size-weighted mean of its batch losses, on batches shuffled per epoch by the seed", () => {
    for (const shuffleSeed of [1, 9, null]) {
      const fitted = makeTrainer();
      const history = fitted.fit(TRAIN, { epochs: 3, batchSize: 16, shuffleSeed, ...quiet });
      const manual = makeTrainer();
      const losses: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        let sum = 0;
        const parts = batches(TRAIN, { batchSize: 16, epoch, ...(shuffleSeed === null ? {} : { seed: shuffleSeed }) });
        expect(parts.map((b) => b.x.shape[0])).toEqual([16, 16, 8]);
        for (const b of parts) sum += manual.step(b) * b.x.shape[0]!;
        losses.push(sum / 40);
      }
      expect(sameNumbers(history.map((r) => r.loss), losses)).toBe(true);
      expectSameState(snapshot(fitted.graph), snapshot(manual.graph));
    }
  });

  it('validation scores are what evaluate() reports; evaluation changes nothing', () => {
    const trainer = makeTrainer();
    const [record] = trainer.fit(TRAIN, { epochs: 1, batchSize: 8, validation: VALIDATION, ...quiet });
    const before = stateOf(trainer);
    expect(trainer.evaluate(VALIDATION)).toEqual(record!.validation);
    expect(trainer.evaluate(VALIDATION, 3)['error']).toBe(record!.validation!['error']);
    trainer.predict(VALIDATION.x);
    expectSameTrainerState(trainer, before);
  });

  it('epochs counts the total: a second fit continues where the first stopped', () => {
    const once = makeTrainer();
    const all = once.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet });
    const twice = makeTrainer();
    twice.fit(TRAIN, { epochs: 2, batchSize: 16, ...quiet });
    const rest = twice.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet });
    expect(rest.map((r) => r.epoch)).toEqual([3, 4]);
    expect(sameNumbers(rest.map((r) => r.loss), all.slice(2).map((r) => r.loss))).toBe(true);
    expectSameTrainerState(twice, stateOf(once));
    expect(twice.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet })).toEqual([]);
  });

  it('the same seed gives bit-for-bit identical training; another seed does not', () => {
    const run = (seed: number): { trainer: Trainer; history: EpochRecord[] } => {
      const trainer = makeTrainer({ seed });
      return { trainer, history: trainer.fit(TRAIN, { epochs: 3, batchSize: 8, validation: VALIDATION, ...quiet }) };
    };
    const [a, b, c] = [run(5), run(5), run(6)];
    expectSameState(snapshot(a.trainer.graph), snapshot(b.trainer.graph));
    expect(sameNumbers(a.history.map((r) => r.loss), b.history.map((r) => r.loss))).toBe(true);
    expect(a.history.map((r) => r.validation)).toEqual(b.history.map((r) => r.validation));
    expect(sameNumbers(Array.from(a.trainer.graph.getVariable('dense1/W').data), Array.from(c.trainer.graph.getVariable('dense1/W').data))).toBe(false);
  });
});

describe('fit checks its options (JavaScript callers)', () => {
  it('counts are integers: a fractional, negative or huge epoch count is refused, not rounded', () => {
    for (const epochs of [1.5, -3, 1e300, NaN, '4']) {
      expect(() => makeTrainer().fit(TRAIN, { epochs: epochs as number, batchSize: 8, ...quiet }), String(epochs)).toThrow(/^fit: options\.epochs must be an integer ≥ 0/);
    }
    expect(() => makeTrainer().fit(TRAIN, { epochs: 1, batchSize: 0, ...quiet })).toThrow('fit: options.batchSize must be an integer ≥ 1, got 0');
    expect(() => makeTrainer().fit(TRAIN, { epochs: 1, batchSize: 8, earlyStopping: { patience: 0 }, validation: VALIDATION, ...quiet })).toThrow(
      'fit: options.earlyStopping.patience must be an integer ≥ 1, got 0',
    );
    const trainer = makeTrainer();
    trainer.epoch = 1.5;
    expect(() => trainer.fit(TRAIN, { epochs: 4, batchSize: 8, ...quiet })).toThrow("fit: the trainer's epoch is 1.5, not a count of completed epochs");
  });

  it('the data and the trainer options', () => {
    expect(() => makeTrainer().fit({ x: TRAIN.x } as Dataset, { epochs: 1, batchSize: 8, ...quiet })).toThrow('fit: train.y must be a Tensor, got undefined');
    expect(() => new Trainer({ inputUnits: 2 } as never)).toThrow('Trainer: options.model must be a model (such as sequential([...])), got undefined');
    expect(() => makeTrainer().evaluate(VALIDATION, 0)).toThrow('Trainer.evaluate: batchSize must be an integer ≥ 1, got 0');
  });
});

describe('early stopping', () => {
  it('the fixture: without early stopping, the validation loss rises after every epoch', () => {
    const p = flipped();
    const losses = p.trainer().fit(p.train, { ...p.fit, epochs: 8, validation: p.validation }).map((r) => r.validation!['loss']!);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeGreaterThan(losses[i - 1]!);
  });

  for (const patience of [1, 3]) {
    it(`stops after patience = ${patience} epochs without improvement, keeping the last parameters`, () => {
      const p = flipped();
      const stopped = p.trainer();
      const history = stopped.fit(p.train, { ...p.fit, epochs: 20, validation: p.validation, earlyStopping: { patience } });
      expect(history.map((r) => r.epoch)).toEqual(Array.from({ length: patience + 1 }, (_, i) => i + 1));
      expect(stopped.epoch).toBe(patience + 1);
      const straight = p.trainer();
      straight.fit(p.train, { ...p.fit, epochs: patience + 1 });
      expectSameTrainerState(stopped, stateOf(straight));
    });
  }

  it('restoreBest puts back the parameters of the best epoch', () => {
    const p = flipped();
    const stopped = p.trainer();
    stopped.fit(p.train, { ...p.fit, epochs: 20, validation: p.validation, earlyStopping: { patience: 3, restoreBest: true } });
    const best = p.trainer();
    best.fit(p.train, { ...p.fit, epochs: 1 });
    for (const name of ['dense1/W', 'dense1/b']) {
      expect(sameNumbers(Array.from(stopped.graph.getVariable(name).data), Array.from(best.graph.getVariable(name).data)), name).toBe(true);
    }
    expect(stopped.evaluate(p.validation)['loss']).toBe(best.evaluate(p.validation)['loss']);
  });

  it('improvements smaller than minDelta do not count', () => {
    const p = flipped();
    // Validating on the training data: the loss falls every epoch, but by far less than 10.
    const history = p.trainer().fit(p.train, { ...p.fit, epochs: 20, validation: p.train, earlyStopping: { patience: 2, minDelta: 10 } });
    expect(history.length).toBe(3);
    expect(history[2]!.validation!['loss']).toBeLessThan(history[0]!.validation!['loss']!);
    const plain = p.trainer().fit(p.train, { ...p.fit, epochs: 6, validation: p.train, earlyStopping: { patience: 2 } });
    expect(plain.length).toBe(6);
  });

  it('needs validation data', () => {
    expect(() => makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 8, earlyStopping: { patience: 1 }, ...quiet })).toThrow(ChainruleError);
    expect(() => makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 8, earlyStopping: { patience: 1 }, ...quiet })).toThrow(/early stopping needs validation data/);
  });
});

describe('callbacks', () => {
  it('are called once per epoch with its record and the trainer', () => {
    const trainer = makeTrainer();
    const seen: [EpochRecord, Trainer, number][] = [];
    const history = trainer.fit(TRAIN, { epochs: 3, batchSize: 16, validation: VALIDATION, callbacks: [(r, t) => void seen.push([r, t, t.epoch])], ...quiet });
    expect(seen.map(([r]) => r)).toEqual(history);
    expect(seen.map(([, t]) => t === trainer)).toEqual([true, true, true]);
    expect(seen.map(([, , e]) => e)).toEqual([1, 2, 3]);
  });

  it("'stop' ends training after that epoch", () => {
    const trainer = makeTrainer();
    const history = trainer.fit(TRAIN, { epochs: 10, batchSize: 16, callbacks: [(r) => (r.epoch === 2 ? 'stop' : undefined)], ...quiet });
    expect(history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(trainer.epoch).toBe(2);
  });

  it("every callback is called for every epoch, also when an earlier one returns 'stop'", () => {
    const calls: string[] = [];
    makeTrainer().fit(TRAIN, {
      epochs: 10,
      batchSize: 16,
      callbacks: [(r) => (calls.push(`first ${r.epoch}`), r.epoch === 2 ? 'stop' : undefined), (r) => void calls.push(`second ${r.epoch}`)],
      ...quiet,
    });
    expect(calls).toEqual(['first 1', 'second 1', 'first 2', 'second 2']);
  });
});

describe('float32 training', () => {
  it('builds every variable in the trainer dtype and trains', () => {
    const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]], undefined, 'float32');
    const Y = tensor([[0], [1], [1], [0]], undefined, 'float32');
    const t = new Trainer({
      model: sequential([dense(8, { activation: 'tanh' }), dropout(0.9), dense(1)]),
      inputUnits: 2,
      targetUnits: 1,
      loss: binaryCrossEntropyFromLogits,
      rule: adam({ lr: 0.05 }),
      dtype: 'float32',
    });
    for (const v of t.graph.variables) expect(v.dtype).toBe('float32');
    const history = t.fit({ x: X, y: Y }, { epochs: 200, batchSize: 4, progress: 'none' });
    expect(history.at(-1)!.loss).toBeLessThan(0.05);
    expect(t.predict(X).data).toBeInstanceOf(Float32Array);
  });
});
