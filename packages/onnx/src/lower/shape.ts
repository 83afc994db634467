import { normalizeAxes, type BroadcastToAttrs, type ConcatAttrs, type DimSizeAttrs, type OneHotAttrs, type PadAttrs, type SliceAttrs, type TransposeAttrs } from '@chainrule/graph';
import type { OnnxBuilder } from '../builder.js';
import { INT64, elemType, tensorProto } from '../proto.js';
import type { Lowering } from './lowering.js';

// Ops that move, select or count elements. Index tensors are floats in chainrule and int64 in ONNX.

/** A float index tensor as int64 (chainrule's kernels reject non-integers; ONNX's Cast truncates). */
function indices(b: OnnxBuilder, x: string): string {
  return b.op('Cast', [x], { to: INT64 });
}

/** The lowerings of the primitives that move, select or count elements. */
export const SHAPE = {
  // allowzero: a 0 in the target shape is a zero-length axis, not "copy the input's axis".
  reshape: (b, n, [x]) => b.op('Reshape', [x!, b.shapeOf(n.shape)], { allowzero: 1 }),
  // Expand broadcasts both ways; the target always contains x's shape here, so it is broadcastTo.
  broadcastTo: (b, n, [x]) => b.op('Expand', [x!, b.shapeOf((n.attrs as unknown as BroadcastToAttrs).shape)]),
  transpose(b, n, [x]) {
    const rank = n.rank;
    const perm = (n.attrs as unknown as TransposeAttrs).perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return b.op('Transpose', [x!], { perm: [...perm] });
  },
  slice(b, n, [x]) {
    const { begin } = n.attrs as unknown as SliceAttrs;
    // Symbolic axes are always taken whole; only the concrete ones are sliced.
    const axes = n.shape.flatMap((d, i) => (typeof d === 'number' ? [i] : []));
    if (axes.length === 0) return b.op('Identity', [x!]);
    const starts = axes.map((i) => begin[i]!);
    const ends = axes.map((i) => begin[i]! + (n.shape[i] as number));
    return b.op('Slice', [x!, b.ints(starts), b.ints(ends), b.ints(axes)]);
  },
  pad(b, n, [x]) {
    const { before, after, value } = n.attrs as unknown as PadAttrs;
    return b.op('Pad', [x!, b.ints([...before, ...after]), b.scalar(value, n.dtype)], { mode: 'constant' });
  },
  concat: (b, n, x) => b.op('Concat', x, { axis: (n.attrs as unknown as ConcatAttrs).axis }),
  gather: (b, _n, [x, i]) => b.op('Gather', [x!, indices(b, i!)], { axis: 0 }),
  // The adjoint of gather: rows of updates added, in order, into zeros at their indices.
  scatterAdd(b, n, [updates, i]) {
    const zeros = b.op('ConstantOfShape', [b.shapeOf(n.shape)], { value: { tensor: tensorProto('zero', n.dtype, [1], [0]) } });
    const at = b.op('Unsqueeze', [indices(b, i!), b.ints([-1])]);
    return b.op('ScatterND', [zeros, at, updates!], { reduction: 'add' });
  },
  // one-hot: [indices[…] == 0, …, indices[…] == depth − 1], compared in the float dtype.
  oneHot(b, n, [i]) {
    const { depth } = n.attrs as unknown as OneHotAttrs;
    const range = b.constant(n.dtype, [depth], Array.from({ length: depth }, (_, k) => k));
    const hit = b.op('Equal', [b.op('Unsqueeze', [i!, b.ints([-1])]), range]);
    return b.op('Cast', [hit], { to: elemType(n.dtype) });
  },
  dimSize(b, n, [x]) {
    const source = n.inputs[0]!;
    const axes = normalizeAxes('dimSize', (n.attrs as unknown as DimSizeAttrs).axes, source.rank, source.shape);
    const dims = axes.map((a) => source.shape[a]!);
    if (dims.every((d) => typeof d === 'number')) return b.scalar((dims as number[]).reduce((p, d) => p * d, 1), n.dtype);
    const sizes = b.op('Gather', [b.op('Shape', [x!]), b.ints(axes)], { axis: 0 });
    return b.op('Cast', [b.op('ReduceProd', [sizes], { keepdims: 0 })], { to: elemType(n.dtype) });
  },
} satisfies Record<string, Lowering>;
