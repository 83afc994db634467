// Node only (files): a CNN with batch normalisation through checkpoints and saved models — the
// running averages travel with the weights and the optimiser state.
import { describe, expect, it } from 'vitest';
import { normalInit, zeros } from '@chainrule/graph';
import { Trainer, accuracy, batchNorm, conv2d, crossEntropyFromLogits, dense, dropout, flatten, loadModel, maxPool2d, reshape, sequential, type Dataset } from '@chainrule/nn';
import { adamw } from '@chainrule/optim';
import { temporaryFolder } from './files.js';
import { expectSameTrainerState, quiet, stateOf } from './trainer-fixtures.js';

/** 24 random 6×6 images, class 1 where the left half is brighter than the right. */
function images(seed: number): Dataset {
  const x = normalInit(0, 1, seed)([24, 36], 'float64');
  const y = zeros([24, 2]);
  for (let i = 0; i < 24; i++) {
    let balance = 0;
    for (let p = 0; p < 36; p++) balance += (p % 6 < 3 ? 1 : -1) * x.data[36 * i + p]!;
    y.data[2 * i + (balance > 0 ? 1 : 0)] = 1;
  }
  return { x, y };
}
const TRAIN = images(1);

const cnn = (): Trainer =>
  new Trainer({
    model: sequential([
      reshape([6, 6, 1]),
      conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
      batchNorm({ momentum: 0.8 }),
      maxPool2d({ windowShape: 2 }),
      flatten(),
      dropout(0.8),
      dense(2),
    ]),
    inputUnits: 36,
    targetUnits: 2,
    loss: crossEntropyFromLogits,
    rule: adamw({ lr: 0.01 }),
    metrics: { accuracy },
    seed: 5,
  });

describe('a CNN with batch normalisation, saved and restored', () => {
  it('a checkpoint carries the running averages: 4 epochs straight = 2, save, load, 2 — bit for bit', () => {
    const { dir, cleanup } = temporaryFolder('cnn');
    try {
      const straight = cnn();
      straight.fit(TRAIN, { epochs: 4, batchSize: 8, ...quiet });
      const first = cnn();
      first.fit(TRAIN, { epochs: 2, batchSize: 8, ...quiet });
      const saved = stateOf(first);
      const mean = saved.variables.get('batchNorm1/runningMean')!;
      expect(Array.from(mean.data).every((v) => v !== 0)).toBe(true); // updated by training
      first.save(`${dir}/cnn.ckpt.json`);
      const resumed = cnn();
      resumed.load(`${dir}/cnn.ckpt.json`);
      expectSameTrainerState(resumed, saved);
      resumed.fit(TRAIN, { epochs: 4, batchSize: 8, ...quiet });
      expectSameTrainerState(resumed, stateOf(straight));
    } finally {
      cleanup();
    }
  });

  it('a saved model predicts as the trainer does, with the running averages', () => {
    const { dir, cleanup } = temporaryFolder('cnn-model');
    try {
      const trainer = cnn();
      trainer.fit(TRAIN, { epochs: 3, batchSize: 8, ...quiet });
      const test = images(2);
      trainer.saveModel(`${dir}/cnn.model.json`);
      const { output } = loadModel(`${dir}/cnn.model.json`).run({ x: test.x });
      expect(Array.from(output!.data)).toEqual(Array.from(trainer.predict(test.x).data));
      // the running averages are what evaluation reads: resetting them changes the prediction
      trainer.graph.setVariable('batchNorm1/runningMean', zeros([4]));
      expect(Array.from(trainer.predict(test.x).data)).not.toEqual(Array.from(output!.data));
    } finally {
      cleanup();
    }
  });
});
