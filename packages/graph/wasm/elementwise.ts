// Fused elementwise loops in WebAssembly SIMD: a small program of vector instructions run over the
// elements in chunks (AssemblyScript source, compiled into the same module as gemm.ts).
//
// A program is a list of registers and instructions (i32 words from `program`):
//   [registers, instructions,
//    registers × (kind, address)      kind 0: an array of n elements at address (its chunk moves)
//                                     kind 1: a chunk buffer at address (a temporary, or a scalar
//                                             the caller has already spread over a whole chunk)
//    instructions × (op, dst, a, b)]  dst and operands are register numbers; b is unused by
//                                     unary ops
// Arrays are padded to a multiple of four elements, so every instruction runs whole vectors.
//
// Every op is the IEEE operation of the element type, lane by lane, so the results are the bits
// the JavaScript loop computes (in float32, JavaScript rounds every double result to float32,
// which gives the correctly rounded float32 result for +, −, ×, ÷ and √); flushSubnormal is a bit
// mask that gives the bits of the JavaScript |x| < t ? x·0 : x.

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
const FLUSH_SUBNORMAL = 12;
// a + b and a − b flushed as FLUSH_SUBNORMAL does, in one pass (the compiler's pairs of an add or
// sub and the flush that is its only use: the update rules' statistics)
const ADD_FLUSH = 13;
const SUB_FLUSH = 14;

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

@inline function register(program: usize, r: i32, chunkBytes: usize): usize {
  const entry = program + 8 + (<usize>r << 3);
  const address = <usize>load<i32>(entry, 4);
  return load<i32>(entry) == 0 ? address + chunkBytes : address;
}

// Runs the program over n elements of type T.
@inline function run<T>(program: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  const registers = load<i32>(program);
  const count = load<i32>(program, 4);
  const code = program + 8 + (<usize>registers << 3);
  const zero = v128.splat<T>(0);
  const one = v128.splat<T>(1);
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const bytes = <usize>((min(CHUNK, n - c0) + 3) & ~3) * size;
    const offset = <usize>c0 * size;
    for (let k = 0; k < count; k++) {
      const instr = code + (<usize>k << 4);
      const op = load<i32>(instr);
      const d = register(program, load<i32>(instr, 4), offset);
      const a = register(program, load<i32>(instr, 8), offset);
      const b = register(program, load<i32>(instr, 12), offset);
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
        case FLUSH_SUBNORMAL:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, flushSubnormal<T>(v128.load(a + i)));
          break;
        case ADD_FLUSH:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, flushSubnormal<T>(v128.add<T>(v128.load(a + i), v128.load(b + i))));
          break;
        case SUB_FLUSH:
          for (let i: usize = 0; i < bytes; i += 16) v128.store(d + i, flushSubnormal<T>(v128.sub<T>(v128.load(a + i), v128.load(b + i))));
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
