import type { TypedArray } from '../core/dtype.js';

/**
 * C = op(A)·op(B) for one matrix pair: C (m×n) at offset c0 is overwritten with the product of
 * op(A) (m×k) and op(B) (k×n), where op transposes the stored row-major matrix when its flag is
 * set. No transpose is ever materialised: the kernels pack either orientation directly. C must not
 * share memory with A or B (the JavaScript kernel clears C before it reads them).
 *
 * @example
 * ```ts
 * const gemm: Gemm = gemmFor('float64');
 * const c = new Float64Array(4);
 * gemm(c, 0, new Float64Array([1, 2, 3, 4]), 0, new Float64Array([1, 0, 0, 1]), 0, 2, 2, 2, false, false); // c = [1, 2, 3, 4]
 * ```
 */
export type Gemm = (
  C: TypedArray,
  c0: number,
  A: TypedArray,
  a0: number,
  B: TypedArray,
  b0: number,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
) => void;
