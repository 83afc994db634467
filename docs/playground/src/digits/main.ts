// Train a digit classifier in the page: an MLP with dropout on MNIST digits, the optimiser of the
// user's choice, live curves, the confusion matrix, and a pad whose digit the network classifies.
// Training runs in slices of a few steps per frame, so the page never freezes.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { Tensor } from '@chainrule/graph';
import { Trainer, batches, crossEntropyFromLogits, dense, dropout, misclassificationFromLogits, sequential } from '@chainrule/nn';
import { adagrad, adam, nesterov, polyak, rmsprop, sgd, type UpdateRule } from '@chainrule/optim';
import { lineChart, type LinePoint } from '../shared/charts.js';
import { choice, slider } from '../shared/controls.js';
import { byId, el, formatNumber, nextFrame } from '../shared/dom.js';
import { hook, markReady, showKernels } from '../shared/page.js';
import { loadDigits, type Digits } from './data.js';
import { drawingPad } from './pad.js';

/** The optimisers offered, with their default step sizes for this network. */
const OPTIMISERS: Readonly<Record<string, { readonly label: string; readonly lr: number; readonly make: (lr: number) => UpdateRule }>> = {
  adam: { label: 'Adam', lr: 2e-3, make: (lr) => adam({ lr }) },
  rmsprop: { label: 'RMSProp', lr: 1e-3, make: (lr) => rmsprop({ lr }) },
  adagrad: { label: 'AdaGrad', lr: 0.05, make: (lr) => adagrad({ lr }) },
  polyak: { label: 'Polyak momentum', lr: 0.05, make: (lr) => polyak({ lr, momentum: 0.9 }) },
  nesterov: { label: 'Nesterov', lr: 0.1, make: (lr) => nesterov({ lr }) },
  sgd: { label: 'SGD', lr: 0.2, make: (lr) => sgd({ lr }) },
};

const settings = { optimiser: 'adam', lr: OPTIMISERS['adam']!.lr, hidden: 128, keep: 0.8, epochs: 5, batchSize: 32 };
const loading = loadDigits();
let digits: Digits | undefined;
const status: { running: boolean; epoch: number; step: number; accuracy?: number; history: { epoch: number; accuracy: number; loss: number }[]; seconds?: number; probabilities?: number[] } = { running: false, epoch: 0, step: 0, history: [] };
hook()['digits'] = { settings, status };

let trainer: Trainer | undefined;
let stopRequested = false;

const lossChart = lineChart(byId('loss-chart'), { xTitle: 'step', yTitle: 'training loss (mean of 20 steps)', logY: true, description: 'training loss per step', height: 200 });
const accuracyChart = lineChart(byId('accuracy-chart'), { xTitle: 'epoch', yTitle: 'test accuracy', description: 'test accuracy after each epoch', height: 200 });

/** The confusion matrix of the test digits, as a Vega-Lite heat map with counts. */
function confusionSpec(counts: number[][]): vega.Spec {
  const values = counts.flatMap((row, truth) => row.map((n, predicted) => ({ truth, predicted, n })));
  return compile({
    width: 260,
    height: 260,
    description: 'confusion matrix of the test digits: rows are true classes, columns predicted ones',
    data: { values },
    encoding: { x: { field: 'predicted', type: 'ordinal', title: 'predicted' }, y: { field: 'truth', type: 'ordinal', title: 'true digit' } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', scale: { type: 'sqrt', scheme: 'blues' }, legend: null } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'n', type: 'quantitative' }, color: { condition: { test: 'datum.n > 40', value: 'white' }, value: 'black' } } },
    ],
  }).spec;
}

async function drawConfusion(t: Trainer, digits: Digits): Promise<void> {
  const logits = t.predict(digits.test.x);
  const counts = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  digits.testLabels.forEach((truth, i) => {
    const row = logits.data.subarray(i * 10, i * 10 + 10);
    counts[truth]![row.indexOf(Math.max(...row))]! += 1;
  });
  await new vega.View(vega.parse(confusionSpec(counts)), { renderer: 'svg', container: byId('confusion') }).runAsync();
}

