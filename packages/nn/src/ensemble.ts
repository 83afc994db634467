import { ChainruleError, Graph, type Executable, type Tensor } from '@chainrule/graph';
import { platform } from '#platform';
import { averageOutputs, type Averaging } from './averaging.js';
import { checkpointToText, restoreCheckpoint } from './checkpoint.js';
import { batches, exampleCount, type Dataset } from './data.js';
import { Trainer, type EpochRecord, type ExampleLoss, type FitOptions, type TrainerOptions } from './trainer.js';

/**
 * How an {@link Ensemble} is set up.
 *
 * @example
 * ```ts
 * const options: EnsembleOptions = { size: 5, average: 'probabilities',
 *   member: (i) => ({ model: sequential([dense(64, { activation: 'relu' }), dense(10)]), inputUnits: 784, targetUnits: 10,
 *     loss: crossEntropyFromLogits, rule: adam({ lr: 1e-3 }), seed: 100 + i }) };
 * ```
 */
export interface EnsembleOptions {
  /** k, the number of members (at least 1). */
  readonly size: number;
  /** The trainer options of member i; give each member its own seed, or they are copies. */
  readonly member: (index: number) => TrainerOptions;
  /** What the prediction averages (default `outputs`; `probabilities` for classifiers). */
  readonly average?: Averaging;
}

/** The ensemble's file format: each member's checkpoint text, in order. */
interface EnsembleFile {
  readonly format: 'chainrule-ensemble';
  readonly version: 1;
  readonly members: readonly string[];
}

/**
 * Model averaging, as the lecture's remedy for overfitting: k networks trained separately (each
 * its own seed: initial weights, dropout masks, batch order), whose prediction is the average of the
 * members' outputs — or, for classifiers, of their probabilities, returned as logits log p̄. Dropout
 * is the cheap approximation of this average; an ensemble computes it. It evaluates like a
 * {@link Trainer} (`predict`, `evaluate` with the members' loss and metrics), and saves and loads as
 * one unit.
 *
 * @example
 * ```ts
 * const ensemble = new Ensemble({ size: 5, average: 'probabilities', member: (i) => ({ ...options, seed: 10 + i }) });
 * ensemble.fit(train, { epochs: 20, batchSize: 32 });
 * ensemble.evaluate(test); // { loss, error } of the averaged classifier
 * ```
 */
export class Ensemble {
  /** The members, each a trainer with its own graph. */
  readonly members: readonly Trainer[];
  /** What the prediction averages. */
  readonly average: Averaging;
  private readonly loss: ExampleLoss;
  private readonly metrics: Readonly<Record<string, ExampleLoss>>;
  private evaluation: { run: Executable; names: string[] } | undefined;

  /**
   * Builds k members from their options.
   *
   * @param options - k, the members' options, the averaging.
   * @throws ChainruleError when k is not a positive integer, the averaging is unknown, or the members
   *   disagree on input or target units or on the dtype.
   */
  constructor(options: EnsembleOptions) {
    const { size, member, average = 'outputs' } = options ?? ({} as EnsembleOptions);
    if (!Number.isSafeInteger(size) || size < 1) throw new ChainruleError(`Ensemble: size must be a positive integer, got ${String(size)}`);
    if (typeof member !== 'function') throw new ChainruleError('Ensemble: member must be a function (index) => TrainerOptions');
    if (average !== 'outputs' && average !== 'probabilities') throw new ChainruleError(`Ensemble: average must be 'outputs' or 'probabilities', got ${String(average)}`);
    const all = Array.from({ length: size }, (_, i) => member(i));
    const first = all[0]!;
    all.forEach((o, i) => {
      if (o.inputUnits !== first.inputUnits || o.targetUnits !== first.targetUnits || (o.dtype ?? 'float64') !== (first.dtype ?? 'float64')) {
        throw new ChainruleError(`Ensemble: member ${i} has ${o.inputUnits} inputs, ${o.targetUnits} targets, ${o.dtype ?? 'float64'}; member 0 has ${first.inputUnits}, ${first.targetUnits}, ${first.dtype ?? 'float64'}`);
      }
    });
    this.members = all.map((o) => new Trainer(o));
    this.average = average;
    this.loss = first.loss;
    this.metrics = first.metrics ?? {};
  }

  /**
   * Trains the members one after another, each on the same data with its own batch order (the
   * shuffle seed plus the member's index) unless `options` is a function giving each its own.
   *
   * @param train - the training examples.
   * @param options - the fit options of every member, or of member i.
   * @returns each member's history.
   * @example
   * ```ts
   * const histories = ensemble.fit(train, { epochs: 10, batchSize: 64, validation });
   * ```
   */
  fit(train: Dataset, options: FitOptions | ((index: number) => FitOptions)): EpochRecord[][] {
    return this.members.map((m, i) => {
      if (typeof options === 'function') return m.fit(train, options(i));
      const shuffleSeed = options.shuffleSeed === null ? null : (options.shuffleSeed ?? 1) + i;
      return m.fit(train, { ...options, shuffleSeed });
    });
  }

  /**
   * The averaged prediction: the mean of the members' evaluation outputs, or log p̄ for
   * `probabilities`.
   *
   * @param x - inputs [n, inputUnits].
   * @returns [n, outputUnits].
   * @throws FeedError when `x` does not fit the members.
   * @example
   * ```ts
   * const logits = ensemble.predict(xTest); // argmax per row is the ensemble's class
   * ```
   */
  predict(x: Tensor): Tensor {
    return averageOutputs(this.members.map((m) => m.predict(x)), this.average);
  }

