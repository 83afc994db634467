/**
 * Where the fast paths are required (CI), they are there and in use: WebAssembly SIMD kernels, and
 * worker threads on shared memory taking part in a large product. And the suites of the fast paths
 * fail, not skip, when they are required but missing (see fast-paths.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { platform } from '#platform';
import { Graph, kernelOptions, setKernelOptions, tensor } from '../src/index.js';
import { workerCount } from '../src/kernels/wasm/pool.js';
import { fastPathPlan, fastPathsRequired } from './fast-paths.js';

const initial = kernelOptions();
afterEach(() => {
  setKernelOptions({ backend: 'auto', threads: initial.threads });
});

describe('when the fast paths are required', () => {
  it('CI or CHAINRULE_REQUIRE_FAST_PATHS=1 requires them', () => {
    expect(fastPathsRequired({})).toBe(false);
    expect(fastPathsRequired({ CI: 'true' })).toBe(true);
    expect(fastPathsRequired({ CI: '1' })).toBe(true);
    expect(fastPathsRequired({ CI: 'false' })).toBe(false);
    expect(fastPathsRequired({ CI: '' })).toBe(false);
    expect(fastPathsRequired({ CHAINRULE_REQUIRE_FAST_PATHS: '1' })).toBe(true);
  });

  it('a suite whose fast path is missing fails where they are required, and is skipped elsewhere', () => {
    expect(fastPathPlan(true, true)).toBe('run');
    expect(fastPathPlan(true, false)).toBe('run');
    expect(fastPathPlan(false, false)).toBe('skip');
    expect(fastPathPlan(false, true)).toBe('fail');
  });
});

describe.skipIf(!fastPathsRequired() && !kernelOptions().wasmSimd)('the fast paths on this runtime (required here, or available)', () => {
  it('WebAssembly SIMD kernels run the products', () => {
    expect(kernelOptions().wasmSimd).toBe(true);
    expect(setKernelOptions({ backend: 'auto' }).backend).toBe('wasm');
  });

  it('worker threads share memory and take part in a large product', () => {
    expect(platform.sharedWorkers).toBe(true);
    expect(setKernelOptions({ threads: 2 }).threads).toBe(2);
    const g = new Graph();
    const a = g.input('a', [128, 128]);
    const product = a.matmul(a).sum();
    const ones = tensor(new Float64Array(128 * 128).fill(1), [128, 128]);
    expect(g.run([product], { a: ones }, { executor: 'compiled' })[0]!.item()).toBe(128 ** 3);
    expect(workerCount()).toBeGreaterThanOrEqual(1);
  });
});
