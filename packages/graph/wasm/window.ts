// The window loops of convolution and max pooling over NHWC tensors in WebAssembly (AssemblyScript
// source, compiled into the same module as gemm.ts): im2col, its adjoint col2im, and max pooling
// with its derivative. The JavaScript versions are in src/kernels/conv.ts and src/kernels/pool.ts;
// these give the same bits (they copy, compare, and add or divide in the same order and precision).
//
// The geometry is that of src/kernels/window.ts: output position (oh, ow) reads input row
// ih = oh·sh − padTop + i·dh and column iw = ow·sw − padLeft + j·dw for the tap (i, j); rows and
// columns outside the input are padding. Addresses are in bytes; x is [batch, inH, inW, inC].

// count elements of T from src to dst (no overlap), 16 bytes at a time.
@inline function copyRun<T>(dst: usize, src: usize, count: i32): void {
  const bytes = <usize>count * sizeof<T>();
  let b: usize = 0;
  for (; b + 16 <= bytes; b += 16) v128.store(dst + b, v128.load(src + b));
  for (; b < bytes; b += sizeof<T>()) store<T>(dst + b, load<T>(src + b));
}

// dst[e] += src[e] for count elements of T, 16 bytes at a time (IEEE additions lane by lane).
@inline function addRun<T>(dst: usize, src: usize, count: i32): void {
  const bytes = <usize>count * sizeof<T>();
  let b: usize = 0;
  for (; b + 16 <= bytes; b += 16) v128.store(dst + b, v128.add<T>(v128.load(dst + b), v128.load(src + b)));
  for (; b < bytes; b += sizeof<T>()) store<T>(dst + b, load<T>(dst + b) + load<T>(src + b));
}

// bytes zero bytes at dst (a multiple of 4), 16 at a time.
@inline function zeroRun(dst: usize, bytes: usize): void {
  let b: usize = 0;
  for (; b + 16 <= bytes; b += 16) v128.store(dst + b, v128.splat<i32>(0));
  for (; b < bytes; b += 4) store<i32>(dst + b, 0);
}

// Rows r0…r1 of the patch matrix P of channels c0…c0+cin (one group): row r = (n, oh, ow), column
// (i, j, c), P[r, (i·kw + j)·cin + c] = x[n, ih, iw, c0 + c], 0 on padding. add = false: P = that
// (im2col); add = true: the adjoint, x[n, ih, iw, c0 + c] += P[r, …] for the in-bounds taps, rows in
// order (col2im).
@inline function patches<T>(
  P: usize, x: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, c0: i32, cin: i32, r0: i32, r1: i32, add: bool,
): void {
  const size = <usize>sizeof<T>();
  const positions = outH * outW;
  const run = <usize>cin * size;
  let d = P;
  for (let r = r0; r < r1; r++) {
    const n = r / positions;
    const p = r - n * positions;
    const oh = p / outW;
    const ow = p - oh * outW;
    const image = x + (<usize>n * inH * inW * inC + <usize>c0) * size;
    const left = ow * sw - padLeft;
    // with one group, dilation 1 and the window's columns all inside, a row of taps is one run of
    // kw·cin elements of x
    const wholeRows = cin == inC && dw == 1 && left >= 0 && left + kw <= inW;
    for (let i = 0; i < kh; i++) {
      const ih = oh * sh - padTop + i * dh;
      const rowInside = ih >= 0 && ih < inH;
      if (rowInside && wholeRows) {
        const src = image + (<usize>(ih * inW + left) * inC) * size;
        if (add) addRun<T>(src, d, kw * cin);
        else copyRun<T>(d, src, kw * cin);
        d += <usize>kw * run;
        continue;
      }
      for (let j = 0; j < kw; j++) {
        const iw = left + j * dw;
        if (rowInside && iw >= 0 && iw < inW) {
          const src = image + (<usize>(ih * inW + iw) * inC) * size;
          if (add) addRun<T>(src, d, cin);
          else copyRun<T>(d, src, cin);
        } else if (!add) {
          zeroRun(d, run);
        }
        d += run;
      }
    }
  }
}

