import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, type Dim, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { prepareConv2d, prepareConv2dBackpropFilter, prepareConv2dBackpropInput, type ConvShape } from '../kernels/conv.js';
import { AttrError, type AttrReader } from './attrs.js';
import { defineOp, type NodeType } from './op-def.js';
import { resolveWindow, type Padding2d, type Window2d } from '../kernels/window.js';
import { concreteDim, expectRank4, readPadding, readPair, spatialSize } from './window.js';

// Layout: activations NHWC [batch, height, width, channels], filters HWIO [kh, kw, cin / groups, cout].
// y[n, oh, ow, o] = Σ_{i, j, c} x[n, oh·sh − padTop + i·dh, ow·sw − padLeft + j·dw, g·cin + c] · w[i, j, c, o]
// with g = ⌊o / (cout / groups)⌋ the group of output channel o, and x = 0 on the padding.

/**
 * Attributes of conv2d (and of its two adjoints, which add the size they restore).
 *
 * @example
 * ```ts
 * g.apply('conv2d', [x, w], { strides: [2, 2], padding: 'same', dilations: [1, 1], groups: 1 }); // same as x.conv2d(w, { strides: [2, 2], padding: 'same' })
 * ```
 */
export interface Conv2dAttrs {
  /** Steps of the window along height and width (≥ 1). */
  readonly strides: readonly [number, number];
  /** Padding of height and width; see {@link Padding2d}. */
  readonly padding: Padding2d;
  /** Spacing of the filter's taps along height and width (≥ 1; 1 is a dense filter). */
  readonly dilations: readonly [number, number];
  /** Channel groups (≥ 1, dividing the input and output channels); groups = channels is a depthwise convolution. */
  readonly groups: number;
}

/**
 * Attributes of conv2dBackpropInput: the convolution's, and the [height, width] of its input.
 *
 * @example
 * ```ts
 * g.conv2dBackpropInput(dy, w, [28, 28], { padding: 'same' }); // ∂ℓ/∂x of x.conv2d(w, { padding: 'same' })
 * ```
 */
export interface Conv2dBackpropInputAttrs extends Conv2dAttrs {
  /** Height and width of the convolution's input, which the output restores. */
  readonly inputSize: readonly [number, number];
}

/**
 * Attributes of conv2dBackpropFilter: the convolution's, and the [kh, kw] of its filters.
 *
 * @example
 * ```ts
 * g.conv2dBackpropFilter(x, dy, [5, 5], { padding: 'same' }); // ∂ℓ/∂w of x.conv2d(w, { padding: 'same' })
 * ```
 */
export interface Conv2dBackpropFilterAttrs extends Conv2dAttrs {
  /** Height and width of the filters, which the output restores. */
  readonly filterSize: readonly [number, number];
}

/** Reads the attributes every convolution op shares. */
function readConvAttrs(r: AttrReader): Conv2dAttrs {
  const strides = readPair(r, 'strides', [1, 1]);
  const padding = readPadding(r);
  const dilations = readPair(r, 'dilations', [1, 1]);
  const groups = r.int('groups', 1);
  if (groups < 1) throw new AttrError('groups', `must be ≥ 1, got ${groups}`);
  return { strides, padding, dilations, groups };
}

const NHWC = 'NHWC [batch, height, width, channels]';
const HWIO = 'HWIO [kh, kw, in channels / groups, out channels]';

function sameDType(op: string, a: NodeType, b: NodeType): void {
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operands have dtypes ${a.dtype} and ${b.dtype}; cast one of them explicitly`);
}

/** Checks the channel counts against the groups: in = filter in · groups, out divisible by groups. */
function checkGroups(op: string, inC: number, filterIn: number, outC: number, groups: number, shapes: string): void {
  if (filterIn * groups !== inC) {
    throw new ShapeError(`${op}: ${shapes}: the input has ${inC} channels but the filters take ${filterIn} per group × ${groups} group(s) = ${filterIn * groups}`);
  }
  if (outC % groups !== 0) throw new ShapeError(`${op}: ${shapes}: ${outC} output channels do not divide into ${groups} groups`);
}

/** The output spatial size must match a cotangent's. */
function checkCotangent(op: string, dy: NodeType, win: Window2d, outC: number, shapes: string): void {
  const [h, w, c] = [dy.shape[1], dy.shape[2], dy.shape[3]];
  if (h !== win.outH || w !== win.outW || c !== outC) {
    throw new ShapeError(`${op}: ${shapes}: the convolution's output is [batch, ${win.outH}, ${win.outW}, ${outC}] but dy is ${formatShape(dy.shape)}`);
  }
}

