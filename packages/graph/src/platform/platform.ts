/**
 * What the kernels need from the JavaScript runtime they run in, and which Node and browsers
 * provide differently: the number of cores, worker threads, and whether the calling thread may
 * block. Chosen per runtime by the package's `#platform` import (conditions `browser`/`default`),
 * so that no `node:` module is reached from a browser build.
 *
 * @example
 * ```ts
 * import { platform } from '#platform';
 * platform.cores; // e.g. 8
 * ```
 */
export interface Platform {
  /** Logical cores the kernels may use (at least 1). */
  readonly cores: number;
  /**
   * Whether the calling thread may wait with `Atomics.wait` (Node's main thread and workers may;
   * a browser's main thread may not, so there the kernels poll instead).
   */
  readonly canBlock: boolean;
  /**
   * Whether workers can share memory with this thread: always in Node; in a browser only on a
   * cross-origin isolated page (COOP/COEP headers), where SharedArrayBuffer can be posted to them.
   * Without it the kernels keep every product on the calling thread.
   */
  readonly sharedWorkers: boolean;
  /**
   * Starts a worker that runs `body`, the source of a function of one argument, with `data`
   * (structured-cloned: a WebAssembly module, a shared memory, numbers). The worker never keeps
   * the process alive and its errors are swallowed: a worker that dies only stops taking work.
   *
   * @returns whether the worker started (false where this runtime has no workers).
   */
  startWorker(body: string, data: unknown): boolean;
}
