/**
 * Item 5: memory before and after many training steps. Each contender is run alone (this is not a
 * timing), with full garbage collections before every reading, so what remains is what the
 * library keeps: JS heap, external/ArrayBuffer memory (tfjs-wasm's heap lives there) and RSS.
 */
import type { TrainingContender } from './training.js';

/** Memory figures of one contender, in bytes (tensor counts for tfjs). */
export interface MemoryReport {
  readonly steps: number;
  readonly heapBefore: number;
  readonly heapMid: number;
  readonly heapAfter: number;
  readonly externalBefore: number;
  readonly externalAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly tensorsBefore?: number;
  readonly tensorsAfter?: number;
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('memory: run node with --expose-gc (the bench script does)');
  // twice: the first pass may only queue finalizers that free more on the second
  collect();
  collect();
};

/** Whether the process was started with `--expose-gc`. */
export function canCollect(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/**
 * Runs `steps` training steps of one contender between readings (after a short warm-up, so that
 * one-time allocations such as the optimiser state are not counted as growth).
 *
 * @param c - the contender.
 * @param steps - how many steps to run between the readings.
 * @returns the readings before, halfway and after.
 */
export async function measureMemory(c: TrainingContender, steps: number): Promise<MemoryReport> {
  await c.enter();
  for (let i = 0; i < 3; i++) await c.step();
  gc();
  const before = process.memoryUsage();
  const tensorsBefore = c.liveTensors?.();
  const half = Math.floor(steps / 2);
  for (let i = 0; i < half; i++) await c.step();
  gc();
  const mid = process.memoryUsage();
  for (let i = half; i < steps; i++) await c.step();
  gc();
  const after = process.memoryUsage();
  const tensorsAfter = c.liveTensors?.();
  return {
    steps,
    heapBefore: before.heapUsed,
    heapMid: mid.heapUsed,
    heapAfter: after.heapUsed,
    externalBefore: before.external,
    externalAfter: after.external,
    rssBefore: before.rss,
    rssAfter: after.rss,
    ...(tensorsBefore === undefined ? {} : { tensorsBefore, tensorsAfter }),
  };
}
