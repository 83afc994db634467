/**
 * Testing a bound on an expectation from samples: "E[X] ≤ m" for a nonnegative X, decided with a
 * confidence level rather than by comparing a sample mean with m.
 *
 * The test bets against the bound (Waudby-Smith and Ramdas, "Estimating means of bounded random
 * variables by betting", JRSS B 2023). Starting with capital 1, it stakes a fraction λᵢ on each new
 * sample exceeding m:
 *
 *   Kᵢ = Kᵢ₋₁ · (1 + λᵢ (Xᵢ − m)),   0 ≤ λᵢ ≤ 1/(2m),   λᵢ chosen from X₁, …, Xᵢ₋₁ only.
 *
 * As Xᵢ ≥ 0, every factor is ≥ ½ > 0. If E[X] ≤ m (samples independent and identically distributed)
 * each factor has conditional mean 1 + λᵢ(E[X] − m) ≤ 1, so K is a nonnegative supermartingale and,
 * by Ville's inequality, P(maxᵢ Kᵢ ≥ 1/δ) ≤ δ. Declaring the bound false when the capital reaches 1/δ
 * is therefore wrong with probability at most δ — whatever the distribution, with no upper bound on
 * X needed — and when E[X] > m the capital grows exponentially in the number of samples.
 *
 * The stake is the "aGRAPA" plug-in of that paper, λᵢ = (μ̂ − m)/(σ̂² + (μ̂ − m)²) clipped to
 * [0, 1/(2m)], with μ̂, σ̂² the mean and variance of the earlier samples (a Kelly bet: it maximises the
 * expected log-growth of the capital for the distribution seen so far).
 */

/** The betting test's verdict on "E[X] ≤ m". */
export interface Evidence {
  /** The largest capital reached: evidence against the bound (≥ 1/δ rejects it at level δ). */
  readonly capital: number;
  /** The sample mean. */
  readonly mean: number;
  /** The sample standard deviation. */
  readonly std: number;
}

/**
 * The evidence that samples of a nonnegative variable give against E[X] ≤ m.
 *
 * @param xs - independent samples, all ≥ 0.
 * @param m - the bound, > 0.
 * @returns the largest capital of the betting test, and the samples' mean and standard deviation.
 */
export function evidenceAgainst(xs: readonly number[], m: number): Evidence {
  if (!(m > 0)) throw new Error(`evidenceAgainst: the bound must be positive, got ${m}`);
  if (xs.some((x) => !(x >= 0))) throw new Error('evidenceAgainst: samples must be nonnegative');
  let [capital, best, sum, sumSq] = [1, 1, 0, 0];
  xs.forEach((x, i) => {
    const mean = i === 0 ? m : sum / i;
    const variance = i < 2 ? m * m : Math.max(0, (sumSq - (sum * sum) / i) / (i - 1));
    const edge = mean - m;
    const lambda = Math.min(Math.max(edge / (variance + edge * edge), 0), 1 / (2 * m));
    capital *= 1 + lambda * (x - m);
    best = Math.max(best, capital);
    sum += x;
    sumSq += x * x;
  });
  const n = xs.length;
  const mean = sum / n;
  return { capital: best, mean, std: Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) };
}
