import type { TypedArray } from '../core/dtype.js';
import { windowTaps, type Window2d } from './window.js';
import { addressIn } from './wasm/memory.js';
import { inPlace } from './wasm/in-place.js';

// Pooling over NHWC tensors by a table of taps (see windowTaps): for each output position, the
// in-bounds input positions of its window, each read as a contiguous run of C channels. Padding is
// never read: max pooling takes the maximum of the in-bounds elements, average pooling divides by
// their count (TensorFlow's and ONNX's count_include_pad = 0).
//
// Max pooling's derivative routes through the window's maxima. Following the max reduction's
// convention, k tied maxima share equally: with R(x) the routing matrix (R[p, w] = 1/kʷ where x[p]
// is one of window w's kʷ maxima, else 0), ∂ℓ/∂x = R(x)·∂ℓ/∂y (maxPool2dBackprop) and the
// forward-mode tangent is ẏ = R(x)ᵀ·ẋ (maxPool2dSelect), each window averaging ẋ over its maxima. A
// window with a NaN has no maximum equal to itself: nothing is routed through it.
//
// Max pooling and its derivative run in WebAssembly (packages/graph/wasm/window.ts, the same bits)
// where their arrays live in the kernels' heap, as the compiled executor's planned buffers do.

/** The taps of a pooling window in a form the loops read. */
class PoolPlan {
  readonly taps: Int32Array;
  readonly tapCount: number;
  readonly positions: number;
  readonly image: number;
  readonly counts: Float64Array; // in-bounds taps per output position

  constructor(readonly batch: number, readonly channels: number, readonly window: Window2d) {
    this.taps = windowTaps(window);
    this.tapCount = window.kh * window.kw;
    this.positions = window.outH * window.outW;
    this.image = window.inH * window.inW * channels;
    this.counts = new Float64Array(this.positions);
    for (let p = 0; p < this.positions; p++) {
      for (let t = 0; t < this.tapCount; t++) if (this.taps[p * this.tapCount + t]! >= 0) this.counts[p]!++;
    }
  }
}

/**
 * Per-channel maxima of window p of image n into `max` (NaN if any element is NaN) and how many
 * elements equal them into `count`, in one pass over the window's taps.
 */
function windowMaxima(plan: PoolPlan, x: TypedArray, n: number, p: number, max: Float64Array, count: Float64Array): void {
  const { taps, tapCount, channels: C } = plan;
  const base = n * plan.image;
  max.fill(-Infinity);
  count.fill(0);
  for (let t = p * tapCount, end = t + tapCount; t < end; t++) {
    const at = taps[t]!;
    if (at < 0) continue;
    const src = base + at * C;
    for (let c = 0; c < C; c++) {
      const v = x[src + c]!;
      const m = max[c]!;
      if (v > m || v !== v) {
        max[c] = v; // a NaN, once in, stays: v > NaN is false, and v !== v only for a NaN
        count[c] = 1;
      } else if (v === m) {
        count[c] = count[c]! + 1;
      }
    }
  }
}

/**
 * Prepares maxPool2d for fixed shapes: each output element is the maximum of the in-bounds
 * elements of its window (NaN if one of them is NaN).
 *
 * @param batch - N of the NHWC input.
 * @param channels - C.
 * @param window - the geometry (dilations 1).
 * @returns the kernel `(out, x) => void`.
 * @example
 * ```ts
 * prepareMaxPool2d(1, 1, resolveWindow('maxPool2d', [2, 2], [2, 2], [2, 2], [1, 1], 'valid'))(out, x); // out[0] = max x
 * ```
 */
export function prepareMaxPool2d(batch: number, channels: number, window: Window2d): (out: TypedArray, x: TypedArray) => void {
  const plan = new PoolPlan(batch, channels, window);
  const { taps, tapCount, positions, image } = plan;
  const C = channels;
  return (out, x) => {
    const kernels = inPlace(out, x);
    if (kernels !== null) {
      const run = out instanceof Float32Array ? kernels.exports.maxPool32 : kernels.exports.maxPool64;
      run(addressIn(out, 0), addressIn(x, 0), batch, C, window.inH, window.inW, window.kh, window.kw, window.sh, window.sw, window.padTop, window.padLeft, window.outH, window.outW);
      return;
    }
    out.fill(-Infinity);
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < positions; p++) {
        const o = (n * positions + p) * C;
        for (let t = p * tapCount, end = t + tapCount; t < end; t++) {
          const at = taps[t]!;
          if (at < 0) continue;
          const src = n * image + at * C;
          for (let c = 0; c < C; c++) {
            const v = x[src + c]!;
            if (v > out[o + c]! || v !== v) out[o + c] = v; // a NaN, once in, stays
          }
        }
      }
    }
  };
}

/**
 * Prepares maxPool2dBackprop for fixed shapes: ∂ℓ/∂x = R(x)·dy, each window's cotangent shared
 * equally by its tied maxima.
 *
 * @param batch - N of the NHWC input.
 * @param channels - C.
 * @param window - the geometry.
 * @returns the kernel `(dx, x, dy) => void`.
 * @example
 * ```ts
 * prepareMaxPool2dBackprop(1, 1, window)(dx, x, dy); // dx shaped like x
 * ```
 */
