import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChainruleError, zeros } from '@chainrule/graph';
import { CHECKPOINT_VERSION, Trainer, checkpointToText, dense, dropout, restoreCheckpoint, saveCheckpoint, type CheckpointJSON, type EpochRecord } from '@chainrule/nn';
import { temporaryFolder } from './files.js';
import { expectSameState, snapshot } from './helpers.js';
import { TRAIN, VALIDATION, expectSameTrainerState, makeTrainer, quiet, sameNumbers, stateOf } from './trainer-fixtures.js';

// The checkpoint writer's file calls pass through these hooks: the tests record the sequence of
// calls (which file each descriptor is), look at the disk at any step, and make a step fail.
type FsCall = readonly [name: string, file: string];
const fsHooks = vi.hoisted(() => ({
  before: undefined as undefined | ((name: string, file: string, args: readonly unknown[]) => void),
  calls: [] as FsCall[],
  files: new Map<number, string>(),
}));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const hooked = <F extends (...args: never[]) => unknown>(name: string, f: F, file: (args: Parameters<F>) => string) =>
    ((...args: Parameters<F>) => {
      const which = file(args);
      fsHooks.calls.push([name, which]);
      fsHooks.before?.(name, which, args);
      const result = f(...args);
      if (name === 'openSync') fsHooks.files.set(result as number, which);
      return result;
    }) as unknown as F;
  const byPath = (args: readonly unknown[]): string => String(args[0]);
  const byFd = (args: readonly unknown[]): string => fsHooks.files.get(args[0] as number) ?? `fd ${String(args[0])}`;
  return {
    ...real,
    openSync: hooked('openSync', real.openSync, byPath),
    writeSync: hooked('writeSync', real.writeSync as (...args: never[]) => number, byFd),
    fsyncSync: hooked('fsyncSync', real.fsyncSync, byFd),
    closeSync: hooked('closeSync', real.closeSync, byFd),
    renameSync: hooked('renameSync', real.renameSync, (args) => `${String(args[0])} -> ${String(args[1])}`),
    unlinkSync: hooked('unlinkSync', real.unlinkSync, byPath),
    writeFileSync: hooked('writeFileSync', real.writeFileSync as (...args: never[]) => void, byPath),
  };
});

/** JSON with every object's keys sorted, no spaces: the canonical encoding checkpoints are sealed over. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The file with its checksum recomputed, as a writer of valid files would: only the content is wrong. */
function resealed(file: Record<string, unknown>): string {
  const { checksum: _, ...body } = file;
  return JSON.stringify({ ...body, checksum: createHash('sha256').update(canonical(body)).digest('hex') });
}

