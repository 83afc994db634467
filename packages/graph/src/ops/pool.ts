import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape, sizeOf, type Shape, type SymbolicShape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { prepareAvgPool2d, prepareAvgPool2dBackprop, prepareMaxPool2d, prepareMaxPool2dBackprop, prepareMaxPool2dSelect } from '../kernels/pool.js';
import { AttrError, type AttrReader } from './attrs.js';
import { defineOp, type NodeType, type OpDef } from './op-def.js';
import { resolveWindow, type Padding2d, type Window2d } from '../kernels/window.js';
import { expectRank4, readPadding, readPair, spatialSize } from './window.js';

// Pooling of NHWC activations over windows of height × width, per channel. Padding is excluded:
// max pooling takes the maximum of the in-bounds elements, average pooling divides by their count.
// Tied maxima share the cotangent equally, as for the max reduction (see kernels/pool.ts).

/**
 * Attributes of the pooling ops.
 *
 * @example
 * ```ts
 * g.apply('maxPool2d', [x], { windowShape: [2, 2], strides: [2, 2], padding: 'valid' }); // same as x.maxPool2d({ windowShape: [2, 2] })
 * ```
 */
export interface Pool2dAttrs {
  /** Window height and width (≥ 1). */
  readonly windowShape: readonly [number, number];
  /** Steps of the window along height and width (≥ 1); the window shape by default. */
  readonly strides: readonly [number, number];
  /** Padding of height and width (each side smaller than the window, so no window is all padding); see {@link Padding2d}. */
  readonly padding: Padding2d;
}

/**
 * Attributes of avgPool2dBackprop: the pooling's, and the [height, width] of its input.
 *
 * @example
 * ```ts
 * g.avgPool2dBackprop(dy, [28, 28], { windowShape: [2, 2] }); // ∂ℓ/∂x of x.avgPool2d({ windowShape: [2, 2] })
 * ```
 */
export interface AvgPool2dBackpropAttrs extends Pool2dAttrs {
  /** Height and width of the pooled input, which the output restores. */
  readonly inputSize: readonly [number, number];
}

function readPoolAttrs(r: AttrReader): Pool2dAttrs {
  const windowShape = readPair(r, 'windowShape');
  const strides = readPair(r, 'strides', windowShape);
  const padding = readPadding(r);
  if (typeof padding !== 'string') {
    padding.forEach((pair, axis) =>
      pair.forEach((p, side) => {
        if (p >= windowShape[axis]!) throw new AttrError(`padding[${axis}][${side}]`, `must be smaller than the window (${windowShape[axis]}), got ${p}: a window of padding alone has no elements`);
      }),
    );
  }
  return { windowShape, strides, padding };
}

/** The geometry of a pooling of an input shaped `x` (NHWC, checked). */
function poolWindow(op: string, which: string, x: SymbolicShape, attrs: Pool2dAttrs, input?: readonly [number, number]): Window2d {
  expectRank4(op, which, x, 'NHWC [batch, height, width, channels]');
  return resolveWindow(op, input ?? spatialSize(op, which, x), attrs.windowShape, attrs.strides, [1, 1], attrs.padding);
}

const pooledShape = (x: SymbolicShape, g: Window2d): SymbolicShape => [x[0]!, g.outH, g.outW, x[3]!];

function expectShape(op: string, which: string, got: NodeType, want: SymbolicShape, dtype: NodeType['dtype'], context: string): void {
  if (got.dtype !== dtype) throw new DTypeError(`${op}: ${which} is ${got.dtype} but ${context} is ${dtype}; cast one of them explicitly`);
  if (!sameShape(got.shape, want)) throw new ShapeError(`${op}: ${which} has shape ${formatShape(got.shape)}; ${context} needs ${formatShape(want)}`);
}

const geometry = (x: Shape, attrs: Pool2dAttrs): Window2d => resolveWindow('pool', [x[1]!, x[2]!], attrs.windowShape, attrs.strides, [1, 1], attrs.padding);

