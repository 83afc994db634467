import { noAttrs } from './attrs.js';
import { allocate } from '../core/dtype.js';
import { normalizeAxes } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { defineOp } from './op-def.js';

/**
 * Attributes of cast: the target dtype.
 *
 * @example
 * ```ts
 * g.apply('cast', [x], { dtype: 'float32' }); // same as x.cast('float32')
 * ```
 */
export interface CastAttrs {
  /** Element type of the output. */
  readonly dtype: 'float64' | 'float32';
}

/**
 * Converts elements to another dtype (float64 → float32 rounds to nearest).
 *
 * @example
 * ```ts
 * x.cast('float32'); // builds a cast node: g.apply('cast', [x], { dtype: 'float32' })
 * castOp.kind; // 'elementwise'
 * ```
 */
export const castOp = defineOp<CastAttrs>({
  name: 'cast',
  arity: 1,
  kind: 'elementwise',
  differentiable: true,
  summary: 'Converts elements to another dtype (float64 → float32 rounds to nearest).',
  shapeRule: 'the shape of x, in the target dtype',
  parseAttrs(r) {
    const attrs = { dtype: r.dtype('dtype') };
    r.done();
    return attrs;
  },
  infer: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  kernel([x], { dtype }) {
    const out = allocate(dtype, x!.size);
    out.set(x!.data);
    return new Tensor(out, x!.shape);
  },
  fuse: ([a]) => a!, // the rounding to float32 happens where the fused loop stores or rounds
  linear: { mode: 'jointly' },
});

/**
 * The input unchanged; gradients do not flow through it.
 *
 * @example
 * ```ts
 * const target = y.stopGradient(); // a stopGradient node: same values, no gradient
 * stopGradientOp.differentiable; // false
 * ```
 */
export const stopGradientOp = defineOp<Record<string, never>>({
  name: 'stopGradient',
  arity: 1,
  kind: 'elementwise',
  differentiable: false,
  summary: 'The input unchanged; differentiation treats it as a constant.',
  shapeRule: 'the shape of x',
  parseAttrs: noAttrs,
  infer: ([x]) => x!,
  kernel: ([x]) => x!,
  fuse: ([a]) => a!,
});

/**
 * The input unchanged (a named handle, or a seam for rewrites).
 *
 * @example
 * ```ts
 * const h = x.identity(); // an identity node: same values, a separate node
 * ```
 */
export const identityOp = defineOp<Record<string, never>>({
  name: 'identity',
  arity: 1,
  kind: 'elementwise',
  differentiable: true,
  summary: 'The input unchanged.',
  shapeRule: 'the shape of x',
  parseAttrs: noAttrs,
  infer: ([x]) => x!,
  kernel: ([x]) => x!,
  fuse: ([a]) => a!,
  linear: { mode: 'jointly' },
});

/**
 * Attributes of dimSize: the axes whose sizes are multiplied.
 *
 * @example
 * ```ts
 * const n = g.apply('dimSize', [x], { axes: [0] }); // the batch size of x: ['batch', 784], as a scalar
 * ```
 */
export interface DimSizeAttrs {
  /** Axes whose sizes are multiplied (all when absent). */
  readonly axes: readonly number[] | undefined;
}

/**
 * The number of elements along some axes of the input, as a scalar: known when the graph runs even
 * where the axes are symbolic. Depends on the input's shape only, never on its values.
 *
 * @example
 * ```ts
 * const count = g.apply('dimSize', [x], { axes: [0] }); // x: ['batch', 784] → the batch size, as a scalar
 * ```
 */
export const dimSizeOp = defineOp<DimSizeAttrs>({
  name: 'dimSize',
  arity: 1,
  kind: 'other',
  differentiable: false,
  summary: "Product of the input's dimensions over the given axes (all by default), as a scalar.",
  shapeRule: '[] (a scalar)',
  parseAttrs(r) {
    const attrs = { axes: r.optionalIntList('axes') };
    r.done();
    return attrs;
  },
  infer([x], { axes }) {
    normalizeAxes('dimSize', axes, x!.shape.length, x!.shape);
    return { shape: [], dtype: x!.dtype };
  },
  kernel([x], { axes }) {
    const out = allocate(x!.dtype, 1);
    out[0] = normalizeAxes('dimSize', axes, x!.rank).reduce((n, a) => n * x!.shape[a]!, 1);
    return new Tensor(out, []);
  },
});