function sameBatch(op: string, a: Dim, b: Dim, shapes: string): void {
  if (a !== b) throw new ShapeError(`${op}: ${shapes}: the batch axes differ (${a} and ${b})`);
}

/** The concrete sizes of a convolution of input x (NHWC) with filters w (HWIO), for its kernels. */
function convShape(x: Shape, w: Shape, attrs: Conv2dAttrs): ConvShape {
  const window = resolveWindow('conv2d', [x[1]!, x[2]!], [w[0]!, w[1]!], attrs.strides, attrs.dilations, attrs.padding);
  return { batch: x[0]!, inC: x[3]!, outC: w[3]!, groups: attrs.groups, window };
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning framework) of NHWC activations with
 * HWIO filters; strides, padding, dilations and channel groups.
 *
 * @example
 * ```ts
 * x.conv2d(w, { padding: 'same' }); // a conv2d node: ['batch', 28, 28, 1] * [5, 5, 1, 32] → ['batch', 28, 28, 32]
 * ```
 */
export const conv2dOp = defineOp<Conv2dAttrs>({
  name: 'conv2d',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: 'Convolution of NHWC x with HWIO filters w: strides, padding (same, valid or explicit), dilations, channel groups.',
  shapeRule: "[batch, ⌊(H + padding − dilated kh) / sh⌋ + 1, same for W, cout] for x [batch, H, W, cin] and w [kh, kw, cin / groups, cout]; 'same': ⌈H / sh⌉",
  parseAttrs(r) {
    const attrs = readConvAttrs(r);
    r.done();
    return attrs;
  },
  infer([x, w], attrs) {
    const op = 'conv2d';
    sameDType(op, x!, w!);
    expectRank4(op, 'x', x!.shape, NHWC);
    expectRank4(op, 'w', w!.shape, HWIO);
    const shapes = `x ${formatShape(x!.shape)}, w ${formatShape(w!.shape)}`;
    const input = spatialSize(op, 'x', x!.shape);
    const inC = concreteDim(op, 'x', x!.shape, 3, 'channel count');
    const [kh, kw, filterIn, outC] = [0, 1, 2, 3].map((a) => concreteDim(op, 'w', w!.shape, a, 'size')) as [number, number, number, number];
    checkGroups(op, inC, filterIn, outC, attrs.groups, shapes);
    const win = resolveWindow(op, input, [kh, kw], attrs.strides, attrs.dilations, attrs.padding);
    return { shape: [x!.shape[0]!, win.outH, win.outW, outC], dtype: x!.dtype };
  },
  kernel([x, w], attrs, ctx) {
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    prepareConv2d(convShape(x!.shape, w!.shape, attrs))(out, x!.data, w!.data);
    return new Tensor(out, ctx.outShape);
  },
  plan([x, w], attrs) {
    const kernel = prepareConv2d(convShape(x!, w!, attrs));
    return (out, [X, W]) => kernel(out, X!, W!);
  },
  linear: { mode: 'separately' }, // bilinear: d conv(x, w) = conv(dx, w) + conv(x, dw)
});

/**
 * The adjoint of conv2d in its input (a transposed convolution): ∂ℓ/∂x from dy = ∂ℓ/∂y and the
 * filters, for an input of the given height and width.
 *
 * @example
 * ```ts
 * g.conv2dBackpropInput(dy, w, [28, 28], { padding: 'same' }); // ['batch', 28, 28, cin]
 * ```
 */