  /**
   * The members' loss and metrics (without any regularisation term) of the averaged prediction,
   * averaged per example over a data set.
   *
   * @param data - the examples.
   * @param batchSize - examples per prediction (default 1024).
   * @returns `loss` and each metric by name.
   * @example
   * ```ts
   * ensemble.evaluate(test); // { loss: 0.21, error: 0.061 }
   * ```
   */
  evaluate(data: Dataset, batchSize = 1024): Record<string, number> {
    const { run, names } = this.evaluationGraph(data);
    const totals = new Array<number>(names.length).fill(0);
    const m = exampleCount(data);
    for (const b of batches(data, { batchSize })) {
      const n = b.x.shape[0]!;
      run({ out: this.predict(b.x), y: b.y }).forEach((v, i) => (totals[i]! += v.item() * n));
    }
    return Object.fromEntries(names.map((name, i) => [name, totals[i]! / m]));
  }

  private evaluationGraph(data: Dataset): { run: Executable; names: string[] } {
    if (this.evaluation === undefined) {
      const g = new Graph();
      const first = this.members[0]!;
      const dtype = data.x.dtype;
      const out = g.input('out', ['batch', first.model.outputUnits], dtype);
      const y = g.input('y', ['batch', data.y.shape[1] ?? 1], dtype);
      const names = ['loss', ...Object.keys(this.metrics)];
      const nodes = [this.loss(out, y).mean(), ...Object.values(this.metrics).map((f) => f(out, y).mean())];
      this.evaluation = { run: g.compile({ outputs: nodes }), names };
    }
    return this.evaluation;
  }

  /**
   * The whole ensemble as text: each member's checkpoint ({@link checkpointToText}, with its
   * completed epochs), in order.
   *
   * @returns JSON text.
   * @example
   * ```ts
   * localStorage.setItem('ensemble', ensemble.toText());
   * ```
   */
  toText(): string {
    const file: EnsembleFile = { format: 'chainrule-ensemble', version: 1, members: this.members.map((m) => checkpointToText(m.graph, { epoch: m.epoch })) };
    return JSON.stringify(file);
  }

  /**
   * Restores every member from {@link Ensemble.toText}'s text, all or nothing: when any member's
   * checkpoint is rejected, the members restored before it are put back as they were.
   *
   * @param text - the ensemble's text.
   * @param source - how errors name it.
   * @throws ChainruleError naming the problem (not an ensemble, another size, a member's mismatch).
   * @example
   * ```ts
   * ensemble.restoreText(localStorage.getItem('ensemble')!);
   * ```
   */
  restoreText(text: string, source = 'ensemble'): void {
    let file: Partial<EnsembleFile>;
    try {
      file = JSON.parse(text) as Partial<EnsembleFile>;
    } catch (e) {
      throw new ChainruleError(`${source}: not JSON (${(e as Error).message}); nothing was changed`, { cause: e });
    }
    if (file === null || typeof file !== 'object' || file.format !== 'chainrule-ensemble') throw new ChainruleError(`${source}: not a chainrule ensemble (format is not 'chainrule-ensemble'); nothing was changed`);
    if (file.version !== 1) throw new ChainruleError(`${source}: version ${String(file.version)} is not supported (this is version 1); nothing was changed`);
    if (!Array.isArray(file.members) || file.members.length !== this.members.length) {
      throw new ChainruleError(`${source}: holds ${Array.isArray(file.members) ? file.members.length : 'no'} members, this ensemble has ${this.members.length}; nothing was changed`);
    }
    const before = this.members.map((m) => ({ text: checkpointToText(m.graph, { epoch: m.epoch }), epoch: m.epoch }));
    let restored = 0;
    try {
      file.members.forEach((memberText, i) => {
        if (typeof memberText !== 'string') throw new ChainruleError(`${source}: member ${i} is not a checkpoint's text; nothing was changed`);
        const { epoch } = restoreCheckpoint(this.members[i]!.graph, memberText, `${source}, member ${i}`);
        this.members[i]!.epoch = epoch ?? 0;
        restored++;
      });
    } catch (e) {
      for (let i = 0; i < restored; i++) {
        restoreCheckpoint(this.members[i]!.graph, before[i]!.text);
        this.members[i]!.epoch = before[i]!.epoch;
      }
      throw e;
    }
  }

  /**
   * Saves the ensemble to one file ({@link Ensemble.toText}), atomically. Needs Node.
   *
   * @param path - the file.
   * @throws ChainruleError where the runtime has no files.
   * @example
   * ```ts
   * ensemble.save('digits.ensemble.json');
   * ```
   */
  save(path: string): void {
    files('Ensemble.save').writeTextAtomically(path, this.toText());
  }

  /**
   * Loads an ensemble saved by {@link Ensemble.save} into one set up the same way, all or nothing.
   *
   * @param path - the file.
   * @throws ChainruleError naming the problem; nothing changes then.
   * @example
   * ```ts
   * new Ensemble(sameOptions).load('digits.ensemble.json');
   * ```
   */
  load(path: string): void {
    let text: string;
    try {
      text = files('Ensemble.load').readText(path);
    } catch (e) {
      if (e instanceof ChainruleError) throw e;
      throw new ChainruleError(`ensemble ${path}: cannot be read (${(e as Error).message}); nothing was changed`, { cause: e });
    }
    this.restoreText(text, `ensemble ${path}`);
  }
}

function files(what: string): NonNullable<typeof platform.files> {
  if (platform.files === undefined) throw new ChainruleError(`${what} needs files, which this runtime does not have: use toText and restoreText`);
  return platform.files;
}
