/// <reference path="./webassembly.d.ts" />
/**
 * The WebAssembly SIMD matrix product: one module instance on a shared memory, the memory plan of
 * a call, and the copies between JavaScript arrays and that memory (memory.ts has its views).
 *
 * Memory plan (byte addresses): the control block of the worker pool at 0; at SCRATCH_BASE the
 * calling thread's private workspace (packed panels of A and B, an edge tile); after it the heap
 * (heap.ts: the workers' workspaces and the compiled executor's planned buffers); above the heap's
 * top, the operands of the current call that live elsewhere, each 16-byte aligned. The memory
 * grows as a call needs and never shrinks.
 */
import type { DType, TypedArray } from '../../core/dtype.js';
import type { KernelExports, KernelInstance } from './instance.js';
import { KERNELS_BASE64, MAXIMUM_PAGES } from './module.js';
import { MAX_BLOCKS } from './control.js';
import { addressIn, align16, PAGE, reserve, SCRATCH_BASE, views } from './memory.js';
import { heapTop } from './heap.js';
import { pace, runParallel, startWorkers } from './pool.js';

export { addressIn, align16, reserve, SCRATCH_BASE, views, type MemoryViews } from './memory.js';

let instance: KernelInstance | null | undefined;

/** The kernels' instance, created on first use; null when this runtime cannot run them. */
export function kernelInstance(): KernelInstance | null {
  if (instance === undefined) instance = instantiate();
  return instance;
}

function instantiate(): KernelInstance | null {
  try {
    const bytes = Uint8Array.from(atob(KERNELS_BASE64), (c) => c.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAXIMUM_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const scratch = Math.max(exports.SCRATCH32_BYTES.value as number, exports.SCRATCH64_BYTES.value as number);
    return { module, memory, exports, scratchStride: Math.ceil(scratch / PAGE) * PAGE };
  } catch {
    // No SIMD, no shared memory (SharedArrayBuffer disabled), or no WebAssembly at all.
    return null;
  }
}

/**
 * Whether the WebAssembly SIMD kernels can run here (WebAssembly with SIMD and threads, and
 * SharedArrayBuffer).
 */
export function wasmKernelsAvailable(): boolean {
  return kernelInstance() !== null;
}

/** Rows of C per tile of the micro-kernel, and columns per tile for each dtype. */
const TILE_ROWS = 4;
const TILE_COLS: Record<DType, number> = { float32: 8, float64: 4 };

/**
 * Splits the m×n result into up to `parts` blocks along its longer side, in whole tiles, writing
 * block t as [i0, i1, j0, j1] at out[4t …]. Each block is computed independently; an element's sum
 * does not depend on the split.
 *
 * @returns the number of blocks.
 */
export function splitBlocks(out: Int32Array, m: number, n: number, parts: number, tileCols: number): number {
  const alongRows = m >= n;
  const length = alongRows ? m : n;
  const tile = alongRows ? TILE_ROWS : tileCols;
  const tiles = Math.ceil(length / tile);
  const count = Math.min(parts, tiles);
  let start = 0;
  for (let t = 0; t < count; t++) {
    const end = Math.min(length, start + Math.ceil((tiles - start / tile) / (count - t)) * tile);
    out[4 * t] = alongRows ? start : 0;
    out[4 * t + 1] = alongRows ? end : m;
    out[4 * t + 2] = alongRows ? 0 : start;
    out[4 * t + 3] = alongRows ? n : end;
    start = end;
  }
  return count;
}

/** The block bounds of the current parallel product (reused: a run allocates nothing here). */
const bounds = new Int32Array(4 * MAX_BLOCKS);

/**
 * C = op(A)·op(B) in WebAssembly: operands that live in the kernels' heap (planned buffers, see
 * heap.ts) are read and written in place; the others are copied above the heap's top, and C out
 * again. Runs on `threads` threads, or on one below PARALLEL_MIN_WORK multiply-adds or while
 * splitting does not pay (see pace.ts).
 *
 * @returns false when the operands do not fit the memory's maximum (the caller falls back).
 */
export function wasmGemm(
  kernels: KernelInstance,
  dtype: DType,
  C: TypedArray, c0: number, A: TypedArray, a0: number, B: TypedArray, b0: number,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
  threads: number,
): boolean {
  const bytes = dtype === 'float32' ? 4 : 8;
  // Workers get their workspaces from the heap, so they start before the transient data is placed.
  const parts = threads > 1 && m * n * k >= PARALLEL_MIN_WORK && pace.split() ? 1 + startWorkers(kernels, threads - 1) : 1;
  let free = heapTop(kernels);
  const place = (address: number, elements: number): number => {
    if (address >= 0) return address;
    const at = align16(free);
    free = at + elements * bytes;
    return at;
  };
  const aIn = addressIn(A, a0);
  const bIn = addressIn(B, b0);
  const cIn = addressIn(C, c0);
  const a = place(aIn, m * k);
  const b = place(bIn, k * n);
  const c = place(cIn, m * n);
  if (!reserve(kernels, free)) return false;
  const view = dtype === 'float32' ? views().f32 : views().f64;
  if (aIn < 0) view.set(a0 === 0 && A.length === m * k ? A : A.subarray(a0, a0 + m * k), a / bytes);
  if (bIn < 0) view.set(b0 === 0 && B.length === k * n ? B : B.subarray(b0, b0 + k * n), b / bytes);
  const tA = transposeA ? 1 : 0;
  const tB = transposeB ? 1 : 0;
  if (parts === 1) {
    const kernel = dtype === 'float32' ? kernels.exports.gemm32 : kernels.exports.gemm64;
    kernel(c, a, b, m, k, n, tA, tB, 0, m, 0, n, SCRATCH_BASE);
  } else {
    const count = splitBlocks(bounds, m, n, Math.min(MAX_BLOCKS, parts * BLOCKS_PER_THREAD), TILE_COLS[dtype]);
    runParallel(kernels, dtype, c, a, b, m, k, n, tA, tB, bounds, count, SCRATCH_BASE, parts - 1);
  }
  if (cIn < 0) C.set(view.subarray(c / bytes, c / bytes + m * n), c0);
  return true;
}

/**
 * Blocks per thread a parallel product is split into: more than one, so that a thread that starts
 * late (a busy machine) leaves blocks for the others; few, since each block packs its panels anew.
 */
const BLOCKS_PER_THREAD = 2;

/**
 * Multiply-adds (m·n·k) from which a product is split across threads; below it, waking the
 * workers costs more than they save (measured with `pnpm bench --only matmul`).
 */
export const PARALLEL_MIN_WORK = 1 << 18;

