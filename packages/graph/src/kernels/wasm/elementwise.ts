/**
 * Fused elementwise loops in WebAssembly SIMD. The compiler hands over a fused cluster whose
 * leaves are whole arrays, scalars or rows repeated along the result (a bias broadcast over a
 * batch) and whose ops all have a vector form; this module turns it
 * into a program for the kernels' elementwise evaluator (packages/graph/wasm/elementwise.ts) and
 * runs it chunk by chunk. Arrays that live in the kernels' heap (the compiled executor's planned
 * buffers, see heap.ts) are read and written in place; other leaves are copied in, and a result
 * elsewhere is copied out.
 *
 * Only clusters of at least MIN_ELEMENTS elements are handed over (see {@link worthVectorising}),
 * and a run goes there only when its work repays the copies it needs (see {@link repaysCopies}):
 * a loop over planned buffers needs none. The rest, and every cluster when the kernels are
 * unavailable or set to `'js'`, run the generated JavaScript loop. Both give the same bits (IEEE operations, float32 rounded after every op).
 */
import type { DType, TypedArray } from '../../core/dtype.js';
import { currentKernelSettings } from '../settings.js';
import { heapTop } from './heap.js';
import type { ClusterMember, ClusterProgram } from './cluster-program.js';
import { compiledLoop } from './loop-compiler.js';
import { addressIn, align16, kernelInstance, reserve, views } from './runtime.js';

export type { ClusterMember, ClusterProgram } from './cluster-program.js';

/** Op codes of the evaluator, by op name (the ops with a lane-by-lane vector form). */
const OPCODES: Readonly<Record<string, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, neg: 4, abs: 5, sqrt: 6, square: 7, reciprocal: 8, maximum: 9, minimum: 10, relu: 11,
  greater: 12, less: 13, equal: 14, where: 15, flushSubnormal: 16,
};

/** i32 words per register and per instruction in a program (see packages/graph/wasm/elementwise.ts). */
const REGISTER_WORDS = 4;
const INSTRUCTION_WORDS = 5;

/** Relative cost of an op in the JavaScript loop: divisions and square roots are the slow ones. */
const COST: Readonly<Record<string, number>> = { div: 8, sqrt: 8, reciprocal: 8 };

/** Fewest elements for which a cluster may be vectorised. */
const MIN_ELEMENTS = 4096;

/** Whether every op of a cluster has a vector form. */
export function vectorisable(ops: readonly string[]): boolean {
  return ops.every((op) => Object.hasOwn(OPCODES, op));
}

/**
 * Whether the compiler hands a cluster to the evaluator at all: at least MIN_ELEMENTS elements.
 * Whether a run then goes there depends on where its arrays are (see {@link repaysCopies}).
 *
 * @param program - the cluster.
 * @returns whether its loop may run in WebAssembly.
 */
export function worthVectorising(program: ClusterProgram): boolean {
  return vectoriseAll || program.n >= MIN_ELEMENTS;
}

/** JavaScript work per element of a cluster: divisions and square roots count 8, other ops 1. */
const workOf = (program: ClusterProgram): number => program.members.reduce((sum, m) => sum + (Object.hasOwn(COST, m.op) ? COST[m.op]! : 1), 0);

/**
 * Whether a run of a cluster repays the copies it needs (array leaves outside the kernels' heap
 * copied in, a result or stored member outside it copied out): JavaScript work (see workOf) of at least one op per
 * array copied (measured on the MLP step: twice that left Adam's moment updates in JavaScript and
 * the step about 10% slower). A loop over planned buffers copies nothing and always qualifies;
 * with every array copied, Adam's update and its moment updates qualify and a sum of two arrays
 * does not.
 *
 * @param program - the cluster.
 * @param copies - arrays the run would copy.
 * @returns whether to run it in WebAssembly.
 */
export function repaysCopies(program: ClusterProgram, copies: number): boolean {
  return vectoriseAll || workOf(program) >= copies;
}