/** A pooling-family op on NHWC x: one kernel (out, ...operands) prepared for x's shape. */
function poolOp<A extends Pool2dAttrs>(
  def: Omit<OpDef<A>, 'kernel' | 'plan' | 'kind' | 'differentiable'>,
  xShapeOf: (inShapes: readonly Shape[], outShape: Shape) => Shape,
  prepare: (batch: number, channels: number, window: Window2d) => (out: Float64Array | Float32Array, ...operands: (Float64Array | Float32Array)[]) => void,
): OpDef<A> {
  const kernelFor = (inShapes: readonly Shape[], attrs: A, outShape: Shape): ((out: Float64Array | Float32Array, ...operands: (Float64Array | Float32Array)[]) => void) => {
    const x = xShapeOf(inShapes, outShape);
    return prepare(x[0]!, x[3]!, geometry(x, attrs));
  };
  return defineOp<A>({
    ...def,
    kind: 'other',
    differentiable: true,
    kernel(inputs, attrs, ctx) {
      const out = allocate(inputs[0]!.dtype, sizeOf(ctx.outShape));
      kernelFor(inputs.map((t) => t.shape), attrs, ctx.outShape)(out, ...inputs.map((t) => t.data));
      return new Tensor(out, ctx.outShape);
    },
    plan(inShapes, attrs, outShape) {
      const kernel = kernelFor(inShapes, attrs, outShape);
      return (out, operands) => kernel(out, ...operands);
    },
  });
}

const POOL_SHAPE = "[batch, ⌊(H + padding − kh) / sh⌋ + 1, same for W, C] for x [batch, H, W, C]; 'same': ⌈H / sh⌉";

/**
 * Max pooling of NHWC x over windows, per channel; padding is excluded.
 *
 * @example
 * ```ts
 * x.maxPool2d({ windowShape: [2, 2] }); // a maxPool2d node: ['batch', 28, 28, 32] → ['batch', 14, 14, 32]
 * ```
 */
export const maxPool2dOp = poolOp<Pool2dAttrs>(
  {
    name: 'maxPool2d',
    arity: 1,
    summary: 'Max pooling of NHWC x over windows of windowShape moved by strides, per channel; padding is never the maximum.',
    shapeRule: POOL_SHAPE,
    parseAttrs(r) {
      const attrs = readPoolAttrs(r);
      r.done();
      return attrs;
    },
    infer: ([x], attrs) => ({ shape: pooledShape(x!.shape, poolWindow('maxPool2d', 'x', x!.shape, attrs)), dtype: x!.dtype }),
  },
  ([x]) => x!,
  prepareMaxPool2d,
);

/**
 * The derivative of max pooling: ∂ℓ/∂x from x and dy = ∂ℓ/∂y, each window's cotangent shared
 * equally by its tied maxima. Linear in dy; x only selects the routes.
 *
 * @example
 * ```ts
 * g.maxPool2dBackprop(x, dy, { windowShape: [2, 2] }); // shaped like x
 * ```
 */
export const maxPool2dBackpropOp = poolOp<Pool2dAttrs>(
  {
    name: 'maxPool2dBackprop',
    arity: 2,
    summary: '∂ℓ/∂x of maxPool2d(x) from x and dy = ∂ℓ/∂y: each window’s dy to its maxima, shared equally by ties.',
    shapeRule: 'the shape of x; dy has the shape of maxPool2d(x)',
    parseAttrs(r) {
      const attrs = readPoolAttrs(r);
      r.done();
      return attrs;
    },
    infer([x, dy], attrs) {
      const win = poolWindow('maxPool2dBackprop', 'x', x!.shape, attrs);
      expectShape('maxPool2dBackprop', 'dy', dy!, pooledShape(x!.shape, win), x!.dtype, `maxPool2d of x ${formatShape(x!.shape)}`);
      return { shape: x!.shape, dtype: x!.dtype };
    },
    linear: { mode: 'jointly', operands: [1] }, // linear in dy; x selects the routes
  },
  ([x]) => x!,
  prepareMaxPool2dBackprop,
);

