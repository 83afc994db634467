import { ShapeError } from '../core/errors.js';
import { mapBroadcast } from '../kernels/broadcast.js';
import { formatShape, type Dim, type SymbolicShape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { defineOp, type NodeType } from './op-def.js';

/** A size as a number times a product of symbolic names. */
interface SymbolicSize {
  readonly factor: number;
  readonly symbols: readonly string[];
}

function symbolicSize(shape: readonly Dim[]): SymbolicSize {
  let factor = 1;
  const symbols: string[] = [];
  for (const d of shape) {
    if (typeof d === 'number') factor *= d;
    else symbols.push(d);
  }
  return { factor, symbols: symbols.sort() };
}

/** Removes each of `sub` once from `all`; `undefined` when `sub` is not contained in `all`. */
function removeSymbols(all: readonly string[], sub: readonly string[]): string[] | undefined {
  const rest = [...all];
  for (const s of sub) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return rest;
}

/**
 * Output shape of reshaping `from` to `target` (which may hold one −1). Symbolic dimensions must be
 * carried over by name; −1 may stand for one leftover symbolic dimension.
 */
export function inferReshape(from: SymbolicShape, target: readonly Dim[]): Dim[] {
  const fail = (rule: string): never => {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(from)} to ${formatShape(target)}: ${rule}`);
  };
  const inferred = target.filter((d) => d === -1).length;
  if (inferred > 1) fail('at most one dimension may be -1');
  const known = target.filter((d) => d !== -1);
  const a = symbolicSize(from);
  const b = symbolicSize(known);
  const leftover = removeSymbols(a.symbols, b.symbols);
  if (leftover === undefined) fail('the target names a symbolic dimension the input does not have');
  if (inferred === 0) {
    if (leftover!.length > 0 || a.factor !== b.factor) fail('the number of elements differs');
    return [...target];
  }
  let fill: Dim;
  if (leftover!.length === 0) {
    if (b.factor === 0 || a.factor % b.factor !== 0) fail(`${a.factor} elements do not divide into parts of ${b.factor}`);
    fill = a.factor / b.factor;
  } else if (leftover!.length === 1 && a.factor === b.factor) {
    fill = leftover![0]!;
  } else {
    fill = fail('-1 would have to stand for a product of symbolic dimensions; keep them as separate axes');
  }
  return target.map((d) => (d === -1 ? fill : d));
}

/**
 * Attributes of reshape: the target shape (one entry may be −1, inferred).
 *
 * @example
 * ```ts
 * g.apply('reshape', [images], { shape: ['batch', -1] }); // same as images.reshape(['batch', -1])
 * ```
 */
export interface ReshapeAttrs {
  /** Target shape; −1 marks the one inferred dimension; symbolic names are allowed. */
  readonly shape: readonly Dim[];
}

/**
 * Same elements in the same row-major order, new shape.
 *
 * @example
 * ```ts
 * x.reshape(['batch', -1]); // a reshape node: ['batch', 28, 28] → ['batch', 784]
 * ```
 */
export const reshapeOp = defineOp<ReshapeAttrs>({
  name: 'reshape',
  arity: 1,
  kind: 'shape',
  differentiable: true,
  summary: 'Same elements in row-major order under a new shape (one dimension may be −1).',
  shapeRule: 'the target shape, its one −1 inferred from the element count (symbolic names carried over)',
  parseAttrs(r) {
    const attrs = { shape: r.shape('shape', true) };
    r.done();
    return attrs;
  },
  infer: ([x], { shape }) => ({ shape: inferReshape(x!.shape, shape), dtype: x!.dtype }),
  kernel: ([x], _attrs, ctx) => new Tensor(x!.data, ctx.outShape),
  alias: true,
  linear: { mode: 'jointly' },
});

/**
 * Attributes of broadcastTo: the target shape.
 *
 * @example
 * ```ts
 * g.apply('broadcastTo', [b], { shape: ['batch', 10] }); // b: [10] → ['batch', 10]
 * ```
 */
export interface BroadcastToAttrs {
  /** Target shape; the input broadcasts to it by NumPy rules (one-directional). */
  readonly shape: readonly Dim[];
}

/** Output type of broadcasting `x` to `shape` (each input axis equal to the target's or 1). */
export function inferBroadcastTo(x: NodeType, shape: readonly Dim[]): NodeType {
  if (x.shape.length > shape.length) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to the lower-rank ${formatShape(shape)}`);
  }
  x.shape.forEach((d, i) => {
    const t = shape[shape.length - x.shape.length + i]!;
    if (d !== t && d !== 1) {
      throw new ShapeError(
        `broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}: axis ${i} has ${d}, target ${t} (must be equal or 1)`,
      );
    }
  });
  return { shape: [...shape], dtype: x.dtype };
}

/**
 * Repeats the input along axes of size 1 (and new leading axes) to reach the target shape.
 *
 * @example
 * ```ts
 * b.broadcastTo(['batch', 10]); // a broadcastTo node: [10] → ['batch', 10]
 * ```
 */
export const broadcastToOp = defineOp<BroadcastToAttrs>({
  name: 'broadcastTo',
  arity: 1,
  kind: 'shape',
  differentiable: true,
  summary: 'Repeats the input along size-1 and new leading axes to reach a target shape.',
  shapeRule: "the target shape; each axis of x equals the target's or is 1",
  parseAttrs(r) {
    const attrs = { shape: r.shape('shape') };
    r.done();
    return attrs;
  },
  infer: ([x], { shape }) => inferBroadcastTo(x!, shape),
  kernel: ([x], _attrs, ctx) => mapBroadcast([x!], ctx.outShape, x!.dtype, (v) => v[0]!),
  fuse: ([a]) => a!, // a fused loop reads its input with broadcasting strides
  linear: { mode: 'jointly' },
});
