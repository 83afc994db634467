/**
 * Lecture 3, "Deriving Sutskever et al's momentum": Nesterov's method is Sutskever's momentum with
 * a time-varying coefficient, after a change of variables.
 *
 * Nesterov: (N1) v⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η∇f(w⁽ᵗ⁾), (N2) w⁽ᵗ⁺¹⁾ = (1 − γ⁽ᵗ⁾)v⁽ᵗ⁺¹⁾ + γ⁽ᵗ⁾v⁽ᵗ⁾. With
 * u⁽ᵗ⁺¹⁾ = v⁽ᵗ⁺¹⁾ − v⁽ᵗ⁾ and γ̃⁽ᵗ⁺¹⁾ = −γ⁽ᵗ⁾:
 *
 *   (N2) ⇔ w⁽ᵗ⁺¹⁾ = v⁽ᵗ⁺¹⁾ + γ̃⁽ᵗ⁺¹⁾u⁽ᵗ⁺¹⁾,
 *   (N1) ⇔ u⁽ᵗ⁺¹⁾ = γ̃⁽ᵗ⁾u⁽ᵗ⁾ − η∇f(v⁽ᵗ⁾ + γ̃⁽ᵗ⁾u⁽ᵗ⁾),   v⁽ᵗ⁺¹⁾ = v⁽ᵗ⁾ + u⁽ᵗ⁺¹⁾,
 *
 * which is Sutskever's update under v → w, u → v, γ̃ → γ (the look-ahead point v⁽ᵗ⁾ + γ̃⁽ᵗ⁾u⁽ᵗ⁾ is
 * Nesterov's w⁽ᵗ⁾ by (N2) one step earlier). The momentum lags Nesterov's γ by one step; u⁽⁰⁾ = 0
 * because v⁽⁰⁾ = w⁽⁰⁾.
 *
 * chainrule's `sutskever` takes a constant γ, so the time-varying recursion is a small custom
 * `UpdateRule` below (state V, look-ahead gradient by `ctx.gradientAt`), its momentum fed as an input
 * each step. It is first checked against `sutskever` with a constant momentum. Then, with γₖ the
 * coefficient of Nesterov's update k from the ρ-sequence computed here (ρ = 1 for the first update,
 * as `nesterov` documents), update k of the custom rule is fed m = γ̃ = −γₖ₋₁ (0 for the first
 * update, where V = 0), and after every k updates the iterates are compared with `nesterov`'s:
 * W⁽ᵏ⁾ = v⁽ᵏ⁾, V⁽ᵏ⁾ = v⁽ᵏ⁾ − v⁽ᵏ⁻¹⁾ and W⁽ᵏ⁾ − γₖV⁽ᵏ⁾ = w⁽ᵏ⁾, to 1e-10, on quadratics and a logistic
 * loss.
 */
import fc from 'fast-check';
import { tensor } from '@chainrule/graph';
import { nesterov, sutskever, type UpdateRule } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { angles, fromSpectrum, iterate, logistic, logisticBeta, logisticData, normInf, quadratic, real, rotation, runs, spreadFractions, sub, vector, type Problem, type Vec } from './helpers.js';

const T = 30;

/** V⁽ᵏ⁾ = m V⁽ᵏ⁻¹⁾ − η∇f(W⁽ᵏ⁻¹⁾ + m V⁽ᵏ⁻¹⁾), W⁽ᵏ⁾ = W⁽ᵏ⁻¹⁾ + V⁽ᵏ⁾, with m fed as the scalar input `m`. */
function sutskeverVarying(eta: number): UpdateRule {
  return {
    name: 'sutskeverVarying',
    apply: (_g, ctx) => {
      const m = ctx.graph.input('m', []);
      const V = ctx.state('sutskeverVarying.v');
      const ahead = ctx.gradientAt(ctx.params.map((w, i) => w.add(V[i]!.mul(m)))); // ∇f(W + mV)
      const next = V.map((v, i) => v.mul(m).sub(ahead[i]!.mul(eta)));
      return { directions: next, assignments: V.map((v, i) => [v, next[i]!] as const) };
    },
  };
}

