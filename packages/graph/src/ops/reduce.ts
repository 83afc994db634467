import { FOLDS } from '../kernels/folds.js';
import { prepareReduce, reduce } from '../kernels/reduce.js';
import { normalizeAxes } from '../core/shape.js';
import { defineOp, type Linearity, type NodeType, type OpDef } from './op-def.js';

/**
 * Attributes of a reduction: the axes reduced (all when absent) and whether they stay as size 1.
 *
 * @example
 * ```ts
 * g.apply('sum', [x], { axes: [1], keepDims: true }); // [n, m] → [n, 1], same as x.sum(1, true)
 * ```
 */
export interface ReduceAttrs {
  /** Axes to reduce; negative axes count from the end; `undefined` reduces all axes. */
  readonly axes: readonly number[] | undefined;
  /** Keep reduced axes as dimensions of size 1. */
  readonly keepDims: boolean;
}

/** Output type of reducing `x` over `attrs.axes`. */
export function inferReduce(op: string, x: NodeType, attrs: ReduceAttrs): NodeType {
  const axes = new Set(normalizeAxes(op, attrs.axes, x.shape.length, x.shape));
  const shape = attrs.keepDims ? x.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.has(i));
  return { shape, dtype: x.dtype };
}

function reduceOp(name: 'sum' | 'max', summary: string, linear?: Linearity<ReduceAttrs>): OpDef<ReduceAttrs> {
  const fold = FOLDS[name];
  return defineOp<ReduceAttrs>({
    name,
    arity: 1,
    kind: 'reduction',
    differentiable: true,
    summary,
    shapeRule: "x's shape without the reduced axes (kept as 1 with keepDims)",
    parseAttrs(r) {
      const attrs = { axes: r.optionalIntList('axes'), keepDims: r.bool('keepDims', false) };
      r.done();
      return attrs;
    },
    infer: ([x], attrs) => inferReduce(name, x!, attrs),
    kernel: ([x], attrs) => reduce(x!, normalizeAxes(name, attrs.axes, x!.rank), attrs.keepDims, fold),
    plan: ([x], attrs) => {
      const fn = prepareReduce(x!, normalizeAxes(name, attrs.axes, x!.length), fold);
      return (out, [X]) => fn(out, X!);
    },
    ...(linear ? { linear } : {}),
  });
}

/**
 * Σ over the given axes.
 *
 * @example
 * ```ts
 * x.sum(1, true); // a sum node: g.apply('sum', [x], { axes: [1], keepDims: true })
 * ```
 */
export const sumOp = reduceOp('sum', 'Sum over axes (all by default), optionally keeping them as size 1.', { mode: 'jointly' });
/**
 * max over the given axes; −∞ for an empty reduction; NaN if any element is NaN.
 *
 * @example
 * ```ts
 * x.max(-1); // a max node over the last axis
 * ```
 */
export const maxOp = reduceOp('max', 'Maximum over axes (all by default), optionally keeping them as size 1.');
