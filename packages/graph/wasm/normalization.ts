// Batch normalisation with given statistics, applied in WebAssembly SIMD (AssemblyScript source,
// compiled into the same module as gemm.ts); the JavaScript version is prepareBatchNorm in
// src/kernels/normalization.ts, and this gives its bits.
//
// x is [rows, C]; `params` holds three float64 vectors of C: the factor a = γ/√(σ² + ε), μ and β.
// Every element is y = (x − μ)·a + β in float64 (float32 x promoted exactly, the result rounded to
// float32 once on the store), as the JavaScript loop computes it. Two float64 lanes at a time.

// The two float32 elements in the low lanes of v, of channels c and c+1: promoted, normalised, and
// returned demoted in the low lanes.
@inline function pair32(v: v128, params: usize, c: usize, channels: usize): v128 {
  const a = v128.load(params + c * 8);
  const mean = v128.load(params + (channels + c) * 8);
  const offset = v128.load(params + (2 * channels + c) * 8);
  return f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), mean), a), offset));
}

/** y = (x − μ)·a + β over rows × C float32 elements (see above). */
export function batchNorm32(out: usize, x: usize, params: usize, rows: i32, C: i32): void {
  const channels = <usize>C;
  const vectorEnd = C & ~3;
  let i: usize = 0;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < vectorEnd; c += 4) {
      const v = v128.load(x + i * 4);
      const low = pair32(v, params, <usize>c, channels);
      const high = pair32(f32x4.shuffle(v, v, 2, 3, 0, 1), params, <usize>c + 2, channels);
      v128.store(out + i * 4, f32x4.shuffle(low, high, 0, 1, 4, 5));
      i += 4;
    }
    for (; c < C; c++) {
      const k = <usize>c;
      const y = (<f64>load<f32>(x + i * 4) - load<f64>(params + (channels + k) * 8)) * load<f64>(params + k * 8) + load<f64>(params + (2 * channels + k) * 8);
      store<f32>(out + i * 4, <f32>y);
      i++;
    }
  }
}

/** y = (x − μ)·a + β over rows × C float64 elements (see above). */
export function batchNorm64(out: usize, x: usize, params: usize, rows: i32, C: i32): void {
  const channels = <usize>C;
  const vectorEnd = C & ~1;
  let i: usize = 0;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < vectorEnd; c += 2) {
      const k = <usize>c;
      const a = v128.load(params + k * 8);
      const mean = v128.load(params + (channels + k) * 8);
      const offset = v128.load(params + (2 * channels + k) * 8);
      v128.store(out + i * 8, f64x2.add(f64x2.mul(f64x2.sub(v128.load(x + i * 8), mean), a), offset));
      i += 2;
    }
    for (; c < C; c++) {
      const k = <usize>c;
      store<f64>(out + i * 8, (load<f64>(x + i * 8) - load<f64>(params + (channels + k) * 8)) * load<f64>(params + k * 8) + load<f64>(params + (2 * channels + k) * 8));
      i++;
    }
  }
}
