// Fighting overfitting, the lecture's toolkit on one small data set: 500 training digits, where a
// 784-128-10 network fits the training set and stops generalising. The same network, seed and
// epochs are trained with nothing, an L2 penalty, an L1 penalty, noise added to the inputs, data
// augmentation (random shifts), early stopping, dropout, and a 5-member ensemble; the table gives
// each one's train, validation and test error, and the plot their training and validation losses.
//
//   pnpm --filter @chainrule/examples overfitting                      the table (run time: examples/README.md)
//   pnpm --filter @chainrule/examples overfitting -- --out <folder>    also writes overfitting.svg and
//                                                                      overfitting-table.md there
//   (`pnpm run docs` writes both into docs/pictures/ for the guide "Fighting overfitting")
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { l1Norm, l2Squared, adam } from '@chainrule/optim';
import {
  Ensemble, Trainer, crossEntropyFromLogits, dense, dropout, exampleCount, gaussianNoise, misclassificationFromLogits,
  randomShift, sequential, takeRows, trainValidationSplit, type Dataset, type EpochRecord, type FitOptions, type Layer, type TrainerOptions,
} from '@chainrule/nn';
import { loadDigits } from './mnist-data.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const smoke = args.includes('--smoke');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
if (outIndex >= 0 && out === undefined) {
  console.error('overfitting: --out needs a folder');
  process.exit(2);
}

const SPLIT_SEED = 2024; // the same test digits as the mnist example
const TRAIN = smoke ? 100 : 500;
const EPOCHS = smoke ? 3 : 40;
const BATCH = 50;
const SEED = 5;

const all = loadDigits();
const held = trainValidationSplit(all, 1500 / exampleCount(all), SPLIT_SEED);
const test = held.validation;
const rest = trainValidationSplit(held.train, 1000 / exampleCount(held.train), SPLIT_SEED + 1);
const validation = rest.validation;
const first = (data: Dataset, k: number): Dataset => {
  const idx = Array.from({ length: k }, (_, i) => i);
  return { x: takeRows(data.x, idx), y: takeRows(data.y, idx) };
};
const train = first(rest.train, TRAIN);

/** The trainer options of the network, with extra layers before it or after its hidden layer. */
const setup = (options: { before?: Layer[]; hidden?: Layer[]; penalty?: TrainerOptions['regularization']; seed?: number } = {}): TrainerOptions => ({
  model: sequential([...(options.before ?? []), dense(128, { activation: 'relu' }), ...(options.hidden ?? []), dense(10)]),
  inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: adam({ lr: 1e-3 }),
  metrics: { error: misclassificationFromLogits }, seed: options.seed ?? SEED,
  ...(options.penalty ? { regularization: options.penalty } : {}),
});
const fit: FitOptions = { epochs: EPOCHS, batchSize: BATCH, shuffleSeed: SEED, validation, progress: 'none' };

interface Row {
  readonly name: string;
  readonly lecture: string;
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly epochs: number;
  readonly history: readonly EpochRecord[];
  readonly seconds: number;
}

function run(name: string, lecture: string, options: TrainerOptions, extra: Partial<FitOptions> = {}): Row {
  const started = performance.now();
  const trainer = new Trainer(options);
  const history = trainer.fit(train, { ...fit, ...extra });
  const row = {
    name, lecture, history, epochs: trainer.epoch,
    train: trainer.evaluate(train)['error']!, validation: trainer.evaluate(validation)['error']!, test: trainer.evaluate(test)['error']!,
    seconds: (performance.now() - started) / 1000,
  };
  console.log(`${name.padEnd(16)} train error ${pct(row.train)}, validation ${pct(row.validation)}, test ${pct(row.test)} (${row.epochs} epochs, ${row.seconds.toFixed(1)} s)`);
  return row;
}
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