export function prepareMaxPool2dBackprop(batch: number, channels: number, window: Window2d): (dx: TypedArray, x: TypedArray, dy: TypedArray) => void {
  const plan = new PoolPlan(batch, channels, window);
  const { taps, tapCount, positions, image } = plan;
  const max = new Float64Array(channels);
  const share = new Float64Array(channels);
  const C = channels;
  return (dx, x, dy) => {
    dx.fill(0);
    const kernels = inPlace(dx, x, dy);
    if (kernels !== null) {
      const run = dx instanceof Float32Array ? kernels.exports.maxPoolBackprop32 : kernels.exports.maxPoolBackprop64;
      run(addressIn(dx, 0), addressIn(x, 0), addressIn(dy, 0), batch, C, window.inH, window.inW, window.kh, window.kw, window.sh, window.sw, window.padTop, window.padLeft, window.outH, window.outW);
      return;
    }
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < positions; p++) {
        windowMaxima(plan, x, n, p, max, share);
        const o = (n * positions + p) * C;
        for (let c = 0; c < C; c++) share[c] = share[c]! > 0 ? dy[o + c]! / share[c]! : 0;
        for (let t = p * tapCount, end = t + tapCount; t < end; t++) {
          const at = taps[t]!;
          if (at < 0) continue;
          const src = n * image + at * C;
          for (let c = 0; c < C; c++) if (x[src + c] === max[c]) dx[src + c] = dx[src + c]! + share[c]!;
        }
      }
    }
  };
}

/**
 * Prepares maxPool2dSelect for fixed shapes: out = R(x)ᵀ·t, each window's mean of t over the
 * positions of its maxima of x (0 for a window with a NaN).
 *
 * @param batch - N of the NHWC input.
 * @param channels - C.
 * @param window - the geometry.
 * @returns the kernel `(out, x, t) => void`.
 * @example
 * ```ts
 * prepareMaxPool2dSelect(1, 1, window)(out, x, t); // out shaped like maxPool2d(x)
 * ```
 */
export function prepareMaxPool2dSelect(batch: number, channels: number, window: Window2d): (out: TypedArray, x: TypedArray, t: TypedArray) => void {
  const plan = new PoolPlan(batch, channels, window);
  const { taps, tapCount, positions, image } = plan;
  const max = new Float64Array(channels);
  const count = new Float64Array(channels);
  const total = new Float64Array(channels);
  const C = channels;
  return (out, x, tangent) => {
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < positions; p++) {
        windowMaxima(plan, x, n, p, max, count);
        total.fill(0);
        for (let t = p * tapCount, end = t + tapCount; t < end; t++) {
          const at = taps[t]!;
          if (at < 0) continue;
          const src = n * image + at * C;
          for (let c = 0; c < C; c++) if (x[src + c] === max[c]) total[c] = total[c]! + tangent[src + c]!;
        }
        const o = (n * positions + p) * C;
        for (let c = 0; c < C; c++) out[o + c] = count[c]! > 0 ? total[c]! / count[c]! : 0;
      }
    }
  };
}

/**
 * Prepares avgPool2d for fixed shapes: each output element is the mean of the in-bounds elements
 * of its window (padding is not counted).
 *
 * @param batch - N of the NHWC input.
 * @param channels - C.
 * @param window - the geometry.
 * @returns the kernel `(out, x) => void`.
 * @example
 * ```ts
 * prepareAvgPool2d(1, 1, window)(out, x);
 * ```
 */
export function prepareAvgPool2d(batch: number, channels: number, window: Window2d): (out: TypedArray, x: TypedArray) => void {
  const plan = new PoolPlan(batch, channels, window);
  const sum = new Float64Array(channels);
  const C = channels;
  return (out, x) => {
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < plan.positions; p++) {
        sum.fill(0);
        for (let t = 0; t < plan.tapCount; t++) {
          const at = plan.taps[p * plan.tapCount + t]!;
          if (at < 0) continue;
          const src = n * plan.image + at * C;
          for (let c = 0; c < C; c++) sum[c] = sum[c]! + x[src + c]!;
        }
        const o = (n * plan.positions + p) * C;
        const k = plan.counts[p]!;
        for (let c = 0; c < C; c++) out[o + c] = sum[c]! / k;
      }
    }
  };
}

/**
 * Prepares avgPool2dBackprop for fixed shapes: each window's cotangent divided by its in-bounds
 * count and added to each in-bounds element (the adjoint of avgPool2d).
 *
 * @param batch - N of the NHWC input.
 * @param channels - C.
 * @param window - the geometry.
 * @returns the kernel `(dx, dy) => void`.
 * @example
 * ```ts
 * prepareAvgPool2dBackprop(1, 1, window)(dx, dy); // dx shaped like the pooled input
 * ```
 */
export function prepareAvgPool2dBackprop(batch: number, channels: number, window: Window2d): (dx: TypedArray, dy: TypedArray) => void {
  const plan = new PoolPlan(batch, channels, window);
  const C = channels;
  return (dx, dy) => {
    dx.fill(0);
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < plan.positions; p++) {
        const o = (n * plan.positions + p) * C;
        const k = plan.counts[p]!;
        for (let t = 0; t < plan.tapCount; t++) {
          const at = plan.taps[p * plan.tapCount + t]!;
          if (at < 0) continue;
          const dst = n * plan.image + at * C;
          for (let c = 0; c < C; c++) dx[dst + c] = dx[dst + c]! + dy[o + c]! / k;
        }
      }
    }
  };
}
