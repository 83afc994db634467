/**
 * Carried values: a requested value (an update or output) of many elements whose only consumer is
 * elementwise is computed and stored by that consumer's loop, as Adam's new moments are by the
 * loop of the weight's update. The compiled executor must give the interpreter's bits whichever
 * way the loop runs (WebAssembly, JavaScript, broadcasting), and run one loop per weight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allocate, Graph, kernelOptions, setKernelOptions, Tensor, type DType, type Node, type TypedArray } from '../src/index.js';
import { runVectorised, setVectoriseAll, vectorisedRuns, type ClusterProgram } from '../src/kernels/wasm/elementwise.js';
import { heapArray, heapFree } from '../src/kernels/wasm/heap.js';
import { kernelInstance } from '../src/kernels/wasm/runtime.js';
import { describeFastPath } from './fast-paths.js';

const initial = kernelOptions();
afterEach(() => {
  setKernelOptions({ backend: 'auto', threads: initial.threads });
  setVectoriseAll(false);
});

const ROWS = 64;
const COLS = 80; // 5,120 elements: enough for the WebAssembly evaluator

const sameBits = (x: number, y: number): boolean => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!sameBits(got[i]!, want[i]!)) throw new Error(`${what}[${i}]: ${got[i]}, want ${want[i]}`);
}

function values(dtype: DType, size: number, f: (i: number) => number): Tensor {
  const data = allocate(dtype, size);
  for (let i = 0; i < size; i++) data[i] = f(i);
  return new Tensor(data, size === COLS ? [COLS] : [ROWS, COLS]);
}

/**
 * Adam's step on one weight: m ← β₁m + (1 − β₁)∇, v ← β₂v + (1 − β₂)∇², w ← w − η m/(√v + ε)
 * (plus a broadcast row `s` when `broadcast`, which makes the weight's loop a nested one). The new
 * m is also an output.
 */
function adamGraph(dtype: DType, broadcast: boolean): { g: Graph; run: (executor: 'compiled' | 'interpreter') => () => Tensor[]; names: string[] } {
  const g = new Graph();
  const size = ROWS * COLS;
  const w = g.variable('w', values(dtype, size, (i) => Math.sin(i)));
  const m = g.variable('m', values(dtype, size, (i) => 0.1 * Math.cos(3 * i)));
  const v = g.variable('v', values(dtype, size, (i) => (i % 7) / 50));
  const grad = g.input('grad', [ROWS, COLS], dtype);
  const s = g.input('s', [COLS], dtype);
  const c = (x: number): Node => g.constant(x, dtype);
  const mNext = m.mul(c(0.9)).add(grad.mul(c(0.1)));
  const vNext = v.mul(c(0.999)).add(grad.square().mul(c(0.001)));
  let wNext = w.sub(mNext.mul(c(0.01)).div(vNext.sqrt().add(c(1e-8))));
  if (broadcast) wNext = wNext.add(s);
  const updates: [Node, Node][] = [[m, mNext], [v, vNext], [w, wNext]];
  const feeds = { grad: values(dtype, size, (i) => Math.tan(i) / 3), s: values(dtype, COLS, (i) => i / 1e3) };
  return {
    g,
    run: (executor) => {
      const step = g.compile({ outputs: [mNext], updates, executor });
      return () => step(feeds);
    },
    names: ['w', 'm', 'v'],
  };
}

/** Three steps of the compiled executor against the interpreter on a twin graph: outputs and variables, bit for bit. */
function agree(dtype: DType, broadcast: boolean): void {
  const compiled = adamGraph(dtype, broadcast);
  const reference = adamGraph(dtype, broadcast);
  const a = compiled.run('compiled');
  const b = reference.run('interpreter');
  for (let k = 0; k < 3; k++) {
    expectSameBits(a()[0]!.data, b()[0]!.data, `step ${k}: the new m`);
    for (const name of compiled.names) expectSameBits(compiled.g.state.variable(name).data, reference.g.state.variable(name).data, `step ${k}: ${name}`);
  }
}

describe('carried values', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`Adam's moments computed and stored by the weight's loop give the interpreter's bits, in JavaScript and with broadcasting (${dtype})`, () => {
      setKernelOptions({ backend: 'js' });
      agree(dtype, false);
      agree(dtype, true);
    });
  }
});

describeFastPath('carried values in WebAssembly', kernelOptions().wasmSimd, 'WebAssembly SIMD is unavailable', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`one vectorised loop per step updates the weight and both moments, with the interpreter's bits (${dtype})`, () => {
      const { run } = adamGraph(dtype, false);
      const step = run('compiled');
      step(); // specialise
      const before = vectorisedRuns();
      step();
      expect(vectorisedRuns() - before).toBe(1);
      agree(dtype, false);
      setVectoriseAll(true);
      agree(dtype, true);
    });

    it(`the evaluator stores a member besides the root, in the heap in place or copied out of ordinary arrays (${dtype})`, () => {
      // t = a·b (stored), out = t + a
      const n = 1001;
      const program: ClusterProgram = {
        dtype,
        n,
        scalar: [false, false],
        stored: [0],
        members: [
          { op: 'mul', inputs: [{ leaf: 0 }, { leaf: 1 }] },
          { op: 'add', inputs: [{ member: 0 }, { leaf: 0 }] },
        ],
      };
      const a = allocate(dtype, n).map((_, i) => Math.sin(i) * 3);
      const b = allocate(dtype, n).map((_, i) => Math.cos(i) / 7);
      const t = allocate(dtype, n).map((_, i) => a[i]! * b[i]!);
      const want = allocate(dtype, n).map((_, i) => t[i]! + a[i]!);
      // Two ops do not repay copying three arrays in or out: a stored member outside the heap counts
      // as a copy like the result (the result in the heap, the leaves and the stored member not).
      const inHeap = heapArray(kernelInstance()!, dtype, n)!;
      expect(runVectorised(program, inHeap, [a, b], [allocate(dtype, n)])).toBe(false);
      heapFree(inHeap.byteOffset);
      setVectoriseAll(true); // every run, whatever it copies
      const ordinary = [allocate(dtype, n), allocate(dtype, n)];
      expect(runVectorised(program, ordinary[0]!, [a, b], [ordinary[1]!])).toBe(true);
      expectSameBits(ordinary[0]!, want, 'out');
      expectSameBits(ordinary[1]!, t, 'stored');
      const heap: TypedArray[] = [heapArray(kernelInstance()!, dtype, n)!, heapArray(kernelInstance()!, dtype, n)!];
      expect(runVectorised(program, heap[0]!, [a, b], [heap[1]!])).toBe(true);
      expectSameBits(heap[0]!, want, 'out in the heap');
      expectSameBits(heap[1]!, t, 'stored in the heap');
      for (const h of heap) heapFree(h.byteOffset);
    });
  }
});
