/**
 * conv2d, its two adjoints, the pooling ops and flatten against naive loops written here from the
 * definitions (not from the kernels' im2col tables): shapes, every padding mode, strides, dilation,
 * groups; float32; the compiled executor; the error messages.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Graph, ShapeError, graphFromJSON, graphToJSON, kernelOptions, setKernelOptions, tensor, type Conv2dOptions, type DType, type Node, type Pool2dOptions, type Tensor } from '../src/index.js';

const initial = kernelOptions();
afterAll(() => setKernelOptions({ backend: 'auto', threads: initial.threads }));

type Pair = [number, number];
const pair = (v: number | readonly number[] | undefined, fallback: Pair): Pair => (v === undefined ? fallback : typeof v === 'number' ? [v, v] : [v[0]!, v[1]!]);

/** Padding (before, after) of one axis, straight from TensorFlow's documented rule for 'same'. */
function padsOf(padding: Conv2dOptions['padding'], axis: number, size: number, k: number, s: number, d: number): Pair {
  if (padding === undefined || padding === 'valid') return [0, 0];
  if (padding !== 'same') return [padding[axis]![0], padding[axis]![1]];
  const effective = (k - 1) * d + 1;
  const out = Math.ceil(size / s);
  const total = Math.max(0, (out - 1) * s + effective - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Geometry {
  oh: number;
  ow: number;
  /** Input row and column of output (oh, ow) and tap (i, j); may be outside the input. */
  at(oh: number, ow: number, i: number, j: number): Pair;
}

function geometry(h: number, w: number, kh: number, kw: number, o: Conv2dOptions): Geometry {
  const [sh, sw] = pair(o.strides, [1, 1]);
  const [dh, dw] = pair(o.dilations, [1, 1]);
  const [top, bottom] = padsOf(o.padding, 0, h, kh, sh, dh);
  const [left, right] = padsOf(o.padding, 1, w, kw, sw, dw);
  return {
    oh: Math.floor((h + top + bottom - (kh - 1) * dh - 1) / sh) + 1,
    ow: Math.floor((w + left + right - (kw - 1) * dw - 1) / sw) + 1,
    at: (oh, ow, i, j) => [oh * sh - top + i * dh, ow * sw - left + j * dw],
  };
}

/** y[n, oh, ow, o] = Σ x[n, ih, iw, g·cin + c]·w[i, j, c, o] over in-bounds taps, g the group of o. */
function naiveConv(x: Tensor, w: Tensor, o: Conv2dOptions): Tensor {
  const [N, H, W, C] = x.shape as number[];
  const [KH, KW, CIN, O] = w.shape as number[];
  const groups = o.groups ?? 1;
  const geo = geometry(H!, W!, KH!, KW!, o);
  const out: number[] = [];
  for (let n = 0; n < N!; n++)
    for (let oh = 0; oh < geo.oh; oh++)
      for (let ow = 0; ow < geo.ow; ow++)
        for (let oc = 0; oc < O!; oc++) {
          const g = Math.floor(oc / (O! / groups));
          let s = 0;
          for (let i = 0; i < KH!; i++)
            for (let j = 0; j < KW!; j++) {
              const [ih, iw] = geo.at(oh, ow, i, j);
              if (ih < 0 || ih >= H! || iw < 0 || iw >= W!) continue;
              for (let c = 0; c < CIN!; c++) s += x.data[((n * H! + ih) * W! + iw) * C! + g * CIN! + c]! * w.data[((i * KW! + j) * CIN! + c) * O! + oc]!;
            }
          out.push(s);
        }
  return tensor(out, [N!, geo.oh, geo.ow, O!]);
}

/** Max or mean of the in-bounds elements of each window. */
function naivePool(x: Tensor, o: Pool2dOptions, kind: 'max' | 'avg'): Tensor {
  const [N, H, W, C] = x.shape as number[];
  const [kh, kw] = pair(o.windowShape, [1, 1]);
  const geo = geometry(H!, W!, kh, kw, { strides: o.strides ?? o.windowShape, padding: o.padding });
  const out: number[] = [];
  for (let n = 0; n < N!; n++)
    for (let oh = 0; oh < geo.oh; oh++)
      for (let ow = 0; ow < geo.ow; ow++)
        for (let c = 0; c < C!; c++) {
          const values: number[] = [];
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const [ih, iw] = geo.at(oh, ow, i, j);
              if (ih >= 0 && ih < H! && iw >= 0 && iw < W!) values.push(x.data[((n * H! + ih) * W! + iw) * C! + c]!);
            }
          out.push(kind === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length);
        }
  return tensor(out, [N!, geo.oh, geo.ow, C!]);
}

const random = (shape: number[], seed: number, dtype: DType = 'float64'): Tensor => {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1), shape, dtype);
};

