import { allocate, type DType, type TypedArray } from '../../core/dtype.js';
import { heapArray, heapFree } from '../../kernels/wasm/heap.js';
import { kernelInstance } from '../../kernels/wasm/runtime.js';
import { currentKernelSettings } from '../../kernels/settings.js';

/** Frees the heap blocks of a specialisation once its run can no longer be called. */
const blocksOf = new FinalizationRegistry<readonly number[]>((addresses) => {
  for (const at of addresses) heapFree(at);
});

/**
 * The planned buffers of one specialisation. Where the WebAssembly kernels run (and are not set to
 * `'js'` when it is made), they live in the kernels' heap, so that products and vectorised loops
 * read and write them in place with no copies; each buffer that does not fit there, and every
 * buffer elsewhere, is an ordinary typed array. The heap's blocks go back when the object passed
 * to `release` (the specialisation, the only holder of the buffers) is garbage-collected.
 *
 * @param planned - dtype and element count of each buffer.
 * @returns the buffers, zero-filled, and `release`, to be called once with their owner.
 * @example
 * ```ts
 * const { memory, release } = plannedBuffers([{ dtype: 'float32', size: 128 * 256 }]);
 * release(specialised);
 * ```
 */
export function plannedBuffers(planned: readonly { readonly dtype: DType; readonly size: number }[]): {
  memory: TypedArray[];
  release: (owner: object) => void;
} {
  const kernels = currentKernelSettings().backend === 'js' ? null : kernelInstance();
  const addresses: number[] = [];
  const memory = planned.map(({ dtype, size }) => {
    const inHeap = kernels === null ? undefined : heapArray(kernels, dtype, size);
    if (inHeap === undefined) return allocate(dtype, size);
    addresses.push(inHeap.byteOffset);
    return inHeap;
  });
  return {
    memory,
    release: (owner) => {
      if (addresses.length > 0) blocksOf.register(owner, addresses);
    },
  };
}
