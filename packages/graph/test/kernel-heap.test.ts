/**
 * The kernels' heap (long-lived blocks of their shared memory) and the kernels working in place on
 * buffers that live there: the same bits as on ordinary arrays, nothing written outside a block,
 * and the compiled executor's planned buffers placed there.
 */
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { allocate, Graph, kernelOptions, randomStream, setKernelOptions, Tensor, type DType, type TypedArray } from '../src/index.js';
import { uniform01 } from '../src/core/random.js';
import { gemmFor } from '../src/kernels/gemm.js';
import { runVectorised, type ClusterProgram } from '../src/kernels/wasm/elementwise.js';
import { heapAllocate, heapArray, heapBytesInUse, heapFree, heapTop } from '../src/kernels/wasm/heap.js';
import { pace } from '../src/kernels/wasm/pool.js';
import { addressIn, kernelInstance } from '../src/kernels/wasm/runtime.js';
import { describeFastPath } from './fast-paths.js';

const initial = kernelOptions();
afterEach(() => {
  setKernelOptions({ backend: 'auto', threads: initial.threads });
});

function filled(dtype: DType, size: number, seed: number): TypedArray {
  const values = allocate(dtype, size);
  const rng = randomStream(seed, 0);
  for (let i = 0; i < size; i++) values[i] = (uniform01(rng) - 0.5) * 2 ** (8 * uniform01(rng) - 4);
  return values;
}

/** A copy of `values` in a new heap block. */
function inHeap(values: TypedArray, dtype: DType): TypedArray {
  const copy = heapArray(kernelInstance()!, dtype, values.length)!;
  copy.set(values);
  return copy;
}

