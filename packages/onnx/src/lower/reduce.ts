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
    return b.op(opType, [x!, b.ints(axes)], { keepdims: attrs.keepDims ? 1 : 0 });
  };
}

/** Swaps the last two axes of a value of the given rank. */
export function swapLast(b: OnnxBuilder, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return b.op('Transpose', [x], { perm });
}

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
