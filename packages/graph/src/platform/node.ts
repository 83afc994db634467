import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Platform } from './platform.js';

/**
 * Node: cores from `os.availableParallelism()`, workers from `worker_threads` (evaluated source,
 * `unref`'d), and a main thread that may block.
 *
 * @example
 * ```ts
 * platform.startWorker('(data) => console.log(data)', 1); // true
 * ```
 */
export const platform: Platform = {
  cores: availableParallelism(),
  canBlock: true,
  sharedWorkers: true,
  startWorker(body, data) {
    try {
      const source = `'use strict';\nconst { workerData } = require('node:worker_threads');\n(${body})(workerData);\n`;
      const worker = new Worker(source, { eval: true, workerData: data });
      // A worker that dies stops claiming blocks; its error must not end the process.
      worker.on('error', () => {});
      worker.unref();
      return true;
    } catch {
      return false; // e.g. a permission model without worker threads
    }
  },
};
