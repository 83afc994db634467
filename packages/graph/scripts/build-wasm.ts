/** Rebuilds `src/kernels/wasm/module.ts` from `wasm/*.ts` (`pnpm --filter @chainrule/graph build:wasm`). */
import { writeFileSync } from 'node:fs';
import { compileWasmKernels, renderWasmModule, WASM_MODULE } from './wasm-build.js';

const bytes = await compileWasmKernels();
writeFileSync(WASM_MODULE, renderWasmModule(bytes));
console.log(`wrote ${WASM_MODULE} (${bytes.length} bytes of WebAssembly)`);
