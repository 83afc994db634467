import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChainruleError, tensor, uniformInit, zeros } from '@chainrule/graph';
import {
  Trainer,
  batches,
  checkpointToText,
  binaryCrossEntropyFromLogits,
  crossEntropyFromLogits,
  dense,
  dropout,
  misclassification,
  restoreCheckpoint,
  saveCheckpoint,
  sequential,
  type CheckpointJSON,
  type Dataset,
  type EpochRecord,
  type Layer,
} from '@chainrule/nn';
import { adam, sgd, type UpdateRule } from '@chainrule/optim';
import { temporaryFolder } from './files.js';
import { expectSameState, snapshot, type GraphState } from './helpers.js';

// The checkpoint writer's file calls pass through these hooks, so the tests can look at the disk
// at the moment of the rename and simulate a failing write.
const fsHooks = vi.hoisted(() => ({
  beforeWrite: undefined as undefined | ((path: string, data: string) => void),
  beforeRename: undefined as undefined | ((from: string, to: string) => void),
  writes: [] as string[],
}));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    writeFileSync: (...args: Parameters<typeof real.writeFileSync>) => {
      fsHooks.writes.push(String(args[0]));
      fsHooks.beforeWrite?.(String(args[0]), String(args[1]));
      return real.writeFileSync(...args);
    },
    renameSync: (...args: Parameters<typeof real.renameSync>) => {
      fsHooks.beforeRename?.(String(args[0]), String(args[1]));
      return real.renameSync(...args);
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Fixtures.

/** m points in [−1, 1]², class 1 where x₀·x₁ > 0, one-hot targets. */
function quadrants(m: number, seed: number): Dataset {
  const x = uniformInit(-1, 1, seed)([m, 2], 'float64');
  const y = zeros([m, 2]);
  for (let i = 0; i < m; i++) y.data[2 * i + (x.data[2 * i]! * x.data[2 * i + 1]! > 0 ? 1 : 0)] = 1;
  return { x, y };
}

const TRAIN = quadrants(40, 3);
const VALIDATION = quadrants(20, 4);

interface Setup {
  readonly layers?: () => Layer[];
  readonly rule?: () => UpdateRule;
  readonly seed?: number;
}

/** A trainer with dropout and Adam (so checkpoints must carry masks and moments). */
function makeTrainer({ layers, rule, seed = 1 }: Setup = {}): Trainer {
  return new Trainer({
    model: sequential(layers?.() ?? [dense(8, { activation: 'tanh' }), dropout(0.8), dense(2)]),
    inputUnits: 2,
    targetUnits: 2,
    loss: crossEntropyFromLogits,
    rule: rule?.() ?? adam({ lr: 0.05 }),
    metrics: { error: misclassification },
    seed,
  });
}

const quiet = { progress: 'none' } as const;

/**
 * A problem whose validation loss must rise: a logistic unit z = w x + b fitted by full-batch
 * gradient descent to y = 1[x > 0] on symmetric x, validated on the same x with flipped labels.
 * Training increases w every step (and keeps b ≈ 0), and the flipped loss Σ softplus(w|x|) grows
 * with w, so the validation loss is best after epoch 1 and worse after every later one.
 */
function flipped() {
  const xs = [-2, -1, -0.5, 0.5, 1, 2];
  const train: Dataset = { x: tensor(xs, [6, 1]), y: tensor(xs.map((v) => (v > 0 ? 1 : 0)), [6, 1]) };
  const validation: Dataset = { x: train.x, y: tensor(xs.map((v) => (v > 0 ? 0 : 1)), [6, 1]) };
  const trainer = (): Trainer =>
    new Trainer({ model: sequential([dense(1)]), inputUnits: 1, targetUnits: 1, loss: binaryCrossEntropyFromLogits, rule: sgd({ lr: 0.5 }), seed: 2 });
  return { train, validation, trainer, fit: { batchSize: 6, shuffleSeed: null, ...quiet } };
}

/** A trainer's whole state: variables, random counters and completed epochs. */
const stateOf = (t: Trainer): GraphState & { epoch: number } => ({ ...snapshot(t.graph), epoch: t.epoch });

function expectSameTrainerState(actual: Trainer, expected: GraphState & { epoch: number }): void {
  expectSameState(snapshot(actual.graph), expected);
  expect(actual.epoch).toBe(expected.epoch);
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

// ---------------------------------------------------------------------------------------------

describe('fit', () => {
  it('returns one record per epoch with the training loss and the validation loss and metrics', () => {
    const trainer = makeTrainer();
    const history = trainer.fit(TRAIN, { epochs: 3, batchSize: 16, validation: VALIDATION, ...quiet });
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(trainer.epoch).toBe(3);
    for (const r of history) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(Object.keys(r.validation!).sort()).toEqual(['error', 'loss']);
      expect(Number.isFinite(r.validation!['loss'])).toBe(true);
      expect(r.validation!['error']).toBeGreaterThanOrEqual(0);
      expect(r.validation!['error']).toBeLessThanOrEqual(1);
      expect(r.milliseconds).toBeGreaterThanOrEqual(0);
    }
    const noValidation = makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 16, ...quiet });
    expect(noValidation.map((r) => r.validation)).toEqual([undefined, undefined]);
  });

  it("an epoch's loss is the size-weighted mean of its batch losses, on batches shuffled per epoch by the seed", () => {
    for (const shuffleSeed of [1, 9, null]) {
      const fitted = makeTrainer();
      const history = fitted.fit(TRAIN, { epochs: 3, batchSize: 16, shuffleSeed, ...quiet });
      const manual = makeTrainer();
      const losses: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        let sum = 0;
        const parts = batches(TRAIN, { batchSize: 16, epoch, ...(shuffleSeed === null ? {} : { seed: shuffleSeed }) });
        expect(parts.map((b) => b.x.shape[0])).toEqual([16, 16, 8]);
        for (const b of parts) sum += manual.step(b) * b.x.shape[0]!;
        losses.push(sum / 40);
      }
      expect(sameNumbers(history.map((r) => r.loss), losses)).toBe(true);
      expectSameState(snapshot(fitted.graph), snapshot(manual.graph));
    }
  });

  it('validation scores are what evaluate() reports; evaluation changes nothing', () => {
    const trainer = makeTrainer();
    const [record] = trainer.fit(TRAIN, { epochs: 1, batchSize: 8, validation: VALIDATION, ...quiet });
    const before = stateOf(trainer);
    expect(trainer.evaluate(VALIDATION)).toEqual(record!.validation);
    expect(trainer.evaluate(VALIDATION, 3)['error']).toBe(record!.validation!['error']);
    trainer.predict(VALIDATION.x);
    expectSameTrainerState(trainer, before);
  });

  it('epochs counts the total: a second fit continues where the first stopped', () => {
    const once = makeTrainer();
    const all = once.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet });
    const twice = makeTrainer();
    twice.fit(TRAIN, { epochs: 2, batchSize: 16, ...quiet });
    const rest = twice.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet });
    expect(rest.map((r) => r.epoch)).toEqual([3, 4]);
    expect(sameNumbers(rest.map((r) => r.loss), all.slice(2).map((r) => r.loss))).toBe(true);
    expectSameTrainerState(twice, stateOf(once));
    expect(twice.fit(TRAIN, { epochs: 4, batchSize: 16, ...quiet })).toEqual([]);
  });

  it('the same seed gives bit-for-bit identical training; another seed does not', () => {
    const run = (seed: number): { trainer: Trainer; history: EpochRecord[] } => {
      const trainer = makeTrainer({ seed });
      return { trainer, history: trainer.fit(TRAIN, { epochs: 3, batchSize: 8, validation: VALIDATION, ...quiet }) };
    };
    const [a, b, c] = [run(5), run(5), run(6)];
    expectSameState(snapshot(a.trainer.graph), snapshot(b.trainer.graph));
    expect(sameNumbers(a.history.map((r) => r.loss), b.history.map((r) => r.loss))).toBe(true);
    expect(a.history.map((r) => r.validation)).toEqual(b.history.map((r) => r.validation));
    expect(sameNumbers(Array.from(a.trainer.graph.getVariable('dense1/W').data), Array.from(c.trainer.graph.getVariable('dense1/W').data))).toBe(false);
  });
});

