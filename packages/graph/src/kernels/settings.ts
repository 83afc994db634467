import { platform } from '#platform';
import { ChainruleError } from '../core/errors.js';
import { MAX_THREADS } from './limits.js';
import { wasmKernelsAvailable } from './wasm/runtime.js';

/** Which implementation runs matrix products. */
export type KernelBackend = 'auto' | 'wasm' | 'js';

/**
 * Settings of the compute kernels, shared by every executor in the process.
 *
 * @example
 * ```ts
 * const options: KernelOptions = { backend: 'auto', threads: 2 };
 * ```
 */
export interface KernelOptions {
  /**
   * `'wasm'`: WebAssembly SIMD kernels; `'js'`: the plain-JavaScript kernels; `'auto'` (the
   * default): WebAssembly where the runtime supports SIMD and shared memory, JavaScript otherwise.
   */
  readonly backend: KernelBackend;
  /**
   * How many threads a large matrix product may use (the calling thread plus `threads − 1`
   * workers sharing its memory). Defaults to the machine's cores; products below a size threshold
   * always run on the calling thread.
   */
  readonly threads: number;
}

/**
 * What the kernels actually use: the settings resolved against what this runtime supports.
 *
 * @example
 * ```ts
 * const { backend, threads, wasmSimd } = kernelOptions(); // e.g. 'wasm', 2, true
 * ```
 */
export interface ResolvedKernelOptions {
  /** The implementation in use (`'auto'` resolved). */
  readonly backend: 'wasm' | 'js';
  /** Threads a large product may use. */
  readonly threads: number;
  /** Whether this runtime can run the WebAssembly SIMD kernels at all. */
  readonly wasmSimd: boolean;
}

/** The most threads this runtime can use: one where workers cannot share memory (a page that is not cross-origin isolated). */
const usableThreads = platform.sharedWorkers ? MAX_THREADS : 1;

let current: KernelOptions = { backend: 'auto', threads: Math.min(usableThreads, platform.cores) };

/**
 * Changes the kernel settings for the whole process; unspecified fields keep their values. Takes
 * effect at the next run of any executor; results do not depend on the thread count (each element
 * of a product is summed in the same order however the work is split). Where workers cannot share
 * memory (a browser page that is not cross-origin isolated) the thread count stays 1, and the
 * returned settings say so.
 *
 * @param options - the fields to change.
 * @returns the settings now in effect.
 * @throws ChainruleError - when `threads` is not an integer in 1…64, `backend` is unknown, or
 *   `'wasm'` is asked for on a runtime without WebAssembly SIMD and shared memory.
 * @example
 * ```ts
 * setKernelOptions({ threads: 1 });      // keep every product on the calling thread
 * setKernelOptions({ backend: 'js' });   // the plain-JavaScript reference kernels
 * ```
 */
export function setKernelOptions(options: Partial<KernelOptions>): ResolvedKernelOptions {
  const next = { ...current, ...options };
  if (!Number.isInteger(next.threads) || next.threads < 1 || next.threads > MAX_THREADS) {
    throw new ChainruleError(`setKernelOptions: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(next.threads)}`);
  }
  if (next.backend !== 'auto' && next.backend !== 'wasm' && next.backend !== 'js') {
    throw new ChainruleError(`setKernelOptions: backend must be 'auto', 'wasm' or 'js', got ${JSON.stringify(next.backend)}`);
  }
  if (next.backend === 'wasm' && !wasmKernelsAvailable()) {
    throw new ChainruleError(`setKernelOptions: backend 'wasm' needs WebAssembly SIMD and shared memory, which this runtime lacks`);
  }
  current = { ...next, threads: Math.min(next.threads, usableThreads) };
  return kernelOptions();
}

/**
 * The kernel settings in effect, with `'auto'` resolved.
 *
 * @returns the backend in use, the thread count, and whether WebAssembly SIMD is available.
 * @example
 * ```ts
 * console.log(kernelOptions()); // { backend: 'wasm', threads: 2, wasmSimd: true }
 * ```
 */
export function kernelOptions(): ResolvedKernelOptions {
  const wasmSimd = wasmKernelsAvailable();
  const backend = current.backend === 'js' || !wasmSimd ? 'js' : 'wasm';
  return { backend, threads: current.threads, wasmSimd };
}

/** The raw settings, read by the kernels on every product (no allocation). */
export function currentKernelSettings(): KernelOptions {
  return current;
}