describeFastPath('the kernels’ heap', kernelOptions().wasmSimd, 'WebAssembly SIMD is unavailable', () => {
  it('hands out zero-filled, 32-byte-aligned blocks that never overlap, reuses holes first fit, and shrinks its top when the last block goes', () => {
    const kernels = kernelInstance()!;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (sizes, freeFirst) => {
        const top = heapTop(kernels);
        const inUse = heapBytesInUse();
        const blocks = sizes.map((bytes) => ({ at: heapAllocate(kernels, bytes)!, bytes }));
        const sorted = [...blocks].sort((a, b) => a.at - b.at);
        for (let i = 0; i < sorted.length; i++) {
          expect(sorted[i]!.at % 32).toBe(0);
          if (i > 0) expect(sorted[i]!.at).toBeGreaterThanOrEqual(sorted[i - 1]!.at + sorted[i - 1]!.bytes);
          expect(new Uint8Array(kernels.memory.buffer, sorted[i]!.at, sorted[i]!.bytes).every((b) => b === 0)).toBe(true);
          new Uint8Array(kernels.memory.buffer, sorted[i]!.at, sorted[i]!.bytes).fill(0xab); // dirty it for the next allocation
        }
        // Free some, then a block no larger than the first freed one lands in a hole, not above the top.
        const freed = blocks.filter((_, i) => freeFirst[i]);
        for (const b of freed) heapFree(b.at);
        if (freed.length > 0 && freed.some((b) => b.at + b.bytes < heapTop(kernels))) {
          const hole = freed.find((b) => b.at + b.bytes < heapTop(kernels))!;
          const before = heapTop(kernels);
          const again = heapAllocate(kernels, hole.bytes)!;
          expect(again).toBeLessThan(before);
          expect(heapTop(kernels)).toBe(before);
          heapFree(again);
        }
        for (const b of blocks) if (!freed.includes(b)) heapFree(b.at);
        expect(heapTop(kernels)).toBe(top);
        expect(heapBytesInUse()).toBe(inUse);
      }),
      { seed: 1907, numRuns: 60 },
    );
  });

  it('refuses to free an address it did not hand out', () => {
    const kernels = kernelInstance()!;
    const at = heapAllocate(kernels, 64)!;
    heapFree(at);
    expect(() => heapFree(at)).toThrow(/no block/);
    expect(() => heapFree(at + 32)).toThrow(/no block/);
  });

  it('recognises its arrays (and offsets into them) as the kernels’ memory, and nothing else', () => {
    const a = heapArray(kernelInstance()!, 'float64', 10)!;
    expect(addressIn(a, 0)).toBe(a.byteOffset);
    expect(addressIn(a, 3)).toBe(a.byteOffset + 24);
    expect(addressIn(new Float64Array(10), 0)).toBe(-1);
    expect(addressIn(new Float32Array(new SharedArrayBuffer(40)), 0)).toBe(-1);
    heapFree(a.byteOffset);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`products read and write heap buffers in place with the bits of ordinary arrays, on 1 and 2 threads (${dtype})`, () => {
      const gemm = gemmFor(dtype);
      // 72×80·80×76 is above the size that splits across threads; offsets inside the arrays too.
      for (const [m, k, n, tA, tB] of [[72, 80, 76, false, false], [72, 80, 76, true, false], [9, 7, 13, false, true]] as const) {
        const A = filled(dtype, 3 + m * k, 1);
        const B = filled(dtype, 5 + k * n, 2);
        const want = allocate(dtype, 2 + m * n);
        setKernelOptions({ threads: 1 });
        gemm(want, 2, A, 3, B, 5, m, k, n, tA, tB);
        for (const threads of [1, 2]) {
          setKernelOptions({ threads });
          for (const where of [[true, true, true], [true, false, false], [false, true, true], [false, false, true]] as const) {
            const a = where[0] ? inHeap(A, dtype) : A;
            const b = where[1] ? inHeap(B, dtype) : B;
            const c = where[2] ? heapArray(kernelInstance()!, dtype, 2 + m * n)! : allocate(dtype, 2 + m * n);
            c.fill(7);
            pace.reset(); // split however the products before it fared on this machine
            gemm(c, 2, a, 3, b, 5, m, k, n, tA, tB);
            expect(Array.from(c.subarray(2))).toEqual(Array.from(want.subarray(2)));
            expect([c[0], c[1]]).toEqual([7, 7]); // untouched before the offset
            for (const x of [a, b, c]) if (addressIn(x, 0) >= 0) heapFree(x.byteOffset);
          }
        }
      }
    });

    it(`vectorised loops read and write heap buffers in place, with the bits of ordinary arrays and nothing written past a block (${dtype})`, () => {
      const kernels = kernelInstance()!;
      const program: ClusterProgram = {
        dtype,
        n: 1001, // not a whole number of vectors: the last one runs into the blocks' padding
        scalar: [false, false, true],
        members: [
          { op: 'mul', inputs: [{ leaf: 0 }, { leaf: 1 }] },
          { op: 'sqrt', inputs: [{ member: 0 }] },
          { op: 'add', inputs: [{ member: 1 }, { leaf: 2 }] },
        ],
      };
      const x = filled(dtype, 1001, 3).map(Math.abs);
      const y = filled(dtype, 1001, 4).map(Math.abs);
      const s = allocate(dtype, 1);
      s[0] = 0.25;
      const want = allocate(dtype, 1001);
      expect(runVectorised(program, want, [x, y, s])).toBe(true);
      const guard = (): TypedArray => {
        const g = heapArray(kernels, dtype, 8)!;
        g.fill(-3);
        return g;
      };
      const before = guard();
      const hx = inHeap(x, dtype);
      const hy = inHeap(y, dtype);
      const out = heapArray(kernels, dtype, 1001)!;
      const after = guard();
      expect(runVectorised(program, out, [hx, y, s])).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(want));
      out.fill(0);
      expect(runVectorised(program, out, [hx, hy, s])).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(want));
      const plain = allocate(dtype, 1001);
      expect(runVectorised(program, plain, [x, hy, s])).toBe(true);
      expect(Array.from(plain)).toEqual(Array.from(want));
      expect(Array.from(before)).toEqual(new Array(8).fill(-3));
      expect(Array.from(after)).toEqual(new Array(8).fill(-3));
      for (const a of [before, hx, hy, out, after]) heapFree(a.byteOffset);
    });
  }

  it('a graph keeps its variables in the heap, as copies of the values given, and runs commit into that storage (ordinary arrays when the kernels are set to JavaScript)', () => {
    for (const backend of ['auto', 'js'] as const) {
      setKernelOptions({ backend });
      const g = new Graph();
      const given = new Float32Array(4096).fill(2);
      const w = g.variable('w', new Tensor(given, [64, 64]));
      given.fill(7); // the caller's array is not the variable's storage
      const stored = g.state.variable('w').data;
      expect(addressIn(stored, 0) >= 0).toBe(backend === 'auto');
      expect(stored.every((v) => v === 2)).toBe(true);
      const x = g.input('x', [64, 64], 'float32');
      const update: [typeof w, typeof w][] = [[w, w.sub(x.matmul(w).mul(g.constant(0.5, 'float32')))]];
      const feeds = { x: new Tensor(new Float32Array(4096).fill(1 / 64), [64, 64]) };
      for (const executor of ['compiled', 'interpreter'] as const) g.compile({ outputs: [], updates: update, executor })(feeds); // 2 → 1 → 0.5
      expect(g.state.variable('w').data).toBe(stored); // committed in place
      expect(g.getVariable('w').data.every((v) => v === 0.5)).toBe(true);
      g.setVariable('w', new Tensor(given, [64, 64]));
      given.fill(9);
      const replaced = g.state.variable('w').data;
      expect(addressIn(replaced, 0) >= 0).toBe(backend === 'auto');
      expect(replaced.every((v) => v === 7)).toBe(true);
      expect(stored.every((v) => v === 0.5)).toBe(true); // the old storage, still referenced here, was not reused
    }
  });

  it('the compiled executor plans its buffers in the heap, except when the kernels are set to JavaScript', () => {
    const build = (): { run: () => number } => {
      const g = new Graph();
      const x = g.input('x', [64, 64]);
      const w = g.variable('w', new Tensor(new Float64Array(64 * 64).fill(0.01), [64, 64]));
      const loss = x.matmul(w).relu().sum();
      const run = g.compile({ outputs: [loss], executor: 'compiled' });
      const feeds = { x: new Tensor(new Float64Array(64 * 64).fill(1), [64, 64]) };
      return { run: () => run(feeds)[0]!.data[0]! };
    };
    const inUse = heapBytesInUse();
    const fast = build();
    expect(fast.run()).toBeCloseTo(64 * 64 * 0.64, 9);
    expect(heapBytesInUse()).toBeGreaterThanOrEqual(inUse + 64 * 64 * 8);
    setKernelOptions({ backend: 'js' });
    const planned = heapBytesInUse();
    const plain = build();
    expect(plain.run()).toBe(fast.run());
    expect(heapBytesInUse()).toBe(planned);
  });
});
