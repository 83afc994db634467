// Sums over one reduced run of axes in WebAssembly SIMD (AssemblyScript source, compiled into the
// same module as gemm.ts); the JavaScript version is the block reducer of src/kernels/reduce.ts,
// and this gives its bits.
//
// X is [outer, reduced, inner] and out [outer, inner]: out[a, b] = Σ_r X[a, r, b], each sum started
// at 0 and taken in increasing r, rounded to T after every addition, lane by lane.

@inline function sumBlocks<T>(out: usize, X: usize, outer: i32, reduced: i32, inner: i32): void {
  const size = <usize>sizeof<T>();
  const row = <usize>inner * size;
  const vectorBytes = row & ~15;
  let x = X;
  for (let a = 0; a < outer; a++) {
    const o = out + <usize>a * row;
    for (let b: usize = 0; b < row; b += 4) store<i32>(o + b, 0);
    for (let r = 0; r < reduced; r++) {
      let b: usize = 0;
      for (; b < vectorBytes; b += 16) v128.store(o + b, v128.add<T>(v128.load(o + b), v128.load(x + b)));
      for (; b < row; b += size) store<T>(o + b, load<T>(o + b) + load<T>(x + b));
      x += row;
    }
  }
}

/** The float32 sums (see above). */
export function sumBlocks32(out: usize, X: usize, outer: i32, reduced: i32, inner: i32): void {
  sumBlocks<f32>(out, X, outer, reduced, inner);
}

/** The float64 sums (see above). */
export function sumBlocks64(out: usize, X: usize, outer: i32, reduced: i32, inner: i32): void {
  sumBlocks<f64>(out, X, outer, reduced, inner);
}