/** ⟨a, b⟩: the sum of elementwise products. */
function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** The same values rounded to float32. */
const f32 = (t: Tensor): Tensor => tensor(Array.from(t.data), [...t.shape], 'float32');

function expectClose(got: Tensor, want: Tensor, tol: number): void {
  expect(got.shape).toEqual(want.shape);
  got.data.forEach((v, i) => {
    if (!(Math.abs(v - want.data[i]!) <= tol * (1 + Math.abs(want.data[i]!)))) throw new Error(`element ${i}: got ${v}, want ${want.data[i]}`);
  });
}

/** Runs a node built from inputs on both executors and checks they agree bit for bit. */
function runBoth(build: (g: Graph, xs: Node[]) => Node, values: Tensor[]): Tensor {
  const g = new Graph();
  const xs = values.map((v, i) => g.input(`x${i}`, v.shape, v.dtype));
  const y = build(g, xs);
  const feeds = Object.fromEntries(values.map((v, i) => [`x${i}`, v]));
  const [interpreted] = g.run([y], feeds, { executor: 'interpreter' });
  const [compiled] = g.run([y], feeds, { executor: 'compiled' });
  expect(Array.from(compiled!.data)).toEqual(Array.from(interpreted!.data));
  return interpreted!;
}

const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 1, max: 3 }),
  cout: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 2 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  dh: fc.integer({ min: 1, max: 2 }),
  dw: fc.integer({ min: 1, max: 2 }),
  padding: fc.oneof(fc.constant('same' as const), fc.constant('valid' as const), fc.tuple(fc.tuple(fc.nat(2), fc.nat(2)), fc.tuple(fc.nat(2), fc.nat(2)))),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

