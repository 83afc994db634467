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
   * Called after `enter` before each block (the warm-up too), untimed: puts back the state the calls
   * change — a training step's parameters and optimiser state — so that every block times the same
   * calls from the same start.
   */
  readonly reset?: () => Promise<void> | void;
  /**
   * What the first calls of every block must return after `reset` (e.g. the losses of the first two
   * training steps from the initial state). A block whose first results differ by more than float32
   * rounding throws, naming the contender: a reset that leaves something out shows at once.
   */
  readonly opening?: readonly number[];
  /**
   * One unit of work; must force its result (read the data back) so that lazy work is counted. A
   * contender whose work is asynchronous (ONNX Runtime) returns a promise, and each call is awaited.
   */
  readonly run: () => unknown;
  /**
   * A contender that times itself (a subprocess): runs one block of at least `ms` milliseconds and
   * `minCalls` calls and returns its rate in calls per second and the results of its first calls.
   * When present, `run` is not called.
   */
  readonly block?: (ms: number, minCalls: number) => Promise<SelfTimedBlock>;
}

/** What a contender that times itself reports of one block. */
export interface SelfTimedBlock {
  /** Calls per second. */
  readonly perSecond: number;
  /** The results of the block's first calls (two, or fewer when the block had fewer), checked against `opening`. */
  readonly first: readonly number[];
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

/**
 * Relative difference allowed between a block's first results and `opening`: 64 float32 ulps
 * (2⁻¹⁷ ≈ 7.6e-6). A reset that restores everything gives the same bits again; one that leaves
 * Adam's moments or step count behind changes the second step's loss by far more (about 1e-2 on
 * the MLP).
 */
export const OPENING_TOLERANCE = 2 ** -17;

/**
 * Whether two results agree to float32 rounding ({@link OPENING_TOLERANCE}, relative; absolute
 * below 1).
 *
 * @param got - the result.
 * @param want - the expected value.
 * @returns whether they agree.
 * @example
 * ```ts
 * sameToFloat32(2.3784601, 2.37846); // true
 * ```
 */
export function sameToFloat32(got: number, want: number): boolean {
  return Math.abs(got - want) <= OPENING_TOLERANCE * Math.max(1, Math.abs(want));
}

/** Checks a block's first results against the contender's `opening`; throws naming the contender and the call. */
function checkOpening(c: Contender, first: readonly unknown[]): void {
  const want = c.opening ?? [];
  for (let i = 0; i < Math.min(want.length, first.length); i++) {
    const got = Number(first[i]);
    if (!sameToFloat32(got, want[i]!)) {
      throw new Error(`${c.key}: call ${i + 1} after its reset returned ${got}, not ${want[i]} as from the initial state: the reset does not restore everything the calls change`);
    }
  }
}

/**
 * Runs one block of a contender: `enter` and `reset` untimed, then calls until at least `ms`
 * milliseconds and `minCalls` calls have passed; checks the first results against `opening`.
 *
 * @param c - the contender.
 * @param ms - minimum duration.
 * @param minCalls - minimum calls.
 * @returns calls per second.
 * @example
 * ```ts
 * const stepsPerSecond = await timeBlock(contender, 0, 1); // one call
 * ```
 */
export async function timeBlock(c: Contender, ms: number, minCalls: number): Promise<number> {
  await c.enter?.();
  await c.reset?.();
  if (c.block !== undefined) {
    const r = await c.block(ms, minCalls);
    checkOpening(c, r.first);
    return r.perSecond;
  }
  const keep = c.opening?.length ?? 0;
  const first: unknown[] = [];
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    let done = c.run();
    if (done instanceof Promise) done = await done; // only async contenders pay for the await
    if (calls < keep) first.push(done);
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < ms || calls < minCalls);
  checkOpening(c, first);
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
  for (const c of contenders) await timeBlock(c, plan.warmupMs, plan.minCalls);
  const samples = new Map<string, number[]>(contenders.map((c) => [c.key, []]));
  for (let rep = 0; rep < plan.reps; rep++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(rep + i) % contenders.length]!;
      samples.get(c.key)!.push(await timeBlock(c, plan.blockMs, plan.minCalls));
    }
  }
  const rates = new Map<string, Rate>();
  for (const [key, xs] of samples) {
    const m = median(xs);
    rates.set(key, { perSecond: m, spread: (Math.max(...xs) - Math.min(...xs)) / m, samples: xs });
  }
  return rates;
}
