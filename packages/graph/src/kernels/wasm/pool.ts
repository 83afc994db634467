/**
 * Worker threads for large matrix products. Each worker instantiates the kernels on the same
 * shared memory. The calling thread posts the blocks of a product as records, wakes the workers,
 * and then claims blocks itself like any worker; when none is left to claim it waits for the
 * blocks in progress. A worker that is slow to wake (or still starting, or descheduled on a busy
 * machine) therefore never holds a product up by more than the block it has taken. Runs stay
 * synchronous for the caller. Whether a product is split at all, {@link pace} decides from how the
 * split products before it fared.
 *
 * Control block (Int32 slots at address 0): GENERATION, bumped with every product (workers sleep
 * on it); BLOCKS, the number of records in use; HELPERS, how many workers may take part (worker w,
 * from 1, claims blocks only while w ≤ HELPERS); then one record of RECORD_INTS slots per block:
 * [state, c, a, b, m, k, n, tA, tB, i0, i1, j0, j1, kind (32 or 64)], where state goes
 * IDLE → POSTED (by the caller, after the other slots) → TAKEN (compare-and-swap, by whichever
 * thread claims it) → DONE (or FAILED, if the kernel trapped) → IDLE (by the caller, once none is
 * in progress; also when the caller's own block throws, so no record outlives its product). A
 * thread computes every block it claims in its own workspace.
 */
import { platform } from '#platform';
import type { DType } from '../../core/dtype.js';
import { ExecutionError } from '../../core/errors.js';
import { CONTROL_BYTES, RECORD_INTS, RECORDS } from './control.js';
import { heapAllocate, heapFree } from './heap.js';
import { ThreadPace } from './pace.js';
import type { KernelInstance } from './instance.js';

const IDLE = 0;
const POSTED = 1;
const TAKEN = 2;
const DONE = 3;
const FAILED = 4;
const GENERATION = 0;
const BLOCKS = 1;
const HELPERS = 2;
/** Polls of a state slot before falling asleep on it (roughly 50–100 µs). */
const SPIN = 20_000;


// The worker's whole program: a constant of this module, never text from a graph. Products tend
// to come in bursts (a training step's forward and backward passes), so it polls briefly before
// sleeping: waking from Atomics.wait costs tens of microseconds.
const WORKER_SOURCE = `({ module, memory, scratch, index }) => {
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
const claim = () => {
  // Only as many workers as the current thread setting take part.
  if (index > ctl[${HELPERS}]) return -1;
  const blocks = ctl[${BLOCKS}];
  for (let b = 0; b < blocks; b++) {
    const at = ${RECORDS} + b * ${RECORD_INTS};
    if (Atomics.load(ctl, at) === ${POSTED} && Atomics.compareExchange(ctl, at, ${POSTED}, ${TAKEN}) === ${POSTED}) return at;
  }
  return -1;
};
let seen = Atomics.load(ctl, ${GENERATION});
for (;;) {
  for (let at = claim(); at >= 0; at = claim()) {
    const kernel = ctl[at + 13] === 32 ? kernels.gemm32 : kernels.gemm64;
    let outcome = ${DONE};
    try {
      kernel(ctl[at + 1], ctl[at + 2], ctl[at + 3], ctl[at + 4], ctl[at + 5], ctl[at + 6], ctl[at + 7], ctl[at + 8],
        ctl[at + 9], ctl[at + 10], ctl[at + 11], ctl[at + 12], scratch);
    } catch {
      outcome = ${FAILED};
    }
    Atomics.store(ctl, at, outcome);
    Atomics.notify(ctl, at);
  }
  let generation = Atomics.load(ctl, ${GENERATION});
  // Workers beyond the current thread setting sleep at once instead of polling.
  const polls = index > ctl[${HELPERS}] ? 0 : ${SPIN};
  for (let spin = 0; spin < polls && generation === seen; spin++) generation = Atomics.load(ctl, ${GENERATION});
  if (generation === seen) Atomics.wait(ctl, ${GENERATION}, seen);
  seen = Atomics.load(ctl, ${GENERATION});
}
}`;

let started = 0;
let control: Int32Array | undefined;

/** Whether splitting products pays now, as the split products measure it (see pace.ts). */
export const pace = new ThreadPace();

/** Workers started so far (they persist; the thread setting limits how many take part). */
export function workerCount(): number {
  return started;
}

let startFailed = false;

/**
 * Starts workers until there are `count`, each with a workspace of its own from the kernels' heap.
 * Where workers cannot start (a permission model without worker threads, say) it stops trying, and
 * where the memory has no room for another workspace it starts fewer: the calling thread then
 * takes every block back itself.
 *
 * @returns how many of the `count` wanted are running.
 */
