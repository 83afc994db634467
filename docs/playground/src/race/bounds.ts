// The lecture's convergence bounds on f(w⁽ᵗ⁾) − f*, for a convex β-smooth (and α-strongly convex)
// surface, with R = ‖w⁽⁰⁾ − w*‖ and f₀ = f(w⁽⁰⁾) − f*.

/** A bound drawn over the race. */
export interface Bound {
  /** Legend text, naming the rule and step size it holds for. */
  readonly label: string;
  /** The id of the rule it bounds (its colour). */
  readonly rule: string;
  /** The bound at t = 1, …, T. */
  readonly values: readonly number[];
}

/** What the bounds need to know about the surface and the start. */
export interface BoundInputs {
  /** β. */
  readonly beta: number;
  /** α (0 when only convex). */
  readonly alpha: number;
  /** R² = ‖w⁽⁰⁾ − w*‖². */
  readonly r2: number;
  /** f(w⁽⁰⁾) − f*. */
  readonly f0: number;
  /** T. */
  readonly steps: number;
  /** The step size gradient descent runs with in the race. */
  readonly gdStep: number;
}

const over = (steps: number, f: (t: number) => number): number[] => Array.from({ length: steps }, (_, i) => f(i + 1));

/**
 * The three bounds of the lecture:
 * - GD with 0 < η < 2/β on a convex β-smooth f: f(w⁽ᵗ⁾) − f* ≤ 2R²f₀ / (2R² + f₀ η(2 − βη) t), O(1/t);
 * - GD with η = 2/(α + β) on an α-strongly convex f: f(w⁽ᵗ⁾) − f* ≤ (β/2) R² e^(−4t/(κ+1)), κ = β/α;
 * - Nesterov with η = 1/β: f(w⁽ᵗ⁾) − f* ≤ 2βR²/t².
 *
 * @param b - the constants.
 * @returns the bounds that apply (the O(1/t) one only when the race's GD step is in (0, 2/β)).
 */
export function lectureBounds(b: BoundInputs): Bound[] {
  const bounds: Bound[] = [];
  const eta = b.gdStep;
  if (eta > 0 && eta < 2 / b.beta) {
    bounds.push({
      label: `bound for GD at its η: 2R²f₀/(2R² + f₀η(2−βη)t)`,
      rule: 'gd',
      values: over(b.steps, (t) => (2 * b.r2 * b.f0) / (2 * b.r2 + b.f0 * eta * (2 - b.beta * eta) * t)),
    });
  }
  if (b.alpha > 0) {
    const kappa = b.beta / b.alpha;
    bounds.push({
      label: `bound for GD at η = 2/(α+β): (β/2)R²e^(−4t/(κ+1))`,
      rule: 'gd',
      values: over(b.steps, (t) => (b.beta / 2) * b.r2 * Math.exp((-4 * t) / (kappa + 1))),
    });
  }
  bounds.push({ label: 'bound for Nesterov at η = 1/β: 2βR²/t²', rule: 'nesterov', values: over(b.steps, (t) => (2 * b.beta * b.r2) / t ** 2) });
  return bounds;
}
