import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, stridesOf, type Dim, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { AttrError } from './attrs.js';
import { defineOp, type NodeType } from './op-def.js';

/** Copies the box of `src` starting at `begin` with the shape `box` into `dst` at `dstBegin`. */
function copyBox(src: Tensor, begin: readonly number[], box: Shape, dst: Float64Array | Float32Array, dstShape: Shape, dstBegin: readonly number[]): void {
  const n = sizeOf(box);
  if (n === 0) return;
  const rank = box.length;
  const ss = stridesOf(src.shape);
  const ds = stridesOf(dstShape);
  let so = begin.reduce((acc, b, i) => acc + b * ss[i]!, 0);
  let dO = dstBegin.reduce((acc, b, i) => acc + b * ds[i]!, 0);
  const index = new Array<number>(rank).fill(0);
  const s = src.data;
  for (let i = 0; i < n; i++) {
    dst[dO] = s[so]!;
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]!++;
      so += ss[ax]!;
      dO += ds[ax]!;
      if (index[ax]! < box[ax]!) break;
      so -= ss[ax]! * box[ax]!;
      dO -= ds[ax]! * box[ax]!;
      index[ax] = 0;
    }
  }
}

/**
 * Attributes of slice: per axis, the start and the length (−1: to the end).
 *
 * @example
 * ```ts
 * g.apply('slice', [x], { begin: [0, 2], size: [-1, 3] }); // columns 2..4 of every row, same as x.slice([0, 2], [-1, 3])
 * ```
 */
export interface SliceAttrs {
  /** Start index per axis. */
  readonly begin: readonly number[];
  /** Length per axis; −1 takes everything from `begin` to the end. */
  readonly size: readonly number[];
}

/**
 * A contiguous box of the input: per axis, `size` elements from `begin`.
 *
 * @example
 * ```ts
 * x.slice([0, 2], [-1, 3]); // a slice node: columns 2..4 of every row
 * ```
 */
export const sliceOp = defineOp<SliceAttrs>({
  name: 'slice',
  arity: 1,
  kind: 'shape',
  differentiable: true,
  summary: 'A contiguous box of the input: per axis, size elements starting at begin (size −1: to the end).',
  shapeRule: 'per axis: size, or dim − begin where size is −1',
  parseAttrs(r) {
    const attrs = { begin: r.intList('begin'), size: r.intList('size') };
    r.done();
    return attrs;
  },
  infer([x], { begin, size }) {
    const rank = x!.shape.length;
    if (begin.length !== rank || size.length !== rank) {
      throw new ShapeError(`slice: begin [${begin.join(',')}] and size [${size.join(',')}] need one entry per axis of ${formatShape(x!.shape)}`);
    }
    const shape = x!.shape.map((d, i): Dim => {
      const b = begin[i]!;
      const s = size[i]!;
      if (typeof d === 'string') {
        if (b === 0 && s === -1) return d;
        throw new ShapeError(`slice: axis ${i} of ${formatShape(x!.shape)} is symbolic; it can only be taken whole (begin 0, size -1)`);
      }
      const len = s === -1 ? d - b : s;
      if (b < 0 || s < -1 || b + len > d || len < 0) {
        throw new ShapeError(`slice: begin ${b}, size ${s} is out of range for axis ${i} of ${formatShape(x!.shape)}`);
      }
      return len;
    });
    return { shape, dtype: x!.dtype };
  },
  kernel([x], { begin }, ctx) {
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    copyBox(x!, begin, ctx.outShape, out, ctx.outShape, ctx.outShape.map(() => 0));
    return new Tensor(out, ctx.outShape);
  },
  linear: { mode: 'jointly' },
});

/**
 * Attributes of pad: elements added before and after each axis, and their value.
 *
 * @example
 * ```ts
 * g.apply('pad', [x], { before: [0, 1], after: [0, 1], value: 0 }); // [n, m] → [n, m + 2]
 * ```
 */
export interface PadAttrs {
  /** Elements added before each axis. */
  readonly before: readonly number[];
  /** Elements added after each axis. */
  readonly after: readonly number[];
  /** Value of the added elements. */
  readonly value: number;
}

/**
 * Surrounds the input with a constant: `before[i]` and `after[i]` elements along axis i.
 *
 * @example
 * ```ts
 * x.pad([1, 1], [1, 1]); // a pad node: [n, m] → [n + 2, m + 2], zeros around
 * ```
 */