let vectoriseAll = false;
let runs = 0;

/** How many clusters the evaluator has run in this process (tests check it is used at all). */
export function vectorisedRuns(): number {
  return runs;
}

/**
 * Makes {@link worthVectorising} accept every vectorisable cluster, however small, and
 * {@link repaysCopies} every run, however many arrays it copies (tests run random graphs through
 * the evaluator this way); returns the previous setting. The first takes effect for executables
 * compiled afterwards.
 */
export function setVectoriseAll(all: boolean): boolean {
  const previous = vectoriseAll;
  vectoriseAll = all;
  return previous;
}

/**
 * A program laid out for the evaluator, relative to where the call's data starts: the words to
 * write (register addresses relative to that start, marked in `addressWords`), and where each leaf
 * and the result go. Computed once per program.
 */
interface Layout {
  readonly words: Int32Array;
  /** Indices into `words` that hold addresses (the start is added when they are written). */
  readonly relocations: Int32Array;
  /** Per register, the index into `words` of its address (pointed at an array used in place). */
  readonly addressWords: Int32Array;
  /** Byte offset of each leaf's copy, then of the result, then of each stored member. */
  readonly offsets: Float64Array;
  /** Bytes the whole layout needs. */
  readonly bytes: number;
}

const layouts = new WeakMap<ClusterProgram, Layout>();

/** The period of leaf j of a program, 0 when it is not repeated. */
const periodOf = (program: ClusterProgram, j: number): number => program.period?.[j] ?? 0;

function layoutOf(program: ClusterProgram, chunk: number): Layout {
  let layout = layouts.get(program);
  if (layout !== undefined) return layout;
  const { dtype, n, scalar, members } = program;
  const stored = program.stored ?? [];
  const size = dtype === 'float32' ? 4 : 8;
  const padded = (n + 3) & ~3;
  const leaves = scalar.length;
  const registers = leaves + members.length;
  // The program's words, then one chunk per scalar leaf and per temporary, then the array leaves,
  // the stored members and the result, each padded to whole vectors; a repeated leaf has room for
  // its copy and a chunk buffer where each chunk is laid out.
  const isArray = (r: number): boolean => (r < leaves ? !scalar[r]! : r === registers - 1 || stored.includes(r - leaves));
  const words = new Int32Array(2 + REGISTER_WORDS * registers + INSTRUCTION_WORDS * members.length);
  const address = new Float64Array(registers);
  const buffer = new Float64Array(registers);
  let at = align16(4 * words.length);
  for (let r = 0; r < registers; r++) {
    const period = r < leaves ? periodOf(program, r) : 0;
    address[r] = at;
    at = align16(at + (period > 0 ? period : isArray(r) ? padded : chunk) * size);
    if (period > 0) {
      buffer[r] = at;
      at = align16(at + chunk * size);
    }
  }
  const addressWords = new Int32Array(registers);
  const relocations: number[] = [];
  let w = 0;
  words[w++] = registers;
  words[w++] = members.length;
  for (let r = 0; r < registers; r++) {
    const period = r < leaves ? periodOf(program, r) : 0;
    words[w++] = period > 0 ? 2 : isArray(r) ? 0 : 1;
    addressWords[r] = w;
    relocations.push(w);
    words[w++] = address[r]!;
    words[w++] = period;
    if (period > 0) relocations.push(w);
    words[w++] = buffer[r]!;
  }
  for (let k = 0; k < members.length; k++) {
    const m = members[k]!;
    const operand = (input: ClusterMember['inputs'][number] | undefined): number =>
      input === undefined ? 0 : 'leaf' in input ? input.leaf : leaves + input.member;
    words[w++] = OPCODES[m.op]!;
    words[w++] = leaves + k;
    for (let i = 0; i < INSTRUCTION_WORDS - 2; i++) words[w++] = operand(m.inputs[i]);
  }
  const offsets = new Float64Array(leaves + 1 + stored.length);
  for (let j = 0; j < leaves; j++) offsets[j] = address[j]!;
  offsets[leaves] = address[registers - 1]!;
  stored.forEach((k, s) => (offsets[leaves + 1 + s] = address[leaves + k]!));
  layout = { words, relocations: Int32Array.from(relocations), addressWords, offsets, bytes: at };
  layouts.set(program, layout);
  return layout;
}

