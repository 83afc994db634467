/**
 * Lecture 3, "Quadratic function example" for momentum, and Polyak's heavy ball.
 *
 * Let f(w) = ½wᵀHw with H symmetric positive definite, κ = λmax(H)/λmin(H), A = I − ηH.
 *
 * (1) The momentum iteration the slides analyse takes the gradient at the look-ahead point
 * (Sutskever et al.): v⁽ᵗ⁺¹⁾ = γv⁽ᵗ⁾ − η∇f(w⁽ᵗ⁾ + γv⁽ᵗ⁾), w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + v⁽ᵗ⁺¹⁾. With η = 1/λmax it
 * is the linear system (w⁽ᵗ⁺¹⁾, w⁽ᵗ⁾) = B (w⁽ᵗ⁾, w⁽ᵗ⁻¹⁾), B = [[(1+γ)A, −γA], [I, 0]], and with
 * γ = (1 − √(1/κ))/(1 + √(1/κ)) the iterates contract at the rate 1 − √(1/κ) — against 1 − 1/κ for
 * gradient descent. The slide writes the rate as "‖B‖"; it is the spectral radius ρ(B) (the
 * operator norm of B is at least 1: B maps (0, x) to (−γAx, x)). Per eigenvalue μ of A the
 * eigenvalues of B solve λ² − (1+γ)μλ + γμ = 0 (eigenvectors (λq, q), Aq = μq); for μ ≤ 1 − 1/κ the
 * discriminant is ≤ 0, so |λ| = √(γμ) ≤ 1 − √(1/κ), with a double root at μ = 1 − 1/κ.
 *
 * (2) Polyak's heavy ball, v⁽ᵗ⁺¹⁾ = γv⁽ᵗ⁾ − η∇f(w⁽ᵗ⁾), with its classical tuning
 * η = 4/(√λmax + √λmin)², γ = ((√κ − 1)/(√κ + 1))², contracts at (√κ − 1)/(√κ + 1): per eigenvalue
 * h of H, λ² − (1 + γ − ηh)λ + γ = 0 has |λ| = √γ for every h ∈ [λmin, λmax].
 *
 * Checked through `minimize(f, [w], sutskever(...))` and `polyak(...)`: each step of the library's
 * iterates is the slide's linear map; the spectral radius of the 2n×2n matrix (its eigenvalues
 * solved per eigenvalue of H and verified as eigenpairs of the explicit matrix) equals the rate to
 * 1e-9; and the measured rate (‖zₜ‖/‖z_{T/2}‖)^(1/(T−T/2)), zₜ = (w⁽ᵗ⁾, w⁽ᵗ⁻¹⁾), is at most that rate
 * plus 0.005. NOTE: the tolerance is for the double roots — a Jordan block makes ‖zₜ‖ ≈ c·t·ρᵗ, a
 * factor 2^(2/T) on a window of T/2 steps (about 1.002 on the rate for T = 600) — and it is below
 * the gap to the best rate of gradient descent, (κ − 1)/(κ + 1) at η = 2/(λmin + λmax), which the
 * measured rate must also beat.
 */
import fc from 'fast-check';
import { polyak, sutskever, type UpdateRule } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { angles, fractions, fromSpectrum, iterate, logUniform, matVec, norm, quadratic, real, rotation, runs, vector, type Mat, type Vec } from './helpers.js';

const EPS = Number.EPSILON;

/** The two roots of λ² − bλ + c = 0 (real b, c), as complex numbers. */
function roots(b: number, c: number): { re: number; im: number }[] {
  const D = b * b - 4 * c;
  // NOTE: a discriminant within its own rounding error is a double root: taking √ of the rounding
  // error would move the root by ~1e-8 (seen on κ = 2), far more than the 1e-9 asked of ρ(B).
  if (Math.abs(D) <= 64 * EPS * (b * b + 4 * Math.abs(c))) return [{ re: b / 2, im: 0 }, { re: b / 2, im: 0 }];
  if (D < 0) return [{ re: b / 2, im: Math.sqrt(-D) / 2 }, { re: b / 2, im: -Math.sqrt(-D) / 2 }];
  const big = (b + Math.sign(b || 1) * Math.sqrt(D)) / 2; // no cancellation; the other root is c/big
  return [{ re: big, im: 0 }, { re: big === 0 ? 0 : c / big, im: 0 }];
}

/** ‖Bx − λx‖ for the complex vector x = (λq, q), with B = [[TL, TR], [I, 0]] given as a full matrix. */
function eigenResidual(B: Mat, q: Vec, { re, im }: { re: number; im: number }): number {
  const xr = [...q.map((x) => re * x), ...q];
  const xi = [...q.map((x) => im * x), ...q.map(() => 0)];
  const [Br, Bi] = [matVec(B, xr), matVec(B, xi)];
  return Math.hypot(...Br.map((x, i) => x - (re * xr[i]! - im * xi[i]!)), ...Bi.map((x, i) => x - (re * xi[i]! + im * xr[i]!)));
}

/** The 2n×2n matrix [[TL, TR], [I, 0]]. */
function blockMatrix(TL: Mat, TR: Mat): Mat {
  const n = TL.length;
  return [...TL.map((row, i) => [...row, ...TR[i]!]), ...TL.map((_, i) => Array.from({ length: 2 * n }, (_, j) => (j === i ? 1 : 0)))];
}

