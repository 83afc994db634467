import { ArgumentError, ChainruleError, Graph, describeValue, expectArray, expectBoolean, expectFunction, expectNumber, expectOptions, expectString, expectTensor, type DType, type Executable, type Node, type Tensor } from '@chainrule/graph';
import { minimize, type Minimization, type UpdateRule } from '@chainrule/optim';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { batches, exampleCount, expectDataset, type Dataset } from './data.js';
import { Model } from './layers/sequential.js';
import { empiricalRisk } from './losses.js';
import { epochProgress, type ProgressMode } from './progress.js';

/**
 * A per-example loss or metric: (model output, target) → one value per example.
 *
 * @example
 * ```ts
 * const absoluteError: ExampleLoss = (output, target) => output.sub(target).abs().sum(-1);
 * ```
 */
export type ExampleLoss = (output: Node, target: Node) => Node;

/**
 * How a {@link Trainer} is set up.
 *
 * @example
 * ```ts
 * const options: TrainerOptions = { model: sequential([dense(3)]), inputUnits: 4, targetUnits: 3, loss: crossEntropyFromLogits,
 *   rule: adam({ lr: 1e-2 }), metrics: { error: misclassificationFromLogits }, regularization: (p) => l2Squared(p).mul(1e-4) };
 * const trainer = new Trainer(options);
 * ```
 */
export interface TrainerOptions {
  /** The model (built by the trainer). */
  readonly model: Model;
  /** Number of input features. */
  readonly inputUnits: number;
  /** Number of target columns. */
  readonly targetUnits: number;
  /** The per-example loss ℓ(y, h_w(x)). */
  readonly loss: ExampleLoss;
  /** The update rule (any `@chainrule/optim` rule or chain). */
  readonly rule: UpdateRule;
  /** λφ(w) added to the empirical risk, as a function of the parameters (e.g. `(p) => l2Squared(p).mul(1e-4)`). */
  readonly regularization?: (params: readonly Node[]) => Node;
  /** Metrics reported on evaluation, by name (per-example values, averaged). */
  readonly metrics?: Readonly<Record<string, ExampleLoss>>;
  /** Base seed of the model's initializers and dropout (default 1). */
  readonly seed?: number;
  /** Element type (default float64). */
  readonly dtype?: DType;
  /** Which executor runs the graphs (default `'compiled'`; `'interpreter'` is the readable reference). */
  readonly executor?: 'interpreter' | 'compiled';
}

/**
 * One epoch's record in the training history.
 *
 * @example
 * ```ts
 * const history: EpochRecord[] = trainer.fit(train, { epochs: 10, batchSize: 32, validation });
 * for (const r of history) console.log(`epoch ${r.epoch}: ${r.loss.toFixed(4)} (${r.milliseconds} ms)`, r.validation?.['loss']);
 * ```
 */
export interface EpochRecord {
  /** The epoch number, from 1. */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  readonly loss: number;
  /** Validation loss and metrics, when a validation set was given. */
  readonly validation?: Readonly<Record<string, number>>;
  /** Wall time of the epoch in milliseconds. */
  readonly milliseconds: number;
}

/**
 * Called after every epoch; return `'stop'` to end training.
 *
 * @example
 * ```ts
 * const stopBelow: EpochCallback = (record) => (record.loss < 0.01 ? 'stop' : undefined);
 * ```
 */
export type EpochCallback = (record: EpochRecord, trainer: Trainer) => void | 'stop';

/**
 * Options of {@link Trainer.fit}.
 *
 * @example
 * ```ts
 * trainer.fit(train, { epochs: 50, batchSize: 64, shuffleSeed: 7, validation, earlyStopping: { patience: 3, minDelta: 1e-4 }, progress: 'lines' });
 * ```
 */
export interface FitOptions {
  /** Train until this many epochs are complete in total (a resumed trainer continues from where it was). */
  readonly epochs: number;
  /** Examples per step: 1 is stochastic, the data set size is batch gradient descent. */
  readonly batchSize: number;
  /** Seed of the per-epoch shuffling (default 1); `null` keeps the data order. */
  readonly shuffleSeed?: number | null;
  /** Data to evaluate after every epoch. */
  readonly validation?: Dataset;
  /** Stop when the validation loss has not improved by `minDelta` for `patience` epochs. */
  readonly earlyStopping?: { readonly patience: number; readonly minDelta?: number; readonly restoreBest?: boolean };
  /** Called after every epoch. */
  readonly callbacks?: readonly EpochCallback[];
  /** Progress display (default `auto`: a bar on a terminal, lines elsewhere). */
  readonly progress?: ProgressMode;
}

