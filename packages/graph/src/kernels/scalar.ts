/**
 * Scalar functions shared by the reference kernels and the code the compiler generates (which calls
 * them as `h.<name>`), so both compute the same numbers.
 *
 * @example
 * ```ts
 * HELPERS.sigmoid(0); // 0.5
 * HELPERS.softplus(1000); // 1000 (no overflow)
 * ```
 */
export const HELPERS = {
  /** σ(x), evaluated as e^x/(1 + e^x) for x < 0 so that neither branch overflows. */
  sigmoid(x: number): number {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  /** ln(1 + eˣ), evaluated as max(x, 0) + ln(1 + e^−|x|), which never overflows. */
  softplus(x: number): number {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  },
};
