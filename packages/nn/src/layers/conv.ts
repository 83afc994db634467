import { ArgumentError, ChainruleError, ShapeError, expectBoolean, expectNumber, expectOptions, expectString, resolveWindow, type Initializer, type Node, type Padding2d } from '@chainrule/graph';
import { heNormal } from '../initializers.js';
import { ACTIVATIONS, activate, type ActivationName } from './activation.js';
import { buildContext, exampleShape, forwardArguments, type BuildContext, type Layer } from './layer.js';

/**
 * Options of {@link conv2d}. A number n for a pair means [n, n].
 *
 * @example
 * ```ts
 * conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', useBias: false });
 * ```
 */
export interface Conv2dLayerOptions {
  /** The number of filters: the output's channels. */
  readonly filters: number;
  /** [kh, kw], the filters' height and width. */
  readonly kernelSize: number | readonly [number, number];
  /** Steps of the window (default 1). */
  readonly strides?: number | readonly [number, number];
  /** `'valid'` (default), `'same'` or [[top, bottom], [left, right]]. */
  readonly padding?: Padding2d;
  /** Spacing of the filters' taps (default 1). */
  readonly dilations?: number | readonly [number, number];
  /** Channel groups: each filter sees channels/groups input channels (default 1; both counts must divide). */
  readonly groups?: number;
  /** The activation a (default `linear`). */
  readonly activation?: ActivationName;
  /** Whether the layer adds a bias per filter (default true; leave it out before batch normalisation). */
  readonly useBias?: boolean;
  /** Initializer of the filters (default He normal with HWIO fans, N(0, 2/(kh·kw·channels/groups)), seeded from the model's seed). */
  readonly kernelInitializer?: Initializer;
  /** Initializer of the bias (default 0). */
  readonly biasInitializer?: Initializer;
}

/** A pair option: a positive integer n (→ [n, n]) or a pair of them. */
function pair(layer: string, name: string, value: unknown): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2) throw new ArgumentError(layer, `options.${name}`, 'a positive integer or a pair [height, width] of them', value);
  return [expectNumber(layer, `options.${name}[0]`, v[0], { kind: 'integer', min: 1 }), expectNumber(layer, `options.${name}[1]`, v[1], { kind: 'integer', min: 1 })];
}

/** The height and width of an NHWC example [height, width, channels], checked. */
function spatial(layer: string, ctx: BuildContext): [number, number] {
  const shape = exampleShape(ctx);
  if (shape.length !== 3) throw new ShapeError(`${layer}: needs images [height, width, channels] (NHWC), got examples of shape [${shape.join(', ')}]; put reshape([h, w, c]) before it`);
  return [shape[0]!, shape[1]!];
}

/**
 * A 2-D convolution layer over NHWC images [batch, height, width, channels] with HWIO filters
 * W ∈ ℝ^{kh × kw × (c/groups) × filters}: y = a(x ⋆ W + b), the cross-correlation every deep-learning
 * framework calls convolution, y[n, i, j, o] = Σ_{p,q,c} x[n, i·sh + p·dh, j·sw + q·dw, c]·W[p, q, c, o]
 * (plus padding). NCHW data: transpose to NHWC first (`x.transpose([0, 2, 3, 1])`).
 *
 * @param options - filters, kernel size, strides, padding, dilations, groups, activation, bias and initializers.
 * @returns the layer (variables `W` [kh, kw, c/groups, filters] and, with a bias, `b` [filters]).
 * @throws ArgumentError when an option is not of its kind; at build, ShapeError when the input is not
 *   [height, width, channels], the window does not fit, or groups divide neither channels nor filters.
 * @example
 * ```ts
 * sequential([reshape([28, 28, 1]), conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }), maxPool2d({ windowShape: 2 }), flatten(), dense(10)]);
 * ```
 */
