import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { heapArray, heapFree } from './wasm/heap.js';
import { addressIn } from './wasm/memory.js';
import { kernelInstance } from './wasm/runtime.js';
import { inPlace } from './wasm/in-place.js';
import { windowTaps, type Window2d } from './window.js';
import { gemmFor } from './gemm.js';

// Convolution as matrix products (im2col). For NHWC x, HWIO filters w and one group of channels,
// the patch matrix P has a row per output position r = (n, oh, ow) and a column per tap and input
// channel k = (i, j, c): P[r, k] = x[n, oh·sh − padTop + i·dh, ow·sw − padLeft + j·dw, c] (0 on
// padding). With W the filters seen as a [kh·kw·cin, cout] matrix (HWIO is already that, row-major):
//
//   y = P·W          (conv2d)
//   ∂ℓ/∂W = Pᵀ·G     (conv2dBackpropFilter, G = ∂ℓ/∂y as an [N·OH·OW, cout] matrix)
//   ∂ℓ/∂P = G·Wᵀ, then ∂ℓ/∂x adds each entry of ∂ℓ/∂P back where P read it (col2im; conv2dBackpropInput)
//
// The products run on gemmFor (WebAssembly SIMD, both threads when large); the patch matrices live
// in the kernels' heap, and where x (or dx) does too, im2col and col2im run in WebAssembly
// (packages/graph/wasm/window.ts, the same bits as the loops here). P is built for a block
// of rows at a time, so its memory stays bounded whatever the batch; the blocks' buffers are shared
// by every convolution of the process (kernels run one at a time on the calling thread).

/** Entries of the patch matrix built per block of rows. */
const BLOCK_ENTRIES = 1 << 20;

/** The shapes of one convolution: NHWC input, HWIO filters [kh, kw, inC / groups, outC]. */
export interface ConvShape {
  /** Batch size. */
  readonly batch: number;
  /** Input channels. */
  readonly inC: number;
  /** Output channels. */
  readonly outC: number;
  /** Channel groups: group g maps input channels g·inC/groups… to output channels g·outC/groups…. */
  readonly groups: number;
  /** The window geometry. */
  readonly window: Window2d;
}

const buffers: Record<DType, TypedArray[]> = { float64: [], float32: [] };

/**
 * Scratch buffer number `slot` of `like`'s dtype, at least `length` long (grown, never shrunk). It
 * lives in the kernels' heap where they run, so that the products read and write it in place
 * instead of copying it into their memory and back; else in ordinary memory.
 */
function scratch(like: TypedArray, slot: number, length: number): TypedArray {
  const dtype = like instanceof Float32Array ? 'float32' : 'float64';
  const list = buffers[dtype];
  const have = list[slot];
  if (have !== undefined && have.length >= length) return have;
  const kernels = kernelInstance();
  if (have !== undefined && kernels !== null && addressIn(have, 0) >= 0) heapFree(have.byteOffset);
  const grown = (kernels === null ? undefined : heapArray(kernels, dtype, length)) ?? allocate(dtype, length);
  list[slot] = grown;
  return grown;
}

const gemmOf = (a: TypedArray): ReturnType<typeof gemmFor> => gemmFor(a instanceof Float32Array ? 'float32' : 'float64');

/** What the three convolution kernels share: sizes, the tap table and the blocking. */
class ConvPlan {
  readonly taps: Int32Array;
  readonly tapCount: number;
  readonly cin: number; // input channels per group
  readonly cout: number; // output channels per group
  readonly k: number; // columns of P: kh·kw·cin
  readonly rows: number; // rows of P: N·OH·OW
  readonly positions: number; // OH·OW
  readonly image: number; // elements of one input image: H·W·C
  readonly block: number; // rows of P per block

  constructor(readonly s: ConvShape) {
    const g = s.window;
    this.taps = windowTaps(g);
    this.tapCount = g.kh * g.kw;
    this.cin = s.inC / s.groups;
    this.cout = s.outC / s.groups;
    this.k = this.tapCount * this.cin;
    this.positions = g.outH * g.outW;
    this.rows = s.batch * this.positions;
    this.image = g.inH * g.inW * s.inC;
    this.block = Math.max(1, Math.floor(BLOCK_ENTRIES / Math.max(1, this.k, this.cout)));
  }

