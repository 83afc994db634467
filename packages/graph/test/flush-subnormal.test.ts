/**
 * flushSubnormal: exactly the subnormal values of the node's dtype become a zero of their sign, and
 * every path that computes it gives the same bits — the interpreter's kernel, the compiled
 * executor's generated JavaScript and its WebAssembly evaluator, in float32 and float64.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Graph, SMALLEST_NORMAL, Tensor, allocate, kernelOptions, setKernelOptions, type DType } from '../src/index.js';
import { setVectoriseAll, vectorisedRuns } from '../src/kernels/wasm/elementwise.js';
import { describeFastPath } from './fast-paths.js';

afterEach(() => {
  setKernelOptions({ backend: 'auto' });
  setVectoriseAll(false);
});

/**
 * The oracle, from the bits rather than from a comparison: a float whose exponent field is 0 is ±0
 * or subnormal, and becomes the zero of its sign; every other value is kept.
 */
function flushedBits(x: number, dtype: DType): number {
  const view = new DataView(new ArrayBuffer(8));
  if (dtype === 'float32') {
    view.setFloat32(0, x);
    const bits = view.getUint32(0);
    return (bits & 0x7f800000) === 0 ? (bits >>> 31 === 1 ? -0 : 0) : view.getFloat32(0);
  }
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  return (high & 0x7ff00000) === 0 ? (high >>> 31 === 1 ? -0 : 0) : x;
}

const sameBits = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Values around both thresholds, with both signs, in the dtype (each rounded to it). */
function specialValues(dtype: DType): number[] {
  const t = SMALLEST_NORMAL[dtype];
  const tiny = dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
  const base = [0, t, t - tiny, tiny, 3 * tiny, t / 2, t * (1 + 2 ** -20), 2 ** -126, 2 ** -127, 1e-40, 1e-300, 5e-324, 1, 0.1, 3e38, Infinity];
  const out = allocate(dtype, 2 * base.length + 1);
  base.forEach((v, i) => {
    out[2 * i] = v;
    out[2 * i + 1] = -v;
  });
  out[out.length - 1] = NaN;
  return Array.from(out);
}

function expectFlushed(got: ArrayLike<number>, input: readonly number[], dtype: DType, what: string): void {
  input.forEach((x, i) => {
    const want = flushedBits(x, dtype);
    if (!sameBits(got[i]!, want)) throw new Error(`${what}: flushSubnormal(${Object.is(x, -0) ? '-0' : x}) in ${dtype} gave ${got[i]}, want ${Object.is(want, -0) ? '-0' : want}`);
  });
}

/** The values repeated to n elements (long enough for the WebAssembly evaluator). */
const repeated = (values: readonly number[], n: number): number[] => Array.from({ length: n }, (_, i) => values[i % values.length]!);

describe('flushSubnormal', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`sets exactly the ${dtype} subnormals to a zero of their sign, keeping ±0, normals, ±∞ and NaN (interpreter)`, () => {
      const input = specialValues(dtype);
      const g = new Graph();
      const x = g.input('x', [input.length], dtype);
      const y = x.flushSubnormal();
      expect([y.shape, y.dtype]).toEqual([[input.length], dtype]);
      const [out] = g.run([y], { x: new Tensor(allocate(dtype, input.length).map((_, i) => input[i]!), [input.length]) });
      expectFlushed(out!.data, input, dtype, 'interpreter');
      // the oracle is not the identity on these values: some are flushed
      expect(input.filter((v) => !sameBits(flushedBits(v, dtype), v)).length).toBeGreaterThanOrEqual(10);
    });

    it(`flushes a subnormal that the same loop produced, to the interpreter's bits, in the compiled executor's JavaScript (${dtype})`, () => {
      // x·2⁻ᵏ turns the normals near the threshold subnormal inside one fused loop
      const t = SMALLEST_NORMAL[dtype];
      const input = repeated([t, -t, 3 * t, -3 * t, 5 * t, 1, -0.5, 0], 64);
      const g = new Graph();
      const x = g.input('x', [input.length], dtype);
      const y = x.mul(0.25).flushSubnormal().add(x.mul(0));
      const feeds = { x: new Tensor(allocate(dtype, input.length).map((_, i) => input[i]!), [input.length]) };
      setKernelOptions({ backend: 'js' });
      const [reference] = g.run([y], feeds, { executor: 'interpreter' });
      const [compiled] = g.compile({ outputs: [y], executor: 'compiled' })(feeds);
      expect(Array.from(compiled!.data).every((v, i) => sameBits(v, reference!.data[i]!))).toBe(true);
      // t/4, −t/4, 3t/4 and −3t/4 are subnormal, exactly ±0 now; 5t/4 is normal and kept
      expect(Array.from(reference!.data.subarray(0, 8), (v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['0', '-0', '0', '-0', String(1.25 * t), '0.25', '-0.125', '0']);
    });
  }
});

describeFastPath('flushSubnormal in the WebAssembly evaluator', kernelOptions().wasmSimd, 'WebAssembly SIMD is unavailable', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives the interpreter's bits, on the special values and on subnormals its own loop makes (${dtype})`, () => {
      setKernelOptions({ backend: 'wasm' });
      setVectoriseAll(true);
      const input = repeated(specialValues(dtype), 4096 + 3);
      const g = new Graph();
      const x = g.input('x', [input.length], dtype);
      const y = x.flushSubnormal();
      const z = x.mul(0.25).flushSubnormal().mul(4);
      const feeds = { x: new Tensor(allocate(dtype, input.length).map((_, i) => input[i]!), [input.length]) };
      const before = vectorisedRuns();
      const [flushed, scaled] = g.compile({ outputs: [y, z], executor: 'compiled' })(feeds);
      expect(vectorisedRuns() - before).toBe(2);
      expectFlushed(flushed!.data, input, dtype, 'WebAssembly');
      const [want] = g.run([z], feeds, { executor: 'interpreter' });
      expect(Array.from(scaled!.data).every((v, i) => sameBits(v, want!.data[i]!))).toBe(true);
    });
  }
});
