import { allocate, ArgumentError, ChainruleError, describeValue, ExecutionError, expectArray, expectBoolean, expectFunction, expectNumber, expectOptions, expectString, expectTensor, Graph, InferenceModel, modelToJSON, randomStream, Tensor, type DType, type Executable, type ModelJSON, type Node, type RunState } from '@chainrule/graph';
import { minimize, type Minimization, type UpdateRule } from '@chainrule/optim';
import { platform } from '#platform';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { Augmentation } from './augment.js';
import { averageOutputs, type Averaging } from './averaging.js';
import { batches, exampleCount, expectDataset, type Dataset } from './data.js';
import { Model } from './layers/sequential.js';
import { empiricalRisk } from './losses.js';
import { confusionMatrix } from './metrics.js';
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
  /**
   * Evaluate, predict (also `predictSampled`) and export the model at an average of the parameters
   * that the rule keeps — `'average'` for `averageIterates(rule)`, `'ema'` for `emaIterates(rule)` —
   * instead of at the parameters themselves (training is unchanged). Early stopping then watches, and
   * `restoreBest` restores, the average.
   */
  readonly evaluateAt?: string;
  /**
   * Check every value of every training step for NaN and ±∞ (on the interpreter, slower), so that
   * a diverging run stops naming the node that first produced one, before the step changes anything.
   */
  readonly checkNumerics?: boolean;
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
  /**
   * Data augmentation applied to every batch (`per: 'batch'`, the default) or to the whole training
   * set once per epoch before it is cut into batches (`per: 'epoch'`). Its random stream comes from
   * the trainer's seed, the epoch and the batch index, so a resumed run stays the same bit for bit.
   */
  readonly augmentation?: { readonly apply: Augmentation; readonly per?: 'batch' | 'epoch' };
  /**
   * When training counts as diverged and stops with a {@link DivergenceError}: a loss that is NaN or
   * ±∞, or finite but more than `factor` times the first batch's loss of this call (default 1e6;
   * `Infinity` keeps only the non-finite check). `false` turns both off.
   */
  readonly divergence?: { readonly factor?: number } | false;
}

/**
 * Training stopped because the loss became NaN or ±∞ or grew past the limit
 * (`FitOptions.divergence`). It names the epoch and the step, and, when the trainer checks numerics,
 * the node that first produced a non-finite value (then the diverging step changed nothing).
 *
 * @example
 * ```ts
 * try { trainer.fit(train, { epochs: 10, batchSize: 32 }); }
 * catch (e) { if (e instanceof DivergenceError) console.log(e.epoch, e.step, e.loss); }
 * ```
 */
export class DivergenceError extends ChainruleError {
  /** The epoch being trained, from 1. */
  readonly epoch: number;
  /** The step within the epoch, from 1. */
  readonly step: number;
  /** The loss that stopped training (NaN when the numerics check stopped it first). */
  readonly loss: number;

  /**
   * Creates the error.
   *
   * @param message - the whole message.
   * @param where - epoch, step and loss.
   * @param options - the cause (the numerics check's error).
   */
  constructor(message: string, where: { readonly epoch: number; readonly step: number; readonly loss: number }, options?: { readonly cause?: unknown }) {
    super(expectString('DivergenceError', 'message', message), options === undefined ? undefined : expectOptions('DivergenceError', 'options', options));
    const w = expectOptions('DivergenceError', 'where', where);
    expectNumber('DivergenceError', 'where.epoch', w['epoch'], { kind: 'integer', min: 0 });
    expectNumber('DivergenceError', 'where.step', w['step'], { kind: 'integer', min: 0 });
    expectNumber('DivergenceError', 'where.loss', w['loss'], { kind: 'any' });
    this.epoch = where.epoch;
    this.step = where.step;
    this.loss = where.loss;
  }
}

/**
 * Options of {@link Trainer.predictSampled}.
 *
 * @example
 * ```ts
 * trainer.predictSampled(x, { samples: 100, average: 'probabilities', seed: 2 });
 * ```
 */
export interface SampledPredictionOptions {
  /** k, the number of sampled thinned networks (masks) averaged. */
  readonly samples: number;
  /** What is averaged (default `outputs`; `probabilities` for classifiers trained on logits). */
  readonly average?: Averaging;
  /** Which masks: the same seed gives the same prediction (default 0). */
  readonly seed?: number;
}

