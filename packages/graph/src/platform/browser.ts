import type { Platform } from './platform.js';

/** The parts of a browser's globals this file uses (the package is type-checked without the DOM library). */
interface BrowserGlobals {
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly Worker?: new (url: string) => { postMessage(data: unknown): void; onerror: ((event: { preventDefault(): void }) => void) | null };
  readonly Blob?: new (parts: string[], options: { type: string }) => object;
  readonly URL: { createObjectURL(blob: object): string };
  readonly document?: object;
  readonly crossOriginIsolated?: boolean;
}

const web = globalThis as unknown as BrowserGlobals;

/**
 * Browsers: cores from `navigator.hardwareConcurrency`, Web Workers started from a Blob of the
 * worker's source (the data goes in the first message), and a main thread that must not block
 * (`Atomics.wait` throws there), while a worker may. Workers share the kernels' memory only on a
 * cross-origin isolated page.
 *
 * @example
 * ```ts
 * platform.cores; // navigator.hardwareConcurrency, or 1
 * ```
 */
export const platform: Platform = {
  cores: Math.max(1, web.navigator?.hardwareConcurrency ?? 1),
  canBlock: web.document === undefined,
  sharedWorkers: web.crossOriginIsolated === true,
  startWorker(body, data) {
    if (web.Worker === undefined || web.Blob === undefined) return false;
    try {
      const source = `'use strict';\nonmessage = (event) => { onmessage = null; (${body})(event.data); };\n`;
      const worker = new web.Worker(web.URL.createObjectURL(new web.Blob([source], { type: 'text/javascript' })));
      worker.onerror = (event) => event.preventDefault();
      worker.postMessage(data);
      return true;
    } catch {
      return false; // e.g. a content security policy that forbids blob: workers
    }
  },
};
