import { normalizeAxes, type MatmulAttrs, type ReduceAttrs } from '@chainrule/graph';
import type { OnnxBuilder } from '../builder.js';
import type { Lowering } from './lowering.js';

// Reductions and the matrix product.

function reduce(opType: 'ReduceSum' | 'ReduceMax', op: string): Lowering {
  return (b, n, [x]) => {
    const attrs = n.attrs as unknown as ReduceAttrs;
    const source = n.inputs[0]!;
    const axes = normalizeAxes(op, attrs.axes, source.rank, source.shape);
    // NOTE: ONNX reads an empty axes list as "reduce everything"; chainrule reduces nothing.
    if (axes.length === 0) return b.op('Identity', [x!]);
    const keepdims = attrs.keepDims ? 1 : 0;
    const reduced = b.op(opType, [x!, b.ints(axes)], { keepdims });
    if (opType === 'ReduceSum') return reduced;
    // ONNX Runtime's ReduceMax skips a NaN unless it comes first; the kernel's max is NaN when any
    // element is. The sum of the NaNs (0 where there are none) makes it so.
    const nans = b.op('Where', [b.op('IsNaN', [x!]), x!, b.scalar(0, n.dtype)]);
    return b.op('Add', [reduced, b.op('ReduceSum', [nans, b.ints(axes)], { keepdims })]);
  };
}

/** Swaps the last two axes of a value of the given rank. */
export function swapLast(b: OnnxBuilder, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return b.op('Transpose', [x], { perm });
}

/** The lowerings of `sum`, `max` and `matmul`. */
export const REDUCE = {
  sum: reduce('ReduceSum', 'sum'),
  max: reduce('ReduceMax', 'max'),
  // ONNX MatMul is NumPy's: batched over leading axes with broadcasting, like chainrule's.
  matmul(b, n, [x, y]) {
    const { transposeA, transposeB } = n.attrs as unknown as MatmulAttrs;
    const a = transposeA ? swapLast(b, x!, n.inputs[0]!.rank) : x!;
    const c = transposeB ? swapLast(b, y!, n.inputs[1]!.rank) : y!;
    return b.op('MatMul', [a, c]);
  },
} satisfies Record<string, Lowering>;
