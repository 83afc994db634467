/**
 * The decision whether splitting products across threads pays: a running mean of split time ÷
 * one-thread time, splitting while it is at most PAYS, and probing every PROBE-th product otherwise.
 */
import { describe, expect, it } from 'vitest';
import { PAYS, PROBE, ThreadPace } from '../src/kernels/wasm/pace.js';

/** How many calls of split() return false before the next true (at most 1000). */
function skipped(pace: ThreadPace): number {
  let n = 0;
  while (!pace.split() && n < 1000) n++;
  return n;
}

describe('ThreadPace', () => {
  it('splits every product while splitting pays', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 200; i++) {
      expect(pace.split()).toBe(true);
      pace.record(i % 2 === 0 ? 0.55 : PAYS, 1);
    }
    expect(pace.ratio).toBeLessThanOrEqual(PAYS);
  });

  it('stops splitting when splits take as long as one thread, and then splits only every PROBE-th product', () => {
    const pace = new ThreadPace();
    let splits = 0;
    while (pace.ratio <= PAYS && splits < 40) {
      expect(pace.split()).toBe(true);
      pace.record(1.05, 1);
      splits++;
    }
    // from 0.5 towards 1.05 by an eighth of the gap per product: the gap 0.55·(7/8)ⁿ is below 0.15 from n = 10
    expect(splits).toBe(10);
    for (let probe = 0; probe < 5; probe++) {
      expect(skipped(pace)).toBe(PROBE - 1);
      pace.record(1.05, 1);
    }
  });

  it('counts a rare long wait for what it costs: one split 17 times too slow among fast ones stops splitting for a while', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 50; i++) pace.record(0.5, 1);
    pace.record(17, 1);
    expect(pace.ratio).toBeGreaterThan(PAYS);
    // 0.5 + 16.5/8 ≈ 2.56; paying probes bring it back by an eighth of the gap each: 2.06·(7/8)ⁿ ≤ 0.4 from n = 13
    let probes = 0;
    while (pace.ratio > PAYS) {
      expect(skipped(pace)).toBe(PROBE - 1);
      pace.record(0.5, 1);
      probes++;
    }
    expect(probes).toBe(13);
    expect(pace.split()).toBe(true);
  });

  it('ignores a measurement without a one-thread time, and reset() forgets everything', () => {
    const pace = new ThreadPace();
    pace.record(5, 0);
    expect(pace.ratio).toBe(0.5);
    for (let i = 0; i < 30; i++) pace.record(3, 1);
    expect(pace.split()).toBe(false);
    pace.reset();
    expect(pace.ratio).toBe(0.5);
    expect(pace.split()).toBe(true);
  });
});
