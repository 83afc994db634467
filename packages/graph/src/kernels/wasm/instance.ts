/// <reference path="./webassembly.d.ts" />
/** The exports of the compiled kernels (see packages/graph/wasm/gemm.ts). */
export interface KernelExports {
  readonly gemm32: KernelFunction;
  readonly gemm64: KernelFunction;
  /** elementwise32/elementwise64: (program, n), see packages/graph/wasm/elementwise.ts. */
  readonly elementwise32: (program: number, n: number) => void;
  readonly elementwise64: (program: number, n: number) => void;
  readonly CHUNK: WebAssembly.Global;
  readonly SCRATCH32_BYTES: WebAssembly.Global;
  readonly SCRATCH64_BYTES: WebAssembly.Global;
}

/** gemm32/gemm64: (c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, scratch) on byte addresses. */
export type KernelFunction = (
  c: number, a: number, b: number, m: number, k: number, n: number, tA: number, tB: number,
  i0: number, i1: number, j0: number, j1: number, scratch: number,
) => void;

/** One loaded instance: the module (for workers), its shared memory and its exports. */
export interface KernelInstance {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  /** Bytes of one thread's workspace, rounded up to whole pages (the larger of both dtypes). */
  readonly scratchStride: number;
}
