/**
 * The WebAssembly elementwise evaluator against the JavaScript the compiler generates for the same
 * ops: the same bits, in float64 and float32, on ordinary values and on ±0, ±∞, NaN, subnormals
 * and the float32 extremes, for every op it runs.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPS, PRIMITIVES, allocate, getOp, kernelOptions, setKernelOptions, type DType } from '../src/index.js';
import { repaysCopies, runVectorised, vectorisable, worthVectorising, type ClusterMember, type ClusterProgram } from '../src/kernels/wasm/elementwise.js';
import { heapArray, heapFree } from '../src/kernels/wasm/heap.js';
import { compiledLoop, setCompiledLoops } from '../src/kernels/wasm/loop-compiler.js';
import { kernelInstance } from '../src/kernels/wasm/runtime.js';
import { describeFastPath } from './fast-paths.js';

const wasm = kernelOptions().wasmSimd;
afterEach(() => {
  setKernelOptions({ backend: 'auto' });
});

// The primitives the evaluator runs, asked of the evaluator itself (its op codes are not exported).
const VECTOR_OPS = PRIMITIVES.filter((op) => vectorisable([op]));
const UNARY = VECTOR_OPS.filter((op) => OPS[op].arity === 1);
const BINARY = VECTOR_OPS.filter((op) => OPS[op].arity === 2);
const TERNARY = VECTOR_OPS.filter((op) => OPS[op].arity === 3);

const SPECIAL = [0, -0, 1, -1, 0.5, 3, -7.25, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-40, 3.4028234663852886e38, -3.5e38, 1e308, 2 ** -149];

/** The operand count of an op the evaluator runs (never variadic). */
function arityOf(op: string): number {
  const arity = getOp(op)!.arity;
  if (typeof arity !== 'number') throw new Error(`${op} is variadic`);
  return arity;
}

/** One element the JavaScript way: the op's fuse template, evaluated and stored into the dtype. */
function jsValue(op: string, dtype: DType, ...operands: number[]): number {
  const f = new Function('l0', 'l1', 'l2', `return ${getOp(op)!.fuse!(['l0', 'l1', 'l2'].slice(0, arityOf(op)), dtype)};`) as (...x: number[]) => number;
  const out = allocate(dtype, 1);
  out[0] = f(...operands);
  return out[0]!;
}

type Floats = Float64Array | Float32Array;

/** The evaluator on the arrays `operands` (one op, as many as it takes), as stored values. */
function wasmValues(op: string, dtype: DType, ...operands: Floats[]): Floats {
  const used = operands.slice(0, arityOf(op));
  const program: ClusterProgram = {
    dtype,
    n: used[0]!.length,
    scalar: used.map(() => false),
    members: [{ op, inputs: used.map((_, leaf) => ({ leaf })) }],
  };
  // in the kernels' heap, as planned buffers are (a lone op on copied arrays stays in JavaScript)
  const kernels = kernelInstance()!;
  const heap = [...used, used[0]!].map((v) => heapArray(kernels, dtype, v.length)! as Floats);
  used.forEach((v, j) => heap[j]!.set(v));
  try {
    expect(runVectorised(program, heap[used.length]!, heap.slice(0, used.length))).toBe(true);
    return heap[used.length]!.slice();
  } finally {
    for (const h of heap) heapFree(h.byteOffset);
  }
}

const sameBits = (x: number, y: number): boolean => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

