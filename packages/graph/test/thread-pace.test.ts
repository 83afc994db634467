/**
 * The decision whether splitting products across threads pays: backing off exponentially after
 * split products that did not pay, trying again after each back-off, and resetting on one that did.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF, PAYS, ThreadPace } from '../src/kernels/wasm/pace.js';

/** How many calls of split() return false before the next true. */
function skipped(pace: ThreadPace): number {
  let n = 0;
  while (!pace.split()) n++;
  return n;
}

describe('ThreadPace', () => {
  it('splits every product while splitting pays (up to PAYS of the one-thread time inclusive)', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 100; i++) {
      expect(pace.split()).toBe(true);
      pace.record(i % 2 === 0 ? 0.55 : PAYS, 1);
    }
  });

  it('after consecutive misses runs 1, 2, 4 … 64 products on one thread before trying again, and one split that pays resets it', () => {
    const pace = new ThreadPace();
    const skips: number[] = [];
    expect(pace.split()).toBe(true);
    for (let miss = 0; miss < 9; miss++) {
      pace.record(1.2, 1);
      skips.push(skipped(pace)); // ends on the split that tries again
    }
    expect(skips).toEqual([1, 2, 4, 8, 16, 32, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF]);
    pace.record(0.5, 1);
    expect(pace.split()).toBe(true);
    pace.record(PAYS + 0.01, 1);
    expect(skipped(pace)).toBe(1);
  });

  it('reset() forgets the misses: the next product is split, and the next miss skips one', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 5; i++) {
      pace.split();
      pace.record(2, 1);
    }
    expect(pace.split()).toBe(false);
    pace.reset();
    expect(pace.split()).toBe(true);
    pace.record(2, 1);
    expect(skipped(pace)).toBe(1);
  });
});
