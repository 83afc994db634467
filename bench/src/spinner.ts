/**
 * Another process holding one core: a Node child that spins, so that item 6 can time two threads
 * against one when the two cores are not free. The child spins in 50 ms slices and looks at its
 * stdin between them: when the bench closes the pipe, or ends in any way (its end of the pipe then
 * closes), the child exits, so it cannot outlive the bench.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

// A linear congruential generator, as in the spin check (cores.ts), in slices of 50 ms.
const SPIN = `process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
let x = 1;
const slice = () => {
  const t = Date.now();
  while (Date.now() - t < 50) for (let i = 0; i < 100000; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  setImmediate(slice);
};
slice();`;

/** A running spinner. */
export interface Spinner {
  /** Ends the child and waits for it to exit. */
  readonly stop: () => Promise<void>;
}

/**
 * Starts a child process that keeps one core busy until {@link Spinner.stop} (or the end of this
 * process).
 *
 * @returns the spinner, once the child has started.
 * @throws Error when the child cannot be started.
 * @example
 * ```ts
 * const spinner = await startSpinner();
 * try {
 *   await interleaved(contenders, plan); // with one core busy
 * } finally {
 *   await spinner.stop();
 * }
 * ```
 */
export async function startSpinner(): Promise<Spinner> {
  const child = spawn(process.execPath, ['-e', SPIN], { stdio: ['pipe', 'ignore', 'ignore'] });
  const kill = (): void => {
    child.kill();
  };
  process.once('exit', kill);
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([e]) => Promise.reject(new Error(`the spinning child process did not start: ${(e as Error).message}`)))]);
  const exited = once(child, 'exit');
  return {
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the spinning child process ended early (exit ${child.exitCode ?? child.signalCode})`);
      child.stdin.end();
      child.kill();
      await exited;
    },
  };
}
