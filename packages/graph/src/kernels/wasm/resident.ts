/**
 * Variables' storage in the kernels' heap. A graph keeps each variable's value in a block of the
 * kernels' shared memory (where they run), so that the products and vectorised loops of every run
 * read the weights, and Adam's moments, in place instead of copying them in first; the commit of a
 * run writes the new values there too. The block goes back to the heap when nothing references
 * the array any more.
 */
import { allocate, type TypedArray } from '../../core/dtype.js';
import { Tensor } from '../../core/tensor.js';
import { currentKernelSettings } from '../settings.js';
import { heapArray, heapFree } from './heap.js';
import { kernelInstance } from './runtime.js';

/** Frees a variable's block once its array is garbage. */
const blockOf = new FinalizationRegistry<number>((at) => heapFree(at));

/**
 * A copy of a tensor whose data lives in the kernels' heap when the WebAssembly kernels are
 * available (and not set to `'js'`) and there is room, else an ordinary copy. Either way the
 * result shares nothing with `value`.
 *
 * @param value - the tensor to copy.
 * @returns the copy, same shape, dtype and bits.
 * @example
 * ```ts
 * graph.state.declare('w', residentCopy(value)); // runs read 'w' in place
 * ```
 */
export function residentCopy(value: Tensor): Tensor {
  const { dtype, data } = value;
  const kernels = currentKernelSettings().backend === 'js' ? null : kernelInstance();
  const inHeap: TypedArray | undefined = kernels === null ? undefined : heapArray(kernels, dtype, data.length);
  const copy = inHeap ?? allocate(dtype, data.length);
  copy.set(data);
  if (inHeap !== undefined) blockOf.register(inHeap, inHeap.byteOffset);
  return new Tensor(copy, value.shape);
}
