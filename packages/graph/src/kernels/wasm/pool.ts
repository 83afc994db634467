/**
 * Worker threads for large matrix products. Each worker instantiates the kernels on the same
 * shared memory; the calling thread posts one block per worker through a control block of
 * Int32 slots at address 0, computes its own block, and waits (Atomics.wait) until every worker
 * has reported. Runs stay synchronous for the caller.
 *
 * Control block (Int32 indices): SEQ, bumped once per job; DONE, workers finished with it;
 * READY, workers started; then one JOB_INTS-slot record per worker:
 * [kind (0 idle, 32, 64), c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, scratch].
 */
import { Worker } from 'node:worker_threads';
import type { DType } from '../../dtype.js';
import { MAX_THREADS } from '../limits.js';
import type { KernelInstance } from './runtime.js';

const SEQ = 0;
const DONE = 1;
const READY = 2;
const JOBS = 16;
const JOB_INTS = 16;
/** Polls of a shared slot before falling asleep on it (roughly 50–100 µs). */
const SPIN = 20_000;

/** Bytes the control block occupies at the start of the memory. */
export const CONTROL_BYTES = (JOBS + MAX_THREADS * JOB_INTS) * 4;

/** A block C[i0..i1, j0..j1] of a product, computed by one thread. */
export interface Block {
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
}

/** The operands of one product, as byte addresses in the shared memory. */
export interface Job {
  readonly dtype: DType;
  readonly c: number;
  readonly a: number;
  readonly b: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly tA: number;
  readonly tB: number;
}

// The worker's whole program: a constant of this module, never text from a graph.
const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, slot } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${JOBS + MAX_THREADS * JOB_INTS});
let seen = Atomics.load(ctl, ${SEQ});
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
const job = ${JOBS} + slot * ${JOB_INTS};
for (;;) {
  // Products tend to come in bursts (a training step's forward and backward passes): poll briefly
  // before sleeping, since waking from Atomics.wait costs tens of microseconds.
  for (let spin = 0; spin < ${SPIN} && Atomics.load(ctl, ${SEQ}) === seen; spin++);
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  const kind = ctl[job];
  if (kind !== 0) {
    const kernel = kind === 32 ? kernels.gemm32 : kernels.gemm64;
    kernel(ctl[job + 1], ctl[job + 2], ctl[job + 3], ctl[job + 4], ctl[job + 5], ctl[job + 6], ctl[job + 7],
      ctl[job + 8], ctl[job + 9], ctl[job + 10], ctl[job + 11], ctl[job + 12], ctl[job + 13]);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

const workers: Worker[] = [];
let control: Int32Array | undefined;

/** How long to wait for new workers to start before giving up on them (ms). */
const START_TIMEOUT_MS = 10_000;

/** Starts workers until there are `count`; false if they did not come up in time. */
function ensureWorkers(kernels: KernelInstance, count: number): boolean {
  control ??= new Int32Array(kernels.memory.buffer, 0, CONTROL_BYTES / 4);
  const ctl = control;
  while (workers.length < count) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: kernels.module, memory: kernels.memory, slot: workers.length },
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    workers.push(worker);
  }
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (let ready = Atomics.load(ctl, READY); ready < count; ready = Atomics.load(ctl, READY)) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, READY, ready, left);
  }
  return true;
}

/**
 * Computes `blocks` of one product: blocks[0] on the calling thread, the others on workers, each
 * with its own workspace (`scratchBase` + t · scratchStride). Returns when all are done.
 */
export function runParallel(kernels: KernelInstance, job: Job, blocks: readonly Block[], scratchBase: number): void {
  const kernel = job.dtype === 'float32' ? kernels.exports.gemm32 : kernels.exports.gemm64;
  const helpers = blocks.length - 1;
  if (!ensureWorkers(kernels, helpers)) {
    for (const [t, block] of blocks.entries()) run(kernel, job, block, scratchBase + t * kernels.scratchStride);
    return;
  }
  const ctl = control!;
  for (let w = 0; w < workers.length; w++) {
    const at = JOBS + w * JOB_INTS;
    const block = blocks[w + 1];
    if (block === undefined) {
      ctl[at] = 0;
      continue;
    }
    ctl.set([job.dtype === 'float32' ? 32 : 64, job.c, job.a, job.b, job.m, job.k, job.n, job.tA, job.tB,
      block.i0, block.i1, block.j0, block.j1, scratchBase + (w + 1) * kernels.scratchStride], at);
  }
  Atomics.store(ctl, DONE, 0);
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ);
  run(kernel, job, blocks[0]!, scratchBase);
  for (let spin = 0; spin < SPIN && Atomics.load(ctl, DONE) < workers.length; spin++);
  for (let done = Atomics.load(ctl, DONE); done < workers.length; done = Atomics.load(ctl, DONE)) {
    Atomics.wait(ctl, DONE, done);
  }
}

function run(kernel: (...args: number[]) => void, job: Job, block: Block, scratch: number): void {
  kernel(job.c, job.a, job.b, job.m, job.k, job.n, job.tA, job.tB, block.i0, block.i1, block.j0, block.j1, scratch);
}