describeFastPath('the WebAssembly elementwise evaluator', wasm, 'WebAssembly SIMD is unavailable', () => {
  // every test twice: the loop compiled into its own function, and run by the evaluator op by op
  for (const loops of [true, false]) {
    const how = loops ? 'compiled loop' : 'evaluator';
    describe(how, () => {
      beforeEach(() => void setCompiledLoops(loops));
      afterEach(() => void setCompiledLoops(true));
      for (const dtype of ['float64', 'float32'] as const) {
        it(`gives the generated JavaScript's bits for every op on special values (${dtype})`, () => {
          const a = allocate(dtype, SPECIAL.length * SPECIAL.length);
          const b = allocate(dtype, a.length);
          SPECIAL.forEach((x, i) => SPECIAL.forEach((y, j) => {
            a[i * SPECIAL.length + j] = x;
            b[i * SPECIAL.length + j] = y;
          }));
          for (const op of [...UNARY, ...BINARY]) {
            const got = wasmValues(op, dtype, a, b);
            for (let i = 0; i < a.length; i++) {
              const want = jsValue(op, dtype, a[i]!, b[i]!);
              if (!sameBits(got[i]!, want)) throw new Error(`${op}(${a[i]}, ${b[i]}) in ${dtype}: ${got[i]}, JavaScript ${want}`);
            }
          }
          // ternary ops (where): every special value as the condition, picking between two distinct values
          const c = b.map((_, i) => -i - 0.5);
          for (const op of TERNARY) {
            const got = wasmValues(op, dtype, a, b, c);
            for (let i = 0; i < a.length; i++) {
              const want = jsValue(op, dtype, a[i]!, b[i]!, c[i]!);
              if (!sameBits(got[i]!, want)) throw new Error(`${op}(${a[i]}, ${b[i]}, ${c[i]}) in ${dtype}: ${got[i]}, JavaScript ${want}`);
            }
          }
        });

        it(`reads a repeated row at element o mod its length, at any length and chunk boundary (${dtype})`, () => {
          // z = relu(x + b) with b one row repeated along x, and the mask where(x > 0, z, b): the
          // bias-and-activation loop of a layer and its derivative's mask
          fc.assert(
            fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), (period, rows, inHeap) => {
              const n = period * rows;
              const x = allocate(dtype, n).map((_, i) => Math.sin(7 * i) * 2);
              const row = allocate(dtype, period).map((_, i) => Math.cos(3 * i) - 0.25);
              const program: ClusterProgram = {
                dtype,
                n,
                scalar: [false, false, true],
                period: [0, period, 0],
                members: [
                  { op: 'add', inputs: [{ leaf: 0 }, { leaf: 1 }] },
                  { op: 'relu', inputs: [{ member: 0 }] },
                  { op: 'greater', inputs: [{ leaf: 0 }, { leaf: 2 }] },
                  { op: 'where', inputs: [{ member: 2 }, { member: 1 }, { leaf: 1 }] },
                ],
              };
              const kernels = kernelInstance()!;
              const heapRow = inHeap ? (heapArray(kernels, dtype, period)! as Floats) : undefined;
              heapRow?.set(row);
              const out = allocate(dtype, n);
              try {
                expect(runVectorised(program, out, [x, heapRow ?? row, allocate(dtype, 1)])).toBe(true);
              } finally {
                if (heapRow !== undefined) heapFree(heapRow.byteOffset);
              }
              const r = dtype === 'float32' ? Math.fround : (v: number) => v;
              for (let o = 0; o < n; o++) {
                const sum = r(x[o]! + row[o % period]!);
                const z = sum < 0 ? 0 : sum; // relu as the generated loop computes it
                const want = allocate(dtype, 1).fill(x[o]! > 0 ? z : row[o % period]!)[0]!;
                if (!sameBits(out[o]!, want)) throw new Error(`element ${o} of ${n} (row of ${period}): ${out[o]}, JavaScript ${want}`);
              }
            }),
            { numRuns: 40 },
          );
        });

        it(`flushes an add or sub to the JavaScript bits, alone and with the sum stored too (${dtype})`, () => {
          // a·b pairs of SPECIAL (subnormal sums and differences among them), and t·(1 ± small) pairs whose
          // sum or difference lands just below or above the smallest normal t
          const t = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
          const pairs: [number, number][] = SPECIAL.flatMap((x) => SPECIAL.map((y): [number, number] => [x, y]));
          for (const f of [0.25, 0.5, 0.75, 1, 1.25]) pairs.push([t * f, -t / 2], [-t * f, t / 4], [t * f, t * f]);
          const a = allocate(dtype, pairs.length).map((_, i) => pairs[i]![0]);
          const b = allocate(dtype, pairs.length).map((_, i) => pairs[i]![1]);
          const kernels = kernelInstance()!;
          const [ha, hb, out, kept] = [0, 1, 2, 3].map(() => heapArray(kernels, dtype, a.length)!);
          ha!.set(a);
          hb!.set(b);
          const r = dtype === 'float32' ? Math.fround : (x: number) => x;
          try {
            for (const op of ['add', 'sub'] as const) {
              const inner = (x: number, y: number): number => r(op === 'add' ? x + y : x - y);
              // alone: flushSubnormal(a ∘ b); shared: the sum is stored as well
              const alone: ClusterProgram = { dtype, n: a.length, scalar: [false, false], members: [{ op, inputs: [{ leaf: 0 }, { leaf: 1 }] }, { op: 'flushSubnormal', inputs: [{ member: 0 }] }] };
              const shared: ClusterProgram = { ...alone, stored: [0] };
              expect(runVectorised(alone, out!, [ha!, hb!])).toBe(true);
              const got = out!.slice();
              expect(runVectorised(shared, out!, [ha!, hb!], [kept!])).toBe(true);
              for (let i = 0; i < a.length; i++) {
                const sum = inner(a[i]!, b[i]!);
                const want = jsValue('flushSubnormal', dtype, sum, 0);
                if (!sameBits(got[i]!, want) || !sameBits(out![i]!, want) || !sameBits(kept![i]!, sum)) {
                  throw new Error(`flushSubnormal(${a[i]} ${op} ${b[i]}) in ${dtype}: ${got[i]} alone, ${out![i]} shared (kept ${kept![i]}), JavaScript ${want}`);
                }
              }
              expect(Array.from(got).filter((v, i) => v === 0 && inner(a[i]!, b[i]!) !== 0).length, 'sums flushed').toBeGreaterThan(5);
            }
          } finally {
            for (const h of [ha, hb, out, kept]) heapFree(h!.byteOffset);
          }
        });

        it(`runs a chain with scalars and temporaries as the generated loop does, at any length (${dtype})`, () => {
          // Adam's update: w + −((m / c1) · lr / (√(v / c2) + ε)), with the scalars as one-element leaves
          fc.assert(
            fc.property(
              fc.integer({ min: 1, max: 1500 }),
              fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 4, maxLength: 4 }),
              (n, [c1, lr, c2, eps]) => {
                const w = allocate(dtype, n).map((_, i) => Math.sin(i));
                const m = allocate(dtype, n).map((_, i) => Math.cos(3 * i));
                const v = allocate(dtype, n).map((_, i) => i % 7);
                const scalar = (x: number) => allocate(dtype, 1).fill(x!);
                const leaves = [w, m, scalar(c1!), scalar(lr!), v, scalar(c2!), scalar(eps!)];
                const program: ClusterProgram = {
                  dtype,
                  n,
                  scalar: [false, false, true, true, false, true, true],
                  members: [
                    { op: 'div', inputs: [{ leaf: 1 }, { leaf: 2 }] },
                    { op: 'mul', inputs: [{ member: 0 }, { leaf: 3 }] },
                    { op: 'div', inputs: [{ leaf: 4 }, { leaf: 5 }] },
                    { op: 'sqrt', inputs: [{ member: 2 }] },
                    { op: 'add', inputs: [{ member: 3 }, { leaf: 6 }] },
                    { op: 'div', inputs: [{ member: 1 }, { member: 4 }] },
                    { op: 'neg', inputs: [{ member: 5 }] },
                    { op: 'add', inputs: [{ leaf: 0 }, { member: 6 }] },
                  ],
                };
                const out = allocate(dtype, n);
                expect(runVectorised(program, out, leaves)).toBe(true);
                const r = dtype === 'float32' ? Math.fround : (x: number) => x;
                for (let o = 0; o < n; o++) {
                  const t5 = r(r(r(m[o]! / leaves[2]![0]!) * leaves[3]![0]!) / r(r(Math.sqrt(r(v[o]! / leaves[5]![0]!))) + leaves[6]![0]!));
                  const want = allocate(dtype, 1).fill(w[o]! + r(-t5))[0]!;
                  if (!sameBits(out[o]!, want)) throw new Error(`element ${o} of ${n}: ${out[o]}, JavaScript ${want}`);
                }
              },
            ),
            { numRuns: 50 },
          );
        });
      }
    });
  }

  it('compiles random programs into loops that give the evaluator\'s bits and the generated JavaScript\'s', () => {
    const ops = VECTOR_OPS;
    fc.assert(
      fc.property(
        fc.constantFrom('float32', 'float64') as fc.Arbitrary<DType>,
        fc.integer({ min: 1, max: 1200 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), // per leaf: scalar?
        fc.array(fc.tuple(fc.constantFrom(...ops), fc.array(fc.nat(), { minLength: 3, maxLength: 3 })), { minLength: 1, maxLength: 12 }),
        (dtype, n, scalarLeaves, steps) => {
          const leaves = scalarLeaves.length;
          // each operand is a leaf or an earlier member, picked by the drawn number
          const members: ClusterMember[] = steps.map(([op, picks], k) => ({
            op,
            inputs: picks.slice(0, arityOf(op)).map((p) => (p % (leaves + k) < leaves ? { leaf: p % (leaves + k) } : { member: (p % (leaves + k)) - leaves })),
          }));
          const program: ClusterProgram = { dtype, n, scalar: scalarLeaves, members };
          const values = scalarLeaves.map((isScalar, j) =>
            allocate(dtype, isScalar ? 1 : n).map((_, i) => SPECIAL[(i * 7 + j * 3) % SPECIAL.length]! * (1 + ((i + j) % 5))),
          );
          const kernels = kernelInstance()!;
          expect(compiledLoop(program, kernels), 'the program compiles').toBeTypeOf('function');
          const heap = values.map((v) => {
            const h = heapArray(kernels, dtype, v.length)! as Floats;
            h.set(v);
            return h;
          });
          const outs = [true, false].map((loops) => {
            const previous = setCompiledLoops(loops);
            try {
              const out = allocate(dtype, n);
              expect(runVectorised(program, out, heap)).toBe(true);
              return out;
            } finally {
              setCompiledLoops(previous);
            }
          });
          for (const h of heap) heapFree(h.byteOffset);
          const fns = members.map((m) => new Function('l0', 'l1', 'l2', `return ${getOp(m.op)!.fuse!(['l0', 'l1', 'l2'].slice(0, arityOf(m.op)), dtype)};`) as (...x: number[]) => number);
          const cell = allocate(dtype, 1);
          for (let o = 0; o < n; o++) {
            const t: number[] = [];
            members.forEach((m, k) => {
              cell[0] = fns[k]!(...m.inputs.map((input) => ('member' in input ? t[input.member]! : values[input.leaf]![scalarLeaves[input.leaf] ? 0 : o]!)));
              t.push(cell[0]!);
            });
            const want = t[t.length - 1]!;
            if (!sameBits(outs[0]![o]!, outs[1]![o]!)) throw new Error(`element ${o}: compiled ${outs[0]![o]}, evaluator ${outs[1]![o]}`);
            if (!sameBits(outs[0]![o]!, want)) throw new Error(`element ${o}: compiled ${outs[0]![o]}, JavaScript ${want}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('compiles every op of the evaluator, in both dtypes (a module the runtime refused would fall back silently)', () => {
    const kernels = kernelInstance()!;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const op of VECTOR_OPS) {
        const arity = arityOf(op);
        const program: ClusterProgram = { dtype, n: 4096, scalar: Array(arity).fill(false), members: [{ op, inputs: [...Array(arity).keys()].map((leaf) => ({ leaf })) }] };
        expect(compiledLoop(program, kernels), `${op} (${dtype})`).toBeTypeOf('function');
      }
    }
  });

  it('runs a loop as a compiled function unless it repeats a row or compiled loops are off', () => {
    const kernels = kernelInstance()!;
    const sum: ClusterProgram = { dtype: 'float32', n: 8192, scalar: [false, true], members: [{ op: 'add', inputs: [{ leaf: 0 }, { leaf: 1 }] }] };
    expect(compiledLoop(sum, kernels)).toBeTypeOf('function');
    const bias: ClusterProgram = { ...sum, scalar: [false, false], period: [0, 256] };
    expect(compiledLoop(bias, kernels)).toBeNull();
    const previous = setCompiledLoops(false);
    try {
      expect(compiledLoop(sum, kernels)).toBeNull();
    } finally {
      setCompiledLoops(previous);
    }
  });

  it("declines with backend 'js', so the generated loop runs", () => {
    setKernelOptions({ backend: 'js' });
    const program: ClusterProgram = { dtype: 'float64', n: 4, scalar: [false], members: [{ op: 'neg', inputs: [{ leaf: 0 }] }] };
    expect(runVectorised(program, new Float64Array(4), [new Float64Array(4)])).toBe(false);
  });

  it('runs a plain sum of copied arrays in JavaScript (returns false), and of heap arrays (planned buffers) in WebAssembly, with the same bits', () => {
    const sum: ClusterProgram = { dtype: 'float32', n: 200_704, scalar: [false, false], members: [{ op: 'add', inputs: [{ leaf: 0 }, { leaf: 1 }] }] };
    const kernels = kernelInstance()!;
    const a = Float32Array.from({ length: sum.n }, (_, i) => Math.sin(i) * 3);
    const b = Float32Array.from({ length: sum.n }, (_, i) => Math.cos(i) / 7);
    const want = a.map((v, i) => v + b[i]!);
    expect(runVectorised(sum, new Float32Array(sum.n), [a, b])).toBe(false);
    const [ha, hb, hout] = [0, 1, 2].map(() => heapArray(kernels, 'float32', sum.n)! as Float32Array);
    ha!.set(a);
    hb!.set(b);
    try {
      expect(runVectorised(sum, hout!, [ha!, hb!])).toBe(true);
      expect(Array.from(hout!)).toEqual(Array.from(want));
    } finally {
      for (const h of [ha, hb, hout]) heapFree(h!.byteOffset);
    }
  });
});

describe('which clusters are vectorised', () => {
  it('only ops with a lane-by-lane form', () => {
    expect(vectorisable(['add', 'div', 'sqrt', 'relu'])).toBe(true);
    expect(vectorisable(['add', 'exp'])).toBe(false);
    expect(vectorisable(['cast'])).toBe(false);
  });

  it('only elementwise primitives of one to three operands with a fuse template, never an unknown name', () => {
    const stray = VECTOR_OPS.filter((op) => OPS[op].kind !== 'elementwise' || OPS[op].fuse === undefined || !([1, 2, 3] as unknown[]).includes(OPS[op].arity));
    expect(stray, 'ops the evaluator runs that the generated loop cannot').toEqual([]);
    expect(VECTOR_OPS.length).toBeGreaterThan(0);
    for (const name of ['notAnOp', 'toString', 'constructor', '__proto__', '']) expect(vectorisable([name]), name).toBe(false);
  });

  it('only clusters of at least 4096 elements, and runs whose work repays the arrays they copy', () => {
    const adam = (n: number): ClusterProgram => ({
      dtype: 'float32',
      n,
      scalar: [false, false, true, false],
      members: [
        { op: 'div', inputs: [{ leaf: 1 }, { leaf: 2 }] },
        { op: 'sqrt', inputs: [{ leaf: 3 }] },
        { op: 'div', inputs: [{ member: 0 }, { member: 1 }] },
        { op: 'sub', inputs: [{ leaf: 0 }, { member: 2 }] },
      ],
    });
    expect(worthVectorising(adam(200_704))).toBe(true);
    expect(worthVectorising(adam(4095))).toBe(false);
    expect(repaysCopies(adam(200_704), 4)).toBe(true); // 8 + 8 + 8 + 1 ops per element for 4 arrays copied
    const sum: ClusterProgram = { dtype: 'float32', n: 200_704, scalar: [false, false], members: [{ op: 'add', inputs: [{ leaf: 0 }, { leaf: 1 }] }] };
    expect(worthVectorising(sum)).toBe(true);
    expect(repaysCopies(sum, 3)).toBe(false);
    expect(repaysCopies(sum, 0)).toBe(true);
  });
});