interface Method {
  readonly rule: UpdateRule;
  readonly rate: number; // the claimed contraction rate
  readonly B: Mat; // the slide's linear map on (w⁽ᵗ⁾, w⁽ᵗ⁻¹⁾)
  readonly coefficients: (h: number) => [b: number, c: number]; // λ² − bλ + c per eigenvalue h of H
}

function sutskeverMethod(H: Mat, lmin: number, lmax: number): Method {
  const s = Math.sqrt(lmin / lmax); // √(1/κ)
  const [eta, gamma] = [1 / lmax, (1 - s) / (1 + s)];
  const A = H.map((row, i) => row.map((x, j) => (i === j ? 1 : 0) - eta * x));
  return {
    rule: sutskever({ lr: eta, momentum: gamma }),
    rate: 1 - s,
    B: blockMatrix(A.map((r) => r.map((x) => (1 + gamma) * x)), A.map((r) => r.map((x) => -gamma * x))),
    coefficients: (h) => {
      const mu = 1 - eta * h;
      return [(1 + gamma) * mu, gamma * mu];
    },
  };
}

function polyakMethod(H: Mat, lmin: number, lmax: number): Method {
  const sk = Math.sqrt(lmax / lmin); // √κ
  const q = (sk - 1) / (sk + 1);
  const [eta, gamma] = [4 / (Math.sqrt(lmax) + Math.sqrt(lmin)) ** 2, q * q];
  return {
    rule: polyak({ lr: eta, momentum: gamma }),
    rate: q,
    B: blockMatrix(
      H.map((row, i) => row.map((x, j) => (i === j ? 1 + gamma : 0) - eta * x)),
      H.map((row, i) => row.map((_, j) => (i === j ? -gamma : 0))),
    ),
    coefficients: (h) => [1 + gamma - eta * h, gamma],
  };
}

const positiveDefinite = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc.record({
    lmin: real(0.1, 2),
    kappa: logUniform(Math.log10(2), 2), // κ ∈ [2, 100]
    spectrum: fractions(n),
    angles: angles(n),
    w0: vector(n, 1).filter((w) => norm(w) >= 0.1),
  }),
);

function checkMethod(make: (H: Mat, lmin: number, lmax: number) => Method): void {
  fc.assert(
    fc.property(positiveDefinite, ({ lmin, kappa, spectrum, angles: theta, w0 }) => {
      const n = w0.length;
      const lmax = kappa * lmin;
      const lambdas = spectrum.map((f, i) => (i === 0 ? lmin : i === 1 ? lmax : lmin + (lmax - lmin) * f));
      const Q = rotation(n, theta);
      const H = fromSpectrum(Q, lambdas);
      const method = make(H, lmin, lmax);

      // The spectrum of B: two roots per eigenpair (h, q) of H, each an eigenpair of the explicit B.
      let radius = 0;
      lambdas.forEach((h, k) => {
        const q = Q.map((row) => row[k]!);
        const [b, c] = method.coefficients(h);
        for (const root of roots(b, c)) {
          expect(eigenResidual(method.B, q, root)).toBeLessThanOrEqual(1e-12 * (1 + Math.hypot(root.re, root.im)));
          radius = Math.max(radius, Math.hypot(root.re, root.im));
        }
      });
      expect(Math.abs(radius - method.rate)).toBeLessThanOrEqual(1e-9);

      // Run long enough to see the asymptotic rate, but stay far above underflow (ρᵀ ≥ 1e-150).
      const T = Math.min(600, Math.ceil((150 * Math.log(10)) / -Math.log(method.rate)));
      const { w } = iterate(quadratic(H, w0.map(() => 0), w0), method.rule, T);
      const z = (t: number): Vec => [...w[t]!, ...w[Math.max(t - 1, 0)]!]; // w⁽⁻¹⁾ = w⁽⁰⁾: v⁽⁰⁾ = 0

      // Every step is the slide's linear map: z⁽ᵗ⁺¹⁾ = B z⁽ᵗ⁾.
      for (let t = 0; t < T; t++) {
        const predicted = matVec(method.B, z(t)).slice(0, n);
        expect(norm(predicted.map((x, i) => x - w[t + 1]![i]!))).toBeLessThanOrEqual(1e-12 * norm(z(t)));
      }

      const T0 = Math.floor(T / 2);
      // (A start along the eigenvector of λmax, where μ = 0 for look-ahead momentum, hits 0 exactly.)
      const measured = norm(z(T0)) === 0 ? 0 : (norm(z(T)) / norm(z(T0))) ** (1 / (T - T0));
      expect(measured).toBeLessThanOrEqual(method.rate + 0.005);
      expect(measured).toBeLessThan((kappa - 1) / (kappa + 1)); // faster than gradient descent at its best η = 2/(λmin + λmax)
    }),
    { numRuns: runs(25) },
  );
}

describe('momentum on f = ½wᵀHw, H ≻ 0', () => {
  it('look-ahead momentum (sutskever), η = 1/λmax, γ = (1−√(1/κ))/(1+√(1/κ)): rate 1 − √(1/κ)', () => {
    checkMethod(sutskeverMethod);
  });

  it('Polyak’s heavy ball, η = 4/(√λmax+√λmin)², γ = ((√κ−1)/(√κ+1))²: rate (√κ−1)/(√κ+1)', () => {
    checkMethod(polyakMethod);
  });
});
