/**
 * The layer loops in WebAssembly (packages/graph/wasm/window.ts: im2col and col2im inside the
 * three convolution kernels, max pooling and its derivative; wasm/normalization.ts: batch norm;
 * wasm/reduce.ts: sums over one run of axes) run when the arrays live in the kernels' heap, as the compiled executor's planned buffers do; on
 * ordinary arrays the JavaScript loops run. Both must give the same bits for every geometry, both
 * dtypes, ties and NaN.
 */
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { allocate, kernelOptions, randomStream, resolveWindow, setKernelOptions, type DType, type TypedArray } from '../src/index.js';
import { uniform01 } from '../src/core/random.js';
import { prepareConv2d, prepareConv2dBackpropFilter, prepareConv2dBackpropInput, type ConvShape } from '../src/kernels/conv.js';
import { prepareBatchNorm } from '../src/kernels/normalization.js';
import { prepareMaxPool2d, prepareMaxPool2dBackprop } from '../src/kernels/pool.js';
import { FOLDS } from '../src/kernels/folds.js';
import { prepareReduce } from '../src/kernels/reduce.js';
import { heapArray, heapFree } from '../src/kernels/wasm/heap.js';
import { kernelInstance } from '../src/kernels/wasm/runtime.js';
import { describeFastPath } from './fast-paths.js';

const initial = kernelOptions();
afterEach(() => setKernelOptions({ backend: 'auto', threads: initial.threads }));

/**
 * Values for the kernels: small integers (so max-pooling windows tie often and sums are exact in
 * both dtypes) or spread-out reals, with a NaN now and then when `nan`.
 */
function values(dtype: DType, size: number, seed: number, ties: boolean, nan: boolean): TypedArray {
  const out = allocate(dtype, size);
  const rng = randomStream(seed, 0);
  for (let i = 0; i < size; i++) {
    const u = uniform01(rng);
    out[i] = nan && u < 0.03 ? NaN : ties ? Math.floor(u * 4) - 1 : (u - 0.5) * 2 ** (8 * uniform01(rng) - 4);
  }
  return out;
}

const heapCopies: TypedArray[] = [];
function inHeap(v: TypedArray, dtype: DType): TypedArray {
  const copy = heapArray(kernelInstance()!, dtype, v.length)!;
  copy.set(v);
  heapCopies.push(copy);
  return copy;
}
afterEach(() => {
  for (const c of heapCopies.splice(0)) heapFree(c.byteOffset);
});

/** The same bits, NaN included (toEqual treats NaN as equal to NaN and tells −0 from 0). */
const same = (a: TypedArray, b: TypedArray): void => expect(Array.from(a)).toEqual(Array.from(b));

const padding = fc.oneof(fc.constant('same' as const), fc.constant('valid' as const), fc.tuple(fc.tuple(fc.nat(2), fc.nat(2)), fc.tuple(fc.nat(2), fc.nat(2))));
const dtype = fc.constantFrom<DType>('float32', 'float64');

