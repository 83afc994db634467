import type { DType } from '../core/dtype.js';
import type { Gemm } from './gemm-signature.js';
import { jsGemmFor } from './js-gemm.js';
import { currentKernelSettings } from './settings.js';
import { kernelInstance, wasmGemm } from './wasm/runtime.js';

const dispatchers = new Map<DType, Gemm>();

/**
 * The matrix-product kernel for one dtype, as the kernel settings choose it on every call: the
 * WebAssembly SIMD kernels (split across threads when large) or the plain-JavaScript ones. Both
 * executors call this, so they always agree. In float64 both implementations sum every element in
 * the same order and give bit-identical results; in float32 the WebAssembly kernel accumulates in
 * float32 lanes, the JavaScript one in float64.
 *
 * @param dtype - the element type of C, A and B.
 * @returns the kernel.
 * @example
 * ```ts
 * gemmFor('float64')(C, 0, A, 0, B, 0, m, k, n, false, false); // C = A·B
 * ```
 */
export function gemmFor(dtype: DType): Gemm {
  let gemm = dispatchers.get(dtype);
  if (gemm === undefined) {
    const js = jsGemmFor(dtype);
    gemm = (C, c0, A, a0, B, b0, m, k, n, tA, tB) => {
      const settings = currentKernelSettings();
      const kernels = settings.backend === 'js' ? null : kernelInstance();
      if (kernels === null || !wasmGemm(kernels, dtype, C, c0, A, a0, B, b0, m, k, n, tA, tB, settings.threads)) {
        js(C, c0, A, a0, B, b0, m, k, n, tA, tB);
      }
    };
    dispatchers.set(dtype, gemm);
  }
  return gemm;
}
