/// <reference path="./webassembly.d.ts" />
/** The exports of the compiled kernels (see packages/graph/wasm/gemm.ts). */
export interface KernelExports {
  readonly gemm32: KernelFunction;
  readonly gemm64: KernelFunction;
  /** elementwise32/elementwise64: (program, n), see packages/graph/wasm/elementwise.ts. */
  readonly elementwise32: (program: number, n: number) => void;
  readonly elementwise64: (program: number, n: number) => void;
  /** im2col32/im2col64 and col2im32/col2im64, see packages/graph/wasm/window.ts. */
  readonly im2col32: PatchFunction;
  readonly im2col64: PatchFunction;
  readonly col2im32: PatchFunction;
  readonly col2im64: PatchFunction;
  /** maxPool32/maxPool64: (out, x, …geometry), see packages/graph/wasm/window.ts. */
  readonly maxPool32: PoolFunction;
  readonly maxPool64: PoolFunction;
  /** maxPoolBackprop32/maxPoolBackprop64: (dx, x, dy, …geometry), see packages/graph/wasm/window.ts. */
  readonly maxPoolBackprop32: PoolBackpropFunction;
  readonly maxPoolBackprop64: PoolBackpropFunction;
  /** batchNorm32/batchNorm64: (out, x, params, rows, C), see packages/graph/wasm/normalization.ts. */
  readonly batchNorm32: (out: number, x: number, params: number, rows: number, C: number) => void;
  readonly batchNorm64: (out: number, x: number, params: number, rows: number, C: number) => void;
  /** sumBlocks32/sumBlocks64: (out, X, outer, reduced, inner), see packages/graph/wasm/reduce.ts. */
  readonly sumBlocks32: (out: number, X: number, outer: number, reduced: number, inner: number) => void;
  readonly sumBlocks64: (out: number, X: number, outer: number, reduced: number, inner: number) => void;
  readonly CHUNK: WebAssembly.Global;
  readonly SCRATCH32_BYTES: WebAssembly.Global;
  readonly SCRATCH64_BYTES: WebAssembly.Global;
}

/** gemm32/gemm64: (c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, scratch) on byte addresses. */
export type KernelFunction = (
  c: number, a: number, b: number, m: number, k: number, n: number, tA: number, tB: number,
  i0: number, i1: number, j0: number, j1: number, scratch: number,
) => void;

/**
 * im2col/col2im: (patches, x, inH, inW, inC, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW,
 * c0, cin, r0, r1) on byte addresses (col2im takes dx first, then the patches).
 */
export type PatchFunction = (
  a: number, b: number, inH: number, inW: number, inC: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
  padTop: number, padLeft: number, outH: number, outW: number, c0: number, cin: number, r0: number, r1: number,
) => void;

/** maxPool: (out, x, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW) on byte addresses. */
export type PoolFunction = (
  out: number, x: number, batch: number, C: number, inH: number, inW: number, kh: number, kw: number, sh: number, sw: number,
  padTop: number, padLeft: number, outH: number, outW: number,
) => void;

/** maxPoolBackprop: (dx, x, dy, batch, C, inH, inW, kh, kw, sh, sw, padTop, padLeft, outH, outW) on byte addresses. */
export type PoolBackpropFunction = (
  dx: number, x: number, dy: number, batch: number, C: number, inH: number, inW: number, kh: number, kw: number, sh: number, sw: number,
  padTop: number, padLeft: number, outH: number, outW: number,
) => void;

/** One loaded instance: the module (for workers), its shared memory and its exports. */
export interface KernelInstance {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  /** Bytes of one thread's workspace, rounded up to whole pages (the larger of both dtypes). */
  readonly scratchStride: number;
}