/** im2col of float32 data (see `patches`). */
export function im2col32(P: usize, x: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, c0: i32, cin: i32, r0: i32, r1: i32): void {
  patches<f32>(P, x, inH, inW, inC, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW, c0, cin, r0, r1, false);
}

/** im2col of float64 data (see `patches`). */
export function im2col64(P: usize, x: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, c0: i32, cin: i32, r0: i32, r1: i32): void {
  patches<f64>(P, x, inH, inW, inC, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW, c0, cin, r0, r1, false);
}

/** col2im of float32 data into dx (see `patches`). */
export function col2im32(dx: usize, dP: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, c0: i32, cin: i32, r0: i32, r1: i32): void {
  patches<f32>(dP, dx, inH, inW, inC, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW, c0, cin, r0, r1, true);
}

/** col2im of float64 data into dx (see `patches`). */
export function col2im64(dx: usize, dP: usize, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, c0: i32, cin: i32, r0: i32, r1: i32): void {
  patches<f64>(dP, dx, inH, inW, inC, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW, c0, cin, r0, r1, true);
}

// Max pooling of [batch, inH, inW, C] (dilation 1). Forward: out[n, oh, ow, c] = the maximum of the
// window's in-bounds elements, taps in order, a NaN once met kept (v > m or v ≠ v replaces m); −∞
// for a window with none. Backward (dx zeroed by the caller): each window's maxima m (same rule) and
// their count k; every element equal to m receives dy/k, divided and added in float64 as the
// JavaScript kernel does (then rounded to T once, on the store).
@inline function maxPool<T>(out: usize, x: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  const vectorEnd = C - (C % lanes);
  let o = out;
  for (let n = 0; n < batch; n++) {
    const image = x + <usize>n * inH * inW * C * size;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < C; c += c < vectorEnd ? lanes : 1) {
          const vector = c < vectorEnd;
          let m = v128.splat<T>(-Infinity);
          for (let i = 0; i < kh; i++) {
            const ih = oh * sh - padTop + i;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < kw; j++) {
              const iw = ow * sw - padLeft + j;
              if (iw < 0 || iw >= inW) continue;
              const at = image + (<usize>(ih * inW + iw) * C + <usize>c) * size;
              if (vector) {
                const v = v128.load(at);
                m = v128.bitselect(v, m, v128.or(v128.gt<T>(v, m), v128.ne<T>(v, v)));
              } else {
                const v = load<T>(at);
                const s = v128.extract_lane<T>(m, 0);
                if (v > s || v != v) m = v128.splat<T>(v);
              }
            }
          }
          if (vector) v128.store(o, m);
          else store<T>(o, v128.extract_lane<T>(m, 0));
          o += vector ? 16 : size;
        }
      }
    }
  }
}

// Window (n, oh, ow)'s maximum m of channel c, the count of its elements equal to m, and dy/count
// added in float64 into dx where x equals m: the scalar rule, for channels no vector covers.
@inline function routeChannel<T>(dx: usize, x: usize, dy: usize, image: usize, c: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, top: i32, left: i32): void {
  const size = <usize>sizeof<T>();
  let m: T = <T>-Infinity;
  let count = 0;
  for (let i = 0; i < kh; i++) {
    const ih = top + i;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < kw; j++) {
      const iw = left + j;
      if (iw < 0 || iw >= inW) continue;
      const v = load<T>(x + image + (<usize>(ih * inW + iw) * C + <usize>c) * size);
      if (v > m || v != v) {
        m = v;
        count = 1;
      } else if (v == m) {
        count++;
      }
    }
  }
  const share: f64 = count > 0 ? <f64>load<T>(dy) / <f64>count : 0;
  for (let i = 0; i < kh; i++) {
    const ih = top + i;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < kw; j++) {
      const iw = left + j;
      if (iw < 0 || iw >= inW) continue;
      const e = image + (<usize>(ih * inW + iw) * C + <usize>c) * size;
      if (load<T>(x + e) == m) store<T>(dx + e, <T>(<f64>load<T>(dx + e) + share));
    }
  }
}

