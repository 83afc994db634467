/**
 * Compiles a fused elementwise loop into a WebAssembly function of its own, so that every value of
 * the loop stays in a register from one op to the next. The evaluator (packages/graph/wasm/
 * elementwise.ts) runs the same program op by op over chunks of the arrays, storing each op's
 * result and reading it back; the compiled function makes one pass with no stores but the results.
 * On the MLP step's Adam update (17 ops per weight, three of them divisions) that pass is about
 * three times faster.
 *
 * The function reads the same program words the evaluator reads (registers' addresses, scalars
 * already spread over a chunk) and runs the same IEEE vector instruction for every op, so both give
 * the same bits. A program with a repeated row (`period`) stays with the evaluator.
 */
import type { DType } from '../../core/dtype.js';
import type { ClusterProgram } from './cluster-program.js';
import type { KernelInstance } from './instance.js';
import { MAXIMUM_PAGES } from './module.js';

/**
 * A compiled loop: (address of the program's words, element count).
 *
 * @example
 * ```ts
 * const run: CompiledLoop | null = compiledLoop(program, kernels);
 * run?.(base, n); // as the evaluator's elementwise32(base, n)
 * ```
 */
export type CompiledLoop = (program: number, n: number) => void;

/** The most members compiled: a longer loop stays with the evaluator (and its module stays small). */
const MAX_MEMBERS = 64;

/** Byte offset of register r's address within the program's words (see elementwise.ts's layout). */
const addressOffset = (r: number): number => 8 + 16 * r + 4;

// Instruction encodings (WebAssembly 2.0 with SIMD).
const I32 = 0x7f;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_LOAD = 0x28;
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const EMPTY = 0x40;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const V128_CONST = 0x0c;
const V128_AND = 0x4e;
const V128_ANDNOT = 0x4f;
const V128_BITSELECT = 0x52;
/** Signed integer lane comparison a < b, by element size: i32x4.lt_s and i64x2.lt_s. */
const INTEGER_LESS: Readonly<Record<DType, number>> = { float32: 0x39, float64: 0xd8 };

/** The lane-wise float instructions of each element type. */
const LANES: Readonly<Record<DType, Readonly<Record<string, number>>>> = {
  float32: { eq: 0x41, ne: 0x42, lt: 0x43, gt: 0x44, abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9 },
  float64: { eq: 0x47, ne: 0x48, lt: 0x49, gt: 0x4a, abs: 0xec, neg: 0xed, sqrt: 0xef, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3, min: 0xf4, max: 0xf5 },
};