  /** Rows [r0, r1) of group g's patch matrix into P (row-major, k columns). */
  im2col(P: TypedArray, x: TypedArray, group: number, r0: number, r1: number): void {
    const kernels = inPlace(P, x);
    if (kernels !== null) {
      const g = this.s.window;
      const run = P instanceof Float32Array ? kernels.exports.im2col32 : kernels.exports.im2col64;
      run(addressIn(P, 0), addressIn(x, 0), g.inH, g.inW, this.s.inC, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW, group * this.cin, this.cin, r0, r1);
      return;
    }
    const { taps, tapCount, cin, positions, image } = this;
    const inC = this.s.inC;
    let n = Math.floor(r0 / positions);
    let p = r0 - n * positions;
    let d = 0;
    for (let r = r0; r < r1; r++) {
      const base = n * image + group * cin;
      const t0 = p * tapCount;
      for (let t = 0; t < tapCount; t++) {
        const at = taps[t0 + t]!;
        if (at < 0) {
          P.fill(0, d, d + cin);
          d += cin;
        } else {
          const src = base + at * inC;
          for (let c = 0; c < cin; c++) P[d++] = x[src + c]!;
        }
      }
      if (++p === positions) {
        p = 0;
        n++;
      }
    }
  }

  /** Adds rows [r0, r1) of group g's patch-matrix cotangent dP back into dx where im2col read them. */
  col2im(dx: TypedArray, dP: TypedArray, group: number, r0: number, r1: number): void {
    const kernels = inPlace(dx, dP);
    if (kernels !== null) {
      const g = this.s.window;
      const run = dx instanceof Float32Array ? kernels.exports.col2im32 : kernels.exports.col2im64;
      run(addressIn(dx, 0), addressIn(dP, 0), g.inH, g.inW, this.s.inC, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW, group * this.cin, this.cin, r0, r1);
      return;
    }
    const { taps, tapCount, cin, positions, image } = this;
    const inC = this.s.inC;
    let n = Math.floor(r0 / positions);
    let p = r0 - n * positions;
    let d = 0;
    for (let r = r0; r < r1; r++) {
      const base = n * image + group * cin;
      const t0 = p * tapCount;
      for (let t = 0; t < tapCount; t++) {
        const at = taps[t0 + t]!;
        if (at < 0) {
          d += cin;
        } else {
          const dst = base + at * inC;
          for (let c = 0; c < cin; c++) dx[dst + c] = dx[dst + c]! + dP[d++]!;
        }
      }
      if (++p === positions) {
        p = 0;
        n++;
      }
    }
  }

  /** Group g's columns of a [rows, outC] matrix (rows r0…r1) into a packed [rows, cout] one. */
  packColumns(dst: TypedArray, src: TypedArray, group: number, r0: number, r1: number): void {
    const { cout } = this;
    const outC = this.s.outC;
    let d = 0;
    for (let r = r0; r < r1; r++) {
      const o = r * outC + group * cout;
      for (let c = 0; c < cout; c++) dst[d++] = src[o + c]!;
    }
  }

  /** A packed [rows, cout] matrix into group g's columns of a [·, outC] one, from row r0 (`add`: accumulate). */
  unpackColumns(dst: TypedArray, src: TypedArray, group: number, r0: number, rows: number, add: boolean): void {
    const { cout } = this;
    const outC = this.s.outC;
    let d = 0;
    for (let r = r0; r < r0 + rows; r++) {
      const o = r * outC + group * cout;
      if (add) for (let c = 0; c < cout; c++) dst[o + c] = dst[o + c]! + src[d++]!;
      else for (let c = 0; c < cout; c++) dst[o + c] = src[d++]!;
    }
  }
}

/**
 * Prepares conv2d for fixed shapes: the returned function writes y = conv(x, w) (NHWC, HWIO) into
 * `out`, overwriting it.
 *
 * @param shape - the convolution's shapes.
 * @returns the kernel `(out, x, w) => void`.
 * @example
 * ```ts
 * const conv = prepareConv2d({ batch: 1, inC: 1, outC: 1, groups: 1, window: resolveWindow('conv2d', [3, 3], [2, 2], [1, 1], [1, 1], 'valid') });
 * conv(out, x, w); // out: [1, 2, 2, 1]
 * ```
 */