/**
 * Random streams of augmentations: counters from 2·2³² on, apart from the graph's own random nodes
 * (counters from 0) and the shuffling (from 2³²): epoch e, batch b uses 2·2³² + e·2²⁰ + b.
 */
const AUGMENTATION_STREAMS = 2 * 2 ** 32;
const BATCHES_PER_EPOCH_LIMIT = 2 ** 20;
/** Counters of the masks of sampled predictions: from 2⁴⁸ + seed·2³² on, never those of training. */
const SAMPLED_STREAMS = 2 ** 48;
/** Rows per run of a sampled prediction (copies of the inputs, each with its own masks). */
const SAMPLED_ROWS = 4096;

/**
 * A run state for sampled predictions: variables read from the graph's own store, random counters
 * of its own (starting far from the training masks'), nothing committed to the graph.
 */
class SampledState implements RunState {
  private readonly runs = new Map<number, number>();
  private offset = SAMPLED_STREAMS;
  constructor(private readonly graph: Graph) {}
  /** Starts the counters afresh at an offset (each prediction draws the same masks for the same seed). */
  reset(offset: number): void {
    this.offset = offset;
    this.runs.clear();
  }
  variable(name: string): Tensor {
    return this.graph.state.variable(name);
  }
  randomRuns(id: number): number {
    return this.offset + (this.runs.get(id) ?? 0);
  }
  commit(assignments: ReadonlyMap<string, unknown>, drew: readonly { readonly id: number }[]): void {
    if (assignments.size > 0) throw new ChainruleError('predictSampled: a sampled prediction must not assign variables');
    for (const { id } of drew) this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
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
  /** The variables evaluation reads: the parameters, or the average of them it is set to. */
  private readonly evaluated: readonly Node[];
  private readonly seed: number;
  /** The training-mode output (dropout and noise active) at the evaluated variables, for sampled predictions. */
  private readonly trainingOutput: Node;
  private sampled: { readonly state: SampledState; readonly run: Executable } | undefined;
  /** The evaluation output (no dropout or noise), what `predict` runs. */
  private readonly evaluationOutput: Node;
  private readonly checksNumerics: boolean;
  /** The targets' input node `y`. */
  private readonly targets: Node;
  private readonly executor: 'interpreter' | 'compiled';
  /** The confusion matrix of a batch at the evaluation output, compiled on first use. */
  private confusionRun: Executable | undefined;

  /**
   * Builds the model in a new graph, and the training and evaluation graphs on its variables.
   *
   * @param options - model, data sizes, loss, rule, metrics, seed.
   * @throws ChainruleError when the model is already built, the rule's options do not fit, or
   *   `evaluateAt` names an average the rule does not keep.
   */
  constructor(options: TrainerOptions) {
    checkTrainerOptions(options);
    const dtype = options.dtype ?? 'float64';
    this.seed = options.seed ?? 1;
    this.checksNumerics = options.checkNumerics === true;
    this.model = options.model.build(this.graph, options.inputUnits, { seed: this.seed, dtype });
    const x = this.graph.input('x', ['batch', options.inputUnits], dtype);
    const y = this.graph.input('y', ['batch', options.targetUnits], dtype);
    const params = [...this.model.parameters.values()];
    const penalty = options.regularization?.(params);
    const stateUpdates: (readonly [Node, Node])[] = []; // running averages of batch normalisation
    const trainingOutput = this.model.forward(x, { training: true, stateUpdates });
    const trainLoss = empiricalRisk(options.loss(trainingOutput, y), penalty);
    this.update = minimize(trainLoss, params, options.rule);
    const executor = options.executor ?? 'compiled';
    this.executor = executor;
    this.targets = y;
    // One run applies the rule's update and the layers' state updates together.
    this.trainStep = this.graph.compile({ outputs: [trainLoss], updates: [...this.update, ...stateUpdates], executor, checkNumerics: options.checkNumerics === true });
    const forward = this.model.forward(x, { training: false });
    this.metricNames = Object.keys(options.metrics ?? {});
    const evaluated = [forward, trainingOutput, empiricalRisk(options.loss(forward, y), penalty), ...this.metricNames.map((name) => options.metrics![name]!(forward, y).mean())];
    // At an average w̄ of the parameters: the same nodes with w̄ substituted for w.
    const [out, sampledOutput, ...scores] = options.evaluateAt === undefined ? evaluated : this.update.atAverage(evaluated, options.evaluateAt);
    this.evaluated = options.evaluateAt === undefined ? params : this.update.averages[options.evaluateAt]!;
    this.evaluateRun = this.graph.compile({ outputs: scores, executor });
    this.predictRun = this.graph.compile({ outputs: [out!], executor });
    this.evaluationOutput = out!;
    this.trainingOutput = sampledOutput!;
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
   * The confusion matrix of the evaluation network (no dropout; at the average when `evaluateAt` is
   * set) over a data set: C[i][j] counts the examples of true class i predicted as class j (the
   * first class with the largest score; see {@link confusionMatrix}).
   *
   * @param data - the examples, with one-hot targets.
   * @param batchSize - examples per run (default 1024).
   * @returns the counts, [classes, classes], in the trainer's dtype.
   * @throws ShapeError when the model has fewer than two output columns.
   * @example
   * ```ts
   * const counts = trainer.confusionMatrix(test);
   * counts.get(3, 5); // how many 3s the model took for 5s
   * ```
   */
  confusionMatrix(data: Dataset, batchSize = 1024): Tensor {
    expectDataset('Trainer.confusionMatrix', 'data', data);
    expectNumber('Trainer.confusionMatrix', 'batchSize', batchSize, { kind: 'integer', min: 1 });
    const node = this.evaluationOutput;
    this.confusionRun ??= this.graph.compile({ outputs: [confusionMatrix(node, this.targets)], executor: this.executor });
    const d = node.shape[1] as number;
    const total = allocate(node.dtype, d * d);
    for (const b of batches(data, { batchSize })) {
      const counts = this.confusionRun({ x: b.x, y: b.y })[0]!.data;
      for (let i = 0; i < total.length; i++) total[i]! += counts[i]!;
    }
    return new Tensor(total, [d, d]);
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
   * Dropout as model averaging, sampled: the mean of the outputs of k thinned networks, each the
   * training-mode network with its own masks (and input noise, if the model has some), on the same
   * inputs. The lecture's test-time network (`predict`, weights scaled by p) approximates this
   * average; for a network whose output is linear in the dropped units the two agree in expectation,
   * and the sampled mean converges to the exact average over all masks at the 1/√k rate. The masks
   * come from streams apart from the training masks, and nothing of the trainer changes.
   *
   * @param x - inputs [n, inputUnits].
   * @param options - k, what is averaged, and the seed of the masks.
   * @returns the average [n, outputUnits] (log-probabilities when averaging probabilities).
   * @throws ChainruleError when k is not a positive integer; FeedError when `x` does not fit.
   * @example
   * ```ts
   * const logits = trainer.predictSampled(xTest, { samples: 50, average: 'probabilities' });
   * ```
   */
  predictSampled(x: Tensor, options: SampledPredictionOptions): Tensor {
    expectTensor('predictSampled', 'x', x);
    if (options === undefined) throw new ArgumentError('predictSampled', 'options', 'an object { samples, average?, seed? }', options);
    const { samples, average = 'outputs', seed = 0 } = expectOptions('predictSampled', 'options', options) as unknown as SampledPredictionOptions;
    if (!Number.isSafeInteger(samples) || samples < 1) throw new ChainruleError(`predictSampled: samples must be a positive integer, got ${String(samples)}`);
    if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 16) throw new ChainruleError(`predictSampled: seed must be an integer in [0, 65536), got ${String(seed)}`);
    if (x.rank !== 2) throw new ChainruleError(`predictSampled: x must be [n, inputUnits], got [${x.shape.join(', ')}]`);
    if (this.sampled === undefined) {
      const state = new SampledState(this.graph);
      this.sampled = { state, run: this.graph.compile({ outputs: [this.trainingOutput], state }) };
    }
    const { state, run } = this.sampled;
    state.reset(SAMPLED_STREAMS + seed * 2 ** 32);
    // Each run takes x repeated as many times as fit in SAMPLED_ROWS rows: every row draws its own
    // masks, so each copy is one thinned network.
    const [n, d] = x.shape as [number, number];
    const copies = Math.max(1, Math.min(samples, Math.floor(SAMPLED_ROWS / Math.max(n, 1))));
    const outputs: Tensor[] = [];
    for (let done = 0; done < samples; done += copies) {
      const k = Math.min(copies, samples - done);
      const tiled = new (x.data.constructor as Float64ArrayConstructor)(k * n * d);
      for (let i = 0; i < k; i++) tiled.set(x.data, i * n * d);
      const out = run({ x: new Tensor(tiled, [k * n, d]) })[0]!;
      const c = out.shape[1]!;
      for (let i = 0; i < k; i++) outputs.push(new Tensor(out.data.slice(i * n * c, (i + 1) * n * c), [n, c]));
    }
    return averageOutputs(outputs, average);
  }

  /**
   * Trains for epochs of shuffled mini-batches (the last batch smaller when needed), evaluating on
   * validation data after each, with optional early stopping on the validation loss.
   *
   * @param train - the training examples.
   * @param options - epochs, batch size, validation, early stopping, callbacks, progress, augmentation.
   * @returns one record per epoch run.
   * @throws ChainruleError when early stopping is asked for without validation data, or the data are malformed.
   * @throws DivergenceError when the loss becomes NaN or ±∞ or grows past `divergence.factor` times the first batch's.
   * @example
   * ```ts
   * const history = trainer.fit(train, { epochs: 10, batchSize: 64, validation, earlyStopping: { patience: 2, restoreBest: true } });
   * history.at(-1)?.validation?.['loss'];
   * ```
   */
  fit(train: Dataset, options: FitOptions): EpochRecord[] {
    expectDataset('fit', 'train', train);
    const { epochs, batchSize, shuffleSeed = 1, validation, earlyStopping, callbacks = [], progress = 'auto', augmentation, divergence = {} } = checkFitOptions(options);
    const factor = divergence === false ? Infinity : (divergence.factor ?? 1e6);
    if (!(factor > 1)) throw new ChainruleError(`fit: divergence.factor must be a number > 1, got ${String(factor)}`);
    let firstLoss: number | undefined;
    if (earlyStopping && !validation) throw new ChainruleError('fit: early stopping needs validation data');
    if (!Number.isSafeInteger(this.epoch) || this.epoch < 0) throw new ChainruleError(`fit: the trainer's epoch is ${describeValue(this.epoch)}, not a count of completed epochs`);
    if (augmentation !== undefined && (typeof augmentation.apply !== 'function' || (augmentation.per !== undefined && augmentation.per !== 'batch' && augmentation.per !== 'epoch'))) {
      throw new ChainruleError("fit: augmentation must be { apply: (batch, context) => batch, per?: 'batch' | 'epoch' }");
    }
    const augment = (data: Dataset, epoch: number, index: number): Dataset => {
      if (index >= BATCHES_PER_EPOCH_LIMIT) throw new ChainruleError(`fit: augmentation supports up to ${BATCHES_PER_EPOCH_LIMIT} batches per epoch`);
      const random = randomStream(this.seed, AUGMENTATION_STREAMS + epoch * BATCHES_PER_EPOCH_LIMIT + index);
      const out = augmentation!.apply(data, { epoch, batch: index, random });
      if (out.x.shape.join() !== data.x.shape.join() || out.y.shape.join() !== data.y.shape.join()) {
        throw new ChainruleError(`fit: the augmentation changed the shapes: x [${data.x.shape.join(', ')}] → [${out.x.shape.join(', ')}], y [${data.y.shape.join(', ')}] → [${out.y.shape.join(', ')}]`);
      }
      return out;
    };
    const history: EpochRecord[] = [];
    let best = Infinity;
    let bestValues: Map<string, Tensor> | undefined;
    let waited = 0;
    while (this.epoch < epochs) {
      const started = performance.now();
      const epochData = augmentation?.per === 'epoch' ? augment(train, this.epoch + 1, 0) : train;
      const parts = batches(epochData, { batchSize, ...(shuffleSeed === null ? {} : { seed: shuffleSeed }), epoch: this.epoch });
      const reporter = epochProgress(progress, this.epoch + 1, parts.length);
      let sum = 0;
      let seen = 0;
      parts.forEach((batch, i) => {
        const b = augmentation !== undefined && augmentation.per !== 'epoch' ? augment(batch, this.epoch + 1, i) : batch;
        const n = b.x.shape[0]!;
        const where = { epoch: this.epoch + 1, step: i + 1 };
        let loss: number;
        try {
          loss = this.step(b);
        } catch (e) {
          if (this.checksNumerics && e instanceof ExecutionError) {
            throw new DivergenceError(`fit: training diverged at epoch ${where.epoch}, step ${where.step}: ${e.message}; the step changed nothing. The step size is probably too large: try a smaller one.`, { ...where, loss: Number.NaN }, { cause: e });
          }
          throw e;
        }
        firstLoss ??= loss;
        if (divergence !== false && (!Number.isFinite(loss) || Math.abs(loss) > factor * Math.abs(firstLoss))) {
          const what = Number.isFinite(loss) ? `the loss ${loss.toExponential(3)} is more than ${factor} times the first batch's (${firstLoss.toExponential(3)})` : `the loss is ${loss}`;
          throw new DivergenceError(
            `fit: training diverged at epoch ${where.epoch}, step ${where.step}: ${what}. The step size is probably too large: try a smaller one; ` +
              'to find the node that first produced a non-finite value, build the Trainer with checkNumerics: true. The parameters hold the diverged step: restore a checkpoint to continue.',
            { ...where, loss },
          );
        }
        sum += loss * n;
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
          if (earlyStopping.restoreBest) bestValues = new Map(this.evaluated.map((v) => [v.name!, this.graph.getVariable(v.name!)] as const));
        } else if (++waited >= earlyStopping.patience) stop = true;
      }
      if (stop) break;
    }
    if (bestValues) for (const [k, v] of bestValues) this.graph.setVariable(k, v);
    return history;
  }

  /**
   * The trained model for inference as JSON data: the evaluation network (no dropout or noise) with
   * its current weights, input `x` and output `output` — and `probabilities`, its softmax, when
   * asked. Nothing of training (optimizer state, loss) is in it. {@link InferenceModel} reads it,
   * in Node or a browser.
   *
   * @param options - `probabilities: true` adds a softmax output (for classifiers trained on logits).
   * @returns the {@link ModelJSON} document.
   * @example
   * ```ts
   * const model = InferenceModel.fromJSON(trainer.exportModel({ probabilities: true }));
   * model.run({ x }).probabilities;
   * ```
   */
  exportModel(options: { readonly probabilities?: boolean } = {}): ModelJSON {
    const o = expectOptions('exportModel', 'options', options);
    if (o['probabilities'] !== undefined) expectBoolean('exportModel', 'options.probabilities', o['probabilities']);
    const outputs: Record<string, Node> = { output: this.evaluationOutput };
    if (options.probabilities === true) outputs['probabilities'] = this.evaluationOutput.softmax(-1);
    return modelToJSON(this.graph, outputs);
  }

  /**
   * Saves the trained model for inference to one file ({@link Trainer.exportModel}), atomically;
   * {@link loadModel} reads it back in one call. Needs Node (in a browser, keep
   * `JSON.stringify(trainer.exportModel())` and read it with `InferenceModel.fromJSON`).
   *
   * @param path - the file.
   * @param options - `probabilities: true` adds a softmax output.
   * @throws ChainruleError where the runtime has no files.
   * @example
   * ```ts
   * trainer.saveModel('digits.model.json', { probabilities: true });
   * ```
   */
  saveModel(path: string, options: { readonly probabilities?: boolean } = {}): void {
    expectString('saveModel', 'path', path);
    modelFiles('saveModel').writeTextAtomically(path, JSON.stringify(this.exportModel(options)));
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

function modelFiles(what: string): NonNullable<typeof platform.files> {
  if (platform.files === undefined) throw new ChainruleError(`${what} needs files, which this runtime does not have: use exportModel and InferenceModel.fromJSON`);
  return platform.files;
}

/**
 * Loads a model saved by {@link Trainer.saveModel} (or any {@link ModelJSON} file) for prediction,
 * in one call: `loadModel(path).run({ x })` gives every named output. Needs Node; in a browser,
 * pass the file's bytes or text to `InferenceModel.fromJSON`.
 *
 * @param path - the file.
 * @returns the model.
 * @throws ChainruleError when the file cannot be read; GraphFormatError (with the offending path) when it is not a valid model.
 * @example
 * ```ts
 * const { probabilities } = loadModel('digits.model.json').run({ x: images });
 * ```
 */
export function loadModel(path: string): InferenceModel {
  expectString('loadModel', 'path', path);
  let text: string;
  try {
    text = modelFiles('loadModel').readText(path);
  } catch (e) {
    if (e instanceof ChainruleError) throw e;
    throw new ChainruleError(`model ${path}: cannot be read (${(e as Error).message})`, { cause: e });
  }
  return InferenceModel.fromJSON(text);
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
