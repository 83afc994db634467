import { ArgumentError, ShapeError } from '../core/errors.js';
import { expectArray, expectNumber, expectOptions, expectString } from '../core/arguments.js';

// The geometry shared by convolution and pooling over the two spatial axes of NHWC tensors
// ([batch, height, width, channels]): a window of kh × kw taps, spaced by the dilations, slid with
// the strides over the input surrounded by zero (or excluded) padding.

/**
 * Padding of the two spatial axes: `'valid'` (none), `'same'` (output size ⌈input / stride⌉, the
 * extra row or column at the end, as TensorFlow and ONNX's SAME_UPPER), or explicit
 * `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * const padding: Padding2d = [[1, 1], [2, 2]];
 * x.conv2d(w, { padding }); // 1 row above and below, 2 columns left and right
 * ```
 */
export type Padding2d = 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];

/**
 * The resolved geometry of a 2-D window sliding over an input: sizes, steps and padding in numbers.
 * Output position (oh, ow) reads input row oh·sh − padTop + i·dh and column ow·sw − padLeft + j·dw
 * for the tap (i, j); rows and columns outside the input are padding.
 *
 * @example
 * ```ts
 * const g: Window2d = resolveWindow('conv2d', [28, 28], [5, 5], [1, 1], [1, 1], 'same');
 * [g.outH, g.padTop, g.padBottom]; // [28, 2, 2]
 * ```
 */
export interface Window2d {
  /** Input height. */
  readonly inH: number;
  /** Input width. */
  readonly inW: number;
  /** Window height (taps). */
  readonly kh: number;
  /** Window width (taps). */
  readonly kw: number;
  /** Stride along height. */
  readonly sh: number;
  /** Stride along width. */
  readonly sw: number;
  /** Dilation (spacing of the taps) along height. */
  readonly dh: number;
  /** Dilation along width. */
  readonly dw: number;
  /** Padding rows above. */
  readonly padTop: number;
  /** Padding rows below. */
  readonly padBottom: number;
  /** Padding columns on the left. */
  readonly padLeft: number;
  /** Padding columns on the right. */
  readonly padRight: number;
  /** Output height. */
  readonly outH: number;
  /** Output width. */
  readonly outW: number;
}

const WINDOW_FIELDS = ['inH', 'inW', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'padTop', 'padBottom', 'padLeft', 'padRight', 'outH', 'outW'] as const;

/** The fields that are ≥ 1 (the others are ≥ 0). */
const AT_LEAST_ONE: ReadonlySet<string> = new Set(['kh', 'kw', 'sh', 'sw', 'dh', 'dw']);

/** The most entries a table of taps may have (2²⁸: a gigabyte of indices). */
const MAX_TAPS = 2 ** 28;

/** A pair of safe integers ≥ min. */
function expectPair(fn: string, argument: string, value: unknown, min: number): [number, number] {
  const v = expectArray(fn, argument, value, 'integers');
  if (v.length !== 2) throw new ArgumentError(fn, argument, 'a pair of integers [height, width]', value);
  return [expectNumber(fn, `${argument}[0]`, v[0], { kind: 'integer', min }), expectNumber(fn, `${argument}[1]`, v[1], { kind: 'integer', min })];
}

/** Output size and padding (before, after) of one axis. */
function resolveAxis(op: string, axis: string, size: number, k: number, s: number, d: number, pad: 'same' | 'valid' | readonly [number, number]): [number, number, number] {
  const span = (k - 1) * d + 1; // the dilated window's extent
  if (pad === 'same') {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + span - size, 0);
    return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  const [before, after] = pad === 'valid' ? [0, 0] : pad;
  const padded = size + before + after;
  if (padded < span) {
    throw new ShapeError(`${op}: the window spans ${span} along ${axis} (size ${k}, dilation ${d}) but the padded input has only ${padded} (${size} + padding ${before} + ${after})`);
  }
  return [Math.floor((padded - span) / s) + 1, before, after];
}

/**
 * Resolves the geometry of a window over an input of concrete height and width.
 *
 * @param op - the op, for messages.
 * @param input - [height, width] of the input.
 * @param window - [kh, kw] taps.
 * @param strides - [sh, sw] ≥ 1.
 * @param dilations - [dh, dw] ≥ 1.
 * @param padding - see {@link Padding2d}.
 * @returns the geometry.
 * @throws ShapeError when the dilated window does not fit the padded input.
 * @example
 * ```ts
 * resolveWindow('maxPool2d', [5, 5], [2, 2], [2, 2], [1, 1], 'valid').outH; // 2
 * ```
 */
export function resolveWindow(
  op: string,
  input: readonly [number, number],
  window: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding2d,
): Window2d {
  const fn = 'resolveWindow';
  expectString(fn, 'op', op);
  const [inH, inW] = expectPair(fn, 'input', input, 0);
  const [kh, kw] = expectPair(fn, 'window', window, 1);
  const [sh, sw] = expectPair(fn, 'strides', strides, 1);
  const [dh, dw] = expectPair(fn, 'dilations', dilations, 1);
  if (padding !== 'same' && padding !== 'valid') {
    const rows = expectArray(fn, 'padding', padding, "'same', 'valid' or [[top, bottom], [left, right]]");
    if (rows.length !== 2) throw new ArgumentError(fn, 'padding', "'same', 'valid' or [[top, bottom], [left, right]]", padding);
    padding = [expectPair(fn, 'padding[0]', rows[0], 0), expectPair(fn, 'padding[1]', rows[1], 0)];
  }
  const rowPad = typeof padding === 'string' ? padding : padding[0];
  const colPad = typeof padding === 'string' ? padding : padding[1];
  const [outH, padTop, padBottom] = resolveAxis(op, 'height', inH, kh, sh, dh, rowPad);
  const [outW, padLeft, padRight] = resolveAxis(op, 'width', inW, kw, sw, dw, colPad);
  return { inH, inW, kh, kw, sh, sw, dh, dw, padTop, padBottom, padLeft, padRight, outH, outW };
}

/**
 * The input position each tap of each output position reads: entry (oh·outW + ow)·kh·kw + i·kw + j
 * is the flat spatial index ih·inW + iw of tap (i, j), or −1 where that tap falls on padding. Built
 * once per shape, it is what the convolution and pooling kernels (and the ONNX lowerings) index by.
 *
 * @param g - the window geometry.
 * @returns the table, outH·outW·kh·kw entries.
 * @example
 * ```ts
 * windowTaps(resolveWindow('avgPool2d', [2, 2], [2, 2], [1, 1], [1, 1], 'valid')); // [0, 1, 2, 3]
 * ```
 */
export function windowTaps(g: Window2d): Int32Array {
  const o = expectOptions('windowTaps', 'g', g);
  for (const key of WINDOW_FIELDS) expectNumber('windowTaps', `g.${key}`, o[key], { kind: 'integer', min: AT_LEAST_ONE.has(key) ? 1 : 0 });
  if (g.outH * g.outW * g.kh * g.kw > MAX_TAPS) throw new ArgumentError('windowTaps', 'g', `a window of at most ${MAX_TAPS} taps in all`, g);
  const taps = new Int32Array(g.outH * g.outW * g.kh * g.kw);
  let e = 0;
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      for (let i = 0; i < g.kh; i++) {
        const ih = oh * g.sh - g.padTop + i * g.dh;
        for (let j = 0; j < g.kw; j++) {
          const iw = ow * g.sw - g.padLeft + j * g.dw;
          taps[e++] = ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW ? ih * g.inW + iw : -1;
        }
      }
    }
  }
  return taps;
}