/**
 * Trains a model by empirical risk minimisation: builds, once, the training graph (forward pass with
 * dropout, the loss (1/m)Σℓ + λφ(w), and the update of the chosen rule) and the evaluation graph
 * (deterministic forward pass, loss and metrics) on the same variables; then runs epochs of
 * mini-batches. The same seed gives the same run bit for bit; checkpoints resume it exactly.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ model: sequential([dense(16, { activation: 'relu' }), dense(3)]), inputUnits: 4, targetUnits: 3,
 *   loss: crossEntropyFromLogits, rule: adam({ lr: 1e-2 }) });
 * const history = trainer.fit(train, { epochs: 20, batchSize: 32, validation });
 * ```
 */
export class Trainer {
  /** The graph holding the model, the optimizer state and both passes. */
  readonly graph = new Graph();
  /** The model. */
  readonly model: Model;
  /** The update applied by each training step. */
  readonly update: Minimization;
  /** Completed epochs (restored by {@link Trainer.load}). */
  epoch = 0;
  private readonly trainStep: Executable;
  private readonly evaluateRun: Executable;
  private readonly predictRun: Executable;
  private readonly metricNames: string[];

  /**
   * Builds the model in a new graph, and the training and evaluation graphs on its variables.
   *
   * @param options - model, data sizes, loss, rule, metrics, seed.
   * @throws ChainruleError when the model is already built or the rule's options do not fit.
   */
  constructor(options: TrainerOptions) {
    checkTrainerOptions(options);
    const dtype = options.dtype ?? 'float64';
    this.model = options.model.build(this.graph, options.inputUnits, { seed: options.seed ?? 1, dtype });
    const x = this.graph.input('x', ['batch', options.inputUnits], dtype);
    const y = this.graph.input('y', ['batch', options.targetUnits], dtype);
    const params = [...this.model.parameters.values()];
    const penalty = options.regularization?.(params);
    const trainLoss = empiricalRisk(options.loss(this.model.forward(x, { training: true }), y), penalty);
    this.update = minimize(trainLoss, params, options.rule);
    const executor = options.executor ?? 'compiled';
    this.trainStep = this.graph.compile({ outputs: [trainLoss], updates: this.update, executor });
    const out = this.model.forward(x, { training: false });
    this.metricNames = Object.keys(options.metrics ?? {});
    const metricNodes = this.metricNames.map((name) => options.metrics![name]!(out, y).mean());
    this.evaluateRun = this.graph.compile({ outputs: [empiricalRisk(options.loss(out, y), penalty), ...metricNodes], executor });
    this.predictRun = this.graph.compile({ outputs: [out], executor });
  }

  /**
   * One update on one batch.
   *
   * @param batch - inputs and targets.
   * @returns the batch's loss before the update.
   * @throws FeedError when the batch's shapes or dtype do not fit the model.
   * @example
   * ```ts
   * const loss = trainer.step({ x: xBatch, y: yBatch });
   * ```
   */
  step(batch: Dataset): number {
    expectDataset('Trainer.step', 'batch', batch);
    return this.trainStep({ x: batch.x, y: batch.y })[0]!.item();
  }

  /**
   * Loss and metrics of the evaluation graph (no dropout) over a data set, averaged per example.
   *
   * @param data - the examples.
   * @param batchSize - examples per run (default 1024).
   * @returns `loss` and each metric by name.
   * @throws ChainruleError when inputs and targets have different numbers of examples.
   * @example
   * ```ts
   * trainer.evaluate(test); // { loss: 0.31, error: 0.087 }
   * ```
   */
  evaluate(data: Dataset, batchSize = 1024): Record<string, number> {
    expectDataset('Trainer.evaluate', 'data', data);
    expectNumber('Trainer.evaluate', 'batchSize', batchSize, { kind: 'integer', min: 1 });
    const totals = new Array<number>(1 + this.metricNames.length).fill(0);
    const m = exampleCount(data);
    for (const b of batches(data, { batchSize })) {
      const n = b.x.shape[0]!;
      this.evaluateRun({ x: b.x, y: b.y }).forEach((v, i) => (totals[i]! += v.item() * n));
    }
    return Object.fromEntries([['loss', totals[0]! / m], ...this.metricNames.map((name, i) => [name, totals[i + 1]! / m])]);
  }