/**
 * Runs a cluster in WebAssembly: `out` (n elements) from the leaves' buffers, and each of the
 * program's stored members into the matching array of `stored`.
 *
 * @returns false when the kernels are unavailable, set to `'js'`, the copies would not be repaid
 *   (see {@link repaysCopies}), or the data does not fit; the caller then runs its JavaScript loop.
 */
export function runVectorised(program: ClusterProgram, out: TypedArray, leaves: readonly TypedArray[], stored: readonly TypedArray[] = []): boolean {
  const settings = currentKernelSettings();
  if (settings.backend === 'js') return false;
  const kernels = kernelInstance();
  if (kernels === null) return false;
  const { dtype, n, scalar } = program;
  let copies = addressIn(out, 0) < 0 ? 1 : 0;
  // a repeated leaf's copy is one row, not n elements: it does not count
  for (let j = 0; j < leaves.length; j++) if (!scalar[j] && periodOf(program, j) === 0 && addressIn(leaves[j]!, 0) < 0) copies++;
  for (const array of stored) if (addressIn(array, 0) < 0) copies++;
  if (!repaysCopies(program, copies)) return false;
  const chunk = kernels.exports.CHUNK.value as number;
  const layout = layoutOf(program, chunk);
  const base = align16(heapTop(kernels));
  if (!reserve(kernels, base + layout.bytes)) return false;
  const { i32, f32, f64 } = views();
  const view = dtype === 'float32' ? f32 : f64;
  const size = dtype === 'float32' ? 4 : 8;
  const words = base / 4;
  i32.set(layout.words, words);
  for (let k = 0; k < layout.relocations.length; k++) i32[words + layout.relocations[k]!] = base + layout.words[layout.relocations[k]!]!;
  // Arrays in the kernels' heap (planned buffers, padded to whole vectors) are used in place: their
  // registers point at them. The others are copied into the layout's room for them.
  for (let j = 0; j < leaves.length; j++) {
    const leaf = leaves[j]!;
    const from = (base + layout.offsets[j]!) / size;
    const count = periodOf(program, j) || n;
    if (scalar[j]) view.fill(leaf[0]!, from, from + chunk);
    else {
      const at = addressIn(leaf, 0);
      if (at >= 0) i32[words + layout.addressWords[j]!] = at;
      else view.set(leaf.length === count ? leaf : leaf.subarray(0, count), from);
    }
  }
  const outAt = addressIn(out, 0);
  if (outAt >= 0) i32[words + layout.addressWords[layout.addressWords.length - 1]!] = outAt; // the result is the last register
  const members = program.stored ?? [];
  const storedAt = stored.map((array, s) => {
    const at = addressIn(array, 0);
    if (at >= 0) i32[words + layout.addressWords[leaves.length + members[s]!]!] = at;
    return at;
  });
  const run = compiledLoop(program, kernels) ?? (dtype === 'float32' ? kernels.exports.elementwise32 : kernels.exports.elementwise64);
  run(base, n);
  runs++;
  const copyOut = (array: TypedArray, offset: number): void => {
    const from = (base + offset) / size;
    array.set(view.subarray(from, from + n));
  };
  if (outAt < 0) copyOut(out, layout.offsets[leaves.length]!);
  stored.forEach((array, s) => {
    if (storedAt[s]! < 0) copyOut(array, layout.offsets[leaves.length + 1 + s]!);
  });
  return true;
}