/** Unsigned LEB128. */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
function signed(value: number): number[] {
  const bytes: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const simd = (op: number): number[] => [SIMD, ...unsigned(op)];
const name = (text: string): number[] => [...unsigned(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const section = (id: number, body: readonly number[]): number[] => [id, ...unsigned(body.length), ...body];
const vector = (items: readonly (readonly number[])[]): number[] => [...unsigned(items.length), ...items.flat()];

/** A vector constant of one value in every lane. */
function splat(dtype: DType, value: number): number[] {
  const bytes = new Uint8Array(16);
  if (dtype === 'float32') new Float32Array(bytes.buffer).fill(value);
  else new Float64Array(bytes.buffer).fill(value);
  return [...simd(V128_CONST), ...bytes];
}

/** A vector constant of one bit pattern in every lane: `low` repeated in 32-bit lanes, or `high:low` in 64-bit lanes. */
function splatBits(dtype: DType, high: number, low: number): number[] {
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = dtype === 'float32' || i % 2 === 0 ? low : high;
  return [...simd(V128_CONST), ...new Uint8Array(words.buffer)];
}

/**
 * The body of the function `run(program, n)` for a program: locals, then one loop over the
 * vectors of the arrays.
 */
function functionBody(program: ClusterProgram): number[] {
  const { dtype, scalar, members } = program;
  const lanes = LANES[dtype];
  const leaves = scalar.length;
  const registers = leaves + members.length;
  const stored = new Set((program.stored ?? []).map((k) => leaves + k));
  stored.add(registers - 1); // the result
  // Locals after the two parameters: i32 i, end, one address per array register; v128 zero, one,
  // one per scalar leaf, one per member.
  const I = 2;
  const END_AT = 3;
  const arrays = [...Array(registers).keys()].filter((r) => (r < leaves ? !scalar[r]! : stored.has(r)));
  const addressLocal = new Map(arrays.map((r, k) => [r, 4 + k]));
  const ZERO = 4 + arrays.length;
  const ONE = ZERO + 1;
  const scalars = [...Array(leaves).keys()].filter((r) => scalar[r]!);
  const scalarLocal = new Map(scalars.map((r, k) => [r, ONE + 1 + k]));
  const memberLocal = (k: number): number => ONE + 1 + scalars.length + k;
  const locals = vector([
    [...unsigned(2 + arrays.length), I32],
    [...unsigned(2 + scalars.length + members.length), V128],
  ]);

  const code: number[] = [];
  const get = (local: number): void => void code.push(LOCAL_GET, ...unsigned(local));
  const set = (local: number): void => void code.push(LOCAL_SET, ...unsigned(local));
  const loadWord = (r: number): void => void code.push(LOCAL_GET, 0, I32_LOAD, 2, ...unsigned(addressOffset(r)));
  const at = (r: number): void => {
    get(addressLocal.get(r)!);
    get(I);
    code.push(I32_ADD);
  };
  // end = ((n + 3) & ~3) · element size: arrays are padded to whole vectors, as the evaluator runs them
  code.push(LOCAL_GET, 1, I32_CONST, ...signed(3), I32_ADD, I32_CONST, ...signed(-4), I32_AND, I32_CONST, ...signed(dtype === 'float32' ? 2 : 3), I32_SHL);
  set(END_AT);
  for (const r of arrays) {
    loadWord(r);
    set(addressLocal.get(r)!);
  }
  for (const r of scalars) {
    loadWord(r); // a chunk holding the scalar in every element: its first vector is the splat
    code.push(...simd(V128_LOAD), 4, 0);
    set(scalarLocal.get(r)!);
  }
  code.push(...splat(dtype, 0));
  set(ZERO);
  code.push(...splat(dtype, 1));
  set(ONE);

  code.push(BLOCK, EMPTY, LOOP, EMPTY);
  get(I);
  get(END_AT);
  code.push(I32_GE_U, BR_IF, 1);
  const operand = (input: ClusterProgram['members'][number]['inputs'][number]): void => {
    if ('member' in input) get(memberLocal(input.member));
    else if (scalar[input.leaf]) get(scalarLocal.get(input.leaf)!);
    else {
      at(input.leaf);
      code.push(...simd(V128_LOAD), 4, 0);
    }
  };
  members.forEach((m, k) => {
    const [a, b, c] = m.inputs;
    const lane = (op: string): void => void code.push(...simd(lanes[op]!));
    switch (m.op) {
      case 'add': case 'sub': case 'mul': case 'div':
        operand(a!);
        operand(b!);
        lane(m.op);
        break;
      case 'maximum': case 'minimum':
        operand(a!);
        operand(b!);
        lane(m.op === 'maximum' ? 'max' : 'min');
        break;
      case 'neg': case 'abs': case 'sqrt':
        operand(a!);
        lane(m.op);
        break;
      case 'square':
        operand(a!);
        operand(a!);
        lane('mul');
        break;
      case 'reciprocal':
        get(ONE);
        operand(a!);
        lane('div');
        break;
      case 'relu': // x < 0 ? 0 : x, so NaN and −0 pass through
        get(ZERO);
        operand(a!);
        operand(a!);
        get(ZERO);
        lane('lt');
        code.push(...simd(V128_BITSELECT));
        break;
      case 'greater': case 'less': case 'equal': // all-ones lanes and 1 give 1, the others +0
        operand(a!);
        operand(b!);
        lane(m.op === 'greater' ? 'gt' : m.op === 'less' ? 'lt' : 'eq');
        get(ONE);
        code.push(...simd(V128_AND));
        break;
      case 'flushSubnormal': {
        // x & ~((|x| <ᵢₙₜ smallest normal) & magnitude): the magnitude bits cleared where they are
        // below the smallest normal's (a subnormal becomes the zero of its sign), integer ops only
        const magnitude = dtype === 'float32' ? splatBits(dtype, 0, 0x7fffffff) : splatBits(dtype, 0x7fffffff, 0xffffffff);
        const smallest = dtype === 'float32' ? splatBits(dtype, 0, 0x00800000) : splatBits(dtype, 0x00100000, 0);
        operand(a!);
        operand(a!);
        code.push(...magnitude, ...simd(V128_AND), ...smallest, ...simd(INTEGER_LESS[dtype]), ...magnitude, ...simd(V128_AND), ...simd(V128_ANDNOT));
        break;
      }
      case 'where': // b where a ≠ 0 (NaN included, −0 not), else c
        operand(b!);
        operand(c!);
        operand(a!);
        get(ZERO);
        lane('ne');
        code.push(...simd(V128_BITSELECT));
        break;
      default:
        throw new Error(`loop compiler: no vector form for ${m.op}`);
    }
    set(memberLocal(k));
    if (stored.has(leaves + k)) {
      at(leaves + k);
      get(memberLocal(k));
      code.push(...simd(V128_STORE), 4, 0);
    }
  });
  get(I);
  code.push(I32_CONST, ...signed(16), I32_ADD);
  set(I);
  code.push(BR, 0, END, END, END);
  const body = [...locals, ...code];
  return [...unsigned(body.length), ...body];
}

/** The module: imports the kernels' shared memory, exports `run(program: i32, n: i32)`. */
function moduleBytes(program: ClusterProgram): Uint8Array<ArrayBuffer> {
  const shared = 0x03; // limits with a maximum, shared
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, ...vector([[I32], [I32]]), 0x00]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, shared, ...unsigned(1), ...unsigned(MAXIMUM_PAGES)]])),
    ...section(3, vector([[0x00]])),
    ...section(7, vector([[...name('run'), 0x00, 0x00]])),
    ...section(10, vector([functionBody(program)])),
  ]);
}

