/// <reference path="./webassembly.d.ts" />
/**
 * The kernels' shared memory as JavaScript sees it: where the calling thread's workspace starts,
 * typed views of the whole memory (refreshed when it grows), growing it, and recognising arrays
 * that lie in it. The memory plan is described in runtime.ts and heap.ts.
 */
import type { TypedArray } from '../../core/dtype.js';
import { CONTROL_BYTES } from './control.js';
import type { KernelInstance } from './instance.js';
import { MAXIMUM_PAGES } from './module.js';

/** Bytes of one WebAssembly memory page. */
export const PAGE = 65536;

/** Where the calling thread's workspace begins (after the pool's control block); the heap follows it. */
export const SCRATCH_BASE = Math.ceil(CONTROL_BYTES / PAGE) * PAGE;

let f32: Float32Array = new Float32Array(0);
let f64: Float64Array = new Float64Array(0);
let i32: Int32Array = new Int32Array(0);
let viewsOf: ArrayBufferLike | undefined;

/** Typed views of the whole memory. */
export interface MemoryViews {
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
}
let memoryViews: MemoryViews = { f32, f64, i32 };
/** Every buffer object the memory has had: each growth makes a new one over the same memory. */
const ownBuffers = new WeakSet<ArrayBufferLike>();

/**
 * The byte address of `array[offset]` when the array lies in the kernels' memory (a heap buffer,
 * see heap.ts), so that a kernel may use it in place; -1 when it lies elsewhere.
 */
export function addressIn(array: TypedArray, offset: number): number {
  return ownBuffers.has(array.buffer) ? array.byteOffset + offset * array.BYTES_PER_ELEMENT : -1;
}

/** Views of the whole memory as of the last {@link reserve} (they stay valid: shared memory never detaches). */
export function views(): MemoryViews {
  return memoryViews;
}

/**
 * Grows the memory to at least `bytes`, refreshing the views (see {@link views}) when it grows.
 *
 * @returns false when that exceeds the maximum.
 */
export function reserve(kernels: KernelInstance, bytes: number): boolean {
  const have = kernels.memory.buffer.byteLength;
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAXIMUM_PAGES) return false;
    kernels.memory.grow(pages);
  }
  const buffer = kernels.memory.buffer;
  if (buffer !== viewsOf) {
    f32 = new Float32Array(buffer);
    f64 = new Float64Array(buffer);
    i32 = new Int32Array(buffer);
    memoryViews = { f32, f64, i32 };
    viewsOf = buffer;
    ownBuffers.add(buffer);
  }
  return true;
}

/** `bytes` rounded up to a multiple of 16. */
export const align16 = (bytes: number): number => (bytes + 15) & ~15;
