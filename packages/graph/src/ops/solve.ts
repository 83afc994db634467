import { noAttrs } from './attrs.js';
import { allocate } from '../core/dtype.js';
import { ExecutionError, DTypeError, ShapeError } from '../core/errors.js';
import { batchOffsets } from '../kernels/broadcast.js';
import { broadcastShapes, formatShape, sizeOf } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { defineOp } from './op-def.js';

/**
 * Solves A·X = B for X, where A is square ([..., n, n]) and B is [..., n, k]; batch axes broadcast.
 * Reference kernel: Gaussian elimination with partial pivoting; a singular A is an error, and NaN or
 * ±∞ anywhere in A or B gives NaN (as elementwise ops propagate them).
 *
 * @example
 * ```ts
 * g.solve(a, b); // a solve node: X with a·X = b, [n, n] and [n, k] → [n, k]
 * ```
 */
export const solveOp = defineOp<Record<string, never>>({
  name: 'solve',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: 'Solves A·X = B for square A ([..., n, n]) and B ([..., n, k]), batched over leading axes.',
  shapeRule: '[...batch axes broadcast, n, k] for A [..., n, n] and B [..., n, k]',
  parseAttrs: noAttrs,
  infer([a, b]) {
    if (a!.dtype !== b!.dtype) throw new DTypeError(`solve: operands have dtypes ${a!.dtype} and ${b!.dtype}; cast one of them explicitly`);
    const ra = a!.shape.length;
    const rb = b!.shape.length;
    if (ra < 2 || a!.shape[ra - 1] !== a!.shape[ra - 2]) {
      throw new ShapeError(`solve: A has shape ${formatShape(a!.shape)}; it must be square in its last two axes`);
    }
    if (rb < 2 || b!.shape[rb - 2] !== a!.shape[ra - 1]) {
      throw new ShapeError(`solve: B has shape ${formatShape(b!.shape)}; it must be [..., ${a!.shape[ra - 1]}, k] to match A ${formatShape(a!.shape)}`);
    }
    const batch = broadcastShapes('solve (batch axes)', a!.shape.slice(0, ra - 2), b!.shape.slice(0, rb - 2));
    return { shape: [...batch, a!.shape[ra - 1]!, b!.shape[rb - 1]!], dtype: a!.dtype };
  },
  kernel([a, b], _attrs, ctx) {
    const outShape = ctx.outShape;
    const r = outShape.length;
    const n = outShape[r - 2]!;
    const k = outShape[r - 1]!;
    const batchShape = outShape.slice(0, r - 2);
    const aOffsets = batchOffsets(a!.shape, batchShape);
    const bOffsets = batchOffsets(b!.shape, batchShape);
    const out = allocate(a!.dtype, sizeOf(outShape));
    const M = new Float64Array(n * n);
    const X = new Float64Array(n * k);
    for (let t = 0; t < aOffsets.length; t++) {
      const aOff = aOffsets[t]!;
      const bOff = bOffsets[t]!;
      M.set(a!.data.subarray(aOff, aOff + n * n));
      X.set(b!.data.subarray(bOff, bOff + n * k));
      let scale = 0;
      for (const v of M) scale = Math.max(scale, Math.abs(v));
      if (!Number.isFinite(scale) || X.some((v) => !Number.isFinite(v))) {
        out.fill(NaN, t * n * k, (t + 1) * n * k); // NaN or ±∞ in A or B: no solution to speak of, NaN as elsewhere
        continue;
      }
      for (let c = 0; c < n; c++) {
        let piv = c;
        for (let i = c + 1; i < n; i++) if (Math.abs(M[i * n + c]!) > Math.abs(M[piv * n + c]!)) piv = i;
        const p = M[piv * n + c]!;
        if (!(Math.abs(p) > scale * n * Number.EPSILON)) {
          throw new ExecutionError(`solve: matrix A ${formatShape(a!.shape)} is singular to working precision (batch ${t}, column ${c})`);
        }
        if (piv !== c) {
          for (let j = 0; j < n; j++) [M[c * n + j], M[piv * n + j]] = [M[piv * n + j]!, M[c * n + j]!];
          for (let j = 0; j < k; j++) [X[c * k + j], X[piv * k + j]] = [X[piv * k + j]!, X[c * k + j]!];
        }
        for (let i = c + 1; i < n; i++) {
          const f = M[i * n + c]! / p;
          if (f === 0) continue;
          for (let j = c; j < n; j++) M[i * n + j]! -= f * M[c * n + j]!;
          for (let j = 0; j < k; j++) X[i * k + j]! -= f * X[c * k + j]!;
        }
      }
      for (let c = n - 1; c >= 0; c--) {
        for (let j = 0; j < k; j++) {
          let s = X[c * k + j]!;
          for (let i = c + 1; i < n; i++) s -= M[c * n + i]! * X[i * k + j]!;
          X[c * k + j] = s / M[c * n + c]!;
        }
      }
      out.set(X, t * n * k);
    }
    return new Tensor(out, outShape);
  },
});