/**
 * The tangent of max pooling: for each window, the mean of t over the positions of x's maxima (the
 * adjoint of maxPool2dBackprop). Linear in t; x only selects the positions.
 *
 * @example
 * ```ts
 * g.maxPool2dSelect(x, t, { windowShape: [2, 2] }); // shaped like x.maxPool2d({ windowShape: [2, 2] })
 * ```
 */
export const maxPool2dSelectOp = poolOp<Pool2dAttrs>(
  {
    name: 'maxPool2dSelect',
    arity: 2,
    summary: 'For each max-pooling window of x, the mean of t over the positions of its maxima (the forward-mode derivative of maxPool2d).',
    shapeRule: 'the shape of maxPool2d(x); t has the shape of x',
    parseAttrs(r) {
      const attrs = readPoolAttrs(r);
      r.done();
      return attrs;
    },
    infer([x, t], attrs) {
      const win = poolWindow('maxPool2dSelect', 'x', x!.shape, attrs);
      expectShape('maxPool2dSelect', 't', t!, x!.shape, x!.dtype, 'x');
      return { shape: pooledShape(x!.shape, win), dtype: x!.dtype };
    },
    linear: { mode: 'jointly', operands: [1] }, // linear in t; x selects the positions
  },
  ([x]) => x!,
  prepareMaxPool2dSelect,
);

/**
 * Average pooling of NHWC x over windows, per channel, dividing by the number of in-bounds elements.
 *
 * @example
 * ```ts
 * x.avgPool2d({ windowShape: [2, 2] }); // an avgPool2d node: ['batch', 28, 28, 32] → ['batch', 14, 14, 32]
 * ```
 */
export const avgPool2dOp = poolOp<Pool2dAttrs>(
  {
    name: 'avgPool2d',
    arity: 1,
    summary: 'Average pooling of NHWC x over windows of windowShape moved by strides, per channel; the mean of the in-bounds elements (padding not counted).',
    shapeRule: POOL_SHAPE,
    parseAttrs(r) {
      const attrs = readPoolAttrs(r);
      r.done();
      return attrs;
    },
    infer: ([x], attrs) => ({ shape: pooledShape(x!.shape, poolWindow('avgPool2d', 'x', x!.shape, attrs)), dtype: x!.dtype }),
    linear: { mode: 'jointly' },
  },
  ([x]) => x!,
  prepareAvgPool2d,
);

/**
 * The adjoint of average pooling: each window's dy divided by its in-bounds count, added to each
 * of its in-bounds elements, for an input of the given height and width.
 *
 * @example
 * ```ts
 * g.avgPool2dBackprop(dy, [28, 28], { windowShape: [2, 2] }); // ['batch', 28, 28, C]
 * ```
 */
export const avgPool2dBackpropOp = poolOp<AvgPool2dBackpropAttrs>(
  {
    name: 'avgPool2dBackprop',
    arity: 1,
    summary: '∂ℓ/∂x of avgPool2d(x) from dy = ∂ℓ/∂y, for an input of size inputSize: each window’s dy / count to its in-bounds elements.',
    shapeRule: '[batch, inputSize, C] for dy [batch, OH, OW, C] (the pooled size of inputSize)',
    parseAttrs(r) {
      const attrs = { ...readPoolAttrs(r), inputSize: readPair(r, 'inputSize') };
      r.done();
      return attrs;
    },
    infer([dy], attrs) {
      const op = 'avgPool2dBackprop';
      const [h, w] = attrs.inputSize;
      expectRank4(op, 'dy', dy!.shape, 'NHWC [batch, height, width, channels]');
      const x: SymbolicShape = [dy!.shape[0]!, h, w, dy!.shape[3]!];
      const win = poolWindow(op, 'the input', x, attrs, attrs.inputSize);
      expectShape(op, 'dy', dy!, pooledShape(x, win), dy!.dtype, `avgPool2d of an input ${formatShape(x)}`);
      return { shape: x, dtype: dy!.dtype };
    },
    linear: { mode: 'jointly' },
  },
  (_inShapes, outShape) => outShape,
  prepareAvgPool2dBackprop,
);
