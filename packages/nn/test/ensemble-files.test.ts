// Node only (files): an ensemble saved to one file and loaded into another set up the same way.
import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/graph';
import { sgd } from '@chainrule/optim';
import { Ensemble, crossEntropyFromLogits, dense, sequential, type TrainerOptions } from '@chainrule/nn';
import { temporaryFolder } from './files.js';

const member = (i: number): TrainerOptions => ({
  model: sequential([dense(4, { activation: 'tanh' }), dense(2)]), inputUnits: 2, targetUnits: 2,
  loss: crossEntropyFromLogits, rule: sgd({ lr: 0.1 }), seed: 3 + i,
});

describe('Ensemble.save and Ensemble.load', () => {
  it('round-trip the whole ensemble through one file, and name a missing file', () => {
    const data = { x: tensor([[0, 1], [1, 0], [1, 1], [0, 0]]), y: tensor([[1, 0], [1, 0], [0, 1], [0, 1]]) };
    const saved = new Ensemble({ size: 3, member, average: 'probabilities' });
    saved.fit(data, { epochs: 3, batchSize: 2, progress: 'none' });
    const { dir, cleanup } = temporaryFolder('ensemble');
    try {
      saved.save(`${dir}/e.json`);
      const loaded = new Ensemble({ size: 3, member, average: 'probabilities' });
      loaded.load(`${dir}/e.json`);
      expect(Array.from(loaded.predict(data.x).data)).toEqual(Array.from(saved.predict(data.x).data));
      expect(loaded.members.map((m) => m.epoch)).toEqual([3, 3, 3]);
      expect(() => loaded.load(`${dir}/missing.json`)).toThrow(/ensemble .*missing\.json: cannot be read/);
    } finally {
      cleanup();
    }
  });
});
