/**
 * Lecture 3, "Gradient descent: smooth convex functions".
 *
 * Theorem. Let f be convex and β-smooth, x* a global minimiser, and run gradient descent
 * x⁽ᵗ⁺¹⁾ = x⁽ᵗ⁾ − η∇f(x⁽ᵗ⁾) with a constant step 0 < η < 2/β from any x⁽⁰⁾ with ‖x⁽⁰⁾ − x*‖ ≤ R.
 * Then, writing δₜ = f(x⁽ᵗ⁾) − f(x*),
 *
 *   δₜ ≤ 2R² δ₀ / (2R² + δ₀ η(2 − βη) t)   for every t ≥ 0   (so δₜ = O(1/t)).
 *
 * (The proof: the descent lemma δₜ₊₁ ≤ δₜ − η(1 − βη/2)‖∇f‖², convexity δₜ ≤ R‖∇f‖, hence
 * 1/δₜ₊₁ ≥ 1/δₜ + η(2 − βη)/(2R²). NOTE: the slide's Claim 2 prints the decrease as η(2/β − η)‖∇f‖²,
 * off by the factor β/2; the theorem's constant η(2 − βη)/2 is the correct one, and is what is
 * tested.) Checked through `minimize(f, [w], sgd({ lr: η }))` for t ≤ 50:
 * on random quadratics ½(w − w*)ᵀH(w − w*) with H = Q diag(λ) Qᵀ, λᵢ ∈ [0, β] (some may be 0, so
 * w* need not be unique: the theorem holds for any minimiser, we use the one we built), and on a
 * ridge-regularised logistic loss with β = ¼‖A‖₂² + λ computed from the data and f* found by
 * chainrule's Newton rule.
 */
import fc from 'fast-check';
import { sgd } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { angles, fromSpectrum, iterate, logistic, logisticBeta, logisticData, newtonMinimum, norm, quadratic, real, rotation, runs, spreadFractions, sub, vector } from './helpers.js';

const T = 50;

/** The theorem's right-hand side at step t (0 when w⁽⁰⁾ is already optimal: δ₀ = 0). */
const bound = (t: number, delta0: number, R: number, eta: number, beta: number): number =>
  delta0 === 0 ? 0 : (2 * R * R * delta0) / (2 * R * R + delta0 * eta * (2 - beta * eta) * t);

describe('gradient descent on β-smooth convex functions: f(w⁽ᵗ⁾) − f* ≤ 2R²δ₀/(2R² + δ₀η(2−βη)t)', () => {
  it('holds for t ≤ 50 on random PSD quadratics, any 0 < η < 2/β', () => {
    const problem = fc.integer({ min: 2, max: 5 }).chain((n) =>
      fc.record({
        beta: real(0.1, 10),
        spectrum: spreadFractions(n), // λᵢ = β·fᵢ; λ₁ = β so β is the exact smoothness constant
        angles: angles(n),
        wStar: vector(n, 5),
        w0: vector(n, 5),
        etaFraction: real(0.01, 0.99), // η = fraction · 2/β
      }),
    );
    fc.assert(
      fc.property(problem, ({ beta, spectrum, angles: theta, wStar, w0, etaFraction }) => {
        const lambdas = spectrum.map((f, i) => (i === 0 ? beta : beta * f));
        const H = fromSpectrum(rotation(w0.length, theta), lambdas);
        const eta = (etaFraction * 2) / beta;
        const { loss } = iterate(quadratic(H, wStar, w0), sgd({ lr: eta }), T);
        const R = norm(sub(w0, wStar));
        const delta0 = loss[0]!; // f* = 0
        for (let t = 0; t <= T; t++) {
          expect(loss[t]!).toBeLessThanOrEqual(bound(t, delta0, R, eta, beta) * (1 + 1e-9) + 1e-13 * (1 + delta0));
        }
      }),
      { numRuns: runs(50) },
    );
  });

  it('holds for t ≤ 50 on a logistic loss Σ log(1 + exp(−yᵢaᵢᵀw)) + (λ/2)‖w‖², β = ¼‖A‖₂² + λ', () => {
    const problem = fc.integer({ min: 2, max: 4 }).chain((n) => fc.record({ data: logisticData(n), etaFraction: real(0.01, 0.99) }));
    fc.assert(
      fc.property(problem, ({ data: { A, y, lambda, w0 }, etaFraction }) => {
        const beta = logisticBeta(A, lambda);
        const eta = (etaFraction * 2) / beta;
        // f* and w* by Newton's method from 0 (strictly convex: a unique minimiser), to ‖∇f‖ ≤ 1e-10.
        const { wStar, fStar, gradNorm } = newtonMinimum(() => logistic(A, y, lambda, w0.map(() => 0)));
        expect(gradNorm).toBeLessThanOrEqual(1e-10);
        const { loss } = iterate(logistic(A, y, lambda, w0), sgd({ lr: eta }), T);
        const R = norm(sub(w0, wStar));
        const delta0 = loss[0]! - fStar;
        // f − f* ≤ ‖∇f‖²/(2λ) ≤ 1e-20/λ at the Newton point: far below the tolerance used here.
        for (let t = 0; t <= T; t++) {
          expect(loss[t]! - fStar).toBeGreaterThanOrEqual(-1e-12 * (1 + Math.abs(fStar)));
          expect(loss[t]! - fStar).toBeLessThanOrEqual(bound(t, delta0, R, eta, beta) * (1 + 1e-9) + 1e-12 * (1 + Math.abs(fStar)));
        }
      }),
      { numRuns: runs(30) },
    );
  });
});