describe('early stopping', () => {
  it('the fixture: without early stopping, the validation loss rises after every epoch', () => {
    const p = flipped();
    const losses = p.trainer().fit(p.train, { ...p.fit, epochs: 8, validation: p.validation }).map((r) => r.validation!['loss']!);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeGreaterThan(losses[i - 1]!);
  });

  for (const patience of [1, 3]) {
    it(`stops after patience = ${patience} epochs without improvement, keeping the last parameters`, () => {
      const p = flipped();
      const stopped = p.trainer();
      const history = stopped.fit(p.train, { ...p.fit, epochs: 20, validation: p.validation, earlyStopping: { patience } });
      expect(history.map((r) => r.epoch)).toEqual(Array.from({ length: patience + 1 }, (_, i) => i + 1));
      expect(stopped.epoch).toBe(patience + 1);
      const straight = p.trainer();
      straight.fit(p.train, { ...p.fit, epochs: patience + 1 });
      expectSameTrainerState(stopped, stateOf(straight));
    });
  }

  it('restoreBest puts back the parameters of the best epoch', () => {
    const p = flipped();
    const stopped = p.trainer();
    stopped.fit(p.train, { ...p.fit, epochs: 20, validation: p.validation, earlyStopping: { patience: 3, restoreBest: true } });
    const best = p.trainer();
    best.fit(p.train, { ...p.fit, epochs: 1 });
    for (const name of ['dense1/W', 'dense1/b']) {
      expect(sameNumbers(Array.from(stopped.graph.getVariable(name).data), Array.from(best.graph.getVariable(name).data)), name).toBe(true);
    }
    expect(stopped.evaluate(p.validation)['loss']).toBe(best.evaluate(p.validation)['loss']);
  });

  it('improvements smaller than minDelta do not count', () => {
    const p = flipped();
    // Validating on the training data: the loss falls every epoch, but by far less than 10.
    const history = p.trainer().fit(p.train, { ...p.fit, epochs: 20, validation: p.train, earlyStopping: { patience: 2, minDelta: 10 } });
    expect(history.length).toBe(3);
    expect(history[2]!.validation!['loss']).toBeLessThan(history[0]!.validation!['loss']!);
    const plain = p.trainer().fit(p.train, { ...p.fit, epochs: 6, validation: p.train, earlyStopping: { patience: 2 } });
    expect(plain.length).toBe(6);
  });

  it('needs validation data', () => {
    expect(() => makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 8, earlyStopping: { patience: 1 }, ...quiet })).toThrow(ChainruleError);
    expect(() => makeTrainer().fit(TRAIN, { epochs: 2, batchSize: 8, earlyStopping: { patience: 1 }, ...quiet })).toThrow(/early stopping needs validation data/);
  });
});

