// An MLP 784-256-128-10 (ReLU, the lecture's dropout with keep probability p = 0.8 on both hidden
// layers, softmax cross-entropy from logits) trained with Adam by the `@chainrule/nn` Trainer on the
// 10,000 digits shipped by the `mnist` package. The data are read in a fixed order and split with
// fixed seeds: 1,500 test digits that are never trained on, 1,000 validation digits for early
// stopping, 7,500 for training (the full run also shifts them by up to 2 pixels, a new seeded shift
// every epoch). Every number printed is the same on every run, except times.
//
//   pnpm --filter @chainrule/examples mnist                 short: 5 epochs, no shifts
//   pnpm --filter @chainrule/examples mnist -- --full       full: up to 40 epochs of shifted digits
//   pnpm --filter @chainrule/examples mnist -- --optimizers sgd, Polyak momentum, RMSProp and Adam on a
//                                                           3,000-digit subset, 4 epochs each
// (run times, measured: examples/README.md)
import { argmaxRow, loadDigits, mnist } from './mnist-data.js';
import { adam, exponentialDecay, polyak, rmsprop, sgd, type UpdateRule } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, dropout, exampleCount, misclassification, randomShift, sequential, takeRows, trainValidationSplit, type Dataset, type EpochRecord } from '@chainrule/nn';

const started = performance.now();
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const flags = process.argv.slice(2).filter((a) => a !== '--'); // `pnpm … mnist -- --full` may pass the `--` on
const unknown = flags.filter((a) => a !== '--full' && a !== '--optimizers' && a !== '--smoke');
if (unknown.length > 0) {
  console.error(`mnist: unknown argument(s) ${unknown.join(' ')}; use --full, --optimizers or --smoke`);
  process.exit(2);
}
const mode = flags.includes('--optimizers') ? 'optimizers' : flags.includes('--full') ? 'full' : 'short';
const smoke = flags.includes('--smoke'); // CI's quick pass over every example: one epoch of 1,000 digits

const SPLIT_SEED = 2024; // the test/validation/train split
const SEED = 7; // initial weights, dropout masks (Trainer) and the order of the batches (fit)
const KEEP = 0.8; // the lecture's p: probability of keeping a hidden unit
const TEST_SIZE = 1500;
const VALIDATION_SIZE = 1000;
const SHORT = smoke ? { digits: 1000, epochs: 1 } : { digits: 7500, epochs: 5 }; // the default run
const COMPARE = { digits: 3000, epochs: 4 }; // each row of --optimizers

const all = loadDigits();
const m = exampleCount(all);
const held = trainValidationSplit(all, TEST_SIZE / m, SPLIT_SEED);
const test = held.validation; // never trained on, never used to choose anything
const rest = trainValidationSplit(held.train, VALIDATION_SIZE / exampleCount(held.train), SPLIT_SEED + 1);
const train = rest.train;
const validation = rest.validation;
const testLabels = Array.from({ length: exampleCount(test) }, (_, i) => argmaxRow(test.y, i));
console.log(
  `mnist package: ${m} digits (${mnist.map((d, k) => `${k}:${d.length}`).join(' ')}), loaded in ${seconds(started)}\n` +
    `split (seed ${SPLIT_SEED}): ${exampleCount(train)} train, ${exampleCount(validation)} validation, ${exampleCount(test)} test`,
);

/** The first `k` training examples (the split already shuffled them). */
const firstRows = (data: Dataset, k: number): Dataset => {
  const idx = Array.from({ length: Math.min(k, exampleCount(data)) }, (_, i) => i);
  return { x: takeRows(data.x, idx), y: takeRows(data.y, idx) };
};


// ---------------------------------------------------------------------------------------------
// Model and training.
// ---------------------------------------------------------------------------------------------
/** y(1) = relu(W(0)x + b(0)), dropout, y(2) = relu(W(1)y(1) + b(1)), dropout, logits W(2)y(2) + b(2). */
const mlp = () =>
  sequential([dense(256, { activation: 'relu' }), dropout(KEEP), dense(128, { activation: 'relu' }), dropout(KEEP), dense(10)]);

function makeTrainer(rule: UpdateRule): Trainer {
  return new Trainer({
    model: mlp(),
    inputUnits: 784,
    targetUnits: 10,
    loss: crossEntropyFromLogits,
    rule,
    metrics: { error: misclassification },
    seed: SEED,
  });
}

