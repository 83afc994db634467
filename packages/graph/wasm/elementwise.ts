// Fused elementwise loops in WebAssembly SIMD: a small program of vector instructions run over the
// elements in chunks (AssemblyScript source, compiled into the same module as gemm.ts).
//
// A program is a list of registers and instructions (i32 words from `program`):
//   [registers, instructions,
//    registers × (kind, address, period, buffer)
//                  kind 0: an array of n elements at address (its chunk moves)
//                  kind 1: a chunk buffer at address (a temporary, or a scalar the caller has
//                          already spread over a whole chunk)
//                  kind 2: an array of `period` elements at address, repeated along the result
//                          (element o reads element o mod period, as a bias row broadcast over a
//                          batch); each chunk is laid out in `buffer`, a chunk buffer, first
//    instructions × (op, dst, a, b, c)]
//                  dst and operands are register numbers; b and c are unused by ops with fewer
//                  operands
// Arrays are padded to a multiple of four elements, so every instruction runs whole vectors.
//
// Every op is the IEEE operation of the element type, lane by lane, so the results are the bits
// the JavaScript loop computes (in float32, JavaScript rounds every double result to float32,
// which gives the correctly rounded float32 result for +, −, ×, ÷ and √). Comparisons give 1 or 0
// in the element type, and `where` picks by c ≠ 0 (so a NaN condition picks a), as the generated
// JavaScript does; flushSubnormal is a bit mask that gives the bits of the JavaScript
// |x| < t ? x·0 : x.

/** Elements per chunk: a chunk of every register stays in the first-level cache. */
export const CHUNK: i32 = 512;

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const NEG = 4;
const ABS = 5;
const SQRT = 6;
const SQUARE = 7;
const RECIPROCAL = 8;
const MAXIMUM = 9;
const MINIMUM = 10;
const RELU = 11;
const GREATER = 12;
const LESS = 13;
const EQUAL = 14;
const WHERE = 15;
const FLUSH_SUBNORMAL = 16;

const REGISTER_BYTES = 16;
const INSTRUCTION_BYTES = 20;

@inline function register(program: usize, r: i32, chunkBytes: usize): usize {
  const entry = program + 8 + <usize>r * REGISTER_BYTES;
  const kind = load<i32>(entry);
  if (kind == 2) return <usize>load<i32>(entry, 12);
  const address = <usize>load<i32>(entry, 4);
  return kind == 0 ? address + chunkBytes : address;
}

// x with the magnitude bits cleared in the lanes where they are below those of the smallest normal
// (exponent field 0), so a subnormal becomes the zero of its sign; NaN and ±∞ have larger
// magnitude bits and pass. Integer operations only, so a subnormal operand costs no
// floating-point assist.
@inline function flushSubnormal<T>(x: v128): v128 {
  if (sizeof<T>() == 4) {
    const magnitude = i32x4.splat(0x7fffffff);
    return v128.andnot(x, v128.and(i32x4.lt_s(v128.and(x, magnitude), i32x4.splat(0x00800000)), magnitude));
  }
  const magnitude = i64x2.splat(0x7fffffffffffffff);
  return v128.andnot(x, v128.and(i64x2.lt_s(v128.and(x, magnitude), i64x2.splat(0x0010000000000000)), magnitude));
}

// Lays out elements c0 … c0 + count − 1 of every repeated register (kind 2) in its chunk buffer:
// element o is element o mod period of the array, copied in runs of consecutive elements.
@inline function spreadPeriodic(program: usize, registers: i32, c0: i32, count: i32, size: usize): void {
  for (let r = 0; r < registers; r++) {
    const entry = program + 8 + <usize>r * REGISTER_BYTES;
    if (load<i32>(entry) != 2) continue;
    const source = <usize>load<i32>(entry, 4);
    const period = load<i32>(entry, 8);
    const buffer = <usize>load<i32>(entry, 12);
    let s = c0 % period;
    let j = 0;
    while (j < count) {
      const run = min(period - s, count - j);
      memory.copy(buffer + <usize>j * size, source + <usize>s * size, <usize>run * size);
      j += run;
      s = 0;
    }
  }
}

// Runs the program over n elements of type T.
@inline function run<T>(program: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  const registers = load<i32>(program);
  const count = load<i32>(program, 4);
  const code = program + 8 + <usize>registers * REGISTER_BYTES;
  const zero = v128.splat<T>(0);
  const one = v128.splat<T>(1);
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const elements = (min(CHUNK, n - c0) + 3) & ~3;
    const bytes = <usize>elements * size;
    const offset = <usize>c0 * size;
    spreadPeriodic(program, registers, c0, elements, size);
    for (let k = 0; k < count; k++) {
      const instr = code + <usize>k * INSTRUCTION_BYTES;
      const op = load<i32>(instr);
      const d = register(program, load<i32>(instr, 4), offset);
      const a = register(program, load<i32>(instr, 8), offset);
      const b = register(program, load<i32>(instr, 12), offset);
      const c = register(program, load<i32>(instr, 16), offset);
      switch (op) {
        case ADD:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.add<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case SUB:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.sub<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case MUL:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.mul<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case DIV:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.div<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case NEG:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.neg<T>(v128.load(a + i)));
          break;
        case ABS:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.abs<T>(v128.load(a + i)));
          break;
        case SQRT:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.sqrt<T>(v128.load(a + i)));
          break;
        case SQUARE:
          for (let i: usize = 0; i < bytes; i += 16) {
            const x = v128.load(a + i);
            v128.store(d + i, v128.mul<T>(x, x));
          }
          break;
        case RECIPROCAL:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.div<T>(one, v128.load(a + i)));
          break;
        case MAXIMUM:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.max<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case MINIMUM:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.min<T>(v128.load(a + i), v128.load(b + i)));
          break;
        case RELU:
          // x < 0 ? 0 : x, so NaN and −0 pass through as in JavaScript
          for (let i: usize = 0; i < bytes; i += 16) {
            const x = v128.load(a + i);
            v128.store(d + i, v128.bitselect(zero, x, v128.lt<T>(x, zero)));
          }
          break;
        case GREATER:
          // the comparison's lanes are all ones or all zeros: and with 1 gives 1 or +0
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.and(v128.gt<T>(v128.load(a + i), v128.load(b + i)), one));
          break;
        case LESS:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.and(v128.lt<T>(v128.load(a + i), v128.load(b + i)), one));
          break;
        case EQUAL:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, v128.and(v128.eq<T>(v128.load(a + i), v128.load(b + i)), one));
          break;
        case WHERE:
          // where(cond, x, y) with cond, x, y in registers a, b, c: x where cond ≠ 0 (NaN included,
          // −0 not), else y
          for (let i: usize = 0; i < bytes; i += 16) {
            v128.store(d + i, v128.bitselect(v128.load(b + i), v128.load(c + i), v128.ne<T>(v128.load(a + i), zero)));
          }
          break;
        case FLUSH_SUBNORMAL:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, flushSubnormal<T>(v128.load(a + i)));
          break;
        default:
          unreachable(); // an op code the JavaScript side never writes
      }
    }
  }
}

/** Runs the program over n float32 elements. */
export function elementwise32(program: usize, n: i32): void {
  run<f32>(program, n);
}

/** Runs the program over n float64 elements. */
export function elementwise64(program: usize, n: i32): void {
  run<f64>(program, n);
}