// The same for a vector of channels c…c+lanes at once. The maxima and counts are kept lane by lane
// (the scalar rule as masks); the share dy/count and its addition must be float64 operations, which
// float64 lanes are, and which float32 lanes are whenever every count is 0 or 1 (dy/1 = dy, and a
// float64 sum of two float32 numbers rounded to float32 is their float32 sum). Returns false, having
// written nothing, for float32 lanes with a tie (the caller then routes those channels one by one).
@inline function routeVector<T>(dx: usize, x: usize, dy: usize, image: usize, c: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, top: i32, left: i32): bool {
  const size = <usize>sizeof<T>();
  const one = v128.splat<T>(1);
  const zero = v128.splat<T>(0);
  let m = v128.splat<T>(-Infinity);
  let count = zero;
  for (let i = 0; i < kh; i++) {
    const ih = top + i;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < kw; j++) {
      const iw = left + j;
      if (iw < 0 || iw >= inW) continue;
      const v = v128.load(x + image + (<usize>(ih * inW + iw) * C + <usize>c) * size);
      const replace = v128.or(v128.gt<T>(v, m), v128.ne<T>(v, v));
      count = v128.bitselect(one, v128.bitselect(v128.add<T>(count, one), count, v128.eq<T>(v, m)), replace);
      m = v128.bitselect(v, m, replace);
    }
  }
  const g = v128.load(dy);
  let share: v128;
  if (sizeof<T>() == 8) {
    share = v128.bitselect(v128.div<T>(g, count), zero, v128.gt<T>(count, zero));
  } else {
    if (v128.any_true(v128.gt<T>(count, one))) return false;
    share = v128.bitselect(g, zero, v128.gt<T>(count, zero));
  }
  for (let i = 0; i < kh; i++) {
    const ih = top + i;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < kw; j++) {
      const iw = left + j;
      if (iw < 0 || iw >= inW) continue;
      const e = image + (<usize>(ih * inW + iw) * C + <usize>c) * size;
      const d = v128.load(dx + e);
      v128.store(dx + e, v128.bitselect(v128.add<T>(d, share), d, v128.eq<T>(v128.load(x + e), m)));
    }
  }
  return true;
}

@inline function maxPoolBackprop<T>(dx: usize, x: usize, dy: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  const vectorEnd = C - (C % lanes);
  let o = dy;
  for (let n = 0; n < batch; n++) {
    const image = <usize>n * inH * inW * C * size;
    for (let oh = 0; oh < outH; oh++) {
      const top = oh * sh - padTop;
      for (let ow = 0; ow < outW; ow++) {
        const left = ow * sw - padLeft;
        let c = 0;
        for (; c < vectorEnd; c += lanes) {
          if (!routeVector<T>(dx, x, o, image, c, C, inH, inW, kh, kw, top, left)) {
            for (let l = 0; l < lanes; l++) routeChannel<T>(dx, x, o + <usize>l * size, image, c + l, C, inH, inW, kh, kw, top, left);
          }
          o += 16;
        }
        for (; c < C; c++) {
          routeChannel<T>(dx, x, o, image, c, C, inH, inW, kh, kw, top, left);
          o += size;
        }
      }
    }
  }
}

/** Max pooling of float32 data (see `maxPool`). */
export function maxPool32(out: usize, x: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  maxPool<f32>(out, x, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW);
}

/** Max pooling of float64 data (see `maxPool`). */
export function maxPool64(out: usize, x: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  maxPool<f64>(out, x, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW);
}

/** The derivative of max pooling of float32 data, added into a zeroed dx (see `maxPool`). */
export function maxPoolBackprop32(dx: usize, x: usize, dy: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  maxPoolBackprop<f32>(dx, x, dy, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW);
}

/** The derivative of max pooling of float64 data, added into a zeroed dx (see `maxPool`). */
export function maxPoolBackprop64(dx: usize, x: usize, dy: usize, batch: i32, C: i32, inH: i32, inW: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  maxPoolBackprop<f64>(dx, x, dy, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW);
}
