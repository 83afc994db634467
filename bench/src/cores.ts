/**
 * Whether the machine's cores are free right now: the same fixed integer loop is timed alone on
 * the main thread, then on the main thread and a worker thread at once. With a free second core
 * both finish in the time of one; when other work holds it (or the two "cores" are siblings of one
 * physical core) the pair takes longer. The figure is the single-loop time over the slower of the
 * pair: about 1 when free, about 0.5 when the pair shares one core.
 */
import { Worker } from 'node:worker_threads';
import { median } from './timing.js';

/** Iterations of the loop: about 100 ms of one core. */
const ITERATIONS = 60_000_000;

// The loop, as text so that the worker runs exactly the same code (a linear congruential generator
// whose result is returned, so that it cannot be optimised away).
const SPIN = `(iterations) => {
  let x = 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  return x;
}`;
// Made from the same text as the worker's copy (a constant of this module).
const spin = new Function(`return ${SPIN}`)() as (iterations: number) => number;

const WORKER = `const { parentPort } = require('node:worker_threads');
const spin = ${SPIN};
parentPort.on('message', (iterations) => {
  const t0 = performance.now();
  spin(iterations);
  parentPort.postMessage(performance.now() - t0);
});
parentPort.postMessage('ready');`;

/** The spin check's result. */
export interface CoreCheck {
  /** Milliseconds of one loop alone (median). */
  readonly aloneMs: number;
  /** Milliseconds of the slower of two loops run at once (median). */
  readonly pairMs: number;
  /** aloneMs ÷ pairMs: about 1 when two cores are free, about 0.5 when the pair shares one. */
  readonly efficiency: number;
}

const timed = (): number => {
  const t0 = performance.now();
  spin(ITERATIONS);
  return performance.now() - t0;
};

/**
 * Times the loop alone and as a pair (main thread and one worker), `rounds` times each, alternating.
 *
 * @param rounds - repetitions; the medians are reported.
 * @returns the timings and their ratio.
 */
export async function checkCores(rounds = 3): Promise<CoreCheck> {
  const worker = new Worker(WORKER, { eval: true });
  const messages: unknown[] = [];
  let wake: (() => void) | undefined;
  worker.on('message', (m: unknown) => {
    messages.push(m);
    wake?.();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return messages.shift();
  };
  try {
    await next(); // ready
    timed(); // warm-up: the loop optimised on this thread
    worker.postMessage(ITERATIONS / 10);
    await next(); // …and on the worker
    const alone: number[] = [];
    const pair: number[] = [];
    for (let r = 0; r < rounds; r++) {
      alone.push(timed());
      worker.postMessage(ITERATIONS);
      const mine = timed();
      pair.push(Math.max(mine, (await next()) as number));
    }
    const aloneMs = median(alone);
    const pairMs = median(pair);
    return { aloneMs, pairMs, efficiency: aloneMs / pairMs };
  } finally {
    await worker.terminate();
  }
}

/** The efficiency above which the bench calls the two cores free. */
export const FREE_CORES = 0.85;