  /**
   * The model's evaluation output for inputs.
   *
   * @param x - inputs [n, inputUnits].
   * @returns outputs [n, outputUnits].
   * @throws FeedError when `x` does not have `inputUnits` columns or the trainer's dtype.
   * @example
   * ```ts
   * trainer.predict(tensor([[5.1, 3.5, 1.4, 0.2]])); // [1, 3] scores
   * ```
   */
  predict(x: Tensor): Tensor {
    expectTensor('Trainer.predict', 'x', x);
    return this.predictRun({ x })[0]!;
  }

  /**
   * Trains for epochs of shuffled mini-batches (the last batch smaller when needed), evaluating on
   * validation data after each, with optional early stopping on the validation loss.
   *
   * @param train - the training examples.
   * @param options - epochs, batch size, validation, early stopping, callbacks, progress.
   * @returns one record per epoch run.
   * @throws ChainruleError when early stopping is asked for without validation data, or the data are malformed.
   * @example
   * ```ts
   * const history = trainer.fit(train, { epochs: 10, batchSize: 64, validation, earlyStopping: { patience: 2, restoreBest: true } });
   * history.at(-1)?.validation?.['loss'];
   * ```
   */
  fit(train: Dataset, options: FitOptions): EpochRecord[] {
    expectDataset('fit', 'train', train);
    const { epochs, batchSize, shuffleSeed = 1, validation, earlyStopping, callbacks = [], progress = 'auto' } = checkFitOptions(options);
    if (earlyStopping && !validation) throw new ChainruleError('fit: early stopping needs validation data');
    if (!Number.isSafeInteger(this.epoch) || this.epoch < 0) throw new ChainruleError(`fit: the trainer's epoch is ${describeValue(this.epoch)}, not a count of completed epochs`);
    const history: EpochRecord[] = [];
    let best = Infinity;
    let bestValues: Map<string, Tensor> | undefined;
    let waited = 0;
    while (this.epoch < epochs) {
      const started = performance.now();
      const parts = batches(train, { batchSize, ...(shuffleSeed === null ? {} : { seed: shuffleSeed }), epoch: this.epoch });
      const reporter = epochProgress(progress, this.epoch + 1, parts.length);
      let sum = 0;
      let seen = 0;
      parts.forEach((b, i) => {
        const n = b.x.shape[0]!;
        sum += this.step(b) * n;
        seen += n;
        reporter.batch(i + 1, sum / seen);
      });
      this.epoch++;
      const scores = validation ? this.evaluate(validation) : undefined;
      const record: EpochRecord = { epoch: this.epoch, loss: sum / seen, ...(scores ? { validation: scores } : {}), milliseconds: performance.now() - started };
      history.push(record);
      const shown = scores ? Object.entries(scores).map(([k, v]) => `val ${k} ${v.toFixed(4)}`).join(', ') : '';
      reporter.end(`epoch ${record.epoch}: loss ${record.loss.toFixed(4)}${shown ? `, ${shown}` : ''} (${(record.milliseconds / 1000).toFixed(1)} s)`);
      let stop = false;
      for (const callback of callbacks) if (callback(record, this) === 'stop') stop = true; // every callback sees every epoch
      if (earlyStopping && scores) {
        if (scores['loss']! < best - (earlyStopping.minDelta ?? 0)) {
          best = scores['loss']!;
          waited = 0;
          if (earlyStopping.restoreBest) bestValues = new Map([...this.model.parameters.keys()].map((k) => [k, this.graph.getVariable(k)] as const));
        } else if (++waited >= earlyStopping.patience) stop = true;
      }
      if (stop) break;
    }
    if (bestValues) for (const [k, v] of bestValues) this.graph.setVariable(k, v);
    return history;
  }

  /**
   * Saves parameters, optimizer state, step counter, random state and completed epochs, atomically.
   *
   * @param path - the checkpoint file.
   * @example
   * ```ts
   * trainer.fit(train, { epochs: 5, batchSize: 32, callbacks: [(r, t) => t.save(`epoch-${r.epoch}.json`)] });
   * ```
   */
  save(path: string): void {
    if (!Number.isSafeInteger(this.epoch) || this.epoch < 0) throw new ChainruleError(`save: the trainer's epoch is ${describeValue(this.epoch)}, not a count of completed epochs`);
    saveCheckpoint(this.graph, path, { epoch: this.epoch });
  }

