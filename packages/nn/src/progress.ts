import { platform } from '#platform';
import { expectNumber, expectString } from '@chainrule/graph';

/**
 * How training reports progress: a live bar, one line per epoch, or nothing.
 *
 * @example
 * ```ts
 * trainer.fit(train, { epochs: 10, batchSize: 32, progress: 'none' satisfies ProgressMode });
 * ```
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'none'];

/**
 * Reports the batches of one epoch and a summary line at its end.
 *
 * @example
 * ```ts
 * const quiet: ProgressReporter = { batch: () => {}, end: (summary) => console.log(summary) };
 * ```
 */
export interface ProgressReporter {
  /**
   * Called after each batch with the running mean loss.
   *
   * @param done - batches completed so far in this epoch.
   * @param loss - the mean loss over those batches.
   */
  batch(done: number, loss: number): void;
  /**
   * Called once at the end of the epoch with its summary.
   *
   * @param summary - the line to print.
   */
  end(summary: string): void;
}

/**
 * A reporter for one epoch: a `cli-progress` bar on an interactive terminal (`auto` outside CI), or
 * plain lines elsewhere, so logs stay readable. In a browser the lines go to the console (a page
 * follows training through `fit`'s epoch callbacks).
 *
 * @param mode - the mode; `auto` picks a bar on a TTY and lines otherwise.
 * @param epoch - the epoch number shown.
 * @param total - batches in the epoch.
 * @returns the reporter.
 * @example
 * ```ts
 * const p = epochProgress('auto', 1, 469);
 * p.batch(1, 2.31);
 * p.end('epoch 1: loss 0.2900');
 * ```
 */
export function epochProgress(mode: ProgressMode, epoch: number, total: number): ProgressReporter {
  expectString('epochProgress', 'mode', mode, PROGRESS_MODES);
  expectNumber('epochProgress', 'epoch', epoch, { kind: 'integer', min: 0 });
  expectNumber('epochProgress', 'total', total, { kind: 'integer', min: 0 });
  const { terminal } = platform;
  if (mode === 'bar' || (mode === 'auto' && terminal.interactive)) {
    const bar = terminal.bar(`epoch ${epoch} [{bar}] {value}/{total} batches | loss {loss}`, total);
    return {
      batch: (done, loss) => bar.update(done, loss.toFixed(4)),
      end: (summary) => {
        bar.stop();
        terminal.write(summary);
      },
    };
  }
  return {
    batch: () => undefined,
    end: (summary) => {
      if (mode !== 'none') terminal.write(summary);
    },
  };
}