describe('callbacks', () => {
  it('are called once per epoch with its record and the trainer', () => {
    const trainer = makeTrainer();
    const seen: [EpochRecord, Trainer, number][] = [];
    const history = trainer.fit(TRAIN, { epochs: 3, batchSize: 16, validation: VALIDATION, callbacks: [(r, t) => void seen.push([r, t, t.epoch])], ...quiet });
    expect(seen.map(([r]) => r)).toEqual(history);
    expect(seen.map(([, t]) => t === trainer)).toEqual([true, true, true]);
    expect(seen.map(([, , e]) => e)).toEqual([1, 2, 3]);
  });

  it("'stop' ends training after that epoch", () => {
    const trainer = makeTrainer();
    const history = trainer.fit(TRAIN, { epochs: 10, batchSize: 16, callbacks: [(r) => (r.epoch === 2 ? 'stop' : undefined)], ...quiet });
    expect(history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(trainer.epoch).toBe(2);
  });

  it("every callback is called for every epoch, also when an earlier one returns 'stop'", () => {
    const calls: string[] = [];
    makeTrainer().fit(TRAIN, {
      epochs: 10,
      batchSize: 16,
      callbacks: [(r) => (calls.push(`first ${r.epoch}`), r.epoch === 2 ? 'stop' : undefined), (r) => void calls.push(`second ${r.epoch}`)],
      ...quiet,
    });
    expect(calls).toEqual(['first 1', 'second 1', 'first 2', 'second 2']);
  });
});

// ---------------------------------------------------------------------------------------------
// Checkpoints.

describe('checkpoints', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder('trainer');
    fsHooks.writes.length = 0;
  });
  afterEach(() => {
    fsHooks.beforeWrite = undefined;
    fsHooks.beforeRename = undefined;
    folder.cleanup();
  });
  const fit = (t: Trainer, epochs: number): EpochRecord[] => t.fit(TRAIN, { epochs, batchSize: 8, validation: VALIDATION, ...quiet });

  it('a checkpoint is text: saveCheckpoint writes exactly checkpointToText, and restoreCheckpoint reads it back', () => {
    const trained = makeTrainer();
    fit(trained, 2);
    const path = join(folder.dir, 'run.ckpt.json');
    saveCheckpoint(trained.graph, path, { epoch: 2 });
    const text = checkpointToText(trained.graph, { epoch: 2 });
    expect(fs.readFileSync(path, 'utf8')).toBe(text);
    const copy = makeTrainer();
    expect(restoreCheckpoint(copy.graph, text)).toEqual({ epoch: 2 });
    expectSameState(snapshot(copy.graph), snapshot(trained.graph));
    const damaged = text.replace(/"progress":\{"epoch":2\}/, '"progress":{"epoch":3}');
    expect(damaged).not.toBe(text);
    expect(() => restoreCheckpoint(copy.graph, damaged, 'the saved run')).toThrow(/^the saved run: is damaged/);
  });

  it('4 epochs straight = 2 epochs, save, a new trainer, load, 2 more epochs — bit for bit (dropout masks and Adam state included)', () => {
    const straight = makeTrainer();
    const all = fit(straight, 4);

    const first = makeTrainer();
    fit(first, 2);
    const saved = stateOf(first);
    const path = join(folder.dir, 'run.ckpt.json');
    first.save(path);

    const resumed = makeTrainer();
    resumed.load(path);
    expectSameTrainerState(resumed, saved);
    const rest = fit(resumed, 4);
    expect(rest.map((r) => r.epoch)).toEqual([3, 4]);
    expect(sameNumbers(rest.map((r) => r.loss), all.slice(2).map((r) => r.loss))).toBe(true);
    expect(rest.map((r) => r.validation)).toEqual(all.slice(2).map((r) => r.validation));
    expectSameTrainerState(resumed, stateOf(straight));

    // The comparison is sensitive to both: the masks have advanced and Adam has moments.
    expect(Object.values(saved.random).every((n) => n > 0)).toBe(true);
    expect([...saved.variables.keys()].filter((k) => k.includes('adam')).length).toBe(8);
    const withoutRandom = makeTrainer();
    withoutRandom.load(path);
    withoutRandom.graph.setRandomState(Object.fromEntries(Object.keys(saved.random).map((k) => [Number(k), 0])));
    fit(withoutRandom, 4);
    expect(sameNumbers(Array.from(withoutRandom.graph.getVariable('dense1/W').data), Array.from(straight.graph.getVariable('dense1/W').data))).toBe(false);
    const withoutMoments = makeTrainer();
    withoutMoments.load(path);
    for (const name of saved.variables.keys()) if (name.includes('adam')) withoutMoments.graph.setVariable(name, zeros(saved.variables.get(name)!.shape as number[]));
    fit(withoutMoments, 4);
    expect(sameNumbers(Array.from(withoutMoments.graph.getVariable('dense1/W').data), Array.from(straight.graph.getVariable('dense1/W').data))).toBe(false);
  });

  it('is written atomically: a temporary file in the same folder, renamed over the target', () => {
    const trainer = makeTrainer();
    const path = join(folder.dir, 'ckpt.json');
    trainer.save(path);
    const old = fs.readFileSync(path, 'utf8');
    fit(trainer, 1);
    let checked = false;
    fsHooks.beforeRename = (from, to) => {
      // At the moment of the rename the target still holds the old, complete checkpoint and the
      // new one is complete in a sibling file.
      expect(to).toBe(path);
      expect(join(from, '..')).toBe(folder.dir);
      expect(from).not.toBe(path);
      expect(fs.readFileSync(path, 'utf8')).toBe(old);
      const incoming = JSON.parse(fs.readFileSync(from, 'utf8')) as CheckpointJSON;
      expect(incoming.progress).toEqual({ epoch: 1 });
      expect(fs.readdirSync(folder.dir).sort()).toEqual([path, from].map((p) => p.slice(folder.dir.length + 1)).sort());
      checked = true;
    };
    trainer.save(path);
    expect(checked).toBe(true);
    expect(fsHooks.writes).not.toContain(path);
    expect(fs.readdirSync(folder.dir)).toEqual(['ckpt.json']);
    const fresh = makeTrainer();
    fresh.load(path);
    expectSameTrainerState(fresh, stateOf(trainer));
  });

  it('a write that fails midway leaves the previous checkpoint intact and no temporary file behind', () => {
    const trainer = makeTrainer();
    fit(trainer, 1);
    const path = join(folder.dir, 'ckpt.json');
    trainer.save(path);
    const old = fs.readFileSync(path, 'utf8');
    const atOne = stateOf(trainer);
    fit(trainer, 2);
    fsHooks.beforeWrite = (file, data) => {
      fs.appendFileSync(file, data.slice(0, 100)); // part of it reaches the disk, then the disk is full
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    expect(() => trainer.save(path)).toThrow(/ENOSPC/);
    fsHooks.beforeWrite = undefined;
    expect(fs.readFileSync(path, 'utf8')).toBe(old);
    const fresh = makeTrainer();
    fresh.load(path);
    expectSameTrainerState(fresh, atOne);
    expect(fs.readdirSync(folder.dir)).toEqual(['ckpt.json']);
  });

  // -------------------------------------------------------------------------------------------
  // Corrupt or mismatched checkpoints: rejected with a ChainruleError naming the problem, nothing
  // changed. The trainer has trained 1 epoch; the checkpoint holds 2, so a partial load would show.

  /** A saved checkpoint (2 epochs) as parsed JSON, and a trainer at 1 epoch to load it into. */
  function scenario() {
    const source = makeTrainer();
    fit(source, 2);
    const good = join(folder.dir, 'good.json');
    source.save(good);
    const target = makeTrainer();
    fit(target, 1);
    return { target, text: fs.readFileSync(good, 'utf8'), json: JSON.parse(fs.readFileSync(good, 'utf8')) as Record<string, unknown> & CheckpointJSON };
  }

  /** The file with its checksum recomputed, as a writer of valid files would: only the content is wrong. */
  function resealed(file: Record<string, unknown>): string {
    const { checksum: _, ...body } = file;
    return JSON.stringify({ ...body, checksum: createHash('sha256').update(JSON.stringify(body)).digest('hex') });
  }

  function expectRejected(target: Trainer, content: string | null, message: RegExp): void {
    const path = join(folder.dir, 'bad.json');
    if (content !== null) fs.writeFileSync(path, content);
    const before = stateOf(target);
    let error: unknown;
    try {
      target.load(path);
    } catch (e) {
      error = e;
    }
    // Soft assertions: a failure reports every broken promise at once (type, message, state).
    expect.soft(error).toBeInstanceOf(ChainruleError);
    expect.soft(String((error as Error | undefined)?.message)).toMatch(message);
    expect.soft(String((error as Error | undefined)?.message)).toMatch(/nothing was changed/);
    expect.soft(() => expectSameTrainerState(target, before)).not.toThrow();
  }

  it('the unmodified file loads (the scenario is sound)', () => {
    const { target, text } = scenario();
    const path = join(folder.dir, 'copy.json');
    fs.writeFileSync(path, text);
    target.load(path);
    expect(target.epoch).toBe(2);
    expect(resealed(JSON.parse(text) as Record<string, unknown>)).toBe(text);
  });

  it('a missing file', () => {
    expectRejected(scenario().target, null, /cannot be read/);
  });

  it('truncated JSON', () => {
    const { target, text } = scenario();
    expectRejected(target, text.slice(0, Math.floor(text.length / 2)), /cannot be read as JSON/);
    expectRejected(target, '', /cannot be read as JSON/);
  });

  it('an edited number: the checksum does not match', () => {
    const { target, text, json } = scenario();
    const value = (json.variables['dense1/W']!.data as number[])[0]!;
    const edited = text.replace(JSON.stringify(value), JSON.stringify(value + 0.5));
    expect(edited).not.toBe(text);
    expectRejected(target, edited, /checksum does not match/);
    expectRejected(target, text.replace(/"checksum":"[0-9a-f]+"/, '"checksum":"0000"'), /checksum does not match/);
  });

  it('a variable missing', () => {
    const { target, json } = scenario();
    const { 'dense1/b': _, ...variables } = json.variables;
    expectRejected(target, resealed({ ...json, variables }), /lacks variable 'dense1\/b'/);
    const { 'optim/adam.q/dense2/W': __, ...noMoment } = json.variables;
    expectRejected(target, resealed({ ...json, variables: noMoment }), /lacks variable 'optim\/adam\.q\/dense2\/W'/);
  });

  it('an extra variable', () => {
    const { target, json } = scenario();
    const variables = { ...json.variables, 'dense3/W': json.variables['dense2/W']! };
    expectRejected(target, resealed({ ...json, variables }), /holds variable 'dense3\/W', which this graph does not have/);
  });

  it('a variable of the wrong shape or dtype', () => {
    const { target, json } = scenario();
    const W = json.variables['dense1/W']!;
    const transposed = { ...json.variables, 'dense1/W': { ...W, shape: [2, 8] } };
    expectRejected(target, resealed({ ...json, variables: transposed }), /variable 'dense1\/W' is float64 \[2,8\] there but float64 \[8,2\] here/);
    const single = { ...json.variables, 'dense1/W': { ...W, dtype: 'float32', data: (W.data as number[]).map(Math.fround) } };
    expectRejected(target, resealed({ ...json, variables: single }), /variable 'dense1\/W' is float32 \[8,2\] there but float64 \[8,2\] here/);
    const short = { ...json.variables, 'dense1/W': { ...W, data: (W.data as number[]).slice(1) } };
    expectRejected(target, resealed({ ...json, variables: short }), /dense1\/W.*holds 16 elements but data has 15/);
  });

  it('the wrong format or version', () => {
    const { target, json } = scenario();
    expectRejected(target, resealed({ ...json, format: 'chainrule.graph' }), /is not a chainrule checkpoint/);
    expectRejected(target, resealed({ ...json, version: 2 }), /is not a chainrule checkpoint/);
    expectRejected(target, '[1, 2, 3]', /is not a chainrule checkpoint/);
    expectRejected(target, 'null', /is not a chainrule checkpoint/);
    expectRejected(target, '"chainrule.checkpoint"', /is not a chainrule checkpoint/);
  });

  it('a checkpoint of another model: other shapes, or other random nodes', () => {
    const { target } = scenario();
    const wider = makeTrainer({ layers: () => [dense(9, { activation: 'tanh' }), dropout(0.8), dense(2)] });
    const widerPath = join(folder.dir, 'wider.json');
    wider.save(widerPath);
    expectRejected(target, fs.readFileSync(widerPath, 'utf8'), /variable 'dense1\/W' is float64 \[9,2\] there but float64 \[8,2\] here/);
    // No dropout: the same variables, but no random node to restore.
    const plain = makeTrainer({ layers: () => [dense(8, { activation: 'tanh' }), dense(2)] });
    fit(plain, 1);
    const plainPath = join(folder.dir, 'plain.json');
    plain.save(plainPath);
    expectRejected(target, fs.readFileSync(plainPath, 'utf8'), /saved from a graph with other random nodes/);
  });

  it('a well-sealed file whose variables field is not an object', () => {
    const { target, json } = scenario();
    expectRejected(target, resealed({ ...json, variables: null }), /variables/);
  });

  it('a well-sealed file with an invalid random run count changes nothing', () => {
    const { target, json } = scenario();
    const random = Object.fromEntries(Object.keys(json.random).map((k) => [k, -1]));
    expectRejected(target, resealed({ ...json, random }), /run count/);
  });
});

describe('float32 training', () => {
  it('builds every variable in the trainer dtype and trains', () => {
    const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]], undefined, 'float32');
    const Y = tensor([[0], [1], [1], [0]], undefined, 'float32');
    const t = new Trainer({
      model: sequential([dense(8, { activation: 'tanh' }), dropout(0.9), dense(1)]),
      inputUnits: 2,
      targetUnits: 1,
      loss: binaryCrossEntropyFromLogits,
      rule: adam({ lr: 0.05 }),
      dtype: 'float32',
    });
    for (const v of t.graph.variables) expect(v.dtype).toBe('float32');
    const history = t.fit({ x: X, y: Y }, { epochs: 200, batchSize: 4, progress: 'none' });
    expect(history.at(-1)!.loss).toBeLessThan(0.05);
    expect(t.predict(X).data).toBeInstanceOf(Float32Array);
  });
});
