import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { batchOffsets } from '../kernels/broadcast.js';
import { gemmFor } from '../kernels/gemm.js';
import { broadcastShapes, formatShape, sizeOf, type Dim } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { defineOp, type NodeType } from './op-def.js';

/**
 * Attributes of matmul: whether to use the transpose of either operand's last two axes.
 *
 * @example
 * ```ts
 * g.apply('matmul', [a, b], { transposeA: false, transposeB: true }); // a·bᵀ, same as a.matmul(b, { transposeB: true })
 * ```
 */
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
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: operands have dtypes ${a.dtype} and ${b.dtype}; cast one of them explicitly`);
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

/**
 * A·B over the last two axes (optionally transposed), batched and broadcast over leading axes.
 *
 * @example
 * ```ts
 * x.matmul(w); // a matmul node: ['batch', 784]·[784, 10] → ['batch', 10]
 * a.matmul(b, { transposeB: true }); // a·bᵀ
 * ```
 */
export const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: 'Matrix product over the last two axes, batched over leading axes; either operand may be used transposed.',
  shapeRule: '[...batch axes of A and B broadcast, m, n] for op(A) [..., m, k] and op(B) [..., k, n]',
  parseAttrs(r) {
    const attrs = { transposeA: r.bool('transposeA', false), transposeB: r.bool('transposeB', false) };
    r.done();
    return attrs;
  },
  infer: ([a, b], attrs) => inferMatmul(a!, b!, attrs),
  kernel([a, b], attrs, ctx) {
    const out = allocate(a!.dtype, sizeOf(ctx.outShape));
    prepareMatmul(a!.shape, b!.shape, attrs, ctx.outShape)(out, a!.data, b!.data);
    return new Tensor(out, ctx.outShape);
  },
  plan: ([a, b], attrs, outShape) => {
    const product = prepareMatmul(a!, b!, attrs, outShape);
    return (out, [A, B]) => product(out, A!, B!);
  },
  linear: { mode: 'separately' }, // bilinear: d(A·B) = dA·B + A·dB
});

/**
 * Prepares A·B (as `matmulOp` defines it) for fixed shapes: the returned function writes the product
 * of flat row-major data `A` and `B` into `out`, overwriting it. Batch offsets are computed once.
 */
export function prepareMatmul(
  aShape: readonly number[],
  bShape: readonly number[],
  { transposeA, transposeB }: MatmulAttrs,
  outShape: readonly number[],
): (out: Float64Array | Float32Array, A: Float64Array | Float32Array, B: Float64Array | Float32Array) => void {
  const r = outShape.length;
  const m = outShape[r - 2]!;
  const n = outShape[r - 1]!;
  const ar = aShape.length;
  const k = transposeA ? aShape[ar - 2]! : aShape[ar - 1]!;
  const batchShape = outShape.slice(0, r - 2);
  const batches = sizeOf(batchShape);
  const aOffsets = batchOffsets(aShape, batchShape);
  const bOffsets = batchOffsets(bShape, batchShape);
  return (out, A, B) => {
    const gemm = gemmFor(out instanceof Float32Array ? 'float32' : 'float64');
    for (let t = 0; t < batches; t++) gemm(out, t * m * n, A, aOffsets[t]!, B, bOffsets[t]!, m, k, n, transposeA, transposeB);
  };
}
