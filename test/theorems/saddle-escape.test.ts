/**
 * Lecture 3, "Importance of random initialization" — the quadratic example.
 *
 * Let f(x) = ½xᵀHx with H = diag(λ₁, …, λₙ), λ₁..λₖ > 0 and λₖ₊₁..λₙ < 0 (1 ≤ k < n): x* = 0 is the
 * only critical point, a strict saddle. Gradient descent with 0 < η < 1/β, β = maxᵢ|λᵢ|, gives
 *
 *   x⁽ᵗ⁾ = Σᵢ (1 − ηλᵢ)ᵗ (eᵢᵀx⁽⁰⁾) eᵢ,   with 0 < 1 − ηλᵢ < 1 for i ≤ k and 1 − ηλᵢ > 1 for i > k.
 *
 * So if x⁽⁰⁾ ∈ span(e₁, …, eₖ) then x⁽ᵗ⁾ → 0, and otherwise ‖x⁽ᵗ⁾‖ → ∞: from a random start (which
 * lies in that span with probability 0) gradient descent escapes the saddle. Checked through
 * `minimize(f, [x], sgd({ lr: η }))`: the iterates follow the closed form, a start with a nonzero
 * component along a negative eigenvector leaves the ball of radius 100‖x⁽⁰⁾‖ by the step T the
 * closed form predicts), and a start in the positive eigenspace converges to 0.
 */
import fc from 'fast-check';
import { sgd } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { iterate, norm, quadratic, real, runs, type Mat, type Vec } from './helpers.js';

const diag = (lambdas: readonly number[]): Mat => lambdas.map((l, i) => lambdas.map((_, j) => (i === j ? l : 0)));

/** λ with k positive and n − k negative entries, |λᵢ| ∈ [0.25, 1]·scale; η = u/max|λᵢ|, u ∈ [0.25, 0.99]. */
const saddle = fc
  .integer({ min: 2, max: 5 })
  .chain((n) => fc.integer({ min: 1, max: n - 1 }).map((k) => [n, k] as const))
  .chain(([n, k]) =>
    fc.record({
      k: fc.constant(k),
      magnitudes: fc.array(real(0.25, 1), { minLength: n, maxLength: n }),
      scale: real(0.1, 10),
      u: real(0.25, 0.99),
      // start: entries with |xᵢ| ∈ [0.01, 5] and random signs
      x0: fc.array(fc.tuple(real(0.01, 5), fc.boolean()).map(([x, neg]) => (neg ? -x : x)), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ k, magnitudes, scale, u, x0 }) => {
    const lambdas = magnitudes.map((m, i) => (i < k ? 1 : -1) * m * scale);
    return { k, lambdas, eta: u / Math.max(...lambdas.map(Math.abs)), x0 };
  });

/** Checks the run against the slide's closed form x⁽ᵗ⁾ᵢ = (1 − ηλᵢ)ᵗ x⁽⁰⁾ᵢ. */
function closedForm(w: Vec[], lambdas: readonly number[], eta: number, x0: Vec): void {
  let worst = 0; // max over t, i of |x⁽ᵗ⁾ᵢ − (1 − ηλᵢ)ᵗ x⁽⁰⁾ᵢ| / ((1 + t)|x⁽ᵗ⁾ᵢ|)
  w.forEach((x, t) => x.forEach((xi, i) => (worst = Math.max(worst, Math.abs(xi - (1 - eta * lambdas[i]!) ** t * x0[i]!) / ((1 + t) * Math.abs(xi) || 1)))));
  expect(worst).toBeLessThanOrEqual(1e-12);
}

describe('gradient descent at a strict saddle of ½xᵀdiag(λ)x, 0 < η < 1/max|λᵢ|', () => {
  it('escapes from a start with a component along a negative eigenvector: ‖x⁽ᵗ⁾‖ → ∞', () => {
    fc.assert(
      fc.property(saddle, ({ lambdas, eta, x0 }) => {
        // The fastest-growing direction: the most negative λ, growth factor 1 − ηλ > 1 per step.
        const i = lambdas.indexOf(Math.min(...lambdas));
        const growth = 1 - eta * lambdas[i]!;
        expect(growth).toBeGreaterThan(1);
        // By the closed form ‖x⁽ᵀ⁾‖ ≥ growthᵀ|x⁽⁰⁾ᵢ| ≥ 100‖x⁽⁰⁾‖ at this T.
        const T = Math.ceil(Math.log((100 * norm(x0)) / Math.abs(x0[i]!)) / Math.log(growth));
        const { w } = iterate(quadratic(diag(lambdas), lambdas.map(() => 0), x0), sgd({ lr: eta }), T);
        closedForm(w, lambdas, eta, x0);
        expect(norm(w[T]!)).toBeGreaterThanOrEqual(100 * norm(x0) * (1 - 1e-9));
        // and from some point on the distance to the saddle only grows
        for (let t = T; t > 0 && norm(w[t]!) > 10 * norm(x0); t--) if (!(norm(w[t]!) > norm(w[t - 1]!))) expect.fail(`‖x⁽${t}⁾‖ ≤ ‖x⁽${t - 1}⁾‖`);
      }),
      { numRuns: runs(50) },
    );
  });

  it('converges to the saddle from a start in span(e₁, …, eₖ) (the positive eigenvectors)', () => {
    fc.assert(
      fc.property(saddle, ({ k, lambdas, eta, x0 }) => {
        const start = x0.map((x, i) => (i < k ? x : 0));
        // slowest contraction 1 − η·min λ⁺ < 1; run until it predicts ‖x⁽ᵀ⁾‖ ≤ 1e-6‖x⁽⁰⁾‖
        const contraction = Math.max(...lambdas.slice(0, k).map((l) => 1 - eta * l));
        const T = Math.ceil(Math.log(1e-6) / Math.log(contraction));
        const { w } = iterate(quadratic(diag(lambdas), lambdas.map(() => 0), start), sgd({ lr: eta }), T);
        closedForm(w, lambdas, eta, start);
        expect(w.every((x) => x.slice(k).every((xi) => xi === 0))).toBe(true); // the negative directions stay exactly 0
        expect(norm(w[T]!)).toBeLessThanOrEqual(1e-6 * norm(start) * (1 + 1e-9));
      }),
      { numRuns: runs(50) },
    );
  });
});