console.log(`${exampleCount(train)} training digits, ${exampleCount(validation)} validation, ${exampleCount(test)} test; 784-128-10 ReLU, Adam η = 1e-3, batch ${BATCH}, ${EPOCHS} epochs, seed ${SEED}\n`);
const rows: Row[] = [
  run('nothing', 'empirical risk alone', setup()),
  run('L2 penalty', 'λφ(w), φ(w) = ½‖w‖₂², λ = 5e-3', setup({ penalty: (p) => l2Squared(p).mul(5e-3) })),
  run('L1 penalty', 'λφ(w), φ(w) = ‖w‖₁, λ = 3e-4', setup({ penalty: (p) => l1Norm(p).mul(3e-4) })),
  run('input noise', 'x + σξ, ξ ~ N(0, I), σ = 0.5', setup({ before: [gaussianNoise(0.5)] })),
  run('augmentation', 'shifts of up to ±2 pixels', setup(), { augmentation: { apply: randomShift({ height: 28, width: 28, maxShift: 2 }) } }),
  run('early stopping', 'best validation loss, patience 5', setup(), { earlyStopping: { patience: 5, restoreBest: true } }),
  run('dropout', 'keep p = 0.8 (inputs), p = 0.5 (hidden)', setup({ before: [dropout(0.8)], hidden: [dropout(0.5)] })),
];
{
  const started = performance.now();
  const ensemble = new Ensemble({ size: 5, average: 'probabilities', member: (i) => setup({ seed: SEED + 100 * (i + 1) }) });
  const histories = ensemble.fit(train, fit);
  const history = histories[0]!.map((r, e) => ({ ...r, loss: histories.reduce((s, h) => s + h[e]!.loss, 0) / histories.length, validation: { loss: histories.reduce((s, h) => s + h[e]!.validation!['loss']!, 0) / histories.length } }));
  const row: Row = {
    name: 'ensemble of 5', lecture: 'average of 5 networks’ probabilities', history, epochs: EPOCHS,
    train: ensemble.evaluate(train)['error']!, validation: ensemble.evaluate(validation)['error']!, test: ensemble.evaluate(test)['error']!,
    seconds: (performance.now() - started) / 1000,
  };
  console.log(`${row.name.padEnd(16)} train error ${pct(row.train)}, validation ${pct(row.validation)}, test ${pct(row.test)} (5 × ${EPOCHS} epochs, ${row.seconds.toFixed(1)} s; curves: the members' mean)`);
  rows.push(row);
}

if (out !== undefined) {
  mkdirSync(out, { recursive: true });
  const table = [
    `| method | the lecture's idea | train error | validation error | test error | epochs |`,
    `| --- | --- | ---: | ---: | ---: | ---: |`,
    ...rows.map((r) => `| ${r.name} | ${r.lecture} | ${pct(r.train)} | ${pct(r.validation)} | ${pct(r.test)} | ${r.epochs} |`),
  ].join('\n');
  writeFileSync(join(out, 'overfitting-table.md'), `${table}\n`);
  const values = rows.flatMap((r) => r.history.flatMap((h) => [
    { method: r.name, epoch: h.epoch, loss: h.loss, set: 'training' },
    { method: r.name, epoch: h.epoch, loss: h.validation!['loss']!, set: 'validation' },
  ]));
  const spec: vegaLite.TopLevelSpec = {
    title: `training and validation loss, ${exampleCount(train)} training digits (784-128-10, same seed)`,
    data: { values },
    facet: { field: 'method', type: 'nominal', title: null, sort: rows.map((r) => r.name) },
    columns: 4,
    spec: {
      width: 170,
      height: 120,
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative' },
        y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'cross-entropy' },
        color: { field: 'set', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      },
    },
  };
  const svg = await new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' }).toSVG();
  writeFileSync(join(out, 'overfitting.svg'), svg);
  console.log(`\nwrote ${join(out, 'overfitting-table.md')} and ${join(out, 'overfitting.svg')}`);
}