export function startWorkers(kernels: KernelInstance, count: number): number {
  while (started < count && !startFailed) {
    const scratch = heapAllocate(kernels, kernels.scratchStride);
    if (scratch === undefined) break;
    // A worker that dies stops claiming blocks; the caller computes what it leaves.
    if (platform.startWorker(WORKER_SOURCE, { module: kernels.module, memory: kernels.memory, scratch, index: started + 1 })) started++;
    else {
      heapFree(scratch);
      startFailed = true;
    }
  }
  return Math.min(started, count);
}

/**
 * Computes the `count` blocks of one product C = op(A)·op(B) (byte addresses c, a, b in the shared
 * memory; block t is C[bounds[4t] .. bounds[4t+1], bounds[4t+2] .. bounds[4t+3]]) on the calling
 * thread and `helpers` worker threads, whichever claims each block first. The caller computes in
 * the workspace at `scratchBase`, each worker in its own (see {@link startWorkers}). Returns when
 * every block is done.
 *
 * @throws ExecutionError when the kernel fails on any block (after every block has settled).
 */
export function runParallel(
  kernels: KernelInstance,
  dtype: DType,
  c: number, a: number, b: number, m: number, k: number, n: number, tA: number, tB: number,
  bounds: Int32Array,
  count: number,
  scratchBase: number,
  helpers: number,
): void {
  const kernel = dtype === 'float32' ? kernels.exports.gemm32 : kernels.exports.gemm64;
  startWorkers(kernels, helpers);
  control ??= new Int32Array(kernels.memory.buffer, 0, CONTROL_BYTES / 4);
  const ctl = control;
  const kind = dtype === 'float32' ? 32 : 64;
  ctl[BLOCKS] = count;
  ctl[HELPERS] = helpers;
  for (let t = 0; t < count; t++) {
    const at = RECORDS + t * RECORD_INTS;
    ctl[at + 1] = c;
    ctl[at + 2] = a;
    ctl[at + 3] = b;
    ctl[at + 4] = m;
    ctl[at + 5] = k;
    ctl[at + 6] = n;
    ctl[at + 7] = tA;
    ctl[at + 8] = tB;
    ctl[at + 9] = bounds[4 * t]!;
    ctl[at + 10] = bounds[4 * t + 1]!;
    ctl[at + 11] = bounds[4 * t + 2]!;
    ctl[at + 12] = bounds[4 * t + 3]!;
    ctl[at + 13] = kind;
    Atomics.store(ctl, at, POSTED);
  }
  const start = performance.now();
  Atomics.add(ctl, GENERATION, 1);
  Atomics.notify(ctl, GENERATION);
  let thrown: unknown;
  let own = 0;
  let ownMs = 0;
  for (let t = 0; t < count && thrown === undefined; t++) {
    const at = RECORDS + t * RECORD_INTS;
    if (Atomics.compareExchange(ctl, at, POSTED, TAKEN) !== POSTED) continue;
    try {
      const t0 = performance.now();
      kernel(c, a, b, m, k, n, tA, tB, bounds[4 * t]!, bounds[4 * t + 1]!, bounds[4 * t + 2]!, bounds[4 * t + 3]!, scratchBase);
      ownMs += performance.now() - t0;
      own++;
      Atomics.store(ctl, at, DONE);
    } catch (e) {
      thrown = e;
      Atomics.store(ctl, at, FAILED);
    }
  }
  // Withdraw what nobody has taken (there is some only if the caller's own block threw), wait for
  // the blocks in progress, and free every record: none may outlive its product.
  let failed = thrown !== undefined;
  for (let t = 0; t < count; t++) {
    const at = RECORDS + t * RECORD_INTS;
    Atomics.compareExchange(ctl, at, POSTED, IDLE);
    failed ||= settle(ctl, at) === FAILED;
  }
  for (let t = 0; t < count; t++) Atomics.store(ctl, RECORDS + t * RECORD_INTS, IDLE);
  // The caller's time per block says what one thread would have taken (when it computed any).
  if (!failed && own > 0) pace.record(performance.now() - start, (ownMs / own) * count);
  if (failed) {
    throw new ExecutionError(
      `matmul: the WebAssembly kernel failed on a block of a ${m}×${k}·${k}×${n} ${dtype} product` + (thrown instanceof Error ? `: ${thrown.message}` : ''),
    );
  }
}

/**
 * Waits until the record at `at` is not in progress (polling first, then sleeping where the thread
 * may block; a browser's main thread may not, so it keeps polling); its state.
 */
function settle(ctl: Int32Array, at: number): number {
  let state = Atomics.load(ctl, at);
  for (let spin = 0; spin < SPIN && state === TAKEN; spin++) state = Atomics.load(ctl, at);
  while (state === TAKEN) {
    if (platform.canBlock) Atomics.wait(ctl, at, state);
    state = Atomics.load(ctl, at);
  }
  return state;
}
