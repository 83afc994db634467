/**
 * The decision whether splitting products across threads pays: running sums of split and
 * one-thread times, splitting while their ratio is at most PAYS, and probing about every PROBE-th
 * product otherwise, at spacings drawn between PROBE/2 and 3·PROBE/2.
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

  it('stops splitting when splits take as long as one thread, and then splits only a probe every PROBE products or so', () => {
    const pace = new ThreadPace();
    let splits = 0;
    while (pace.ratio <= PAYS && splits < 40) {
      expect(pace.split()).toBe(true);
      pace.record(1.05, 1);
      splits++;
    }
    // from 0.5 towards 1.05 by an eighth of the gap per product: the gap 0.55·(7/8)ⁿ is below 0.15 from n = 10
    expect(splits).toBe(10);
    const gaps: number[] = [];
    for (let probe = 0; probe < 200; probe++) {
      gaps.push(skipped(pace) + 1);
      pace.record(1.05, 1);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROBE / 2);
    expect(Math.max(...gaps)).toBeLessThan((3 * PROBE) / 2);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(PROBE - 1.5);
    expect(mean).toBeLessThan(PROBE + 1.5);
  });

  it('probes each product of a step that repeats the same eight products, not always the same one', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 30; i++) pace.record(2, 1);
    const probed = new Set<number>();
    for (let step = 0; step < 100; step++) {
      for (let product = 0; product < 8; product++) {
        if (pace.split()) {
          probed.add(product);
          pace.record(2, 1);
        }
      }
    }
    expect(probed.size).toBe(8);
  });

  it('reacts as fast to small products as to large ones: splits that cost twice one thread stop after as many products', () => {
    const splitsUntilStop = (ms: number): number => {
      const pace = new ThreadPace();
      let splits = 0;
      while (pace.split() && splits < 100) {
        pace.record(2 * ms, ms);
        splits++;
      }
      return splits;
    };
    const counts = [10, 1, 0.1, 0.02].map(splitsUntilStop);
    expect(counts[0]).toBeGreaterThan(1);
    expect(counts[0]).toBeLessThan(10);
    expect(new Set(counts).size, `splits before stopping for 10, 1, 0.1 and 0.02 ms: ${counts.join(', ')}`).toBe(1);
  });

  it('weighs each product by its time: a worker 5 ms late on a 0.35 ms product among 30 ms products keeps splitting', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 50; i++) pace.record(16.5, 30);
    pace.record(5, 0.35);
    expect(pace.ratio).toBeLessThan(0.7);
    expect(pace.split()).toBe(true);
    // the same wait on every product does stop it
    for (let i = 0; i < 20; i++) pace.record(35, 30);
    expect(pace.split()).toBe(false);
  });

  it('counts a rare long wait for what it costs: one split 17 times too slow among fast ones stops splitting for a while', () => {
    const pace = new ThreadPace();
    for (let i = 0; i < 50; i++) pace.record(0.5, 1);
    pace.record(17, 1);
    expect(pace.ratio).toBeGreaterThan(PAYS);
    // 0.5 + 16.5/8 ≈ 2.56; paying probes bring it back by an eighth of the gap each: 2.06·(7/8)ⁿ ≤ 0.4 from n = 13
    let probes = 0;
    while (pace.ratio > PAYS) {
      expect(skipped(pace)).toBeGreaterThanOrEqual(PROBE / 2 - 1);
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