const compiled = new WeakMap<ClusterProgram, CompiledLoop | null>();
let enabled = true;

/**
 * The program's loop compiled into a WebAssembly function on the kernels' memory, made on first
 * use and kept with the program; null for a program the evaluator keeps (a repeated row, more than
 * {@link MAX_MEMBERS} members), when compiled loops are switched off, or when the runtime refuses
 * to compile it.
 *
 * @param program - the fused loop.
 * @param kernels - the kernels whose memory it runs on.
 * @returns the function, or null.
 * @example
 * ```ts
 * const run = compiledLoop(program, kernels) ?? kernels.exports.elementwise32;
 * run(base, program.n);
 * ```
 */
export function compiledLoop(program: ClusterProgram, kernels: KernelInstance): CompiledLoop | null {
  if (!enabled) return null;
  let loop = compiled.get(program);
  if (loop !== undefined) return loop;
  loop = null;
  if ((program.period ?? []).every((p) => p === 0) && program.members.length <= MAX_MEMBERS) {
    try {
      const module = new WebAssembly.Module(moduleBytes(program));
      const instance = new WebAssembly.Instance(module, { env: { memory: kernels.memory } });
      loop = instance.exports['run'] as CompiledLoop;
    } catch {
      loop = null; // e.g. a runtime that limits synchronous compilation: the evaluator runs it
    }
  }
  compiled.set(program, loop);
  return loop;
}

/**
 * Switches compiled loops on or off (tests run the evaluator and the compiled loops on the same
 * programs this way); returns the previous setting. Programs already compiled keep their function
 * but are not run while switched off.
 *
 * @param on - whether fused loops may run as compiled functions.
 * @returns the previous setting.
 * @example
 * ```ts
 * const previous = setCompiledLoops(false); // the evaluator runs every loop
 * setCompiledLoops(previous);
 * ```
 */
export function setCompiledLoops(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}
