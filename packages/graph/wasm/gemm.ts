// C = op(A)·op(B) in WebAssembly SIMD, one function per element type (AssemblyScript source; the
// build turns it into the module in src/kernels/wasm/module.ts).
//
// Blocking (GotoBLAS style): columns of C in blocks of NC, the shared dimension in blocks of KC.
// For each (NC, KC) block, op(B) is packed into panels of NR columns (row p of a panel holds NR
// consecutive columns), op(A) into panels of MR rows (column p holds MR consecutive rows), and an
// MR×NR micro-kernel keeps the whole tile of C in SIMD registers while it runs over p:
//
//   tile[i][j] = Σ_{p in block} op(A)[i][p] · op(B)[p][j],    then C[i][j] += tile[i][j].
//
// Every element of C therefore sums its products in the same order as the JavaScript kernel
// (p ascending within a KC block, blocks added to C in order), whatever the tiling or the split
// across threads: float64 results are bit-identical to the JavaScript kernel's.
//
// A caller computes the block C[i0..i1, j0..j1] of an m×n product; threads take disjoint blocks.
// `scratch` is the caller's private workspace of SCRATCH32_BYTES / SCRATCH64_BYTES bytes.

const KC: i32 = 256;

// ---------------------------------------------------------------- float32: 4×8 tiles
const NC32: i32 = 512;

/** Bytes of private workspace gemm32 needs: packed A, packed B and one edge tile. */
export const SCRATCH32_BYTES: i32 = (4 * KC + KC * NC32 + 4 * 8) << 2;

// packA[p*4 + ii] = op(A)[i + ii][p0 + p], zero for rows at or past `rows`.
@inline function packA32(pa: usize, a: usize, m: i32, k: i32, tA: bool, i: i32, rows: i32, p0: i32, kc: i32): void {
  for (let ii = 0; ii < 4; ii++) {
    let dst = pa + (<usize>ii << 2);
    if (ii >= rows) {
      for (let p = 0; p < kc; p++) store<f32>(dst + (<usize>p << 4), 0);
    } else if (tA) {
      // op(A) = Aᵀ, A is k×m: op(A)[r][q] = A[q*m + r]
      let src = a + (<usize>(p0 * m + i + ii) << 2);
      const step = <usize>m << 2;
      for (let p = 0; p < kc; p++) {
        store<f32>(dst, load<f32>(src));
        dst += 16;
        src += step;
      }
    } else {
      let src = a + (<usize>((i + ii) * k + p0) << 2);
      for (let p = 0; p < kc; p++) {
        store<f32>(dst, load<f32>(src));
        dst += 16;
        src += 4;
      }
    }
  }
}

// Panel q (columns jc + 8q …) starts at pb + q*8*kc floats; packB[p*8 + jj] = op(B)[p0 + p][j + jj].
@inline function packB32(pb: usize, b: usize, k: i32, n: i32, tB: bool, p0: i32, kc: i32, jc: i32, nc: i32): void {
  for (let jp = 0; jp < nc; jp += 8) {
    const cols = min(8, nc - jp);
    const panel = pb + (<usize>(jp * kc) << 2);
    const j = jc + jp;
    if (tB) {
      // op(B) = Bᵀ, B is n×k: op(B)[q][c] = B[c*k + q]
      for (let jj = 0; jj < 8; jj++) {
        let dst = panel + (<usize>jj << 2);
        if (jj >= cols) {
          for (let p = 0; p < kc; p++) store<f32>(dst + (<usize>p << 5), 0);
          continue;
        }
        let src = b + (<usize>((j + jj) * k + p0) << 2);
        for (let p = 0; p < kc; p++) {
          store<f32>(dst, load<f32>(src));
          dst += 32;
          src += 4;
        }
      }
    } else if (cols == 8) {
      let src = b + (<usize>(p0 * n + j) << 2);
      const step = <usize>n << 2;
      let dst = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + (<usize>((p0 + p) * n + j) << 2);
        const dst = panel + (<usize>p << 5);
        for (let jj = 0; jj < 8; jj++) store<f32>(dst + (<usize>jj << 2), jj < cols ? load<f32>(row + (<usize>jj << 2)) : 0);
      }
    }
  }
}

// C[0..4][0..8] += packed A panel · packed B panel over kc steps; rows of C are `ldc` bytes apart.
@inline function tile32(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  v128.store(c, f32x4.add(v128.load(c), c00));
  v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c10));
  v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c20));
  v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c30));
  v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
}

/**
 * The block C[i0..i1, j0..j1] of C = op(A)·op(B) in float32; A, B and C are row-major at byte
 * addresses a, b, c; op(A) is m×k and op(B) k×n (tA/tB non-zero: the stored matrix is transposed).
 */
