import type { TypedArray } from '../../core/dtype.js';
import { currentKernelSettings } from '../settings.js';
import type { KernelInstance } from './instance.js';
import { addressIn } from './memory.js';
import { kernelInstance } from './runtime.js';

/**
 * The kernels' instance when the WebAssembly kernels are in use (available, and not set to `'js'`)
 * and every array given lies in their heap (planned buffers, kernel scratch; see heap.ts), so that
 * a WebAssembly loop can read and write them in place; otherwise null, and the caller runs its
 * JavaScript loop. The convolution and pooling kernels use it for their window loops.
 *
 * @param a - an array the loop reads or writes.
 * @param b - another.
 * @param c - another (optional).
 * @returns the instance, or null.
 * @example
 * ```ts
 * const kernels = inPlace(out, x);
 * if (kernels !== null) kernels.exports.maxPool32(addressIn(out, 0), addressIn(x, 0), …);
 * ```
 */
export function inPlace(a: TypedArray, b: TypedArray, c?: TypedArray): KernelInstance | null {
  if (currentKernelSettings().backend === 'js') return null;
  const kernels = kernelInstance();
  if (kernels === null || addressIn(a, 0) < 0 || addressIn(b, 0) < 0 || (c !== undefined && addressIn(c, 0) < 0)) return null;
  return kernels;
}
