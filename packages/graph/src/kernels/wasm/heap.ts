/**
 * Long-lived blocks of the kernels' shared memory: the workers' workspaces and the compiled
 * executor's planned buffers. A buffer that lives here is read and written in place by the
 * products and the vectorised loops; one that lives in ordinary JavaScript memory is copied in
 * and out around every call.
 *
 * Memory plan (byte addresses): the worker pool's control block at 0; the calling thread's
 * workspace at SCRATCH_BASE; then the heap, whose blocks are handed out first fit from the holes
 * that freed blocks leave, else at its top; above the top, the transient area where a call copies
 * the operands that live elsewhere (see {@link heapTop}). The memory grows as the heap needs and
 * never shrinks. Only the thread that loaded the kernels allocates; workers only compute in place.
 */
import type { DType, TypedArray } from '../../core/dtype.js';
import type { KernelInstance } from './instance.js';
import { addressIn, reserve, SCRATCH_BASE, views } from './memory.js';

/**
 * Every block's size is a multiple of this many bytes, and its address too: a whole number of
 * four-element vectors of either dtype, which the elementwise evaluator reads and writes past the
 * last element of an array (see packages/graph/wasm/elementwise.ts).
 */
const GRAIN = 32;

/** Allocated blocks: address → bytes. */
const blocks = new Map<number, number>();
/** Free holes below the top, as [address, bytes], by address. */
const holes: [number, number][] = [];
let top = -1;

const grains = (bytes: number): number => Math.max(GRAIN, Math.ceil(bytes / GRAIN) * GRAIN);

/**
 * Where the transient data of a call may start: the first byte after every block (16-byte
 * aligned).
 *
 * @param kernels - the kernels' instance.
 * @returns a byte address.
 * @example
 * ```ts
 * const base = heapTop(kernels); // operands of the next product are copied from here on
 * ```
 */
export function heapTop(kernels: KernelInstance): number {
  if (top < 0) top = SCRATCH_BASE + kernels.scratchStride;
  return top;
}

/**
 * A block of at least `bytes` bytes (a multiple of 32 bytes at a 32-byte-aligned address),
 * zero-filled, growing the memory when no hole fits.
 *
 * @param kernels - the kernels' instance.
 * @param bytes - bytes wanted.
 * @returns its byte address, or `undefined` when the memory's maximum does not allow it.
 * @example
 * ```ts
 * const at = heapAllocate(kernels, 4 * 1024); // room for 1,024 float32 elements
 * ```
 */
export function heapAllocate(kernels: KernelInstance, bytes: number): number | undefined {
  const size = grains(bytes);
  let at: number | undefined;
  for (let h = 0; h < holes.length; h++) {
    const [start, length] = holes[h]!;
    if (length < size) continue;
    at = start;
    if (length === size) holes.splice(h, 1);
    else holes[h] = [start + size, length - size];
    break;
  }
  if (at === undefined) {
    const start = Math.ceil(heapTop(kernels) / GRAIN) * GRAIN;
    if (!reserve(kernels, start + size)) return undefined;
    at = start;
    top = start + size;
  }
  blocks.set(at, size);
  reserve(kernels, at + size); // refreshes the views when the memory has grown
  new Uint8Array(views().f32.buffer, at, size).fill(0);
  return at;
}

/**
 * Returns a block to the heap; neighbouring holes merge, and a hole at the top lowers the top.
 *
 * @param at - an address {@link heapAllocate} returned and not yet freed.
 * @example
 * ```ts
 * heapFree(at);
 * ```
 */
export function heapFree(at: number): void {
  const size = blocks.get(at);
  if (size === undefined) throw new Error(`heapFree: no block at ${at}`);
  blocks.delete(at);
  let h = 0;
  while (h < holes.length && holes[h]![0] < at) h++;
  holes.splice(h, 0, [at, size]);
  const merge = (i: number): void => {
    const a = holes[i]!;
    const b = holes[i + 1];
    if (b !== undefined && a[0] + a[1] === b[0]) {
      a[1] += b[1];
      holes.splice(i + 1, 1);
    }
  };
  merge(h);
  if (h > 0) merge(h - 1);
  const last = holes[holes.length - 1];
  if (last !== undefined && last[0] + last[1] === top) {
    top = last[0];
    holes.pop();
  }
}

/**
 * Whether an array starts a heap block and lies within it, so that a kernel may write whole
 * vectors past its last element (into the block's padding) without touching another array.
 *
 * @param array - any typed array.
 * @returns true for an array {@link heapArray} made (or a prefix of one); false for anything else.
 * @example
 * ```ts
 * startsHeapBlock(heapArray(kernels, 'float32', 5)!); // true
 * ```
 */
export function startsHeapBlock(array: TypedArray): boolean {
  const size = blocks.get(addressIn(array, 0));
  return size !== undefined && array.byteLength <= size;
}

/** Bytes in blocks now (tests check that freed buffers come back). */
export function heapBytesInUse(): number {
  let sum = 0;
  for (const size of blocks.values()) sum += size;
  return sum;
}

/**
 * A typed array of `size` elements of `dtype` over a new heap block, or `undefined` when the
 * memory's maximum does not allow it. Free it with {@link heapFree}(`array.byteOffset`).
 *
 * @param kernels - the kernels' instance.
 * @param dtype - element type.
 * @param size - elements.
 * @returns the array, zero-filled.
 * @example
 * ```ts
 * const buffer = heapArray(kernels, 'float32', 128 * 256);
 * heapFree(buffer!.byteOffset);
 * ```
 */
export function heapArray(kernels: KernelInstance, dtype: DType, size: number): TypedArray | undefined {
  const bytes = dtype === 'float32' ? 4 : 8;
  const at = heapAllocate(kernels, size * bytes);
  if (at === undefined) return undefined;
  const buffer = views().f32.buffer; // a buffer the kernels recognise as their memory (see addressIn)
  return dtype === 'float32' ? new Float32Array(buffer, at, size) : new Float64Array(buffer, at, size);
}