export const conv2dBackpropInputOp = defineOp<Conv2dBackpropInputAttrs>({
  name: 'conv2dBackpropInput',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: 'Transposed convolution: ∂ℓ/∂x of conv2d(x, w) from dy = ∂ℓ/∂y and w, for an input of size inputSize.',
  shapeRule: '[batch, inputSize, cin / groups · groups] for dy [batch, OH, OW, cout] (the convolution output of inputSize) and w [kh, kw, cin / groups, cout]',
  parseAttrs(r) {
    const attrs = { ...readConvAttrs(r), inputSize: readPair(r, 'inputSize') };
    r.done();
    return attrs;
  },
  infer([dy, w], attrs) {
    const op = 'conv2dBackpropInput';
    sameDType(op, dy!, w!);
    expectRank4(op, 'dy', dy!.shape, NHWC);
    expectRank4(op, 'w', w!.shape, HWIO);
    const shapes = `dy ${formatShape(dy!.shape)}, w ${formatShape(w!.shape)}, inputSize [${attrs.inputSize.join(',')}]`;
    const [kh, kw, filterIn, outC] = [0, 1, 2, 3].map((a) => concreteDim(op, 'w', w!.shape, a, 'size')) as [number, number, number, number];
    const inC = filterIn * attrs.groups;
    checkGroups(op, inC, filterIn, outC, attrs.groups, shapes);
    const win = resolveWindow(op, attrs.inputSize, [kh, kw], attrs.strides, attrs.dilations, attrs.padding);
    checkCotangent(op, dy!, win, outC, shapes);
    return { shape: [dy!.shape[0]!, attrs.inputSize[0], attrs.inputSize[1], inC], dtype: dy!.dtype };
  },
  kernel([dy, w], attrs, ctx) {
    const out = allocate(dy!.dtype, sizeOf(ctx.outShape));
    prepareConv2dBackpropInput(convShape(ctx.outShape, w!.shape, attrs))(out, dy!.data, w!.data);
    return new Tensor(out, ctx.outShape);
  },
  plan([, w], attrs, outShape) {
    const kernel = prepareConv2dBackpropInput(convShape(outShape, w!, attrs));
    return (out, [DY, W]) => kernel(out, DY!, W!);
  },
  linear: { mode: 'separately' }, // bilinear in dy and w
});

/**
 * The adjoint of conv2d in its filters: ∂ℓ/∂w from the input x and dy = ∂ℓ/∂y, for filters of
 * the given height and width.
 *
 * @example
 * ```ts
 * g.conv2dBackpropFilter(x, dy, [5, 5], { padding: 'same' }); // [5, 5, cin, cout]
 * ```
 */
export const conv2dBackpropFilterOp = defineOp<Conv2dBackpropFilterAttrs>({
  name: 'conv2dBackpropFilter',
  arity: 2,
  kind: 'linalg',
  differentiable: true,
  summary: '∂ℓ/∂w of conv2d(x, w) from x and dy = ∂ℓ/∂y, for filters of size filterSize.',
  shapeRule: '[filterSize, cin / groups, cout] for x [batch, H, W, cin] and dy [batch, OH, OW, cout] (the convolution output)',
  parseAttrs(r) {
    const attrs = { ...readConvAttrs(r), filterSize: readPair(r, 'filterSize') };
    r.done();
    return attrs;
  },
  infer([x, dy], attrs) {
    const op = 'conv2dBackpropFilter';
    sameDType(op, x!, dy!);
    expectRank4(op, 'x', x!.shape, NHWC);
    expectRank4(op, 'dy', dy!.shape, NHWC);
    const shapes = `x ${formatShape(x!.shape)}, dy ${formatShape(dy!.shape)}, filterSize [${attrs.filterSize.join(',')}]`;
    sameBatch(op, x!.shape[0]!, dy!.shape[0]!, shapes);
    const input = spatialSize(op, 'x', x!.shape);
    const inC = concreteDim(op, 'x', x!.shape, 3, 'channel count');
    const outC = concreteDim(op, 'dy', dy!.shape, 3, 'channel count');
    if (inC % attrs.groups !== 0) throw new ShapeError(`${op}: ${shapes}: ${inC} input channels do not divide into ${attrs.groups} groups`);
    checkGroups(op, inC, inC / attrs.groups, outC, attrs.groups, shapes);
    const win = resolveWindow(op, input, attrs.filterSize, attrs.strides, attrs.dilations, attrs.padding);
    checkCotangent(op, dy!, win, outC, shapes);
    return { shape: [attrs.filterSize[0], attrs.filterSize[1], inC / attrs.groups, outC], dtype: x!.dtype };
  },
  kernel([x, dy], attrs, ctx) {
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    prepareConv2dBackpropFilter(convShape(x!.shape, ctx.outShape, attrs))(out, x!.data, dy!.data);
    return new Tensor(out, ctx.outShape);
  },
  plan([x], attrs, outShape) {
    const kernel = prepareConv2dBackpropFilter(convShape(x!, outShape, attrs));
    return (out, [X, DY]) => kernel(out, X!, DY!);
  },
  linear: { mode: 'separately' }, // bilinear in x and dy
});