async function train(): Promise<void> {
  if (status.running) return;
  const data = digits ?? (await loading);
  status.running = true;
  stopRequested = false;
  status.history = [];
  status.step = 0;
  status.epoch = 0;
  (byId('train') as HTMLButtonElement).disabled = true;
  (byId('stop') as HTMLButtonElement).disabled = false;
  const option = OPTIMISERS[settings.optimiser]!;
  const t = new Trainer({
    model: sequential([dense(settings.hidden, { activation: 'relu' }), dropout(settings.keep), dense(10)]),
    inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: option.make(settings.lr),
    metrics: { error: misclassificationFromLogits }, seed: 7,
  });
  trainer = t;
  const losses: LinePoint[] = [];
  const accuracy: LinePoint[] = [];
  let window: number[] = [];
  const started = performance.now();
  for (let epoch = 1; epoch <= settings.epochs && !stopRequested; epoch++) {
    const epochBatches = batches(data.train, { batchSize: settings.batchSize, seed: 1, epoch: epoch - 1 });
    let sliceStart = performance.now();
    for (const batch of epochBatches) {
      window.push(t.step(batch));
      status.step++;
      if (window.length === 20) {
        losses.push({ series: 'training loss', x: status.step, y: window.reduce((a, b) => a + b, 0) / window.length });
        window = [];
      }
      // A slice of at most ~30 ms, then the page gets a frame to draw and answer input.
      if (performance.now() - sliceStart > 30) {
        byId('train-status').textContent = `epoch ${epoch}/${settings.epochs}, step ${status.step}`;
        await nextFrame();
        if (stopRequested) break;
        sliceStart = performance.now();
      }
    }
    const { error, loss } = t.evaluate(data.test);
    status.epoch = epoch;
    status.accuracy = 1 - error!;
    status.history.push({ epoch, accuracy: status.accuracy, loss: loss! });
    accuracy.push({ series: 'test accuracy', x: epoch, y: status.accuracy });
    await lossChart.update(losses);
    await accuracyChart.update(accuracy);
    byId('train-status').textContent = `epoch ${epoch}/${settings.epochs}: test accuracy ${(status.accuracy * 100).toFixed(1)}%, test loss ${formatNumber(loss!)}`;
    await nextFrame();
  }
  status.seconds = (performance.now() - started) / 1000;
  byId('train-status').textContent += ` — ${status.step} steps in ${status.seconds.toFixed(1)} s`;
  await drawConfusion(t, data);
  status.running = false;
  (byId('train') as HTMLButtonElement).disabled = false;
  (byId('stop') as HTMLButtonElement).disabled = true;
  (byId('classify-note') as HTMLElement).textContent = 'Draw a digit (or load a test digit) to classify it.';
  classify();
}

const probabilityView = new vega.View(vega.parse(compile({
  width: 240,
  height: 160,
  description: 'the network’s probability for each digit',
  data: { name: 'p' },
  mark: 'bar',
  encoding: { x: { field: 'digit', type: 'ordinal' }, y: { field: 'p', type: 'quantitative', scale: { domain: [0, 1] }, title: 'probability' } },
}).spec), { renderer: 'svg', container: byId('probabilities') });
await probabilityView.runAsync();

/** Classifies the pad's digit: softmax of the evaluation network's logits. */
function classify(): void {
  const pixels = pad.digit();
  if (trainer === undefined || pixels === undefined) return;
  const logits = Array.from(trainer.predict(new Tensor(pixels, [1, 784])).data);
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const z = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / z);
  status.probabilities = p;
  const best = p.indexOf(Math.max(...p));
  byId('prediction').textContent = `it reads ${best} (p = ${(p[best]! * 100).toFixed(1)}%)`;
  void probabilityView.data('p', p.map((v, digit) => ({ digit, p: v }))).runAsync();
}

const pad = drawingPad(byId<HTMLCanvasElement>('pad'), classify);
const controls = byId('digit-controls');
const lrSlider = slider({ key: 'lr', label: 'η (step size)', min: 1e-4, max: 1, log: true }, settings.lr, (v) => (settings.lr = v), 'digits');
controls.append(
  choice('optimiser', 'Optimiser', Object.entries(OPTIMISERS).map(([k, o]) => [k, o.label] as const), settings.optimiser, (v) => {
    settings.optimiser = v;
    settings.lr = OPTIMISERS[v]!.lr;
    lrSlider.set(settings.lr);
  }).element,
  lrSlider.element,
  slider({ key: 'hidden', label: 'hidden units', min: 16, max: 256, step: 16 }, settings.hidden, (v) => (settings.hidden = v), 'digits').element,
  slider({ key: 'keep', label: 'p (dropout keep)', min: 0.3, max: 1, step: 0.05 }, settings.keep, (v) => (settings.keep = v), 'digits').element,
  slider({ key: 'epochs', label: 'epochs', min: 1, max: 20, step: 1 }, settings.epochs, (v) => (settings.epochs = v), 'digits').element,
);
byId('train').addEventListener('click', () => void train());
byId('stop').addEventListener('click', () => (stopRequested = true));
byId('clear').addEventListener('click', () => {
  pad.clear();
  byId('prediction').textContent = '';
});
let shownTest = 0;
byId('test-digit').addEventListener('click', () => {
  if (digits === undefined) return;
  const i = (shownTest = (shownTest * 7 + 13) % digits.testLabels.length);
  pad.show(digits.test.x.data.subarray(i * 784, i * 784 + 784));
  byId('prediction').textContent = '';
  classify();
});
showKernels();
byId('train-status').textContent = 'loading the digits…';
markReady();
digits = await loading;
byId('train-status').textContent = `${digits.train.x.shape[0]} training digits, ${digits.test.x.shape[0]} test digits; press “train”`;
hook()['digitsLoaded'] = true;
