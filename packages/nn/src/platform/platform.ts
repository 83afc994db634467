/**
 * A live progress bar on a terminal.
 *
 * @example
 * ```ts
 * const bar = platform.terminal?.bar('epoch 1 [{bar}] {value}/{total}', 469);
 * ```
 */
export interface ProgressBar {
  /** Moves the bar to `done` batches with the running loss shown. */
  update(done: number, loss: string): void;
  /** Ends the bar (the line stays). */
  stop(): void;
}

/**
 * What `@chainrule/nn` needs from the runtime and Node and browsers provide differently: where
 * progress goes, and files for checkpoints. Chosen by the package's `#platform` import (conditions
 * `browser`/`default`), so that no `node:` module is reached from a browser build.
 *
 * @example
 * ```ts
 * import { platform } from '#platform';
 * platform.files === undefined; // true in a browser
 * ```
 */
export interface NnPlatform {
  /** Where progress lines go, and whether a live bar can be drawn there (`auto` mode). */
  readonly terminal: {
    readonly interactive: boolean;
    write(line: string): void;
    bar(format: string, total: number): ProgressBar;
  };
  /** Text files, where the runtime has them. */
  readonly files:
    | {
        readText(path: string): string;
        /**
         * Writes `text` to `path` atomically and durably: a uniquely named temporary file in the
         * same folder, flushed to the disk and renamed over it, then the folder flushed; temporaries
         * of earlier crashed saves are removed.
         */
        writeTextAtomically(path: string, text: string): void;
      }
    | undefined;
}