export function gemm32(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, tA: i32, tB: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  for (let i = i0; i < i1; i++) memory.fill(c + (<usize>(i * n + j0) << 2), 0, <usize>(j1 - j0) << 2);
  const pa = scratch;
  const pb = pa + (<usize>(4 * KC) << 2);
  const edge = pb + (<usize>(KC * NC32) << 2);
  const ldc = <usize>n << 2;
  for (let jc = j0; jc < j1; jc += NC32) {
    const nc = min(NC32, j1 - jc);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB32(pb, b, k, n, tB != 0, p0, kc, jc, nc);
      for (let i = i0; i < i1; i += 4) {
        const rows = min(4, i1 - i);
        packA32(pa, a, m, k, tA != 0, i, rows, p0, kc);
        for (let jp = 0; jp < nc; jp += 8) {
          const cols = min(8, nc - jp);
          const panel = pb + (<usize>(jp * kc) << 2);
          const corner = c + (<usize>(i * n + jc + jp) << 2);
          if (rows == 4 && cols == 8) {
            tile32(pa, panel, kc, corner, ldc);
          } else {
            memory.fill(edge, 0, 4 * 8 * 4);
            tile32(pa, panel, kc, edge, 32);
            for (let ii = 0; ii < rows; ii++) {
              for (let jj = 0; jj < cols; jj++) {
                const at = corner + <usize>ii * ldc + (<usize>jj << 2);
                store<f32>(at, load<f32>(at) + load<f32>(edge + (<usize>(ii * 8 + jj) << 2)));
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- float64: 4×4 tiles
const NC64: i32 = 256;

/** Bytes of private workspace gemm64 needs: packed A, packed B and one edge tile. */
export const SCRATCH64_BYTES: i32 = (4 * KC + KC * NC64 + 4 * 4) << 3;

// packA[p*4 + ii] = op(A)[i + ii][p0 + p], zero for rows at or past `rows`.
@inline function packA64(pa: usize, a: usize, m: i32, k: i32, tA: bool, i: i32, rows: i32, p0: i32, kc: i32): void {
  for (let ii = 0; ii < 4; ii++) {
    let dst = pa + (<usize>ii << 3);
    if (ii >= rows) {
      for (let p = 0; p < kc; p++) store<f64>(dst + (<usize>p << 5), 0);
    } else if (tA) {
      let src = a + (<usize>(p0 * m + i + ii) << 3);
      const step = <usize>m << 3;
      for (let p = 0; p < kc; p++) {
        store<f64>(dst, load<f64>(src));
        dst += 32;
        src += step;
      }
    } else {
      let src = a + (<usize>((i + ii) * k + p0) << 3);
      for (let p = 0; p < kc; p++) {
        store<f64>(dst, load<f64>(src));
        dst += 32;
        src += 8;
      }
    }
  }
}

// Panel q starts at pb + q*4*kc doubles; packB[p*4 + jj] = op(B)[p0 + p][j + jj].
@inline function packB64(pb: usize, b: usize, k: i32, n: i32, tB: bool, p0: i32, kc: i32, jc: i32, nc: i32): void {
  for (let jp = 0; jp < nc; jp += 4) {
    const cols = min(4, nc - jp);
    const panel = pb + (<usize>(jp * kc) << 3);
    const j = jc + jp;
    if (tB) {
      for (let jj = 0; jj < 4; jj++) {
        let dst = panel + (<usize>jj << 3);
        if (jj >= cols) {
          for (let p = 0; p < kc; p++) store<f64>(dst + (<usize>p << 5), 0);
          continue;
        }
        let src = b + (<usize>((j + jj) * k + p0) << 3);
        for (let p = 0; p < kc; p++) {
          store<f64>(dst, load<f64>(src));
          dst += 32;
          src += 8;
        }
      }
    } else if (cols == 4) {
      let src = b + (<usize>(p0 * n + j) << 3);
      const step = <usize>n << 3;
      let dst = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + (<usize>((p0 + p) * n + j) << 3);
        const dst = panel + (<usize>p << 5);
        for (let jj = 0; jj < 4; jj++) store<f64>(dst + (<usize>jj << 3), jj < cols ? load<f64>(row + (<usize>jj << 3)) : 0);
      }
    }
  }
}

// C[0..4][0..4] += packed A panel · packed B panel over kc steps; rows of C are `ldc` bytes apart.
@inline function tile64(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize): void {
  let c00 = f64x2.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    pa += 32;
    pb += 32;
  }
  v128.store(c, f64x2.add(v128.load(c), c00));
  v128.store(c, f64x2.add(v128.load(c, 16), c01), 16);
  c += ldc;
  v128.store(c, f64x2.add(v128.load(c), c10));
  v128.store(c, f64x2.add(v128.load(c, 16), c11), 16);
  c += ldc;
  v128.store(c, f64x2.add(v128.load(c), c20));
  v128.store(c, f64x2.add(v128.load(c, 16), c21), 16);
  c += ldc;
  v128.store(c, f64x2.add(v128.load(c), c30));
  v128.store(c, f64x2.add(v128.load(c, 16), c31), 16);
}

/** gemm32 in float64 (4×4 tiles of two-lane vectors). */
export function gemm64(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, tA: i32, tB: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  for (let i = i0; i < i1; i++) memory.fill(c + (<usize>(i * n + j0) << 3), 0, <usize>(j1 - j0) << 3);
  const pa = scratch;
  const pb = pa + (<usize>(4 * KC) << 3);
  const edge = pb + (<usize>(KC * NC64) << 3);
  const ldc = <usize>n << 3;
  for (let jc = j0; jc < j1; jc += NC64) {
    const nc = min(NC64, j1 - jc);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB64(pb, b, k, n, tB != 0, p0, kc, jc, nc);
      for (let i = i0; i < i1; i += 4) {
        const rows = min(4, i1 - i);
        packA64(pa, a, m, k, tA != 0, i, rows, p0, kc);
        for (let jp = 0; jp < nc; jp += 4) {
          const cols = min(4, nc - jp);
          const panel = pb + (<usize>(jp * kc) << 3);
          const corner = c + (<usize>(i * n + jc + jp) << 3);
          if (rows == 4 && cols == 4) {
            tile64(pa, panel, kc, corner, ldc);
          } else {
            memory.fill(edge, 0, 4 * 4 * 8);
            tile64(pa, panel, kc, edge, 32);
            for (let ii = 0; ii < rows; ii++) {
              for (let jj = 0; jj < cols; jj++) {
                const at = corner + <usize>ii * ldc + (<usize>jj << 3);
                store<f64>(at, load<f64>(at) + load<f64>(edge + (<usize>(ii * 4 + jj) << 3)));
              }
            }
          }
        }
      }
    }
  }
}
