import { expectOptions } from '../core/arguments.js';
import type { RawAttrs } from '../ops/attrs.js';
import type { Padding2d } from '../kernels/window.js';

/**
 * Options of a convolution (`x.conv2d(w, options)` and its adjoints); a number n for a pair means [n, n].
 *
 * @example
 * ```ts
 * const options: Conv2dOptions = { strides: 2, padding: 'same' };
 * x.conv2d(w, options);
 * ```
 */
export interface Conv2dOptions {
  /** Steps of the window along height and width; 1 by default. */
  readonly strides?: number | readonly [number, number];
  /** `'valid'` (the default), `'same'` or [[top, bottom], [left, right]]. */
  readonly padding?: Padding2d;
  /** Spacing of the filter's taps; 1 (dense) by default. */
  readonly dilations?: number | readonly [number, number];
  /** Channel groups; 1 by default. */
  readonly groups?: number;
}

/**
 * Options of a pooling (`x.maxPool2d(options)`, `x.avgPool2d(options)` and their derivatives); a
 * number n for a pair means [n, n].
 *
 * @example
 * ```ts
 * const options: Pool2dOptions = { windowShape: 2 }; // 2 × 2 windows, strides 2
 * x.maxPool2d(options);
 * ```
 */
export interface Pool2dOptions {
  /** Window height and width. */
  readonly windowShape: number | readonly [number, number];
  /** Steps of the window; the window shape by default. */
  readonly strides?: number | readonly [number, number];
  /** `'valid'` (the default), `'same'` or [[top, bottom], [left, right]], each side smaller than the window. */
  readonly padding?: Padding2d;
}

const pair = (v: unknown): unknown => (typeof v === 'number' ? [v, v] : v);

/** A convolution's options as attributes (validated by the op). */
export function convAttrs(fn: string, options: unknown): RawAttrs {
  const o = expectOptions(fn, 'options', options);
  return { strides: pair(o['strides']), padding: o['padding'], dilations: pair(o['dilations']), groups: o['groups'] };
}

/** A pooling's options as attributes (validated by the op). */
export function poolAttrs(fn: string, options: unknown): RawAttrs {
  const o = expectOptions(fn, 'options', options);
  return { windowShape: pair(o['windowShape']), strides: pair(o['strides']), padding: o['padding'] };
}
