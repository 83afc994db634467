// C = op(A)·op(B) in WebAssembly SIMD, written once for both element types (AssemblyScript source;
// the build turns it into the module in src/kernels/wasm/module.ts).
//
// Blocking (GotoBLAS style): columns of C in blocks of NC, the shared dimension in blocks of KC.
// For each (NC, KC) block, op(B) is packed into panels of NR columns (row p of a panel holds NR
// consecutive columns), op(A) into panels of MR = 4 rows (column p holds 4 consecutive rows), and
// a 4×NR micro-kernel keeps the whole tile of C in SIMD registers while it runs over p:
//
//   tile[i][j] = Σ_{p in block} op(A)[i][p] · op(B)[p][j],    then C[i][j] += tile[i][j].
//
// A row of a tile is two 128-bit vectors, so NR is 8 for float32 and 4 for float64; NC keeps a
// packed block of B at 512 KiB either way.
//
// Every element of C therefore sums its products in the same order as the JavaScript kernel
// (p ascending within a KC block, blocks added to C in order), whatever the tiling or the split
// across threads: float64 results are bit-identical to the JavaScript kernel's.
//
// A caller computes the block C[i0..i1, j0..j1] of an m×n product; threads take disjoint blocks.
// `scratch` is the caller's private workspace of SCRATCH32_BYTES / SCRATCH64_BYTES bytes.

const KC: i32 = 256;
const MR: i32 = 4;

/** Columns per tile: two vectors. */
@inline function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

/** Columns per packed block of B. */
@inline function nc<T>(): i32 {
  return 2048 / sizeof<T>();
}

/** Bytes of private workspace one thread needs: packed A, packed B and one edge tile. */
@inline function scratchBytes<T>(): i32 {
  return (MR * KC + KC * nc<T>() + MR * nr<T>()) * sizeof<T>();
}

/** Bytes of private workspace gemm32 needs. */
export const SCRATCH32_BYTES: i32 = scratchBytes<f32>();
/** Bytes of private workspace gemm64 needs. */
export const SCRATCH64_BYTES: i32 = scratchBytes<f64>();

// packA[p*MR + ii] = op(A)[i + ii][p0 + p], zero for rows at or past `rows`.
@inline function packA<T>(pa: usize, a: usize, m: i32, k: i32, tA: bool, i: i32, rows: i32, p0: i32, kc: i32): void {
  const size = <usize>sizeof<T>();
  const column = size * MR;
  for (let ii = 0; ii < MR; ii++) {
    let dst = pa + <usize>ii * size;
    if (ii >= rows) {
      for (let p = 0; p < kc; p++) store<T>(dst + <usize>p * column, 0);
    } else {
      // op(A) = Aᵀ when tA, A stored k×m: op(A)[r][q] = A[q*m + r]
      let src = a + <usize>(tA ? p0 * m + i + ii : (i + ii) * k + p0) * size;
      const step = tA ? <usize>m * size : size;
      for (let p = 0; p < kc; p++) {
        store<T>(dst, load<T>(src));
        dst += column;
        src += step;
      }
    }
  }
}

// Panel q (columns jc + NR·q …) starts at pb + q·NR·kc elements; packB[p*NR + jj] = op(B)[p0 + p][j + jj].
@inline function packB<T>(pb: usize, b: usize, k: i32, n: i32, tB: bool, p0: i32, kc: i32, jc: i32, ncols: i32): void {
  const size = <usize>sizeof<T>();
  const NR = nr<T>();
  for (let jp = 0; jp < ncols; jp += NR) {
    const cols = min(NR, ncols - jp);
    const panel = pb + <usize>(jp * kc) * size;
    const j = jc + jp;
    if (tB) {
      // op(B) = Bᵀ, B stored n×k: op(B)[q][c] = B[c*k + q]
      for (let jj = 0; jj < NR; jj++) {
        let dst = panel + <usize>jj * size;
        if (jj >= cols) {
          for (let p = 0; p < kc; p++) store<T>(dst + (<usize>p << 5), 0);
          continue;
        }
        let src = b + <usize>((j + jj) * k + p0) * size;
        for (let p = 0; p < kc; p++) {
          store<T>(dst, load<T>(src));
          dst += 32;
          src += size;
        }
      }
    } else if (cols == NR) {
      let src = b + <usize>(p0 * n + j) * size;
      const step = <usize>n * size;
      let dst = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + <usize>((p0 + p) * n + j) * size;
        const dst = panel + (<usize>p << 5);
        for (let jj = 0; jj < NR; jj++) store<T>(dst + <usize>jj * size, jj < cols ? load<T>(row + <usize>jj * size) : 0);
      }
    }
  }
}

