/**
 * Whether splitting a product across threads pays on this machine now. Each split product measures
 * itself: the calling thread times its own blocks, which says how long one thread would have taken
 * for all of them (blocks are of nearly equal size), and compares that with how long the split
 * product took. On free cores two threads take about 55% of it; when the other core is busy (other
 * processes, or a sibling hyperthread) a worker is descheduled and the caller waits for its block,
 * and the split takes as long as one thread or longer. After such a product the next ones run on
 * the calling thread alone, 1, 2, 4 … up to {@link MAX_BACKOFF} of them after consecutive misses,
 * before one is split again to look; one split that pays resets it. Results do not depend on it:
 * every element is summed in the same order however a product is split.
 */

/** A split product pays when it takes at most this share of the one-thread estimate. */
export const PAYS = 0.9;
/** Most products run on one thread before a split is tried again. */
export const MAX_BACKOFF = 64;

/**
 * The state of the decision: products still to run on one thread, and how many the next miss
 * skips.
 */
export class ThreadPace {
  private skip = 0;
  private backoff = 0;

  /**
   * Whether the next large product may be split (false while backing off, counting it).
   *
   * @example
   * ```ts
   * const parts = pace.split() ? threads : 1;
   * ```
   */
  split(): boolean {
    if (this.skip === 0) return true;
    this.skip--;
    return false;
  }

  /**
   * Forgets every miss, so that the next product is split (tests that must run the split path).
   *
   * @example
   * ```ts
   * pace.reset();
   * ```
   */
  reset(): void {
    this.skip = 0;
    this.backoff = 0;
  }

  /**
   * Records a split product.
   *
   * @param splitMs - how long the split product took, posting to settling.
   * @param serialMs - how long one thread would have taken: the caller's time per block × blocks.
   * @example
   * ```ts
   * pace.record(1.9, 2.0); // did not pay: the next product runs on one thread
   * ```
   */
  record(splitMs: number, serialMs: number): void {
    if (splitMs <= PAYS * serialMs) {
      this.backoff = 0;
      return;
    }
    this.backoff = Math.min(MAX_BACKOFF, Math.max(1, 2 * this.backoff));
    this.skip = this.backoff;
  }
}
