/**
 * The size of the worker pool's control block, which sits at the start of the kernels' memory (its
 * slots are described in pool.ts): the memory plan needs it before any worker exists.
 */
import { MAX_THREADS } from '../limits.js';

/** Where the block records start, in Int32 slots (after the pool's own slots). */
export const RECORDS = 16;
/** Int32 slots of one block record. */
export const RECORD_INTS = 16;
/** Most blocks one product is split into. */
export const MAX_BLOCKS = 4 * MAX_THREADS;
/** Bytes the control block occupies at the start of the memory. */
export const CONTROL_BYTES = (RECORDS + MAX_BLOCKS * RECORD_INTS) * 4;
