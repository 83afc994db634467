// A small convolutional network on the same digits as the MLP example (mnist.ts): the same seeded
// split of the `mnist` package's 10,000 digits into 7,500 training, 1,000 validation and 1,500 test
// digits that are never trained on. Two 3×3 convolutions (32 and 64 filters, each followed by batch
// normalisation, ReLU and 2×2 max pooling), dropout and a dense layer to 10 logits; AdamW with a
// linear warm-up and cosine decay of the step size; each training batch shifted by up to 2 pixels.
// Computed in float32. Every number printed is the same on every run, except times.
//
//   pnpm --filter @chainrule/examples mnist-cnn            the full run
//   pnpm --filter @chainrule/examples mnist-cnn -- --smoke  CI's quick pass: 1,000 digits, one epoch
// (run times, measured: examples/README.md)
import { Tensor, type DType } from '@chainrule/graph';
import {
  Trainer,
  accuracy,
  activation,
  batchNorm,
  conv2d,
  crossEntropyFromLogits,
  dense,
  dropout,
  exampleCount,
  flatten,
  maxPool2d,
  randomShift,
  reshape,
  sequential,
  takeRows,
  trainValidationSplit,
  type Dataset,
} from '@chainrule/nn';
import { adamw, warmupCosineDecay } from '@chainrule/optim';
import { argmaxRow, loadDigits } from './mnist-data.js';

const started = performance.now();
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const flags = process.argv.slice(2).filter((a) => a !== '--');
const unknown = flags.filter((a) => a !== '--smoke');
if (unknown.length > 0) {
  console.error(`mnist-cnn: unknown argument(s) ${unknown.join(' ')}; use --smoke or nothing`);
  process.exit(2);
}
const smoke = flags.includes('--smoke');

const SPLIT_SEED = 2024; // the test/validation/train split of mnist.ts
const SEED = 7; // initial weights, dropout masks, batch order, shifts
const TEST_SIZE = 1500;
const VALIDATION_SIZE = 1000;
const RUN = smoke ? { digits: 1000, epochs: 1 } : { digits: 7500, epochs: 30 };
const BATCH = 64;
const DTYPE: DType = 'float32';

const all = loadDigits();
const held = trainValidationSplit(all, TEST_SIZE / exampleCount(all), SPLIT_SEED);
const rest = trainValidationSplit(held.train, VALIDATION_SIZE / exampleCount(held.train), SPLIT_SEED + 1);
/** The data in the trainer's dtype; the first `k` examples (the split already shuffled them). */
const prepare = (data: Dataset, k = exampleCount(data)): Dataset => {
  const rows = Array.from({ length: Math.min(k, exampleCount(data)) }, (_, i) => i);
  const cast = (t: Tensor): Tensor => new Tensor(Float32Array.from(takeRows(t, rows).data), [rows.length, t.shape[1]!]);
  return { x: cast(data.x), y: cast(data.y) };
};
const train = prepare(rest.train, RUN.digits);
const validation = prepare(rest.validation);
const test = prepare(held.validation);
console.log(`split (seed ${SPLIT_SEED}): ${exampleCount(train)} train, ${exampleCount(validation)} validation, ${exampleCount(test)} test digits`);

/** conv → batch norm → relu → max pool, twice; dropout; logits. */
const model = sequential([
  reshape([28, 28, 1]),
  conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }), // the batch norm's β is the bias
  batchNorm(),
  activation('relu'),
  maxPool2d({ windowShape: 2 }), // [14, 14, 32]
  conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
  batchNorm(),
  activation('relu'),
  maxPool2d({ windowShape: 2 }), // [7, 7, 64]
  flatten(),
  dropout({ rate: 0.3 }),
  dense(10),
]);

const steps = RUN.epochs * Math.ceil(exampleCount(train) / BATCH);
const lr = warmupCosineDecay({ peak: 3e-3, warmupSteps: Math.ceil(steps / 20), decaySteps: steps, floor: 3e-5 });
const trainer = new Trainer({ model, inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: adamw({ lr, weightDecay: 1e-4 }), metrics: { accuracy }, seed: SEED, dtype: DTYPE });
console.log(`\n${trainer.model.summary()}\n`);
console.log(
  `${exampleCount(train)} training digits, ${RUN.epochs} epoch(s) of batches of ${BATCH}, each shifted by up to ±2 pixels; ` +
    `AdamW (λ = 1e-4), step size warmed up over ${Math.ceil(steps / 20)} steps to 3e-3, cosine decay to 3e-5 at step ${steps}; ${DTYPE}`,
);

const t0 = performance.now();
trainer.fit(train, {
  epochs: RUN.epochs,
  batchSize: BATCH,
  shuffleSeed: SEED,
  validation,
  augmentation: { apply: randomShift({ height: 28, width: 28, maxShift: 2 }) },
});
const trainingTime = seconds(t0);

const { loss, accuracy: testAccuracy } = trainer.evaluate(test);
// Cross-checks: the argmax of the logits, and the diagonal of the confusion matrix.
const logits = trainer.predict(test.x);
const m = exampleCount(test);
const correct = Array.from({ length: m }, (_, i) => (argmaxRow(logits, i) === argmaxRow(test.y, i) ? 1 : 0) as number).reduce((a, b) => a + b, 0);
const counts = trainer.confusionMatrix(test);
const diagonal = Array.from({ length: 10 }, (_, k) => counts.data[11 * k]!).reduce((a, b) => a + b, 0);
// (the accuracy metric is a float32 mean here: compared as a count)
if (Math.round(testAccuracy! * m) !== correct || diagonal !== correct) {
  throw new Error(`mnist-cnn: accuracy ${testAccuracy}, argmax ${correct}/${m} and the confusion matrix's diagonal ${diagonal} disagree`);
}
const worst = Array.from({ length: 100 }, (_, k) => [Math.floor(k / 10), k % 10, counts.data[k]!] as const)
  .filter(([t, p]) => t !== p)
  .sort((a, b) => b[2] - a[2])[0]!;
console.log(
  `\ntest accuracy ${((100 * correct) / m).toFixed(2)}% (${correct}/${m} held-out digits), test loss ${loss!.toFixed(4)}; ` +
    `most frequent confusion: ${worst[2]} ${worst[0]}s taken for ${worst[1]}s`,
);
console.log(`training ${trainingTime}, wall time ${seconds(started)}`);
