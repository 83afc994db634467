/**
 * Lecture 3, "Gradient descent: smooth and strongly convex".
 *
 * Theorem. Let f be α-strongly convex and β-smooth, κ = β/α, and run gradient descent with the
 * step η = 2/(α + β) from x⁽⁰⁾ with ‖x⁽⁰⁾ − x*‖ ≤ R. Then
 *
 *   f(x⁽ᵗ⁾) − f(x*) ≤ (β/2) R² e^(−4t/(κ+1)).
 *
 * (The proof: ‖x⁽ᵗ⁺¹⁾ − x*‖ ≤ ((κ−1)/(κ+1))‖x⁽ᵗ⁾ − x*‖ and (κ−1)/(κ+1) ≤ e^(−2/(κ+1)), then
 * β-smoothness turns the distance into a function value.) Checked through
 * `minimize(f, [w], sgd({ lr: 2/(α+β) }))` on random quadratics ½(w − w*)ᵀH(w − w*), H = Q diag(λ) Qᵀ
 * with λ ∈ [α, β] (both ends attained, so α and β are the exact constants), for t ≤ 50.
 */
import fc from 'fast-check';
import { sgd } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { angles, fractions, fromSpectrum, iterate, logUniform, norm, quadratic, real, rotation, runs, sub, vector } from './helpers.js';

const T = 50;

describe('gradient descent on α-strongly convex β-smooth functions, η = 2/(α+β)', () => {
  it('f(w⁽ᵗ⁾) − f* ≤ (β/2)R² e^(−4t/(κ+1)) for t ≤ 50 on random quadratics', () => {
    const problem = fc.integer({ min: 2, max: 5 }).chain((n) =>
      fc.record({
        alpha: real(0.01, 2),
        kappa: logUniform(0, 2), // κ ∈ [1, 100]
        spectrum: fractions(n),
        angles: angles(n),
        wStar: vector(n, 5),
        w0: vector(n, 5),
      }),
    );
    fc.assert(
      fc.property(problem, ({ alpha, kappa, spectrum, angles: theta, wStar, w0 }) => {
        const beta = kappa * alpha;
        // λ₁ = α, λ₂ = β, the rest in between.
        const lambdas = spectrum.map((f, i) => (i === 0 ? alpha : i === 1 ? beta : alpha + (beta - alpha) * f));
        const H = fromSpectrum(rotation(w0.length, theta), lambdas);
        const { loss } = iterate(quadratic(H, wStar, w0), sgd({ lr: 2 / (alpha + beta) }), T);
        const R = norm(sub(w0, wStar));
        // Rounding floor: w⁽ᵗ⁾ − w* is computed to about ε·max(‖w*‖, R) per entry, so f cannot be
        // resolved below ~β(100ε·scale)² however fast the true iterates converge.
        const floor = beta * (1e-14 * (1 + norm(wStar) + R)) ** 2;
        for (let t = 0; t <= T; t++) {
          const rhs = (beta / 2) * R * R * Math.exp((-4 * t) / (kappa + 1));
          expect(loss[t]!).toBeLessThanOrEqual(rhs * (1 + 1e-9) + floor);
        }
      }),
      { numRuns: runs(50) },
    );
  });
});
