import { allocate } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { broadcastStrides } from '../kernels/broadcast.js';
import { broadcastShapes, formatShape, sizeOf, type Dim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { defineOp, type NodeType } from './op-def.js';

/** Attributes of matmul: whether to use the transpose of either operand's last two axes. */
export interface MatmulAttrs {
  /** Use Aᵀ (swap A's last two axes) without materialising it. */
  readonly transposeA: boolean;
  /** Use Bᵀ (swap B's last two axes) without materialising it. */
  readonly transposeB: boolean;
}

/** Splits a rank ≥ 2 type into batch dims and the (rows, cols) of the matrix seen by matmul. */
function matrixView(op: string, which: string, t: NodeType, transpose: boolean): { batch: readonly Dim[]; rows: Dim; cols: Dim } {
  const r = t.shape.length;
  if (r < 2) {
    throw new ShapeError(`${op}: operand ${which} has shape ${formatShape(t.shape)}; matmul needs rank ≥ 2 (use reshape or expandDims for vectors)`);
  }
  const rows = t.shape[r - 2]!;
  const cols = t.shape[r - 1]!;
  return { batch: t.shape.slice(0, r - 2), rows: transpose ? cols : rows, cols: transpose ? rows : cols };
}

/** Output type of matmul; batch axes broadcast, inner dimensions must agree. */
export function inferMatmul(a: NodeType, b: NodeType, attrs: MatmulAttrs): NodeType {
  if (a.dtype !== b.dtype) throw new ShapeError(`matmul: operands have dtypes ${a.dtype} and ${b.dtype}; cast one of them explicitly`);
  const va = matrixView('matmul', 'A', a, attrs.transposeA);
  const vb = matrixView('matmul', 'B', b, attrs.transposeB);
  if (va.cols !== vb.rows) {
    throw new ShapeError(
      `matmul: inner dimensions differ: A${attrs.transposeA ? 'ᵀ' : ''} of ${formatShape(a.shape)} has ${va.cols} columns, ` +
        `B${attrs.transposeB ? 'ᵀ' : ''} of ${formatShape(b.shape)} has ${vb.rows} rows`,
    );
  }
  const batch = broadcastShapes('matmul (batch axes)', va.batch, vb.batch);
  return { shape: [...batch, va.rows, vb.cols], dtype: a.dtype };
}

/** A·B over the last two axes (optionally transposed), batched and broadcast over leading axes. */
export const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: 'Matrix product over the last two axes, batched over leading axes; either operand may be used transposed.',
  parseAttrs(r) {
    const attrs = { transposeA: r.bool('transposeA', false), transposeB: r.bool('transposeB', false) };
    r.done();
    return attrs;
  },
  infer: ([a, b], attrs) => inferMatmul(a!, b!, attrs),
  kernel([a, b], { transposeA, transposeB }, ctx) {
    const outShape = ctx.outShape;
    const r = outShape.length;
    const m = outShape[r - 2]!;
    const n = outShape[r - 1]!;
    const ar = a!.rank;
    const k = transposeA ? a!.shape[ar - 2]! : a!.shape[ar - 1]!;
    const batchShape = outShape.slice(0, r - 2);
    const batches = sizeOf(batchShape);
    const aStride = broadcastStrides(a!.shape.slice(0, ar - 2), batchShape).map((s) => s * a!.shape[ar - 2]! * a!.shape[ar - 1]!);
    const bStride = broadcastStrides(b!.shape.slice(0, b!.rank - 2), batchShape).map(
      (s) => s * b!.shape[b!.rank - 2]! * b!.shape[b!.rank - 1]!,
    );
    const out = allocate(a!.dtype, sizeOf(outShape));
    const A = a!.data;
    const B = b!.data;
    const index = new Array<number>(batchShape.length).fill(0);
    for (let t = 0; t < batches; t++) {
      let aOff = 0;
      let bOff = 0;
      let rem = t;
      for (let ax = batchShape.length - 1; ax >= 0; ax--) {
        index[ax] = rem % batchShape[ax]!;
        rem = Math.floor(rem / batchShape[ax]!);
        aOff += index[ax]! * aStride[ax]!;
        bOff += index[ax]! * bStride[ax]!;
      }
      multiplyInto(out, t * m * n, A, aOff, B, bOff, m, k, n, transposeA, transposeB);
    }
    return new Tensor(out, outShape);
  },
});

/**
 * out[o + i·n + j] = Σₚ op(A)[i, p] · op(B)[p, j] for one matrix pair, with the loop order chosen
 * per orientation so that the innermost loop walks memory contiguously (no transpose is copied).
 */
function multiplyInto(
  out: Float64Array | Float32Array,
  o: number,
  A: Float64Array | Float32Array,
  a0: number,
  B: Float64Array | Float32Array,
  b0: number,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
): void {
  if (!tA && !tB) {
    // A[i, p] · B[p, j]: rows of B are contiguous
    for (let i = 0; i < m; i++) {
      const row = o + i * n;
      for (let p = 0; p < k; p++) {
        const av = A[a0 + i * k + p]!;
        const bRow = b0 + p * n;
        for (let j = 0; j < n; j++) out[row + j]! += av * B[bRow + j]!;
      }
    }
  } else if (!tA && tB) {
    // A[i, p] · B[j, p]: dot products of two contiguous rows
    for (let i = 0; i < m; i++) {
      const aRow = a0 + i * k;
      for (let j = 0; j < n; j++) {
        const bRow = b0 + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[aRow + p]! * B[bRow + p]!;
        out[o + i * n + j] = s;
      }
    }
  } else if (tA && !tB) {
    // A[p, i] · B[p, j]: walk p outermost, rows of A and B contiguous
    for (let p = 0; p < k; p++) {
      const aRow = a0 + p * m;
      const bRow = b0 + p * n;
      for (let i = 0; i < m; i++) {
        const av = A[aRow + i]!;
        const row = o + i * n;
        for (let j = 0; j < n; j++) out[row + j]! += av * B[bRow + j]!;
      }
    }
  } else {
    // A[p, i] · B[j, p]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[a0 + p * m + i]! * B[b0 + j * k + p]!;
        out[o + i * n + j] = s;
      }
    }
  }
}
