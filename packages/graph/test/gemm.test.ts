/**
 * The matrix-product kernels on their own: the WebAssembly SIMD kernels (one thread and split across
 * workers) and the plain-JavaScript ones, against a direct float64 sum, in all three orientations,
 * across the tile and block edges (4×8 / 4×4 tiles, KC = 256 rows of the shared dimension, NC = 512
 * and 256 columns per block).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainruleError, kernelOptions, randomStream, setKernelOptions, type DType } from '../src/index.js';
import { gemmFor } from '../src/kernels/gemm.js';
import { uniform01 } from '../src/core/random.js';
import { pace, runParallel } from '../src/kernels/wasm/pool.js';
import { kernelInstance, SCRATCH_BASE, splitBlocks } from '../src/kernels/wasm/runtime.js';
import { describeFastPath } from './fast-paths.js';

const initial = kernelOptions();
afterEach(() => {
  setKernelOptions({ backend: 'auto', threads: initial.threads });
});

const wasm = kernelOptions().wasmSimd;

interface Case {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly tA: boolean;
  readonly tB: boolean;
  /** Offsets of A, B and C inside larger arrays (the kernels must honour them). */
  readonly offsets: readonly [number, number, number];
  readonly seed: number;
}

/** Values of mixed sign and magnitude (2⁻⁶ … 2⁶), so that summation order shows in the last bits. */
function fill(values: Float64Array | Float32Array, seed: number): void {
  const rng = randomStream(seed, 0);
  for (let i = 0; i < values.length; i++) {
    const u = uniform01(rng);
    values[i] = (u < 0.5 ? -1 : 1) * 2 ** (12 * uniform01(rng) - 6) * (1 + u);
  }
}

interface Operands {
  readonly A: Float64Array | Float32Array;
  readonly B: Float64Array | Float32Array;
  /** C with garbage around and inside the product's place (it must be overwritten, not added to). */
  readonly C: Float64Array | Float32Array;
}

function operands(c: Case, dtype: DType): Operands {
  const V = dtype === 'float32' ? Float32Array : Float64Array;
  const [ao, bo, co] = c.offsets;
  const A = new V(ao + c.m * c.k);
  const B = new V(bo + c.k * c.n);
  const C = new V(co + c.m * c.n + 3);
  fill(A, c.seed);
  fill(B, c.seed + 1);
  C.fill(7.5);
  return { A, B, C };
}

function product(c: Case, dtype: DType, { A, B, C }: Operands): Float64Array | Float32Array {
  const out = C.slice();
  gemmFor(dtype)(out, c.offsets[2], A, c.offsets[0], B, c.offsets[1], c.m, c.k, c.n, c.tA, c.tB);
  return out;
}

/** op(A)·op(B) summed directly in float64, and Σ|op(A)||op(B)| per element (the error scale). */
function reference(c: Case, { A, B }: Operands): { value: Float64Array; scale: Float64Array } {
  const [ao, bo] = c.offsets;
  const value = new Float64Array(c.m * c.n);
  const scale = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < c.k; p++) {
        const a = c.tA ? A[ao + p * c.m + i]! : A[ao + i * c.k + p]!;
        const b = c.tB ? B[bo + j * c.k + p]! : B[bo + p * c.n + j]!;
        s += a * b;
        t += Math.abs(a * b);
      }
      value[i * c.n + j] = s;
      scale[i * c.n + j] = t;
    }
  }
  return { value, scale };
}

/** Checks the product against the reference within rel·Σ|ab| and that nothing outside it changed. */
function expectClose(c: Case, ops: Operands, out: Float64Array | Float32Array, rel: number): void {
  const { value, scale } = reference(c, ops);
  const co = c.offsets[2];
  for (let e = 0; e < value.length; e++) {
    const err = Math.abs(out[co + e]! - value[e]!);
    if (!(err <= rel * scale[e]! + 1e-300)) {
      throw new Error(`C[${Math.floor(e / c.n)}][${e % c.n}] = ${out[co + e]}, reference ${value[e]} (|error| ${err}, allowed ${rel * scale[e]!})`);
    }
  }
  for (let e = 0; e < co; e++) expect(out[e]).toBe(7.5);
  for (let e = co + value.length; e < out.length; e++) expect(out[e]).toBe(7.5);
}

const dims = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 4, 8, 9) });
const caseArb = (maxK: number): fc.Arbitrary<Case> =>
  fc.record({
    m: dims,
    k: fc.oneof(dims, fc.integer({ min: 250, max: maxK })),
    n: dims,
    tA: fc.boolean(),
    tB: fc.boolean(),
    offsets: fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)),
    seed: fc.nat(1_000_000),
  });

/** Cases at the block edges that small random sizes do not reach. */
const EDGE_CASES: Case[] = [
  { m: 9, k: 513, n: 520, tA: false, tB: false, offsets: [1, 2, 3], seed: 1 }, // KC twice, NC(float32) once
  { m: 7, k: 257, n: 261, tA: true, tB: true, offsets: [0, 0, 0], seed: 2 }, // NC(float64) once
  { m: 70, k: 300, n: 3, tA: true, tB: false, offsets: [3, 0, 1], seed: 3 },
  { m: 3, k: 1, n: 700, tA: false, tB: true, offsets: [0, 1, 0], seed: 4 },
];

