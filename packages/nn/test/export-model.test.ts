import { describe, expect, it } from 'vitest';
import { InferenceModel, tensor } from '@chainrule/graph';
import { adam } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, dropout, gaussianNoise, sequential } from '@chainrule/nn';
import { expectClose } from './helpers.js';

describe('Trainer.exportModel: the trained network for inference', () => {
  const trainer = new Trainer({
    model: sequential([gaussianNoise(0.1), dense(6, { activation: 'relu' }), dropout(0.7), dense(3)]),
    inputUnits: 4, targetUnits: 3, loss: crossEntropyFromLogits, rule: adam({ lr: 0.05 }), seed: 3,
  });
  const data = { x: tensor([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]]), y: tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]) };
  trainer.fit(data, { epochs: 5, batchSize: 3, progress: 'none' });

  it('predicts what the trainer predicts (the evaluation network: no dropout, no noise), with probabilities when asked', () => {
    const model = InferenceModel.fromJSON(JSON.stringify(trainer.exportModel({ probabilities: true })));
    const out = model.run({ x: data.x });
    expect(Array.from(out['output']!.data)).toEqual(Array.from(trainer.predict(data.x).data));
    const logits = Array.from(trainer.predict(data.x).data);
    for (let r = 0; r < 3; r++) {
      const row = logits.slice(3 * r, 3 * r + 3);
      const e = row.map((v) => Math.exp(v - Math.max(...row)));
      const z = e.reduce((a, b) => a + b, 0);
      expectClose(out['probabilities']!.data.subarray(3 * r, 3 * r + 3), e.map((v) => v / z), 1e-14, 1e-15);
    }
  });

  it('carries the weights and nothing of training: no optimizer state, no random nodes, no targets', () => {
    const json = trainer.exportModel();
    expect(Object.keys(json.graph.variables).sort()).toEqual([...trainer.model.parameters.keys()].sort());
    expect(json.graph.nodes.some((n) => n.op.startsWith('random'))).toBe(false);
    expect(json.graph.nodes.filter((n) => n.op === 'input').map((n) => n.attrs['name'])).toEqual(['x']);
    expect(Object.keys(json.outputs)).toEqual(['output']);
  });
});
