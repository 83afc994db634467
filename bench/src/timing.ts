/**
 * Interleaved timing: every contender of a group runs once per repetition, round-robin, so slow
 * drift of the machine (thermal state, other load, GC pressure) touches all of them alike. Each
 * figure is the median over repetitions of a rate measured over one block of calls.
 */

/** One thing to time: `run` does one unit of work (a step, an evaluation, a product). */
export interface Contender {
  /** Stable key, used in the JSON output (e.g. `chainrule_interpreter`). */
  readonly key: string;
  /** Called before each block of calls, untimed (e.g. switch the tfjs backend). */
  readonly enter?: () => Promise<void> | void;
  /**
   * One unit of work; must force its result (read the data back) so that lazy work is counted. A
   * contender whose work is asynchronous (ONNX Runtime) returns a promise, and each call is awaited.
   */
  readonly run: () => unknown;
  /**
   * A contender that times itself (a subprocess): runs one block of at least `ms` milliseconds and
   * `minCalls` calls and returns its rate in calls per second. When present, `run` is not called.
   */
  readonly block?: (ms: number, minCalls: number) => Promise<number>;
}

/** How long to measure. */
export interface TimingPlan {
  /** Untimed warm-up per contender, in milliseconds (at least `minCalls` calls). */
  readonly warmupMs: number;
  /** Repetitions; the reported rate is their median. */
  readonly reps: number;
  /** Minimum duration of one timed block, in milliseconds. */
  readonly blockMs: number;
  /** Minimum calls in a block (and in the warm-up). */
  readonly minCalls: number;
}

/** The measured rate of one contender. */
export interface Rate {
  /** Median calls per second over the repetitions. */
  readonly perSecond: number;
  /** (max − min) / median of the per-repetition rates: a rough noise figure. */
  readonly spread: number;
  /** Per-repetition rates, in the order measured. */
  readonly samples: readonly number[];
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @param xs - at least one number.
 * @returns the median.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function block(c: Contender, ms: number, minCalls: number): Promise<number> {
  await c.enter?.();
  if (c.block !== undefined) return c.block(ms, minCalls);
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    const done = c.run();
    if (done instanceof Promise) await done; // only async contenders pay for the await
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < ms || calls < minCalls);
  return (calls * 1000) / elapsed;
}

/**
 * Times contenders against each other: warm-up of each, then `reps` rounds in which every
 * contender runs one block, the starting contender rotating from round to round.
 *
 * @param contenders - what to time.
 * @param plan - warm-up, repetitions and block length.
 * @returns the rate of each contender, by key.
 */
export async function interleaved(contenders: readonly Contender[], plan: TimingPlan): Promise<Map<string, Rate>> {
  for (const c of contenders) await block(c, plan.warmupMs, plan.minCalls);
  const samples = new Map<string, number[]>(contenders.map((c) => [c.key, []]));
  for (let rep = 0; rep < plan.reps; rep++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(rep + i) % contenders.length]!;
      samples.get(c.key)!.push(await block(c, plan.blockMs, plan.minCalls));
    }
  }
  const rates = new Map<string, Rate>();
  for (const [key, xs] of samples) {
    const m = median(xs);
    rates.set(key, { perSecond: m, spread: (Math.max(...xs) - Math.min(...xs)) / m, samples: xs });
  }
  return rates;
}