describeFastPath('WebAssembly SIMD kernels', wasm, 'WebAssembly SIMD and shared memory are unavailable', () => {
  it('float64: bit-identical to the JavaScript kernel, and within 1e-12·Σ|ab| of the direct sum', () => {
    fc.assert(
      fc.property(caseArb(600), (c) => {
        const ops = operands(c, 'float64');
        setKernelOptions({ backend: 'wasm', threads: 1 });
        const fromWasm = product(c, 'float64', ops);
        setKernelOptions({ backend: 'js' });
        const fromJs = product(c, 'float64', ops);
        expect(Array.from(fromWasm)).toEqual(Array.from(fromJs));
        expectClose(c, ops, fromWasm, 1e-12);
      }),
    );
  });

  it('float32: within k·2⁻²³·Σ|ab| of the direct float64 sum of the same float32 operands', () => {
    fc.assert(
      fc.property(caseArb(600), (c) => {
        const ops = operands(c, 'float32');
        setKernelOptions({ backend: 'wasm', threads: 1 });
        expectClose(c, ops, product(c, 'float32', ops), Math.max(1, c.k) * 2 ** -23);
      }),
    );
  });

  it('gives the same bits on 1, 2, 3 and 4 threads (and back to fewer), across block edges', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const c of [...EDGE_CASES, { m: 130, k: 260, n: 67, tA: false, tB: true, offsets: [0, 0, 0], seed: 5 } satisfies Case]) {
        const ops = operands(c, dtype);
        setKernelOptions({ backend: 'wasm', threads: 1 });
        const one = product(c, dtype, ops);
        expectClose(c, ops, one, dtype === 'float32' ? c.k * 2 ** -23 : 1e-12);
        for (const threads of [2, 3, 4, 2, 3]) {
          setKernelOptions({ threads });
          pace.reset(); // split however the products before it fared on this machine
          expect(Array.from(product(c, dtype, ops)), `${dtype} ${JSON.stringify(c)} on ${threads} threads`).toEqual(Array.from(one));
        }
      }
    }
  });

  it('leaves no block behind when a product fails part-way, so the next product is right', () => {
    const c: Case = { m: 130, k: 260, n: 67, tA: false, tB: false, offsets: [0, 0, 0], seed: 9 };
    const ops = operands(c, 'float32');
    setKernelOptions({ backend: 'wasm', threads: 2 });
    const before = product(c, 'float32', ops); // starts the worker and grows the memory
    const kernels = kernelInstance()!;
    const size = kernels.memory.buffer.byteLength;
    // Rows 0–3 of C fit at the very end of the memory; rows 4–7 lie past it and trap, on
    // whichever thread takes that block.
    const bounds = new Int32Array([0, 4, 0, 16, 4, 8, 0, 16]);
    for (let attempt = 0; attempt < 20; attempt++) {
      expect(() => runParallel(kernels, 'float32', size - 256, size - 4096, size - 4096, 8, 1, 16, 0, 0, bounds, 2, SCRATCH_BASE, 1)).toThrow(
        /^matmul: the WebAssembly kernel failed on a block of a 8×1·1×16 float32 product/,
      );
    }
    expect(Array.from(product(c, 'float32', ops))).toEqual(Array.from(before));
  });

  it('splits work across threads in whole tiles that cover the product exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(4, 8), (m, n, parts, tileCols) => {
        const bounds = new Int32Array(4 * parts);
        const count = splitBlocks(bounds, m, n, parts, tileCols);
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(parts);
        const blocks = Array.from({ length: count }, (_, t) => ({ i0: bounds[4 * t]!, i1: bounds[4 * t + 1]!, j0: bounds[4 * t + 2]!, j1: bounds[4 * t + 3]! }));
        const covered = new Uint8Array(m * n);
        for (const { i0, i1, j0, j1 } of blocks) {
          expect(i1).toBeGreaterThan(i0);
          expect(j1).toBeGreaterThan(j0);
          // Blocks start on tile boundaries: 4 rows, or tileCols columns.
          expect(i0 % 4).toBe(0);
          expect(j0 % tileCols).toBe(0);
          for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) covered[i * n + j]! += 1;
        }
        expect(covered.every((v) => v === 1)).toBe(true);
      }),
    );
  });
});

describe('JavaScript kernels (the fallback)', () => {
  it('float64 and float32 products match the direct sum at the block edges', () => {
    setKernelOptions({ backend: 'js' });
    for (const c of EDGE_CASES) {
      const ops64 = operands(c, 'float64');
      expectClose(c, ops64, product(c, 'float64', ops64), 1e-12);
      const ops32 = operands(c, 'float32');
      // The JavaScript kernel accumulates in float64 and rounds when it stores, once per KC block.
      expectClose(c, ops32, product(c, 'float32', ops32), (1 + Math.ceil(c.k / 256)) * 2 ** -24);
    }
  });
});

describe('setKernelOptions', () => {
  it('reports what is in effect', () => {
    expect(setKernelOptions({ backend: 'js', threads: 3 })).toEqual({ backend: 'js', threads: 3, wasmSimd: wasm });
    expect(kernelOptions()).toEqual({ backend: 'js', threads: 3, wasmSimd: wasm });
    expect(setKernelOptions({ backend: 'auto' }).backend).toBe(wasm ? 'wasm' : 'js');
  });

  it('refuses a thread count outside 1…64 or not an integer, and an unknown backend, changing nothing', () => {
    const before = kernelOptions();
    for (const threads of [0, -1, 1.5, 65, Number.NaN]) {
      expect(() => setKernelOptions({ threads })).toThrow(new ChainruleError(`setKernelOptions: threads must be an integer from 1 to 64, got ${threads}`));
    }
    expect(() => setKernelOptions({ backend: 'gpu' as 'js' })).toThrow(`setKernelOptions: backend must be 'auto', 'wasm' or 'js', got "gpu"`);
    expect(kernelOptions()).toEqual(before);
  });
});