export function conv2d(options: Conv2dLayerOptions): Layer {
  const fn = 'conv2d';
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { filters, kernelSize, … }', options);
  const o = expectOptions(fn, 'options', options);
  const filters = expectNumber(fn, 'options.filters', o['filters'], { kind: 'integer', min: 1 });
  const kernel = pair(fn, 'kernelSize', o['kernelSize']);
  const strides = pair(fn, 'strides', o['strides'] ?? 1);
  const dilations = pair(fn, 'dilations', o['dilations'] ?? 1);
  const groups = expectNumber(fn, 'options.groups', o['groups'] ?? 1, { kind: 'integer', min: 1 });
  const padding = padOption(fn, o['padding']);
  const activation = expectString(fn, 'options.activation', o['activation'] ?? 'linear', ACTIVATIONS);
  const useBias = expectBoolean(fn, 'options.useBias', o['useBias'] ?? true);
  for (const key of ['kernelInitializer', 'biasInitializer']) {
    const init = o[key];
    if (init !== undefined && typeof init !== 'number' && typeof init !== 'function') throw new ArgumentError(fn, `options.${key}`, 'a number or an initializer function', init);
  }
  const params = new Map<string, Node>();
  return {
    kind: fn,
    build(ctx) {
      buildContext(fn, ctx);
      const [h, w] = spatial(fn, ctx);
      const channels = ctx.inputUnits;
      if (channels % groups !== 0 || filters % groups !== 0) {
        throw new ShapeError(`conv2d: groups (${groups}) must divide the input channels (${channels}) and the filters (${filters})`);
      }
      const g = resolveWindow(fn, [h, w], kernel, strides, dilations, padding); // the op's own geometry
      const shape = [kernel[0], kernel[1], channels / groups, filters];
      params.set('W', ctx.graph.variable(`${ctx.scope}W`, shape, (o['kernelInitializer'] as Initializer | undefined) ?? heNormal(ctx.seed, 'hwio'), ctx.dtype));
      if (useBias) params.set('b', ctx.graph.variable(`${ctx.scope}b`, [filters], (o['biasInitializer'] as Initializer | undefined) ?? 0, ctx.dtype));
      return [g.outH, g.outW, filters];
    },
    forward(x, forwardOptions) {
      forwardArguments(fn, x, forwardOptions);
      const W = params.get('W');
      if (W === undefined) throw new ChainruleError('conv2d: build the model before using it');
      const y = x.conv2d(W, { strides, padding, dilations, groups }); // x ⋆ W
      return activate(activation, useBias ? y.add(params.get('b')!) : y);
    },
    params,
  };
}

/**
 * Options of {@link maxPool2d} and {@link avgPool2d}. A number n for a pair means [n, n].
 *
 * @example
 * ```ts
 * maxPool2d({ windowShape: 2 }); // 2 × 2 windows, strides 2
 * ```
 */
export interface Pool2dLayerOptions {
  /** Window height and width. */
  readonly windowShape: number | readonly [number, number];
  /** Steps of the window (default: the window shape, so windows do not overlap). */
  readonly strides?: number | readonly [number, number];
  /** `'valid'` (default), `'same'` or [[top, bottom], [left, right]]. */
  readonly padding?: Padding2d;
}

/** A pooling layer of either kind. */
function pool(fn: 'maxPool2d' | 'avgPool2d', options: Pool2dLayerOptions): Layer {
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { windowShape, strides?, padding? }', options);
  const o = expectOptions(fn, 'options', options);
  const windowShape = pair(fn, 'windowShape', o['windowShape']);
  const strides = pair(fn, 'strides', o['strides'] ?? windowShape);
  const padding = padOption(fn, o['padding']);
  return {
    kind: fn,
    build(ctx) {
      buildContext(fn, ctx);
      const g = resolveWindow(fn, spatial(fn, ctx), windowShape, strides, [1, 1], padding);
      return [g.outH, g.outW, ctx.inputUnits];
    },
    forward(x, forwardOptions) {
      forwardArguments(fn, x, forwardOptions);
      return fn === 'maxPool2d' ? x.maxPool2d({ windowShape, strides, padding }) : x.avgPool2d({ windowShape, strides, padding });
    },
    params: new Map(),
  };
}

/**
 * Max pooling over windows of NHWC images, per channel: each output is its window's largest input
 * (padding never wins). Gradients go to the maxima; tied maxima share them equally, as for `max`.
 *
 * @param options - window shape, strides (the window's by default) and padding.
 * @returns the layer (no variables).
 * @throws ArgumentError when an option is not of its kind; at build, ShapeError when the input is not images or the window does not fit.
 * @example
 * ```ts
 * sequential([reshape([28, 28, 1]), conv2d({ filters: 8, kernelSize: 3 }), maxPool2d({ windowShape: 2 })]); // [batch, 13, 13, 8]
 * ```
 */
export function maxPool2d(options: Pool2dLayerOptions): Layer {
  return pool('maxPool2d', options);
}

/**
 * Average pooling over windows of NHWC images, per channel: each output is the mean of its window's
 * in-bounds inputs (padding is not counted, as TensorFlow and ONNX's count_include_pad = 0).
 *
 * @param options - window shape, strides (the window's by default) and padding.
 * @returns the layer (no variables).
 * @throws ArgumentError when an option is not of its kind; at build, ShapeError when the input is not images or the window does not fit.
 * @example
 * ```ts
 * avgPool2d({ windowShape: 3, strides: 1, padding: 'same' }); // keeps height and width
 * ```
 */
export function avgPool2d(options: Pool2dLayerOptions): Layer {
  return pool('avgPool2d', options);
}

/** Padding: left out (`'valid'`), `'same'`, `'valid'` or [[top, bottom], [left, right]] of integers ≥ 0. */
function padOption(fn: string, value: unknown): Padding2d {
  if (value === undefined) return 'valid';
  if (value === 'same' || value === 'valid') return value;
  const ok = Array.isArray(value) && value.length === 2 && value.every((side: unknown) => Array.isArray(side) && side.length === 2 && side.every((p: unknown) => Number.isSafeInteger(p) && (p as number) >= 0));
  if (!ok) throw new ArgumentError(fn, 'options.padding', "'same', 'valid' or [[top, bottom], [left, right]] of integers ≥ 0", value);
  return value as unknown as Padding2d;
}
