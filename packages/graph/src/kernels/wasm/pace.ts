/**
 * Whether splitting a product across threads pays on this machine now. Each split product measures
 * itself: the calling thread times its own blocks, which says how long one thread would have taken
 * for all of them (the blocks are of nearly equal size), and the ratio r = split time ÷ that
 * estimate goes into a running mean, r̄ ← r̄ + (r − r̄)/8. On two free cores r ≈ 0.55. When the
 * other core is busy (other processes, or a sibling hyperthread) a worker may be descheduled while
 * it holds a block, the caller waits for it, and r is 1 or far above. The mean is over time, not a
 * median: a rare long wait counts for what it costs. Products are split while r̄ ≤ {@link PAYS};
 * otherwise they run on the calling thread, except every {@link PROBE}-th, which is split to
 * measure again. Results do not depend on it: every element is summed in the same order however a
 * product is split.
 */

/** Products are split while the running mean of split time ÷ one-thread time is at most this. */
export const PAYS = 0.9;
/** While splitting does not pay, every this-many-th large product is split anyway, to measure. */
export const PROBE = 16;
/** Weight of the newest ratio in the running mean. */
const WEIGHT = 1 / 8;
/** The running mean before anything is measured: splitting is tried at once. */
const START = 0.5;

/** The decision's state: the running mean of the ratio, and the products since the last probe. */
export class ThreadPace {
  private mean = START;
  private since = 0;

  /**
   * Whether the next large product may be split.
   *
   * @example
   * ```ts
   * const parts = pace.split() ? threads : 1;
   * ```
   */
  split(): boolean {
    if (this.mean <= PAYS) return true;
    this.since++;
    if (this.since < PROBE) return false;
    this.since = 0;
    return true;
  }

  /**
   * Records a split product.
   *
   * @param splitMs - how long the split product took, posting to settling.
   * @param serialMs - how long one thread would have taken: the caller's time per block × blocks.
   * @example
   * ```ts
   * pace.record(1.1, 2.0); // r = 0.55: splitting pays
   * ```
   */
  record(splitMs: number, serialMs: number): void {
    if (!(serialMs > 0)) return;
    this.mean += (splitMs / serialMs - this.mean) * WEIGHT;
  }

  /**
   * Forgets what was measured, so that the next product is split (tests that must run the split
   * path).
   *
   * @example
   * ```ts
   * pace.reset();
   * ```
   */
  reset(): void {
    this.mean = START;
    this.since = 0;
  }

  /** The running mean of split time ÷ one-thread time (for tests and diagnostics). */
  get ratio(): number {
    return this.mean;
  }
}