/** Nesterov's γ of updates k = 1..n: (1 − ρₖ)/ρₖ₊₁ with ρ₁ = 1, ρₖ₊₁ = (1 + √(1 + 4ρₖ²))/2. */
function nesterovGammas(n: number): number[] {
  const gammas: number[] = [];
  for (let k = 1, rho = 1; k <= n; k++) {
    const next = (1 + Math.sqrt(1 + 4 * rho * rho)) / 2;
    gammas.push((1 - rho) / next);
    rho = next;
  }
  return gammas;
}

const close = (a: Vec, b: Vec): number => normInf(sub(a, b)) / (1 + normInf(b));

const functions = fc.oneof(
  fc.integer({ min: 2, max: 5 }).chain((n) =>
    fc.record({ beta: real(0.1, 10), spectrum: spreadFractions(n), angles: angles(n), wStar: vector(n, 5), w0: vector(n, 5) }).map(({ beta, spectrum, angles: theta, wStar, w0 }) => ({
      beta,
      build: (): Problem => quadratic(fromSpectrum(rotation(n, theta), spectrum.map((f, i) => (i === 0 ? beta : beta * f))), wStar, w0),
    })),
  ),
  fc.integer({ min: 2, max: 4 }).chain((n) =>
    logisticData(n).map(({ A, y, lambda, w0 }) => ({ beta: logisticBeta(A, lambda), build: (): Problem => logistic(A, y, lambda, w0) })),
  ),
);

describe('Nesterov’s method as Sutskever momentum with γ̃⁽ᵗ⁺¹⁾ = −γ⁽ᵗ⁾ (v → w, u → v)', () => {
  it('the custom time-varying rule with a constant momentum is `sutskever`', () => {
    fc.assert(
      fc.property(functions, real(0, 0.99), ({ beta, build }, gamma) => {
        const mine = iterate(build(), sutskeverVarying(1 / beta), T, undefined, () => ({ m: tensor(gamma) }));
        const theirs = iterate(build(), sutskever({ lr: 1 / beta, momentum: gamma }), T);
        for (let k = 0; k <= T; k++) expect(close(mine.w[k]!, theirs.w[k]!)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: runs(25) },
    );
  });

  it('fed m = −γₖ₋₁ in update k, it reproduces `nesterov`: W = v, V = v⁽ᵏ⁾ − v⁽ᵏ⁻¹⁾, W − γₖV = w', () => {
    const gammas = nesterovGammas(T + 1); // gammas[k − 1] = γₖ
    fc.assert(
      fc.property(functions, ({ beta, build }) => {
        const nest = iterate(build(), nesterov({ lr: 1 / beta }), T, (step) => [step.state.find((s) => s.name === 'optim/nesterov.v/w')!]);
        // update k uses m = −γₖ₋₁, and 0 for the first update (V⁽⁰⁾ = 0)
        const momentum = (k: number): number => (k === 1 ? 0 : -gammas[k - 2]!);
        const suts = iterate(build(), sutskeverVarying(1 / beta), T, (step) => [...step.state], (k) => ({ m: tensor(momentum(k)) }));
        const [v, W, V] = [nest.extra[0]!, suts.w, suts.extra[0]!];
        for (let k = 0; k <= T; k++) {
          expect(close(W[k]!, v[k]!)).toBeLessThanOrEqual(1e-10); // v → w
          if (k > 0) expect(close(V[k]!, sub(v[k]!, v[k - 1]!))).toBeLessThanOrEqual(1e-10); // u → v
          // (N2): W⁽ᵏ⁾ + γ̃V⁽ᵏ⁾ = w⁽ᵏ⁾ with γ̃ = −γₖ (and w⁽⁰⁾ = v⁽⁰⁾)
          const lookAhead = k === 0 ? W[0]! : W[k]!.map((x, i) => x - gammas[k - 1]! * V[k]![i]!);
          expect(close(lookAhead, nest.w[k]!)).toBeLessThanOrEqual(1e-10);
        }
      }),
      { numRuns: runs(40) },
    );
  });
});