  /**
   * Restores a checkpoint saved by a trainer set up the same way; training then continues exactly
   * as if it had not stopped. A corrupt or mismatched file changes nothing, nor does one whose
   * epoch or step counter is not a non-negative integer.
   *
   * @param path - the checkpoint file.
   * @throws ChainruleError naming the mismatch.
   * @example
   * ```ts
   * trainer.load('run.ckpt.json');
   * trainer.fit(train, { epochs: 20, batchSize: 32 }); // continues from trainer.epoch
   * ```
   */
  load(path: string): void {
    const { epoch = 0 } = loadCheckpoint(this.graph, path, { counters: [this.update.step.name!] });
    this.epoch = epoch;
  }
}

/** Checks a trainer's options for JavaScript callers (the constructor's one argument). */
function checkTrainerOptions(options: TrainerOptions): void {
  const fn = 'Trainer';
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { model, inputUnits, targetUnits, loss, rule, … }', options);
  const o = expectOptions(fn, 'options', options);
  if (!(o['model'] instanceof Model)) throw new ArgumentError(fn, 'options.model', 'a model (such as sequential([...]))', o['model']);
  expectNumber(fn, 'options.inputUnits', o['inputUnits'], { kind: 'integer', min: 1 });
  expectNumber(fn, 'options.targetUnits', o['targetUnits'], { kind: 'integer', min: 1 });
  expectFunction(fn, 'options.loss', o['loss']);
  const rule = o['rule'] as { name?: unknown; apply?: unknown } | null | undefined;
  if (typeof rule !== 'object' || rule === null || typeof rule.name !== 'string' || typeof rule.apply !== 'function') {
    throw new ArgumentError(fn, 'options.rule', 'an update rule (such as adam())', o['rule']);
  }
  if (o['regularization'] !== undefined) expectFunction(fn, 'options.regularization', o['regularization']);
  if (o['metrics'] !== undefined) {
    for (const [name, metric] of Object.entries(expectOptions(fn, 'options.metrics', o['metrics']))) expectFunction(fn, `options.metrics.${name}`, metric);
  }
  if (o['seed'] !== undefined) expectNumber(fn, 'options.seed', o['seed'], { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  if (o['dtype'] !== undefined) expectString(fn, 'options.dtype', o['dtype'], ['float64', 'float32']);
  if (o['executor'] !== undefined) expectString(fn, 'options.executor', o['executor'], ['interpreter', 'compiled']);
}

/** Checks the options of fit for JavaScript callers: counts are non-negative integers, and so on. */
function checkFitOptions(options: FitOptions): FitOptions {
  const fn = 'fit';
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { epochs, batchSize, … }', options);
  const o = expectOptions(fn, 'options', options);
  expectNumber(fn, 'options.epochs', o['epochs'], { kind: 'integer', min: 0 });
  expectNumber(fn, 'options.batchSize', o['batchSize'], { kind: 'integer', min: 1 });
  if (o['shuffleSeed'] !== undefined && o['shuffleSeed'] !== null) expectNumber(fn, 'options.shuffleSeed', o['shuffleSeed'], { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  if (o['validation'] !== undefined) expectDataset(fn, 'options.validation', o['validation']);
  if (o['earlyStopping'] !== undefined) {
    const e = expectOptions(fn, 'options.earlyStopping', o['earlyStopping']);
    expectNumber(fn, 'options.earlyStopping.patience', e['patience'], { kind: 'integer', min: 1 });
    if (e['minDelta'] !== undefined) expectNumber(fn, 'options.earlyStopping.minDelta', e['minDelta'], { min: 0 });
    if (e['restoreBest'] !== undefined) expectBoolean(fn, 'options.earlyStopping.restoreBest', e['restoreBest']);
  }
  if (o['callbacks'] !== undefined) expectArray(fn, 'options.callbacks', o['callbacks'], 'functions').forEach((c, i) => expectFunction(fn, `options.callbacks[${i}]`, c));
  if (o['progress'] !== undefined) expectString(fn, 'options.progress', o['progress'], ['auto', 'bar', 'lines', 'none']);
  return options;
}
