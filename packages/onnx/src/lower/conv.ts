import { resolveWindow, windowTaps, type AvgPool2dBackpropAttrs, type Conv2dAttrs, type Conv2dBackpropFilterAttrs, type Conv2dBackpropInputAttrs, type Dim, type DType, type Node, type Pool2dAttrs, type Window2d } from '@chainrule/graph';
import type { OnnxBuilder } from '../builder.js';
import { BOOL, elemType, tensorProto } from '../proto.js';
import type { Lowering } from './lowering.js';

// Convolution and pooling. chainrule's tensors are NHWC and its filters HWIO; ONNX's Conv, MaxPool
// and AveragePool are NCHW with OIHW filters, so those lowerings transpose around them.
//
// NOTE: ONNX Runtime's CPU kernels of Conv, ConvTranspose and AveragePool are float32 only (MaxPool
// also runs float64). So float64 convolutions and average pooling, and the adjoint ops in both
// dtypes, are lowered as chainrule's kernels compute them: the patch matrix P gathered from the
// padded input by the window's table of taps (im2col), a MatMul, and for the adjoints the
// scatter-add of ∂ℓ/∂P back into the padded input (col2im, ScatterND with reduction 'add'), then
// the padding sliced off. They run in ONNX Runtime in float64 and agree with the kernels to
// rounding; a float32 conv2d, maxPool2d and float32 avgPool2d become Conv, MaxPool and AveragePool
// (count_include_pad = 0), which other runtimes recognise.

/** NHWC → NCHW. */
const toNCHW = (b: OnnxBuilder, x: string): string => b.op('Transpose', [x], { perm: [0, 3, 1, 2] });
/** NCHW → NHWC. */
const toNHWC = (b: OnnxBuilder, x: string): string => b.op('Transpose', [x], { perm: [0, 2, 3, 1] });
/** ONNX's pads of a window: [top, left, bottom, right]. */
const onnxPads = (g: Window2d): number[] => [g.padTop, g.padLeft, g.padBottom, g.padRight];
const reshape = (b: OnnxBuilder, x: string, shape: readonly Dim[]): string => b.op('Reshape', [x, b.shapeOf(shape)], { allowzero: 1 });

/** The window of a convolution node: input [N, H, W, C] and filters [kh, kw, ·, ·]. */
function convWindow(attrs: Conv2dAttrs, input: readonly Dim[], filter: readonly Dim[]): Window2d {
  return resolveWindow('conv2d', [input[1] as number, input[2] as number], [filter[0] as number, filter[1] as number], attrs.strides, attrs.dilations, attrs.padding);
}

function poolWindow(attrs: Pool2dAttrs, input: readonly Dim[]): Window2d {
  return resolveWindow('pool', [input[1] as number, input[2] as number], attrs.windowShape, attrs.strides, [1, 1], attrs.padding);
}

/** Padded height and width of a window's input. */
const padded = (g: Window2d): [number, number] => [g.inH + g.padTop + g.padBottom, g.inW + g.padLeft + g.padRight];