/** Test loss and accuracy: the misclassification metric, cross-checked by the argmax of the logits. */
function testScores(trainer: Trainer): { loss: number; accuracy: number } {
  const { loss, error } = trainer.evaluate(test);
  const logits = trainer.predict(test.x);
  const correct = testLabels.filter((label, i) => argmaxRow(logits, i) === label).length;
  const accuracy = 1 - error!;
  if (Math.abs(correct / testLabels.length - accuracy) > 1e-12) {
    throw new Error(`mnist: misclassification (${accuracy}) and argmax of predict (${correct / testLabels.length}) disagree`);
  }
  return { loss: loss!, accuracy };
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

function describe(history: readonly EpochRecord[], trainer: Trainer, trainingStarted: number): void {
  const { loss, accuracy } = testScores(trainer);
  const last = history[history.length - 1]!;
  const correct = Math.round(accuracy * exampleCount(test));
  console.log(
    `\ntest accuracy ${pct(accuracy)} (${correct}/${exampleCount(test)} held-out digits), test loss ${loss.toFixed(4)}, ` +
      `last training loss ${last.loss.toFixed(4)} after ${trainer.epoch} epochs`,
  );
  console.log(`training ${seconds(trainingStarted)}, wall time ${seconds(started)}`);
}

if (mode === 'short') {
  const subset = firstRows(train, SHORT.digits);
  const epochs = SHORT.epochs;
  console.log(`\nshort run: ${exampleCount(subset)} training digits, ${epochs} epochs, batch 64, Adam η = 1e-3, dropout p = ${KEEP} (--full for the whole run)`);
  const trainer = makeTrainer(adam({ lr: 1e-3 }));
  const t0 = performance.now();
  const history = trainer.fit(subset, { epochs, batchSize: 64, shuffleSeed: SEED, validation });
  describe(history, trainer, t0);
} else if (mode === 'full') {
  const maxEpochs = 40;
  const patience = 8;
  const stepsPerEpoch = Math.ceil(exampleCount(train) / 64);
  console.log(
    `\nfull run: ${exampleCount(train)} training digits, each batch shifted by fresh seeded offsets of up to ±2 pixels (randomShift), ` +
      `up to ${maxEpochs} epochs, batch 64, dropout p = ${KEEP},\nAdam with η = 1e-3 · 0.5^(epoch/10), early stopping on the validation loss ` +
      `(patience ${patience}, best weights restored)`,
  );
  const trainer = makeTrainer(adam({ lr: exponentialDecay(1e-3, 0.5, 10 * stepsPerEpoch) }));
  const t0 = performance.now();
  // Every batch's digits moved by their own seeded offsets (the library's randomShift, drawn from the
  // trainer's stream, so the run is the same every time); early stopping restores the best weights.
  const history = trainer.fit(train, {
    epochs: maxEpochs, batchSize: 64, shuffleSeed: SEED, validation,
    earlyStopping: { patience, restoreBest: true },
    augmentation: { apply: randomShift({ height: 28, width: 28, maxShift: 2 }) },
  });
  const best = history.reduce((a, r) => (r.validation!['loss']! < a.validation!['loss']! ? r : a));
  console.log(
    `\nbest validation loss ${best.validation!['loss']!.toFixed(4)} at epoch ${best.epoch} (validation accuracy ${pct(1 - best.validation!['error']!)}): its weights are restored`,
  );
  describe(history, trainer, t0);
} else {
  const subset = firstRows(train, COMPARE.digits);
  const epochs = COMPARE.epochs;
  const rules: [string, string, UpdateRule][] = [
    ['sgd', 'η = 0.1', sgd({ lr: 0.1 })],
    ['polyak', 'η = 0.01, γ = 0.9', polyak({ lr: 0.01, momentum: 0.9 })],
    ['rmsprop', 'η = 1e-3, β = 0.9', rmsprop({ lr: 1e-3 })],
    ['adam', 'η = 1e-3, β₁ = 0.9, β₂ = 0.999', adam({ lr: 1e-3 })],
  ];
  console.log(`\noptimisers: ${exampleCount(subset)} training digits, ${epochs} epochs, batch 64, same seed ${SEED} (initial weights, masks, batch order)`);
  const rows: string[] = [];
  for (const [name, settings, rule] of rules) {
    console.log(`\n${name} (${settings})`);
    const trainer = makeTrainer(rule);
    const t0 = performance.now();
    const history = trainer.fit(subset, { epochs, batchSize: 64, shuffleSeed: SEED, validation });
    const time = seconds(t0);
    const { loss, accuracy } = testScores(trainer);
    const last = history[history.length - 1]!;
    rows.push(
      `| ${name.padEnd(7)} | ${settings.padEnd(30)} | ${last.loss.toFixed(4).padStart(10)} | ${loss.toFixed(4).padStart(9)} | ${pct(accuracy).padStart(13)} | ${time.padStart(8)} |`,
    );
  }
  console.log(`\n| rule    | ${'settings'.padEnd(30)} | train loss | test loss | test accuracy | time     |`);
  console.log(`| ------- | ${'-'.repeat(30)} | ---------- | --------- | ------------- | -------- |`);
  for (const row of rows) console.log(row);
  console.log(`\nwall time ${seconds(started)}`);
}