export const padOp = defineOp<PadAttrs>({
  name: 'pad',
  arity: 1,
  kind: 'shape',
  differentiable: true,
  summary: 'Surrounds the input with a constant value: before[i] and after[i] elements along axis i.',
  shapeRule: 'per axis: before + dim + after',
  parseAttrs(r) {
    const attrs = { before: r.intList('before'), after: r.intList('after'), value: r.has('value') ? r.anyNumber('value') : (r.value('value'), 0) };
    attrs.before.forEach((v, i) => {
      if (v < 0) throw new AttrError(`before[${i}]`, `must be ≥ 0, got ${v}`);
    });
    attrs.after.forEach((v, i) => {
      if (v < 0) throw new AttrError(`after[${i}]`, `must be ≥ 0, got ${v}`);
    });
    r.done();
    return attrs;
  },
  infer([x], { before, after }): NodeType {
    const rank = x!.shape.length;
    if (before.length !== rank || after.length !== rank) {
      throw new ShapeError(`pad: before and after need one entry per axis of ${formatShape(x!.shape)}`);
    }
    const shape = x!.shape.map((d, i): Dim => {
      if (typeof d === 'string') {
        if (before[i] === 0 && after[i] === 0) return d;
        throw new ShapeError(`pad: axis ${i} of ${formatShape(x!.shape)} is symbolic and cannot be padded`);
      }
      return d + before[i]! + after[i]!;
    });
    return { shape, dtype: x!.dtype };
  },
  kernel([x], { before, value }, ctx) {
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    out.fill(value);
    copyBox(x!, x!.shape.map(() => 0), x!.shape, out, ctx.outShape, before);
    return new Tensor(out, ctx.outShape);
  },
  linear: { mode: 'jointly', tangentAttrs: (attrs) => ({ ...attrs, value: 0 }) }, // the border is constant
});

/**
 * Attributes of concat: the axis along which inputs are joined.
 *
 * @example
 * ```ts
 * g.apply('concat', [a, b], { axis: -1 }); // same as g.concat([a, b], -1)
 * ```
 */
export interface ConcatAttrs {
  /** Axis to join along; negative counts from the end. */
  readonly axis: number;
}

/**
 * Joins inputs along one axis; all other dimensions must agree.
 *
 * @example
 * ```ts
 * g.concat([a, b], 1); // a concat node: [n, 2] and [n, 3] → [n, 5]
 * ```
 */
export const concatOp = defineOp<ConcatAttrs>({
  name: 'concat',
  arity: 'variadic',
  kind: 'shape',
  differentiable: true,
  summary: 'Joins inputs along one axis; all other dimensions and the dtypes must agree.',
  shapeRule: "the inputs' common shape, with their sizes summed along axis",
  parseAttrs(r) {
    const attrs = { axis: r.int('axis') };
    r.done();
    return attrs;
  },
  infer(inputs, { axis }) {
    const first = inputs[0]!;
    const rank = first.shape.length;
    const shapes = inputs.map((i) => formatShape(i.shape)).join(', ');
    if (axis < -rank || axis >= rank) throw new ShapeError(`concat: axis ${axis} is out of range for shapes ${shapes} (rank ${rank})`);
    const ax = axis < 0 ? axis + rank : axis;
    let total: Dim = 0;
    for (const t of inputs) {
      if (t.dtype !== first.dtype) {
        throw new DTypeError(`concat: inputs ${shapes} have dtypes ${inputs.map((i) => i.dtype).join(', ')}; cast them to one dtype explicitly`);
      }
      const agree = t.shape.length === rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
      if (!agree) {
        throw new ShapeError(`concat: shapes ${shapes} must agree except on axis ${axis}`);
      }
      const d = t.shape[ax]!;
      if (typeof d === 'string' || typeof total === 'string') {
        if (inputs.length === 1) total = d;
        else throw new ShapeError(`concat: axis ${axis} is symbolic in ${formatShape(t.shape)}; joining along a symbolic axis is not supported`);
      } else total += d;
    }
    const shape = [...first.shape];
    shape[ax] = total;
    return { shape, dtype: first.dtype };
  },
  kernel(inputs, { axis }, ctx) {
    const out = allocate(inputs[0]!.dtype, sizeOf(ctx.outShape));
    const ax = axis < 0 ? axis + ctx.outShape.length : axis;
    let offset = 0;
    for (const t of inputs) {
      const at = ctx.outShape.map((_, i) => (i === ax ? offset : 0));
      copyBox(t, t.shape.map(() => 0), t.shape, out, ctx.outShape, at);
      offset += t.shape[ax]!;
    }
    return new Tensor(out, ctx.outShape);
  },
  linear: { mode: 'jointly' },
});
