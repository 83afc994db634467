// Node only (files): a trained model saved to one file and loaded for prediction in one call.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphFormatError, tensor } from '@chainrule/graph';
import { sgd } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, loadModel, sequential } from '@chainrule/nn';
import { temporaryFolder } from './files.js';

describe('Trainer.saveModel and loadModel', () => {
  it('save the model to one file and load it for prediction by name; a bad file is named', () => {
    const trainer = new Trainer({ model: sequential([dense(3, { activation: 'tanh' }), dense(2)]), inputUnits: 2, targetUnits: 2, loss: crossEntropyFromLogits, rule: sgd({ lr: 0.1 }), seed: 1 });
    const x = tensor([[0.5, -1], [2, 0.25]]);
    trainer.fit({ x, y: tensor([[1, 0], [0, 1]]) }, { epochs: 3, batchSize: 2, progress: 'none' });
    const { dir, cleanup } = temporaryFolder('model');
    try {
      trainer.saveModel(`${dir}/m.json`, { probabilities: true });
      const { output, probabilities } = loadModel(`${dir}/m.json`).run({ x });
      expect(Array.from(output!.data)).toEqual(Array.from(trainer.predict(x).data));
      expect(probabilities!.shape).toEqual([2, 2]);
      expect(() => loadModel(`${dir}/missing.json`)).toThrow(/model .*missing\.json: cannot be read/);
      writeFileSync(`${dir}/bad.json`, '{"format":"chainrule.model","version":1,"graph":{},"outputs":{"y":0}}');
      expect(() => loadModel(`${dir}/bad.json`)).toThrow(GraphFormatError);
    } finally {
      cleanup();
    }
  });
});