/** The same JSON value with the keys of every object in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)]));
  return v;
}

/** The id of a process that has ended (a child that exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const fit = (t: Trainer, epochs: number): EpochRecord[] => t.fit(TRAIN, { epochs, batchSize: 8, validation: VALIDATION, ...quiet });

/** The names in a folder, sorted. */
const listing = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('checkpoints', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder('checkpoint');
    fsHooks.calls.length = 0;
  });
  afterEach(() => {
    fsHooks.before = undefined;
    folder.cleanup();
  });

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

  it('is written atomically and durably: a new temporary file in the same folder, flushed, renamed over the target, then the folder flushed', () => {
    const trainer = makeTrainer();
    const path = join(folder.dir, 'ckpt.json');
    trainer.save(path);
    const old = fs.readFileSync(path, 'utf8');
    fit(trainer, 1);
    fsHooks.calls.length = 0;
    let temporary = '';
    fsHooks.before = (name, file, args) => {
      if (name === 'openSync' && file !== folder.dir) {
        temporary = file;
        expect(args[1]).toBe('wx'); // created exclusively: never an existing file
      }
      if (name === 'renameSync') {
        // At the moment of the rename the target still holds the old, complete checkpoint and the
        // new one is complete in a sibling file.
        expect(fs.readFileSync(path, 'utf8')).toBe(old);
        const incoming = JSON.parse(fs.readFileSync(temporary, 'utf8')) as CheckpointJSON;
        expect(incoming.progress).toEqual({ epoch: 1 });
        expect(listing(folder.dir)).toEqual(['ckpt.json', temporary.slice(folder.dir.length + 1)].sort());
      }
    };
    trainer.save(path);
    expect(join(temporary, '..')).toBe(folder.dir);
    expect(temporary.slice(folder.dir.length + 1)).toMatch(new RegExp(`^ckpt\\.json\\.tmp-${process.pid}-[0-9a-f]{16}$`));
    const writes = fsHooks.calls.filter(([name]) => name === 'writeSync');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every(([, file]) => file === temporary)).toBe(true);
    const sequence = fsHooks.calls.filter(([name]) => name !== 'writeSync');
    expect(sequence).toEqual([
      ['openSync', temporary],
      ['fsyncSync', temporary], // the data is on the disk before the rename publishes it
      ['closeSync', temporary],
      ['renameSync', `${temporary} -> ${path}`],
      ['openSync', folder.dir],
      ['fsyncSync', folder.dir], // and the rename itself is on the disk
      ['closeSync', folder.dir],
    ]);
    expect(listing(folder.dir)).toEqual(['ckpt.json']);
    const fresh = makeTrainer();
    fresh.load(path);
    expectSameTrainerState(fresh, stateOf(trainer));
  });

  it('every save uses a new temporary name', () => {
    const trainer = makeTrainer();
    const path = join(folder.dir, 'ckpt.json');
    for (let i = 0; i < 3; i++) trainer.save(path);
    const temporaries = fsHooks.calls.filter(([name, file]) => name === 'openSync' && file !== folder.dir).map(([, file]) => file);
    expect(temporaries.length).toBe(3);
    expect(new Set(temporaries).size).toBe(3);
  });

  it("removes the temporary files of earlier crashed saves of this checkpoint — only those, and only of processes that are gone", () => {
    const trainer = makeTrainer();
    fit(trainer, 1);
    const path = join(folder.dir, 'ckpt.json');
    trainer.save(path);
    const dead = deadPid();
    const partial = '{"format":"chainrule.checkpoint","version":2,"variables":{"dense1/W":{"dtype":"float64","shape":[8,2],"data":[0.1';
    const orphans = [`ckpt.json.tmp-${dead}`, `ckpt.json.tmp-${dead}-0123456789abcdef`]; // as the first format and as now
    const kept = [
      `ckpt.json.tmp-${process.ppid}-0123456789abcdef`, // a save in progress in a running process
      `other.json.tmp-${dead}-0123456789abcdef`, // another checkpoint's
      'ckpt.json.tmp-notes', // not the pattern
      `ckpt.json.tmp-${dead}-xyz`,
      `ckpt.json.bak`,
      `xckpt.json.tmp-${dead}`,
    ];
    for (const name of [...orphans, ...kept]) fs.writeFileSync(join(folder.dir, name), partial);
    fit(trainer, 2);
    trainer.save(path);
    expect(listing(folder.dir)).toEqual(['ckpt.json', ...kept].sort());
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
    let temporary = '';
    fsHooks.before = (name, file) => {
      if (name !== 'writeSync') return;
      temporary = file;
      fs.appendFileSync(file, old.slice(0, 100)); // part of it reaches the disk, then the disk is full
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    expect(() => trainer.save(path)).toThrow(new ChainruleError(`saveCheckpoint: cannot write '${path}': no space left on the device (ENOSPC); the previous checkpoint, if any, is unchanged`));
    fsHooks.before = undefined;
    expect(temporary).toMatch(/ckpt\.json\.tmp-/);
    expect(fs.readFileSync(path, 'utf8')).toBe(old);
    const fresh = makeTrainer();
    fresh.load(path);
    expectSameTrainerState(fresh, atOne);
    expect(listing(folder.dir)).toEqual(['ckpt.json']);
  });

  it('a save that cannot write reports a ChainruleError naming the path and the reason, with the file system error as its cause', () => {
    const trainer = makeTrainer();
    const file = join(folder.dir, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    fs.mkdirSync(join(folder.dir, 'a-folder'));
    const cases: [string, string, string][] = [
      [join(folder.dir, 'missing', 'ckpt.json'), 'ENOENT', 'its folder does not exist'],
      [join(file, 'ckpt.json'), 'ENOTDIR', 'a part of the path is a file, not a folder'], // the error of the write, not of a cleanup
      [join(folder.dir, 'a-folder'), 'EISDIR', 'it is a folder'],
    ];
    for (const [path, code, reason] of cases) {
      let error: unknown;
      try {
        trainer.save(path);
      } catch (e) {
        error = e;
      }
      expect(error, code).toBeInstanceOf(ChainruleError);
      expect((error as Error).message).toBe(`saveCheckpoint: cannot write '${path}': ${reason} (${code}); the previous checkpoint, if any, is unchanged`);
      expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe(code);
    }
    // Permission denied (the tests may run as root, which no mode stops): the folder refuses the new file.
    fsHooks.before = (name) => {
      if (name === 'openSync') throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
    };
    const path = join(folder.dir, 'ckpt.json');
    expect(() => trainer.save(path)).toThrow(new ChainruleError(`saveCheckpoint: cannot write '${path}': permission denied (EACCES); the previous checkpoint, if any, is unchanged`));
    fsHooks.before = undefined;
    expect(listing(folder.dir)).toEqual(['a-file', 'a-folder']);
    expect(listing(join(folder.dir, 'a-folder'))).toEqual([]);
  });

  it('bad arguments are ChainruleErrors naming them', () => {
    const trainer = makeTrainer();
    const path = join(folder.dir, 'ckpt.json');
    expect(() => saveCheckpoint(trainer.graph, 42 as unknown as string)).toThrow(new ChainruleError('saveCheckpoint: path must be a non-empty string, got 42'));
    expect(() => saveCheckpoint({} as Trainer['graph'], path)).toThrow(new ChainruleError('checkpointToText: graph must be a Graph, got {}'));
    expect(() => saveCheckpoint(trainer.graph, path, { epoch: 1.5 })).toThrow(new ChainruleError("checkpointToText: progress 'epoch' is 1.5, not a count (a non-negative integer)"));
    expect(() => checkpointToText(trainer.graph, { epoch: -1 })).toThrow(/progress 'epoch' is -1, not a count/);
    expect(() => restoreCheckpoint(trainer.graph, 5 as unknown as string)).toThrow(new ChainruleError('restoreCheckpoint: text must be a string, got 5'));
    expect(listing(folder.dir)).toEqual([]);
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
    expectRejected(target, resealed({ ...json, version: 0 }), /is not a chainrule checkpoint of a known version \(version 0\)/);
    expectRejected(target, resealed({ ...json, version: '2' }), /is not a chainrule checkpoint of a known version \(version "2"\)/);
    expectRejected(target, resealed({ ...json, version: 3 }), /was written in checkpoint format version 3 by a newer chainrule; this one reads versions 1 to 2/);
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
  // -------------------------------------------------------------------------------------------
  // Counters are counts: a well-sealed file whose epoch or step counter is not a non-negative
  // integer would make fit() train the wrong number of epochs, or Adam's bias correction wrong.

  it('an epoch that is not a non-negative integer is refused (fit would train the wrong number of epochs)', () => {
    const { target, json } = scenario();
    for (const epoch of [1.5, -3, 1e300, -0.5, '3', null]) {
      expectRejected(target, resealed({ ...json, progress: { epoch } }), new RegExp(`progress 'epoch' is ${JSON.stringify(epoch)?.replace('+', '\\+')}, not a count \\(a non-negative integer\\)`));
    }
    // the scenario's file with a sound epoch loads, and fit trains exactly the missing epochs
    const path = join(folder.dir, 'five.json');
    fs.writeFileSync(path, resealed({ ...json, progress: { epoch: 3 } }));
    target.load(path);
    expect(fit(target, 4).map((r) => r.epoch)).toEqual([4]);
  });

  it('a step counter that is not a non-negative integer is refused', () => {
    const { target, json } = scenario();
    for (const step of [-1, 2.5, 'NaN', 'Infinity']) {
      const variables = { ...json.variables, 'optim/step': { dtype: 'float64', shape: [], data: [step] } };
      expectRejected(target, resealed({ ...json, variables }), new RegExp(`variable 'optim/step' is a counter, but holds ${String(step === 'NaN' ? NaN : step === 'Infinity' ? Infinity : step)}, not a non-negative integer`));
    }
  });

  // -------------------------------------------------------------------------------------------
  // The format: versioned, sealed over a canonical encoding.

  it('the checksum covers the canonical encoding, so the same content with its keys in another order loads', () => {
    const { target, text, json } = scenario();
    const { checksum, ...body } = json;
    expect(checksum).toBe(createHash('sha256').update(canonical(body)).digest('hex'));
    expect(json.version).toBe(CHECKPOINT_VERSION);
    expect(CHECKPOINT_VERSION).toBe(2);
    const reordered = JSON.stringify(reversedKeys(json));
    expect(reordered).not.toBe(text);
    expect(reordered.indexOf('"checksum"')).toBeLessThan(reordered.indexOf('"format"'));
    const path = join(folder.dir, 'reordered.json');
    fs.writeFileSync(path, reordered);
    target.load(path);
    expect(target.epoch).toBe(2);
    const again = makeTrainer();
    fs.writeFileSync(path, text);
    again.load(path);
    expectSameTrainerState(target, stateOf(again));
  });

  it('a version 1 file (sealed over its text in file order) is still read, with the same checks', () => {
    const { target, json } = scenario();
    const { checksum: _, ...body } = json;
    const v1 = { format: body.format, version: 1, variables: body.variables, random: body.random, progress: body.progress };
    const seal = (b: object): string => JSON.stringify({ ...b, checksum: createHash('sha256').update(JSON.stringify(b)).digest('hex') });
    const path = join(folder.dir, 'v1.json');
    fs.writeFileSync(path, seal(v1));
    const expected = makeTrainer();
    expected.load(join(folder.dir, 'good.json'));
    target.load(path);
    expectSameTrainerState(target, stateOf(expected));
    expectRejected(makeTrainer(), seal({ ...v1, progress: { epoch: 1.5 } }), /progress 'epoch' is 1\.5, not a count/);
    expectRejected(makeTrainer(), JSON.stringify(reversedKeys(JSON.parse(seal(v1)))), /checksum does not match/); // version 1 was sealed over key order
  });

  it('a hostile, deeply nested file is refused without walking it', () => {
    const { target, json } = scenario();
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const text = JSON.stringify({ ...json, progress: { epoch: 0 } }).replace('"epoch":0', `"epoch":${deep}`);
    expectRejected(target, text, /is damaged: nested more than 8 levels deep/);
  });
});
