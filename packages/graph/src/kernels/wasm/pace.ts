/**
 * Whether splitting a product across threads pays on this machine now. Each split product measures
 * itself: the calling thread times its own blocks, which says how long one thread would have taken
 * for all of them (the blocks are of nearly equal size). Both times go into running sums that
 * forget by an eighth per product, S ← S + (t − S)/8, and the ratio r̄ = S_split ÷ S_serial is what
 * splitting has recently cost against one thread, each product weighing as much as it took. On two
 * free cores r̄ ≈ 0.55. When the other core is busy (other processes, or a sibling hyperthread) a
 * worker may be descheduled while it holds a block, the caller waits for it, and the split takes
 * as long as one thread or far longer. A rare long wait counts for the time it cost, not as a ratio:
 * a late worker on a product of 0.3 ms among products of several milliseconds barely moves r̄.
 * Products are split while r̄ ≤ {@link PAYS}; otherwise they run on the calling thread, except a
 * probe now and then, split to measure again: between PROBE/2 and 3·PROBE/2 products apart,
 * PROBE on average, the spacing drawn afresh each time so that probes do not keep landing on the
 * same product of a step that repeats the same sequence. Results do not depend on any of this:
 * every element is summed in the same order however a product is split.
 */

/** Products are split while recent split time ÷ one-thread time (see {@link ThreadPace.ratio}) is at most this. */
export const PAYS = 0.9;
/** While splitting does not pay, about every this-many-th large product is split anyway, to measure. */
export const PROBE = 16;
/** Weight of the newest product in the running sums. */
const WEIGHT = 1 / 8;
/** The ratio before anything is measured (splitting is tried at once), weighing as one product. */
const START = 0.5;

/**
 * The decision's state: the running sums of split and one-thread times, and the products to skip
 * before the next probe (drawn by a xorshift generator with a fixed seed).
 */
export class ThreadPace {
  /** Running sums of split and one-thread times in milliseconds (0 before the first record). */
  private splitSum = 0;
  private serialSum = 0;
  private seed = 0x9e3779b9;
  private skip = this.probeSpacing() - 1;

  /**
   * Whether the next large product may be split.
   *
   * @example
   * ```ts
   * const parts = pace.split() ? threads : 1;
   * ```
   */
  split(): boolean {
    if (this.ratio <= PAYS) return true;
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    this.skip = this.probeSpacing() - 1;
    return true;
  }

  /** Products from one probe to the next: uniform in [PROBE/2, 3·PROBE/2). */
  private probeSpacing(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return PROBE / 2 + (this.seed % PROBE);
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
    if (!(serialMs > 0) || !(splitMs >= 0)) return;
    if (this.serialSum === 0) {
      // the sums start as a product of this one's size at the starting ratio, so the start weighs
      // as much against a small product as against a large one
      this.splitSum = START * serialMs;
      this.serialSum = serialMs;
    }
    this.splitSum += (splitMs - this.splitSum) * WEIGHT;
    this.serialSum += (serialMs - this.serialSum) * WEIGHT;
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
    this.splitSum = 0;
    this.serialSum = 0;
    this.skip = this.probeSpacing() - 1;
  }

  /** Recent split time ÷ one-thread time, each product weighing as much as it took (for tests and diagnostics). */
  get ratio(): number {
    return this.serialSum === 0 ? START : this.splitSum / this.serialSum;
  }
}
