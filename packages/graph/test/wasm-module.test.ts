/**
 * The committed WebAssembly module is exactly what the AssemblyScript source and the pinned
 * toolchain produce: a stale or hand-edited src/kernels/wasm/module.ts fails here. Rebuild it with
 * `pnpm --filter @chainrule/graph build:wasm`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWasmKernels, renderWasmModule, WASM_MODULE } from '../scripts/wasm-build.js';

describe('the WebAssembly kernels module', () => {
  it('is reproduced byte for byte by rebuilding it from wasm/*.ts', async () => {
    const bytes = await compileWasmKernels();
    expect(renderWasmModule(bytes)).toBe(readFileSync(WASM_MODULE, 'utf8'));
  }, 120_000);

  it('imports nothing but the shared memory and exports only the kernels', async () => {
    const module = new WebAssembly.Module(await compileWasmKernels());
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(['CHUNK', 'SCRATCH32_BYTES', 'SCRATCH64_BYTES', 'batchNorm32', 'batchNorm64', 'col2im32', 'col2im64', 'elementwise32', 'elementwise64', 'gemm32', 'gemm64', 'im2col32', 'im2col64', 'maxPool32', 'maxPool64', 'maxPoolBackprop32', 'maxPoolBackprop64', 'memory', 'sumBlocks32', 'sumBlocks64']);
  }, 120_000);
});