/** The taps of the window as indices into the padded input flattened to Hp·Wp positions (every one in bounds). */
function paddedTaps(g: Window2d): number[] {
  const unpadded: Window2d = { ...g, inH: padded(g)[0], inW: padded(g)[1], padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
  return Array.from(windowTaps(unpadded));
}

/**
 * The patches of x [N, H, W, C]: [N, OH·OW·kh·kw, C], the padded input (filled with `fill`) read at
 * every tap of every output position.
 */
function patches(b: OnnxBuilder, x: string, batch: Dim, channels: number, g: Window2d, fill: number, dtype: DType): string {
  const [hp, wp] = padded(g);
  const xp = b.op('Pad', [x, b.ints([0, g.padTop, g.padLeft, 0, 0, g.padBottom, g.padRight, 0]), b.scalar(fill, dtype)], { mode: 'constant' });
  const taps = paddedTaps(g);
  return b.op('Gather', [reshape(b, xp, [batch, hp * wp, channels]), b.constant('int64', [taps.length], taps)], { axis: 1 });
}

/**
 * The adjoint of {@link patches}: p [N, OH·OW·kh·kw, C] added into zeros [N, H, W, C] at the taps
 * (contributions to the padding are dropped).
 */
function unpatches(b: OnnxBuilder, p: string, batch: Dim, channels: number, g: Window2d, dtype: DType): string {
  const [hp, wp] = padded(g);
  const taps = paddedTaps(g);
  const zeros = b.op('ConstantOfShape', [b.shapeOf([hp * wp, batch, channels])], { value: { tensor: tensorProto('zero', dtype, [1], [0]) } });
  const at = b.constant('int64', [taps.length, 1], taps);
  const summed = b.op('ScatterND', [zeros, at, b.op('Transpose', [p], { perm: [1, 0, 2] })], { reduction: 'add' });
  const image = reshape(b, b.op('Transpose', [summed], { perm: [1, 0, 2] }), [batch, hp, wp, channels]);
  return b.op('Slice', [image, b.ints([g.padTop, g.padLeft]), b.ints([g.padTop + g.inH, g.padLeft + g.inW]), b.ints([1, 2])]);
}

/** Sizes of a convolution for the grouped products. */
interface ConvSizes {
  readonly batch: Dim;
  readonly inC: number;
  readonly outC: number;
  readonly groups: number;
  readonly g: Window2d;
}

const convSizes = (attrs: Conv2dAttrs, x: readonly Dim[], w: readonly Dim[]): ConvSizes => ({
  batch: x[0]!,
  inC: x[3] as number,
  outC: w[3] as number,
  groups: attrs.groups,
  g: convWindow(attrs, x, w),
});

/** The patch matrix of each group: [N, G, OH·OW, kh·kw·cin]. */
function groupedPatches(b: OnnxBuilder, x: string, s: ConvSizes, dtype: DType): string {
  const { batch, inC, groups, g } = s;
  const positions = g.outH * g.outW;
  const taps = g.kh * g.kw;
  const p = reshape(b, patches(b, x, batch, inC, g, 0, dtype), [batch, positions, taps, groups, inC / groups]);
  return reshape(b, b.op('Transpose', [p], { perm: [0, 3, 1, 2, 4] }), [batch, groups, positions, taps * (inC / groups)]);
}

/** HWIO filters as each group's matrix: [G, kh·kw·cin, cout]. */
function groupedFilters(b: OnnxBuilder, w: string, s: ConvSizes): string {
  const k = s.g.kh * s.g.kw * (s.inC / s.groups);
  return b.op('Transpose', [reshape(b, w, [k, s.groups, s.outC / s.groups])], { perm: [1, 0, 2] });
}

/** An NHWC cotangent [N, OH, OW, outC] as each group's matrix: [N, G, OH·OW, cout]. */
function groupedCotangent(b: OnnxBuilder, dy: string, s: ConvSizes): string {
  const m = reshape(b, dy, [s.batch, s.g.outH * s.g.outW, s.groups, s.outC / s.groups]);
  return b.op('Transpose', [m], { perm: [0, 2, 1, 3] });
}

/** Each group's product [N, G, OH·OW, cout] back to NHWC [N, OH, OW, outC]. */
function ungroupOutput(b: OnnxBuilder, y: string, s: ConvSizes): string {
  return reshape(b, b.op('Transpose', [y], { perm: [0, 2, 1, 3] }), [s.batch, s.g.outH, s.g.outW, s.outC]);
}

/** The lowerings of the convolution and pooling primitives. */
export const CONV = {
  conv2d(b, n, [x, w]) {
    const attrs = n.attrs as unknown as Conv2dAttrs;
    const s = convSizes(attrs, n.inputs[0]!.shape, n.inputs[1]!.shape);
    if (n.dtype === 'float64') return ungroupOutput(b, b.op('MatMul', [groupedPatches(b, x!, s, 'float64'), groupedFilters(b, w!, s)]), s); // y = P·W
    const filters = b.op('Transpose', [w!], { perm: [3, 2, 0, 1] }); // HWIO → OIHW
    const y = b.op('Conv', [toNCHW(b, x!), filters], {
      group: attrs.groups,
      strides: [...attrs.strides],
      dilations: [...attrs.dilations],
      pads: onnxPads(s.g),
      kernel_shape: [s.g.kh, s.g.kw],
    });
    return toNHWC(b, y);
  },
  // ∂ℓ/∂x: ∂ℓ/∂P = G·Wᵀ per group, added back where P read x.
  conv2dBackpropInput(b, n, [dy, w]) {
    const attrs = n.attrs as unknown as Conv2dBackpropInputAttrs;
    const s = convSizes(attrs, n.shape, n.inputs[1]!.shape);
    const { batch, inC, groups, g } = s;
    const dP = b.op('MatMul', [groupedCotangent(b, dy!, s), b.op('Transpose', [groupedFilters(b, w!, s)], { perm: [0, 2, 1] })]); // [N, G, OH·OW, kh·kw·cin]
    const taps = g.kh * g.kw;
    const perTap = reshape(b, dP, [batch, groups, g.outH * g.outW, taps, inC / groups]);
    const ordered = reshape(b, b.op('Transpose', [perTap], { perm: [0, 2, 3, 1, 4] }), [batch, g.outH * g.outW * taps, inC]);
    return unpatches(b, ordered, batch, inC, g, n.dtype);
  },
  // ∂ℓ/∂W = Pᵀ·G per group, summed over the batch and the output positions.
  conv2dBackpropFilter(b, n, [x, dy]) {
    const attrs = n.attrs as unknown as Conv2dBackpropFilterAttrs;
    const s = convSizes(attrs, n.inputs[0]!.shape, n.shape);
    const { groups, g } = s;
    const k = g.kh * g.kw * (s.inC / groups);
    const p = reshape(b, b.op('Transpose', [groupedPatches(b, x!, s, n.dtype)], { perm: [1, 3, 0, 2] }), [groups, k, -1]); // [G, K, N·OH·OW]
    const c = reshape(b, b.op('Transpose', [groupedCotangent(b, dy!, s)], { perm: [1, 0, 2, 3] }), [groups, -1, s.outC / groups]); // [G, N·OH·OW, cout]
    const dw = b.op('Transpose', [b.op('MatMul', [p, c])], { perm: [1, 0, 2] }); // [K, G, cout]
    return reshape(b, dw, n.shape);
  },
  maxPool2d(b, n, [x]) {
    const attrs = n.attrs as unknown as Pool2dAttrs;
    const g = poolWindow(attrs, n.inputs[0]!.shape);
    const pool = (v: string): string => toNHWC(b, b.op('MaxPool', [toNCHW(b, v)], { kernel_shape: [...attrs.windowShape], strides: [...attrs.strides], pads: onnxPads(g) }));
    // ONNX Runtime's MaxPool may skip a NaN; the kernel's maximum is NaN when any element is: the
    // windows that hold one are found by pooling the NaN mask, and set to NaN.
    const nanMask = b.op('Cast', [b.op('IsNaN', [x!])], { to: elemType(n.dtype) });
    const hasNaN = b.op('Greater', [pool(nanMask), b.scalar(0, n.dtype)]);
    return b.op('Where', [hasNaN, b.scalar(NaN, n.dtype), pool(x!)]);
  },
  maxPool2dBackprop(b, n, [x, dy]) {
    const attrs = n.attrs as unknown as Pool2dAttrs;
    const source = n.inputs[0]!.shape;
    const g = poolWindow(attrs, source);
    const { winners, count, shape } = maxima(b, x!, source, g, n.dtype);
    const share = b.op('Div', [reshape(b, dy!, [shape[0]!, shape[1]!, 1, shape[3]!]), count]);
    const routed = b.op('Where', [winners, share, b.scalar(0, n.dtype)]); // where, so an infinite share meets no 0
    return unpatches(b, reshape(b, routed, [source[0]!, g.outH * g.outW * g.kh * g.kw, source[3]!]), source[0]!, source[3] as number, g, n.dtype);
  },
  maxPool2dSelect(b, n, [x, t]) {
    const attrs = n.attrs as unknown as Pool2dAttrs;
    const source = n.inputs[0]!.shape;
    const g = poolWindow(attrs, source);
    const { winners, count, shape } = maxima(b, x!, source, g, n.dtype);
    const tp = reshape(b, patches(b, t!, source[0]!, source[3] as number, g, 0, n.dtype), shape);
    const total = b.op('ReduceSum', [b.op('Where', [winners, tp, b.scalar(0, n.dtype)]), b.ints([2])], { keepdims: 1 });
    const mean = b.op('Where', [b.op('Equal', [count, b.scalar(0, n.dtype)]), b.scalar(0, n.dtype), b.op('Div', [total, count])]); // no maximum (NaN): 0, as the kernel
    return reshape(b, mean, n.shape);
  },
  avgPool2d(b, n, [x]) {
    const attrs = n.attrs as unknown as Pool2dAttrs;
    const source = n.inputs[0]!.shape;
    const g = poolWindow(attrs, source);
    if (n.dtype === 'float32') {
      const y = b.op('AveragePool', [toNCHW(b, x!)], { kernel_shape: [...attrs.windowShape], strides: [...attrs.strides], pads: onnxPads(g), count_include_pad: 0 });
      return toNHWC(b, y);
    }
    const positions = g.outH * g.outW;
    const p = reshape(b, patches(b, x!, source[0]!, source[3] as number, g, 0, n.dtype), [source[0]!, positions, g.kh * g.kw, source[3]!]);
    const sum = b.op('ReduceSum', [p, b.ints([2])], { keepdims: 0 });
    return reshape(b, b.op('Div', [sum, inBoundsCounts(b, g, n.dtype, [positions, 1])]), n.shape);
  },
  // Each window's cotangent over its in-bounds count, to every tap (those on padding are sliced off).
  avgPool2dBackprop(b, n, [dy]) {
    const attrs = n.attrs as unknown as AvgPool2dBackpropAttrs;
    const g = poolWindow(attrs, n.shape);
    const [batch, channels] = [n.shape[0]!, n.shape[3] as number];
    const positions = g.outH * g.outW;
    const taps = g.kh * g.kw;
    const share = b.op('Div', [reshape(b, dy!, [batch, positions, 1, channels]), inBoundsCounts(b, g, n.dtype, [positions, 1, 1])]);
    const spread = b.op('Expand', [share, b.shapeOf([batch, positions, taps, channels])]);
    return unpatches(b, reshape(b, spread, [batch, positions * taps, channels]), batch, channels, g, n.dtype);
  },
} satisfies Record<string, Lowering>;

/** In-bounds taps per output position, as a constant of the given shape (positions first). */
function inBoundsCounts(b: OnnxBuilder, g: Window2d, dtype: DType, shape: readonly number[]): string {
  const taps = windowTaps(g);
  const t = g.kh * g.kw;
  const counts = Array.from({ length: g.outH * g.outW }, (_, p) => taps.subarray(p * t, (p + 1) * t).filter((v) => v >= 0).length);
  return b.constant(dtype, shape, counts);
}

/**
 * The maxima of each pooling window of x: `winners` [N, OH·OW, kh·kw, C] is true at the in-bounds
 * taps equal to their window's maximum, `count` [N, OH·OW, 1, C] how many there are (ties share).
 */
function maxima(b: OnnxBuilder, x: string, source: readonly Dim[], g: Window2d, dtype: DType): { winners: string; count: string; shape: Dim[] } {
  const taps = g.kh * g.kw;
  const shape: Dim[] = [source[0]!, g.outH * g.outW, taps, source[3]!];
  const p = reshape(b, patches(b, x, source[0]!, source[3] as number, g, -Infinity, dtype), shape);
  // ONNX Runtime's ReduceMax may skip a NaN; adding the window's NaNs (0 where there are none) makes
  // the maximum NaN, as the kernel's, and then no element equals it: nothing is routed.
  const nans = b.op('ReduceSum', [b.op('Where', [b.op('IsNaN', [p]), p, b.scalar(0, dtype)]), b.ints([2])], { keepdims: 1 });
  const max = b.op('Add', [b.op('ReduceMax', [p, b.ints([2])], { keepdims: 1 }), nans]);
  const inBounds = b.op('Cast', [b.constant('int64', [g.outH * g.outW, taps, 1], Array.from(windowTaps(g), (v) => (v >= 0 ? 1 : 0)))], { to: BOOL });
  const winners = b.op('And', [b.op('Equal', [p, max]), inBounds]);
  const count = b.op('ReduceSum', [b.op('Cast', [winners], { to: elemType(dtype) }), b.ints([2])], { keepdims: 1 });
  return { winners, count, shape };
}
