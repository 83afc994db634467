// Trains two networks in the page with chainrule, drawing each loss curve live (vega-lite), one
// epoch per animation frame so the page stays responsive. `pnpm --filter @chainrule/examples browser`.
import { Tensor, kernelOptions, tensor } from '@chainrule/graph';
import { adam } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, dropout, misclassificationFromLogits, sequential, trainValidationSplit, type Dataset } from '@chainrule/nn';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { perDigit, pixels } from 'virtual:mnist-sample';

/** A live line chart of the loss per epoch. */
function lossChart(container: string): (epoch: number, loss: number) => Promise<void> {
  const spec = compile({
    padding: 12,
    width: 520,
    height: 180,
    data: { name: 'losses' },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'training loss' },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'canvas', container, hover: true });
  return async (epoch, loss) => {
    await view.insert('losses', [{ epoch, loss }]).runAsync();
  };
}

const nextFrame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const show = (id: string, text: string): void => void (document.getElementById(id)!.textContent = text);

/** Fits one epoch at a time, plotting each; returns the last epoch's record. */
async function train(trainer: Trainer, data: Dataset, epochs: number, batchSize: number, chart: ReturnType<typeof lossChart>, status: string) {
  let last = { epoch: 0, loss: Number.NaN };
  while (trainer.epoch < epochs) {
    const [record] = trainer.fit(data, { epochs: trainer.epoch + 1, batchSize, progress: 'none' });
    last = record!;
    await chart(last.epoch, last.loss);
    show(status, `epoch ${last.epoch}/${epochs}: loss ${last.loss.toFixed(4)}`);
    await nextFrame();
  }
  return last;
}

async function xor() {
  const data = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[1, 0], [0, 1], [0, 1], [1, 0]]) };
  const trainer = new Trainer({
    model: sequential([dense(8, { activation: 'tanh' }), dense(2)]),
    inputUnits: 2, targetUnits: 2, loss: crossEntropyFromLogits, rule: adam({ lr: 0.05 }),
    metrics: { error: misclassificationFromLogits }, seed: 1,
  });
  const last = await train(trainer, data, 60, 4, lossChart('#xor-curve'), 'xor-status');
  const { error } = trainer.evaluate(data);
  show('xor-status', `60 epochs: loss ${last.loss.toFixed(4)}, ${error === 0 ? 'all four points right' : `error ${error}`}`);
  return { loss: last.loss, error };
}

async function mnist() {
  const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
  const m = 10 * perDigit;
  const x = Float64Array.from(bytes, (v) => v / 255);
  const y = new Float64Array(m * 10);
  for (let i = 0; i < m; i++) y[i * 10 + Math.floor(i / perDigit)] = 1;
  const split = trainValidationSplit({ x: new Tensor(x, [m, 784]), y: new Tensor(y, [m, 10]) }, 0.2, 3);
  const trainer = new Trainer({
    model: sequential([dense(64, { activation: 'relu' }), dropout(0.8), dense(10)]),
    inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: adam({ lr: 2e-3 }),
    metrics: { error: misclassificationFromLogits }, seed: 2,
  });
  const started = performance.now();
  const last = await train(trainer, split.train, 12, 64, lossChart('#mnist-curve'), 'mnist-status');
  const seconds = (performance.now() - started) / 1000;
  const { error } = trainer.evaluate(split.validation);
  show('mnist-status', `12 epochs in ${seconds.toFixed(1)} s: loss ${last.loss.toFixed(4)}, held-out accuracy ${((1 - error!) * 100).toFixed(1)}%`);
  return { loss: last.loss, accuracy: 1 - error!, seconds };
}

const kernels = kernelOptions();
show('kernels', `kernels: ${kernels.backend}, ${kernels.threads} thread${kernels.threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`);
const results = { kernels, xor: await xor(), mnist: await mnist() };
(globalThis as { exampleResults?: typeof results }).exampleResults = results;
