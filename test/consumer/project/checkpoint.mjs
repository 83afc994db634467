// @chainrule/nn from the tarballs: train, save a checkpoint, load it into a fresh trainer and get
// the same predictions bit for bit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@chainrule/graph';
import { adam } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, loadCheckpoint, misclassificationFromLogits, saveCheckpoint, sequential } from '@chainrule/nn';

const data = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[1, 0], [0, 1], [0, 1], [1, 0]]) };
const make = () =>
  new Trainer({
    model: sequential([dense(16, { activation: 'tanh' }), dense(2)]),
    inputUnits: 2, targetUnits: 2, loss: crossEntropyFromLogits, rule: adam({ lr: 0.05 }),
    metrics: { error: misclassificationFromLogits }, seed: 3,
  });
const trained = make();
const history = trained.fit(data, { epochs: 150, batchSize: 4, progress: 'none' });
assert.ok(history.at(-1).loss < history[0].loss / 10, 'the loss fell by at least 10×');
assert.equal(trained.evaluate(data).error, 0);
const dir = mkdtempSync(join(tmpdir(), 'chainrule-ckpt-'));
try {
  const path = join(dir, 'xor.ckpt.json');
  saveCheckpoint(trained.graph, path, { epoch: trained.epoch });
  const restored = make();
  assert.equal(loadCheckpoint(restored.graph, path).epoch, 150);
  assert.deepEqual(Array.from(restored.predict(data.x).data), Array.from(trained.predict(data.x).data));
  console.log(`trained to loss ${history.at(-1).loss.toFixed(4)}, error 0; checkpoint reloaded with identical predictions`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