// C[0..4][0..NR] += packed A panel · packed B panel over kc steps, or = when `first` (the first block
// of the shared dimension: C is then written once instead of zero-filled, read and written; the tile's
// sums start at +0 and so are never −0, which makes tile and 0 + tile the same bits); rows of C are
// `ldc` bytes apart.
@inline function tile<T>(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  const size = <usize>sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = v128.add<T>(c00, v128.mul<T>(a, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + size);
    c10 = v128.add<T>(c10, v128.mul<T>(a, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + 2 * size);
    c20 = v128.add<T>(c20, v128.mul<T>(a, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + 3 * size);
    c30 = v128.add<T>(c30, v128.mul<T>(a, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a, b1));
    pa += 4 * size;
    pb += 32;
  }
  if (first) {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    c += ldc;
    v128.store(c, c10);
    v128.store(c, c11, 16);
    c += ldc;
    v128.store(c, c20);
    v128.store(c, c21, 16);
    c += ldc;
    v128.store(c, c30);
    v128.store(c, c31, 16);
    return;
  }
  v128.store(c, v128.add<T>(v128.load(c), c00));
  v128.store(c, v128.add<T>(v128.load(c, 16), c01), 16);
  c += ldc;
  v128.store(c, v128.add<T>(v128.load(c), c10));
  v128.store(c, v128.add<T>(v128.load(c, 16), c11), 16);
  c += ldc;
  v128.store(c, v128.add<T>(v128.load(c), c20));
  v128.store(c, v128.add<T>(v128.load(c, 16), c21), 16);
  c += ldc;
  v128.store(c, v128.add<T>(v128.load(c), c30));
  v128.store(c, v128.add<T>(v128.load(c, 16), c31), 16);
}

// The block C[i0..i1, j0..j1] of C = op(A)·op(B); A, B and C are row-major at byte addresses a, b,
// c; op(A) is m×k and op(B) k×n (tA/tB non-zero: the stored matrix is transposed).
@inline function gemm<T>(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, tA: i32, tB: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  const size = <usize>sizeof<T>();
  const NR = nr<T>();
  const NC = nc<T>();
  // the first block of the shared dimension writes every element of the block; with none, C is 0
  if (k == 0) for (let i = i0; i < i1; i++) memory.fill(c + <usize>(i * n + j0) * size, 0, <usize>(j1 - j0) * size);
  const pa = scratch;
  const pb = pa + <usize>(MR * KC) * size;
  const edge = pb + <usize>(KC * NC) * size;
  const ldc = <usize>n * size;
  for (let jc = j0; jc < j1; jc += NC) {
    const ncols = min(NC, j1 - jc);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB<T>(pb, b, k, n, tB != 0, p0, kc, jc, ncols);
      for (let i = i0; i < i1; i += MR) {
        const rows = min(MR, i1 - i);
        packA<T>(pa, a, m, k, tA != 0, i, rows, p0, kc);
        for (let jp = 0; jp < ncols; jp += NR) {
          const cols = min(NR, ncols - jp);
          const panel = pb + <usize>(jp * kc) * size;
          const corner = c + <usize>(i * n + jc + jp) * size;
          if (rows == MR && cols == NR) {
            tile<T>(pa, panel, kc, corner, ldc, p0 == 0);
          } else {
            tile<T>(pa, panel, kc, edge, 32, true);
            for (let ii = 0; ii < rows; ii++) {
              for (let jj = 0; jj < cols; jj++) {
                const at = corner + <usize>ii * ldc + <usize>jj * size;
                const sum = load<T>(edge + <usize>(ii * NR + jj) * size);
                store<T>(at, p0 == 0 ? sum : load<T>(at) + sum);
              }
            }
          }
        }
      }
    }
  }
}

/** The block C[i0..i1, j0..j1] of C = op(A)·op(B) in float32 (4×8 tiles of four-lane vectors). */
export function gemm32(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, tA: i32, tB: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  gemm<f32>(c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, scratch);
}

/** The block C[i0..i1, j0..j1] of C = op(A)·op(B) in float64 (4×4 tiles of two-lane vectors). */
export function gemm64(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, tA: i32, tB: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  gemm<f64>(c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, scratch);
}