describeFastPath('the window loops in WebAssembly', kernelOptions().wasmSimd, 'WebAssembly SIMD is unavailable', () => {
  it('convolution and its two adjoints give the same bits on heap arrays (WebAssembly im2col/col2im) as on ordinary ones', () => {
    const kase = fc.record({
      n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
      kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
      cin: fc.integer({ min: 1, max: 9 }), cout: fc.integer({ min: 1, max: 5 }), groups: fc.integer({ min: 1, max: 2 }),
      sh: fc.integer({ min: 1, max: 2 }), sw: fc.integer({ min: 1, max: 2 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
      padding, dtype, ties: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(
      fc.property(kase, (c) => {
        const span = (k: number, d: number): number => (k - 1) * d + 1;
        if (typeof c.padding !== 'string') fc.pre(c.h + c.padding[0][0] + c.padding[0][1] >= span(c.kh, c.dh) && c.w + c.padding[1][0] + c.padding[1][1] >= span(c.kw, c.dw));
        if (c.padding === 'valid') fc.pre(c.h >= span(c.kh, c.dh) && c.w >= span(c.kw, c.dw));
        const window = resolveWindow('conv2d', [c.h, c.w], [c.kh, c.kw], [c.sh, c.sw], [c.dh, c.dw], c.padding);
        const inC = c.cin * c.groups;
        const outC = c.cout * c.groups;
        const shape: ConvShape = { batch: c.n, inC, outC, groups: c.groups, window };
        const x = values(c.dtype, c.n * c.h * c.w * inC, c.seed, c.ties, false);
        const w = values(c.dtype, c.kh * c.kw * c.cin * outC, c.seed + 1, c.ties, false);
        const dy = values(c.dtype, c.n * window.outH * window.outW * outC, c.seed + 2, c.ties, false);
        const kernels = [
          [prepareConv2d(shape), dy.length, x, w],
          [prepareConv2dBackpropInput(shape), x.length, dy, w],
          [prepareConv2dBackpropFilter(shape), w.length, x, dy],
        ] as const;
        for (const [kernel, size, a, b] of kernels) {
          const plain = allocate(c.dtype, size);
          kernel(plain, a, b);
          const placed = inHeap(allocate(c.dtype, size).fill(7), c.dtype); // stale contents must be overwritten
          kernel(placed, inHeap(a, c.dtype), inHeap(b, c.dtype));
          same(placed, plain);
        }
      }),
      { numRuns: 120, seed: 2031 },
    );
  });

  it('max pooling and its derivative give the same bits on heap arrays as on ordinary ones (ties shared, NaN windows route nothing)', () => {
    const kase = fc.record({
      n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), channels: fc.integer({ min: 1, max: 11 }),
      kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
      padding, dtype, ties: fc.boolean(), nan: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(
      fc.property(kase, (c) => {
        const clamp = (p: readonly [number, number], k: number): [number, number] => [Math.min(p[0], k - 1), Math.min(p[1], k - 1)];
        const pad = typeof c.padding === 'string' ? c.padding : ([clamp(c.padding[0], c.kh), clamp(c.padding[1], c.kw)] as const);
        const rows = pad === 'valid' ? 0 : pad === 'same' ? c.kh : pad[0][0] + pad[0][1];
        const cols = pad === 'valid' ? 0 : pad === 'same' ? c.kw : pad[1][0] + pad[1][1];
        fc.pre(c.h + rows >= c.kh && c.w + cols >= c.kw);
        const window = resolveWindow('maxPool2d', [c.h, c.w], [c.kh, c.kw], [c.sh, c.sw], [1, 1], pad);
        const x = values(c.dtype, c.n * c.h * c.w * c.channels, c.seed, c.ties, c.nan);
        const dy = values(c.dtype, c.n * window.outH * window.outW * c.channels, c.seed + 1, false, false);
        const pool = prepareMaxPool2d(c.n, c.channels, window);
        const plain = allocate(c.dtype, dy.length);
        pool(plain, x);
        const placed = inHeap(plain.slice().fill(7), c.dtype);
        pool(placed, inHeap(x, c.dtype));
        same(placed, plain);
        const backprop = prepareMaxPool2dBackprop(c.n, c.channels, window);
        const dxPlain = allocate(c.dtype, x.length);
        backprop(dxPlain, x, dy);
        const dxPlaced = inHeap(x.slice().fill(7), c.dtype);
        backprop(dxPlaced, inHeap(x, c.dtype), inHeap(dy, c.dtype));
        same(dxPlaced, dxPlain);
      }),
      { numRuns: 200, seed: 2032 },
    );
  });

  it('batch norm gives the same bits on heap arrays (WebAssembly, float64 lanes) as on ordinary ones, with the statistics and γ, β anywhere', () => {
    const kase = fc.record({ rows: fc.integer({ min: 1, max: 40 }), channels: fc.integer({ min: 1, max: 11 }), dtype, epsilon: fc.double({ min: 1e-8, max: 1, noNaN: true }), seed: fc.integer({ min: 1, max: 1e6 }) });
    fc.assert(
      fc.property(kase, (c) => {
        const x = values(c.dtype, c.rows * c.channels, c.seed, false, true);
        const [scale, offset, mean] = [1, 2, 3].map((k) => values(c.dtype, c.channels, c.seed + k, false, false));
        const variance = values(c.dtype, c.channels, c.seed + 4, false, false).map(Math.abs);
        const bn = prepareBatchNorm([c.rows, c.channels], c.epsilon);
        const plain = allocate(c.dtype, x.length);
        bn(plain, [x, scale!, offset!, mean!, variance]);
        const placed = inHeap(x.slice().fill(7), c.dtype);
        bn(placed, [inHeap(x, c.dtype), scale!, offset!, inHeap(mean!, c.dtype), variance]);
        same(placed, plain);
      }),
      { numRuns: 150, seed: 2033 },
    );
  });

  it('sums over one run of axes give the same bits on heap arrays (WebAssembly) as on ordinary ones, rounded after every addition', () => {
    const kase = fc.record({ outer: fc.integer({ min: 1, max: 4 }), reduced: fc.integer({ min: 1, max: 60 }), inner: fc.integer({ min: 1, max: 19 }), dtype, nan: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }) });
    fc.assert(
      fc.property(kase, (c) => {
        const x = values(c.dtype, c.outer * c.reduced * c.inner, c.seed, false, c.nan);
        const sum = prepareReduce([c.outer, c.reduced, c.inner], [1], FOLDS.sum);
        const plain = allocate(c.dtype, c.outer * c.inner);
        sum(plain, x);
        const placed = inHeap(plain.slice().fill(7), c.dtype);
        sum(placed, inHeap(x, c.dtype));
        same(placed, plain);
      }),
      { numRuns: 150, seed: 2034 },
    );
  });
});