describe('conv2d', () => {
  it('agrees with a naive loop over shapes, padding modes, strides, dilations and groups (both executors alike)', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const options: Conv2dOptions = { strides: [c.sh, c.sw], dilations: [c.dh, c.dw], padding: c.padding, groups: c.groups };
        const geo = geometry(c.h, c.w, c.kh, c.kw, options);
        fc.pre(geo.oh >= 1 && geo.ow >= 1);
        const x = random([c.n, c.h, c.w, c.cin * c.groups], c.seed);
        const w = random([c.kh, c.kw, c.cin, c.cout * c.groups], c.seed + 1);
        const y = runBoth((_g, [a, b]) => a!.conv2d(b!, options), [x, w]);
        expectClose(y, naiveConv(x, w, options), 1e-12);
      }),
      { numRuns: 150, seed: 2020 },
    );
  });

  it('adjoints: ⟨conv(x, w), g⟩ = ⟨x, backpropInput(g, w)⟩ = ⟨w, backpropFilter(x, g)⟩ (both executors alike)', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const options: Conv2dOptions = { strides: [c.sh, c.sw], dilations: [c.dh, c.dw], padding: c.padding, groups: c.groups };
        const geo = geometry(c.h, c.w, c.kh, c.kw, options);
        fc.pre(geo.oh >= 1 && geo.ow >= 1);
        const x = random([c.n, c.h, c.w, c.cin * c.groups], c.seed);
        const w = random([c.kh, c.kw, c.cin, c.cout * c.groups], c.seed + 1);
        const dy = random([c.n, geo.oh, geo.ow, c.cout * c.groups], c.seed + 2);
        const dx = runBoth((g, [a, b]) => g.conv2dBackpropInput(a!, b!, [c.h, c.w], options), [dy, w]);
        const dw = runBoth((g, [a, b]) => g.conv2dBackpropFilter(a!, b!, [c.kh, c.kw], options), [x, dy]);
        expect(dx.shape).toEqual(x.shape);
        expect(dw.shape).toEqual(w.shape);
        const lhs = dot(naiveConv(x, w, options), dy);
        expect(Math.abs(dot(x, dx) - lhs)).toBeLessThan(1e-10 * (1 + Math.abs(lhs)));
        expect(Math.abs(dot(w, dw) - lhs)).toBeLessThan(1e-10 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 100, seed: 2021 },
    );
  });

  it('hand-computed: a 3×3 image with a 2×2 filter, valid and same', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tensor([1, 0, 0, -1], [2, 2, 1, 1]); // x[i, j] − x[i+1, j+1]
    expect(Array.from(runBoth((_g, [a, b]) => a!.conv2d(b!), [x, w]).data)).toEqual([-4, -4, -4, -4]);
    // 'same' pads one row below and one column right (the extra at the end): the last row and column read zeros
    expect(Array.from(runBoth((_g, [a, b]) => a!.conv2d(b!, { padding: 'same' }), [x, w]).data)).toEqual([-4, -4, 3, -4, -4, 6, 7, 8, 9]);
    // stride 2 with explicit padding of one on each side: taps at rows/columns −1, 1, 3
    expect(Array.from(runBoth((_g, [a, b]) => a!.conv2d(b!, { strides: 2, padding: [[1, 1], [1, 1]] }), [x, w]).data)).toEqual([-1, -3, -7, -4]);
  });

  it('float32 agrees with float64 to float32 rounding, on a product large enough for the threaded WebAssembly kernel', () => {
    const x = random([4, 14, 14, 8], 7);
    const w = random([5, 5, 8, 16], 8);
    const options: Conv2dOptions = { padding: 'same' };
    const want = naiveConv(x, w, options);
    for (const backend of ['wasm', 'js'] as const) {
      setKernelOptions({ backend, threads: 2 });
      expectClose(runBoth((_g, [a, b]) => a!.conv2d(b!, options), [x, w]), want, 1e-12);
      const got32 = runBoth((_g, [a, b]) => a!.conv2d(b!, options), [f32(x), f32(w)]);
      expect(got32.dtype).toBe('float32');
      expectClose(got32, want, 1e-5);
    }
    setKernelOptions({ backend: 'auto' });
  });

  it('keeps a symbolic batch', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 28, 28, 1]);
    const y = x.conv2d(g.input('w', [5, 5, 1, 32]), { padding: 'same' }).maxPool2d({ windowShape: 2 });
    expect(y.shape).toEqual(['batch', 14, 14, 32]);
    expect(y.flatten().shape).toEqual(['batch', 14 * 14 * 32]);
  });

  it('round-trips through graph JSON with every attribute (explicit padding, dilations, groups, window options)', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 6, 5, 4]);
    const w = g.input('w', [3, 2, 2, 6]);
    const y = x.conv2d(w, { strides: [2, 1], padding: [[1, 2], [0, 1]], dilations: [1, 2], groups: 2 });
    const z = y.maxPool2d({ windowShape: [2, 1], strides: 1, padding: 'same' }).avgPool2d({ windowShape: 2, padding: [[1, 0], [0, 1]] });
    const outputs = [z.flatten(), g.conv2dBackpropInput(y, w, [6, 5], { strides: [2, 1], padding: [[1, 2], [0, 1]], dilations: [1, 2], groups: 2 })];
    const copy = graphFromJSON(graphToJSON(g));
    const feeds = { x: random([2, 6, 5, 4], 11), w: random([3, 2, 2, 6], 12) };
    const want = g.run(outputs, feeds);
    const got = copy.run(outputs.map((o) => copy.node(o.id)), feeds);
    got.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(want[i]!.data)));
    expect(copy.node(y.id).attrs).toEqual(y.attrs);
  });

  it('names the op, the shapes and the rule broken', () => {
    const g = new Graph();
    const x = g.input('x', [1, 5, 5, 4]);
    const w = g.input('w', [3, 3, 2, 6]);
    const e = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(ShapeError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(e(() => x.conv2d(w))).toMatch(/^conv2d: x \[1,5,5,4\], w \[3,3,2,6\]: the input has 4 channels but the filters take 2 per group × 1 group\(s\) = 2/);
    expect(x.conv2d(w, { groups: 2 }).shape).toEqual([1, 3, 3, 6]);
    expect(e(() => x.conv2d(g.input('w3', [3, 3, 2, 5]), { groups: 2 }))).toMatch(/5 output channels do not divide into 2 groups/);
    expect(e(() => x.conv2d(w, { groups: 2, dilations: 3 }))).toMatch(/^conv2d: the window spans 7 along height \(size 3, dilation 3\) but the padded input has only 5/);
    expect(e(() => x.conv2d(w, { strides: 0 }))).toMatch(/^conv2d: attribute 'strides\[0\]': must be ≥ 1, got 0/);
    expect(e(() => x.conv2d(w, { padding: 'full' as never }))).toMatch(/^conv2d: attribute 'padding': expected 'same', 'valid' or \[\[top, bottom\], \[left, right\]\]/);
    expect(e(() => g.input('v', [5, 5, 4]).conv2d(w))).toMatch(/^conv2d: x has shape \[5,5,4\]; it must be rank 4, NHWC/);
    expect(e(() => g.input('s', [1, 'h', 5, 4]).conv2d(w))).toMatch(/height and width must be concrete/);
    expect(e(() => g.conv2dBackpropInput(g.input('dy', [1, 2, 3, 6]), w, [5, 5], { groups: 2 }))).toMatch(/^conv2dBackpropInput: .*the convolution's output is \[batch, 3, 3, 6\] but dy is \[1,2,3,6\]/);
    expect(e(() => g.conv2dBackpropFilter(x, g.input('dy2', [2, 3, 3, 6]), [3, 3], { groups: 2 }))).toMatch(/^conv2dBackpropFilter: .*the batch axes differ \(1 and 2\)/);
    expect(e(() => x.maxPool2d({ windowShape: 2, padding: [[2, 0], [0, 0]] }))).toMatch(/^maxPool2d: attribute 'padding\[0\]\[0\]': must be smaller than the window \(2\)/);
    expect(e(() => x.avgPool2d({ windowShape: 6 }))).toMatch(/^avgPool2d: the window spans 6 along height/);
    expect(e(() => g.maxPool2dBackprop(x, g.input('d3', [1, 2, 2, 3]), { windowShape: 2 }))).toMatch(/^maxPool2dBackprop: dy has shape \[1,2,2,3\]; maxPool2d of x \[1,5,5,4\] needs \[1,2,2,4\]/);
    expect(e(() => g.input('sc', []).flatten())).toMatch(/^flatten: cannot flatten \[\]/);
  });
});

const poolCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  c: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  padding: fc.oneof(fc.constant('same' as const), fc.constant('valid' as const), fc.tuple(fc.tuple(fc.nat(2), fc.nat(2)), fc.tuple(fc.nat(2), fc.nat(2)))),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

describe('pooling', () => {
  it('max and average agree with a naive loop (padding excluded from both), both executors alike', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const padding = typeof c.padding === 'string' ? c.padding : ([[Math.min(c.padding[0][0], c.kh - 1), Math.min(c.padding[0][1], c.kh - 1)], [Math.min(c.padding[1][0], c.kw - 1), Math.min(c.padding[1][1], c.kw - 1)]] as const);
        const options: Pool2dOptions = { windowShape: [c.kh, c.kw], strides: [c.sh, c.sw], padding };
        const geo = geometry(c.h, c.w, c.kh, c.kw, { strides: [c.sh, c.sw], padding });
        fc.pre(geo.oh >= 1 && geo.ow >= 1);
        const x = random([c.n, c.h, c.w, c.c], c.seed);
        expectClose(runBoth((_g, [a]) => a!.maxPool2d(options), [x]), naivePool(x, options, 'max'), 0);
        expectClose(runBoth((_g, [a]) => a!.avgPool2d(options), [x]), naivePool(x, options, 'avg'), 1e-14);
        const dy = random([c.n, geo.oh, geo.ow, c.c], c.seed + 1);
        // the adjoint identity of average pooling
        const dx = runBoth((g, [a]) => g.avgPool2dBackprop(a!, [c.h, c.w], options), [dy]);
            const lhs = dot(naivePool(x, options, 'avg'), dy);
        expect(Math.abs(dot(x, dx) - lhs)).toBeLessThan(1e-12 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 150, seed: 2022 },
    );
  });

  it('hand-computed: average over in-bounds elements only; max-pool ties share the cotangent equally', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    // 'same' 2×2 windows, stride 2: windows {1,2,4,5}, {3,6}, {7,8}, {9}
    expect(Array.from(runBoth((_g, [a]) => a!.avgPool2d({ windowShape: 2, padding: 'same' }), [x]).data)).toEqual([3, 4.5, 7.5, 9]);
    expect(Array.from(runBoth((_g, [a]) => a!.maxPool2d({ windowShape: 2, padding: 'same' }), [x]).data)).toEqual([5, 6, 8, 9]);
    const tied = tensor([3, 3, 1, 3, 0, 2, 2, 2, 2], [1, 3, 3, 1]);
    const dy = tensor([6, 10, 4, 1], [1, 2, 2, 1]);
    // window 1 has three 3s (6/3 each); window 2 {1, 2}: 2 wins; window 3 {2, 2}: 2 each; window 4 {2}
    const dx = runBoth((g, [a, b]) => g.maxPool2dBackprop(a!, b!, { windowShape: 2, padding: 'same' }), [tied, dy]);
    expect(Array.from(dx.data)).toEqual([2, 2, 0, 2, 0, 10, 2, 2, 1]);
    // the tangent: each window's mean of t over its maxima
    const t = tensor([3, 6, 0, 9, 1, 5, 4, 8, 7], [1, 3, 3, 1]);
    expect(Array.from(runBoth((g, [a, b]) => g.maxPool2dSelect(a!, b!, { windowShape: 2, padding: 'same' }), [tied, t]).data)).toEqual([6, 5, 6, 7]);
  });

  it('propagates NaN like the max reduction, and routes nothing through a window holding one', () => {
    const x = tensor([NaN, 1, 2, 3], [1, 2, 2, 1]);
    expect(Number.isNaN(runBoth((_g, [a]) => a!.maxPool2d({ windowShape: 2 }), [x]).data[0])).toBe(true);
    expect(Array.from(runBoth((g, [a, b]) => g.maxPool2dBackprop(a!, b!, { windowShape: 2 }), [x, tensor([5], [1, 1, 1, 1])]).data)).toEqual([0, 0, 0, 0]);
  });

  it('float32 pools agree with float64 to float32 rounding', () => {
    const x = random([2, 6, 6, 3], 3);
    const options: Pool2dOptions = { windowShape: 3, strides: 2, padding: 'same' };
    expectClose(runBoth((_g, [a]) => a!.avgPool2d(options), [f32(x)]), naivePool(x, options, 'avg'), 1e-6);
    expectClose(runBoth((_g, [a]) => a!.maxPool2d(options), [f32(x)]), naivePool(f32(x), options, 'max'), 0);
  });
});
