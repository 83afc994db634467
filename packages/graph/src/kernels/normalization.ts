import type { TypedArray } from '../core/dtype.js';
import { sizeOf, type Shape } from '../core/shape.js';
import { heapArray, heapFree } from './wasm/heap.js';
import type { KernelInstance } from './wasm/instance.js';
import { addressIn } from './wasm/memory.js';
import { inPlace } from './wasm/in-place.js';

/**
 * A normalisation prepared for fixed shapes: writes y into `out` from the operands' flat row-major
 * data (x first, then the per-feature vectors), overwriting it.
 *
 * @example
 * ```ts
 * const bn: NormalizationKernel = prepareBatchNorm([4, 3], 1e-5);
 * bn(out, [x, scale, offset, mean, variance]);
 * ```
 */
export type NormalizationKernel = (out: TypedArray, inputs: readonly TypedArray[]) => void;

/** The per-channel vectors of the WebAssembly batch norm, in the kernels' heap (grown, never shrunk; kernels run one at a time). */
let params: Float64Array | undefined;

function heapParams(kernels: KernelInstance, length: number): Float64Array | undefined {
  if (params !== undefined && params.length >= length) return params;
  if (params !== undefined) heapFree(params.byteOffset);
  params = heapArray(kernels, 'float64', length) as Float64Array | undefined;
  return params;
}

/**
 * Prepares batch normalisation with given statistics over the last axis (channels) of x:
 * y = γ·(x − μ)/√(σ² + ε) + β, computed as (x − μ)·a + β with a = γ/√(σ² + ε) formed once per
 * channel. Every element is one subtraction, one multiplication and one addition in float64 (the
 * store rounds once for float32); no allocation happens per element or per call. Where x and the
 * result live in the kernels' heap (planned buffers), the loop runs in WebAssembly
 * (packages/graph/wasm/normalization.ts) with the same float64 operations and bits.
 *
 * @param xShape - the concrete shape of x, [..., channels].
 * @param epsilon - ε > 0, added to the variance.
 * @returns the kernel, taking [x, γ, β, μ, σ²].
 * @example
 * ```ts
 * prepareBatchNorm([2, 3], 1e-5)(out, [x, scale, offset, mean, variance]);
 * ```
 */
export function prepareBatchNorm(xShape: Shape, epsilon: number): NormalizationKernel {
  const channels = xShape[xShape.length - 1]!;
  const rows = channels === 0 ? 0 : sizeOf(xShape) / channels;
  const a = new Float64Array(channels); // the per-channel factor γ/√(σ² + ε), refilled every call
  return (out, [X, S, O, M, V]) => {
    for (let c = 0; c < channels; c++) a[c] = S![c]! / Math.sqrt(V![c]! + epsilon);
    const kernels = inPlace(out, X!);
    if (kernels !== null && rows > 0) {
      const params = heapParams(kernels, 3 * channels);
      if (params !== undefined) {
        params.set(a);
        for (let c = 0; c < channels; c++) {
          params[channels + c] = M![c]!;
          params[2 * channels + c] = O![c]!;
        }
        const run = out instanceof Float32Array ? kernels.exports.batchNorm32 : kernels.exports.batchNorm64;
        run(addressIn(out, 0), addressIn(X!, 0), params.byteOffset, rows, channels);
        return;
      }
    }
    let i = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) out[i] = (X![i]! - M![c]!) * a[c]! + O![c]!;
    }
  };
}

/**
 * Prepares layer normalisation over the trailing `features` elements of every example: with m the
 * example's mean and s² its biased variance (1/n, taken around m in a second pass, so no cancellation
 * of E[x²] − m²), y = γ·(x − m)/√(s² + ε) + β with γ and β of the trailing shape. Sums run in
 * float64 whatever the dtype.
 *
 * @param xShape - the concrete shape of x.
 * @param axes - the number of trailing axes normalised together.
 * @param epsilon - ε > 0, added to the variance.
 * @returns the kernel, taking [x, γ, β].
 * @example
 * ```ts
 * prepareLayerNorm([2, 3], 1, 1e-5)(out, [x, scale, offset]);
 * ```
 */
export function prepareLayerNorm(xShape: Shape, axes: number, epsilon: number): NormalizationKernel {
  const features = sizeOf(xShape.slice(xShape.length - axes));
  const rows = sizeOf(xShape.slice(0, xShape.length - axes));
  return (out, [X, S, O]) => {
    if (features === 0) return;
    for (let r = 0, start = 0; r < rows; r++, start += features) {
      const end = start + features;
      let total = 0;
      for (let i = start; i < end; i++) total += X![i]!;
      const m = total / features;
      let squares = 0;
      for (let i = start; i < end; i++) squares += (X![i]! - m) ** 2;
      const inverse = 1 / Math.sqrt(squares / features + epsilon);
      for (let i = start, j = 0; i < end; i++, j++) out[i] = (X![i]! - m) * inverse * S![j]! + O![j]!;
    }
  };
}
