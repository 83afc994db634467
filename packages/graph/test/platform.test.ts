import { describe, expect, it } from 'vitest';
import { platform } from '#platform';

describe('the Node platform', () => {
  it('counts the cores and may block', () => {
    expect(platform.cores).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(platform.cores)).toBe(true);
    expect(platform.canBlock).toBe(true);
  });

  it('starts a worker that runs the given function on the given data (shared memory included)', () => {
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const body = '({ flag, value }) => { Atomics.store(flag, 1, value); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }';
    expect(platform.startWorker(body, { flag, value: 42 })).toBe(true);
    expect(Atomics.wait(flag, 0, 0, 10_000)).not.toBe('timed-out');
    expect(flag[1]).toBe(42);
  });
});