export function prepareConv2d(shape: ConvShape): (out: TypedArray, x: TypedArray, w: TypedArray) => void {
  const plan = new ConvPlan(shape);
  const { k, rows, block, cout } = plan;
  const { groups, outC } = shape;
  return (out, x, w) => {
    if (k === 0) {
      out.fill(0); // no taps' worth of input channels: every sum is empty
      return;
    }
    const gemm = gemmOf(out);
    const P = scratch(out, 0, Math.min(rows, block) * k);
    for (let g = 0; g < groups; g++) {
      const W = groups === 1 ? w : scratch(out, 1, k * cout);
      if (groups > 1) plan.packColumns(W, w, g, 0, k);
      for (let r0 = 0; r0 < rows; r0 += block) {
        const r1 = Math.min(rows, r0 + block);
        plan.im2col(P, x, g, r0, r1);
        if (groups === 1) {
          gemm(out, r0 * outC, P, 0, W, 0, r1 - r0, k, cout, false, false);
        } else {
          const Y = scratch(out, 2, (r1 - r0) * cout);
          gemm(Y, 0, P, 0, W, 0, r1 - r0, k, cout, false, false);
          plan.unpackColumns(out, Y, g, r0, r1 - r0, false);
        }
      }
    }
  };
}

/**
 * Prepares conv2dBackpropInput for fixed shapes: the returned function writes ∂ℓ/∂x of a
 * convolution with filters w, given dy = ∂ℓ/∂y, into `dx` (the transposed convolution of dy).
 *
 * @param shape - the forward convolution's shapes.
 * @returns the kernel `(dx, dy, w) => void`.
 * @example
 * ```ts
 * prepareConv2dBackpropInput(shape)(dx, dy, w); // dx shaped like the forward input
 * ```
 */
export function prepareConv2dBackpropInput(shape: ConvShape): (dx: TypedArray, dy: TypedArray, w: TypedArray) => void {
  const plan = new ConvPlan(shape);
  const { k, rows, block, cout } = plan;
  const { groups, outC } = shape;
  return (dx, dy, w) => {
    dx.fill(0);
    if (k === 0 || cout === 0) return;
    const gemm = gemmOf(dx);
    const dP = scratch(dx, 0, Math.min(rows, block) * k);
    for (let g = 0; g < groups; g++) {
      const W = groups === 1 ? w : scratch(dx, 1, k * cout);
      if (groups > 1) plan.packColumns(W, w, g, 0, k);
      for (let r0 = 0; r0 < rows; r0 += block) {
        const r1 = Math.min(rows, r0 + block);
        if (groups === 1) {
          gemm(dP, 0, dy, r0 * outC, W, 0, r1 - r0, cout, k, false, true); // ∂ℓ/∂P = G·Wᵀ
        } else {
          const G = scratch(dx, 2, (r1 - r0) * cout);
          plan.packColumns(G, dy, g, r0, r1);
          gemm(dP, 0, G, 0, W, 0, r1 - r0, cout, k, false, true);
        }
        plan.col2im(dx, dP, g, r0, r1);
      }
    }
  };
}

/**
 * Prepares conv2dBackpropFilter for fixed shapes: the returned function writes ∂ℓ/∂w of a
 * convolution of x, given dy = ∂ℓ/∂y, into `dw` (HWIO).
 *
 * @param shape - the forward convolution's shapes.
 * @returns the kernel `(dw, x, dy) => void`.
 * @example
 * ```ts
 * prepareConv2dBackpropFilter(shape)(dw, x, dy); // dw shaped like the filters
 * ```
 */
export function prepareConv2dBackpropFilter(shape: ConvShape): (dw: TypedArray, x: TypedArray, dy: TypedArray) => void {
  const plan = new ConvPlan(shape);
  const { k, rows, block, cout } = plan;
  const { groups, outC } = shape;
  return (dw, x, dy) => {
    dw.fill(0);
    if (k === 0 || cout === 0 || rows === 0) return;
    const gemm = gemmOf(dw);
    const P = scratch(dw, 0, Math.min(rows, block) * k);
    const part = scratch(dw, 1, k * cout);
    for (let g = 0; g < groups; g++) {
      for (let r0 = 0; r0 < rows; r0 += block) {
        const r1 = Math.min(rows, r0 + block);
        plan.im2col(P, x, g, r0, r1);
        let G = dy;
        let g0 = r0 * outC;
        if (groups > 1) {
          G = scratch(dw, 2, (r1 - r0) * cout);
          plan.packColumns(G, dy, g, r0, r1);
          g0 = 0;
        }
        gemm(part, 0, P, 0, G, g0, k, r1 - r0, cout, true, false); // Pᵀ·G for this block of rows
        plan.unpackColumns(dw, part, g, 0, k, true);
      }
    }
  };
}
