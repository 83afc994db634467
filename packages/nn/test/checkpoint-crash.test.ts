/**
 * Checkpoints survive being killed at any moment. Child processes (fixtures/checkpoint-writer.ts)
 * train and save in a loop; this test kills each with SIGKILL at a seeded random moment, many
 * times over, and checks after every kill that the checkpoint loads, holds exactly the state of a
 * straight run after its epoch, and resumes bit for bit; and after the next child's first save,
 * that no temporary file of the killed ones is left.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { randomStream } from '@chainrule/graph';
import type { Trainer } from '@chainrule/nn';
import { crashTrainer, trainOneEpoch } from './fixtures/crash-trainer.js';
import { temporaryFolder } from './files.js';
import { expectSameState, snapshot } from './helpers.js';

const SEED = 20261202;
const KILLS = 20;
/** Kills land uniformly within this many milliseconds of letting a child go on (several train-and-save rounds). */
const WINDOW_MS = 150;

const WRITER = fileURLToPath(new URL('fixtures/checkpoint-writer.ts', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** A child writing checkpoints to `path`, with its stdout as lines. */
function startWriter(path: string): { child: ChildProcessWithoutNullStreams; line: () => Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--conditions=@chainrule/source', '--import', 'tsx', WRITER, path], { cwd: PACKAGE });
  child.stdin.on('error', () => undefined); // a 'go' written just as the child is killed (EPIPE)
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const line = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error(`the writer ended early:\n${stderr}`);
    return next.value;
  };
  return { child, line, exited };
}

/** A straight run, advanced on demand: its state after any epoch, which never goes back. */
class Reference {
  private readonly trainer = crashTrainer();
  stateAt(epoch: number): ReturnType<typeof snapshot> {
    if (epoch < this.trainer.epoch) throw new Error(`the reference is past epoch ${epoch}`);
    while (this.trainer.epoch < epoch) trainOneEpoch(this.trainer);
    return snapshot(this.trainer.graph);
  }
}

describe('checkpoints under kill -9', () => {
  const folder = temporaryFolder('crash');
  afterAll(() => folder.cleanup());
  const path = join(folder.dir, 'run.ckpt.json');
  const temporaries = (): string[] => readdirSync(folder.dir).filter((name) => name.startsWith('run.ckpt.json.tmp-'));

  it(`${KILLS} kills at random moments (seed ${SEED}): the checkpoint always loads, resumes bit for bit, and the next save leaves no temporary file`, async () => {
    const rng = randomStream(SEED, 0);
    const reference = new Reference();
    const probe: Trainer = crashTrainer();
    let orphans = 0;
    let epoch = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = startWriter(path);
      try {
        expect(await writer.line()).toBe(`ready ${epoch}`);
        // The first save of this child: it waits for us now, so nothing is being written.
        expect(await writer.line()).toBe(`saved ${epoch + 1}`);
        expect(temporaries(), `after the first save following kill ${kill}`).toEqual([]);
        // Let it go on, answering every save, and kill it at a random moment.
        const delay = ((rng.next() >>> 0) / 2 ** 32) * WINDOW_MS;
        const answering = (async () => {
          for (;;) {
            const said = await writer.line().catch(() => undefined);
            if (said === undefined) return;
            writer.child.stdin.write('go\n');
          }
        })();
        writer.child.stdin.write('go\n');
        await new Promise((resolve) => setTimeout(resolve, delay));
        writer.child.kill('SIGKILL');
        await writer.exited;
        await answering;
      } finally {
        writer.child.kill('SIGKILL');
      }
      if (temporaries().length > 0) orphans++;
      // Whatever the moment, the checkpoint is a complete one: the state of the straight run
      // after its epoch, bit for bit; and one more epoch from it is the straight run's next.
      expect(existsSync(path)).toBe(true);
      probe.load(path);
      expect(probe.epoch).toBeGreaterThan(epoch);
      epoch = probe.epoch;
      expectSameState(snapshot(probe.graph), reference.stateAt(epoch));
      trainOneEpoch(probe);
      expectSameState(snapshot(probe.graph), reference.stateAt(epoch + 1));
    }
    // The last kills' leftovers go with one more save.
    const last = startWriter(path);
    expect(await last.line()).toBe(`ready ${epoch}`);
    expect(await last.line()).toBe(`saved ${epoch + 1}`);
    expect(temporaries()).toEqual([]);
    last.child.kill('SIGKILL');
    await last.exited;
    // How often a kill caught a save between writing and renaming (it varies with the machine's speed).
    console.log(`checkpoint crash test: ${KILLS} kills, ${orphans} left a partial temporary file, final epoch ${epoch}`);
  }, 300_000);
});
