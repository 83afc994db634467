import type { DType } from '../core/dtype.js';
import type { Gemm } from './gemm-signature.js';

const KC = 256;

// The kernel is written once as source and instantiated per dtype with `new Function`, so that each
// instance only ever sees one typed-array kind (monomorphic element loads). The source is a
// constant of this module; nothing in it comes from a graph.
const SOURCE = `
const KC = ${KC};
let packA = new Float64Array(4 * KC);
let packB = new Float64Array(0);
return function gemm(C, c0, A, a0, B, b0, m, k, n, tA, tB) {
  const np = (n + 3) >> 2;
  if (packB.length < np * 4 * KC) packB = new Float64Array(np * 4 * KC);
  for (let i = 0; i < m * n; i++) C[c0 + i] = 0;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // pack op(B)[p0 .. p0+kc, :] into panels of 4 columns: packB[jp*4*KC + p*4 + jj]
    for (let jp = 0; jp < np; jp++) {
      const base = jp * 4 * KC;
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < 4; jj++) {
          const j = jp * 4 + jj;
          packB[base + p * 4 + jj] = j < n ? (tB ? B[b0 + j * k + p0 + p] : B[b0 + (p0 + p) * n + j]) : 0;
        }
      }
    }
    for (let i0 = 0; i0 < m; i0 += 4) {
      // pack op(A)[i0 .. i0+4, p0 .. p0+kc]: packA[p*4 + ii]
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < 4; ii++) {
          const i = i0 + ii;
          packA[p * 4 + ii] = i < m ? (tA ? A[a0 + (p0 + p) * m + i] : A[a0 + i * k + p0 + p]) : 0;
        }
      }
      for (let jp = 0; jp < np; jp++) {
        const base = jp * 4 * KC;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let p = 0; p < kc; p++) {
          const a = p * 4, b = base + p * 4;
          const a0v = packA[a], a1v = packA[a + 1], a2v = packA[a + 2], a3v = packA[a + 3];
          const b0v = packB[b], b1v = packB[b + 1], b2v = packB[b + 2], b3v = packB[b + 3];
          c00 += a0v * b0v; c01 += a0v * b1v; c02 += a0v * b2v; c03 += a0v * b3v;
          c10 += a1v * b0v; c11 += a1v * b1v; c12 += a1v * b2v; c13 += a1v * b3v;
          c20 += a2v * b0v; c21 += a2v * b1v; c22 += a2v * b2v; c23 += a2v * b3v;
          c30 += a3v * b0v; c31 += a3v * b1v; c32 += a3v * b2v; c33 += a3v * b3v;
        }
        const j0 = jp * 4;
        const rows = Math.min(4, m - i0), cols = Math.min(4, n - j0);
        if (rows === 4 && cols === 4) {
          let r = c0 + i0 * n + j0;
          C[r] += c00; C[r + 1] += c01; C[r + 2] += c02; C[r + 3] += c03; r += n;
          C[r] += c10; C[r + 1] += c11; C[r + 2] += c12; C[r + 3] += c13; r += n;
          C[r] += c20; C[r + 1] += c21; C[r + 2] += c22; C[r + 3] += c23; r += n;
          C[r] += c30; C[r + 1] += c31; C[r + 2] += c32; C[r + 3] += c33;
        } else {
          const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
          for (let ii = 0; ii < rows; ii++) for (let jj = 0; jj < cols; jj++) C[c0 + (i0 + ii) * n + j0 + jj] += acc[ii * 4 + jj];
        }
      }
    }
  }
};
`;

const instances = new Map<DType, Gemm>();

/**
 * The plain-JavaScript matrix-product kernel for one dtype (one instance per dtype): op(B) is
 * packed in blocks of KC rows into panels of 4 columns, op(A) into panels of 4 rows, and a 4×4
 * micro-kernel keeps 16 accumulators in registers. It runs where WebAssembly SIMD is unavailable
 * or switched off, and for products too large for the WebAssembly kernels' memory.
 *
 * @param dtype - the element type of C, A and B.
 * @returns the kernel.
 * @example
 * ```ts
 * jsGemmFor('float64')(C, 0, A, 0, B, 0, m, k, n, false, false); // C = A·B
 * ```
 */
export function jsGemmFor(dtype: DType): Gemm {
  let g = instances.get(dtype);
  if (g === undefined) {
    g = new Function(SOURCE)() as Gemm;
    instances.set(dtype, g);
  }
  return g;
}
