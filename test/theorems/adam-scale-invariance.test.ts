/**
 * Lecture 3, "Parameter vector updates: scale invariance" and "…: bounded increments" for Adam.
 *
 * Adam (ε = 0) moves by w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − Δ⁽ᵗ⁾, Δ⁽ᵗ⁾ = η ĝ⁽ᵗ⁾/√q̂⁽ᵗ⁾ (elementwise), where with
 * gradients x₁, …, xₜ (one coordinate)
 *
 *   g⁽ᵗ⁾ = (1−β₁) Σₛ β₁^(t−s) xₛ,  q⁽ᵗ⁾ = (1−β₂) Σₛ β₂^(t−s) xₛ²,  ĝ = g/(1−β₁ᵗ),  q̂ = q/(1−β₂ᵗ)
 *
 * (the moments include the current gradient, as in the paper and chainrule's `adam`; the slide's
 * pseudo-code shifts their index by one).
 *
 * Scale invariance. Replacing f by c·f (c > 0) turns every xₛ into c·xₛ, so g → c·g, q → c²·q and
 * Δ⁽ᵗ⁾ is unchanged. Checked through `minimize(c·f, [w], adam({ epsilon: 0 }))` against the run on
 * f, on random quadratics: step by step for c ∈ [1e-3, 1e3], and for c = 2ᵏ (exact scaling in
 * floating point) as whole runs that agree bit for bit.
 *
 * Bounded increments. The slide claims ‖Δ⁽ᵗ⁾‖∞ ≤ η(1−β₁)/√(1−β₂) if 1−β₁ ≥ √(1−β₂), and ≤ η
 * otherwise (as Kingma and Ba's §2.1 does). It is false: gradients growing geometrically, xₛ = (β₂/β₁)ˢ, exceed it in both cases — exhibited below
 * for the lecture's typical β₁ = 0.9, β₂ = 0.999 (|Δ⁽³⁰⁰⁾| ≈ 3.70η > 3.16η) and for β₁ = 0.99,
 * β₂ = 0.999 (|Δ⁽ᵗ⁾| > η already at t = 2, ≈ 1.83η at t = 1000).
 *
 * A bound that does hold for every gradient sequence (derived here, checked as a property):
 *
 *   |Δ⁽ᵗ⁾|/η = |ĝ|/√q̂ = ((1−β₁)/√(1−β₂)) · (√(1−β₂ᵗ)/(1−β₁ᵗ)) · |Σₛ β₁^(t−s) xₛ| / √(Σₛ β₂^(t−s) xₛ²).
 *
 * Write β₁^(t−s)|xₛ| = (β₁/√β₂)^(t−s) · β₂^((t−s)/2)|xₛ|; Cauchy–Schwarz gives
 *
 *   |Σₛ β₁^(t−s) xₛ| ≤ Σₛ β₁^(t−s)|xₛ| ≤ √(Σₖ₌₀^(t−1) ρᵏ) · √(Σₛ β₂^(t−s) xₛ²),   ρ = β₁²/β₂,
 *
 * hence   |Δ⁽ᵗ⁾| ≤ η · ((1−β₁)/√(1−β₂)) · (√(1−β₂ᵗ)/(1−β₁ᵗ)) · √(Σₖ₌₀^(t−1) ρᵏ)   (any β₁, β₂, t),
 *
 * and when β₁² < β₂, Σₖ ρᵏ ≤ 1/(1 − β₁²/β₂), so
 *
 *   |Δ⁽ᵗ⁾| ≤ η · ((1−β₁)/√(1−β₂)) · (√(1−β₂ᵗ)/(1−β₁ᵗ)) · 1/√(1 − β₁²/β₂).
 *
 * Equality in Cauchy–Schwarz needs β₂^((t−s)/2)|xₛ| ∝ (β₁/√β₂)^(t−s), i.e. |xₛ| ∝ (β₂/β₁)ˢ with one
 * sign — the same sequence for every t — so the finite form is attained at every step by
 * xₛ = (β₂/β₁)ˢ: the bound is the best possible, and that is checked too. (At t = 1 it reads
 * |Δ⁽¹⁾| ≤ η, with equality: Adam's first step is η·sign(x₁).)
 *
 * The increments are read off a loss whose gradient is fed each step, fₜ(w) = cₜ·w (∇fₜ = cₜ, an
 * input), with w reset to 0 before each step so that Δ⁽ᵗ⁾ is read without rounding.
 */
import fc from 'fast-check';
import { Graph, tensor, type Node } from '@chainrule/graph';
import { adam, minimize } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { angles, column, fromSpectrum, iterate, logUniform, matVec, normInf, quadratic, real, rotation, runs, sub, vector, type Mat, type Vec } from './helpers.js';

interface Betas {
  readonly beta1: number;
  readonly beta2: number;
}

/** |Δ⁽ᵗ⁾| for t = 1..T of `adam({ lr, beta1, beta2, epsilon: 0 })` fed the gradients x₁..x_T. */
function adamIncrements({ beta1, beta2 }: Betas, lr: number, gradients: readonly number[]): number[] {
  const graph = new Graph();
  const w = graph.variable('w', tensor(0));
  const c = graph.input('c', []);
  const step = minimize(w.mul(c), [w], adam({ lr, beta1, beta2, epsilon: 0 })); // fₜ(w) = cₜ·w
  const run = graph.compile({ outputs: [], updates: step });
  return gradients.map((x) => {
    graph.setVariable('w', tensor(0));
    run({ c: tensor(x) });
    return Math.abs(graph.getVariable('w').data[0]!);
  });
}

/** The slide's claimed bound on ‖Δ⁽ᵗ⁾‖∞ / η. */
const claimed = ({ beta1, beta2 }: Betas): number => (1 - beta1 >= Math.sqrt(1 - beta2) ? (1 - beta1) / Math.sqrt(1 - beta2) : 1);

/** The derived bound on |Δ⁽ᵗ⁾| / η, finite-sum form (valid for all β₁, β₂). */
function derived({ beta1, beta2 }: Betas, t: number): number {
  const rho = (beta1 * beta1) / beta2;
  let sum = 0;
  for (let k = 0; k < t; k++) sum += rho ** k;
  return ((1 - beta1) / Math.sqrt(1 - beta2)) * (Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)) * Math.sqrt(sum);
}

/** The derived bound's closed form for β₁² < β₂. */
const derivedClosed = ({ beta1, beta2 }: Betas, t: number): number =>
  ((1 - beta1) / Math.sqrt(1 - beta2)) * (Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)) / Math.sqrt(1 - (beta1 * beta1) / beta2);

/** xₛ = (β₂/β₁)ˢ, s = 1..T: the sequence attaining the derived bound. */
const worstCase = ({ beta1, beta2 }: Betas, T: number): number[] => Array.from({ length: T }, (_, s) => (beta2 / beta1) ** (s + 1));

/** n entries with |xᵢ| ∈ [0.1, 5] and random signs: a first gradient with no zero entry. */
const firstGradient = (n: number): fc.Arbitrary<Vec> =>
  fc.array(fc.tuple(real(0.1, 5), fc.boolean()).map(([x, neg]) => (neg ? -x : x)), { minLength: n, maxLength: n });

/** A quadratic problem for Adam with ε = 0 (H = Q·diag(spectrum)·Qᵀ), hyperparameters, and a scale. */
const scaledProblem = <S>(scale: fc.Arbitrary<S>) =>
  fc.integer({ min: 2, max: 5 }).chain((n) =>
    fc.record({
      spectrum: fc.array(real(0.1, 5), { minLength: n, maxLength: n }),
      angles: angles(n),
      w0: vector(n, 2),
      g0: firstGradient(n),
      scale,
      lr: logUniform(-3, -1),
      beta1: real(0, 0.99),
      beta2: real(0.5, 0.9999),
    }),
  );

/**
 * The Hessian H and the minimiser w* of the problem. With ε = 0 a coordinate whose first gradient
 * is 0 divides 0 by 0: w* is chosen so that the first gradient H(w⁽⁰⁾ − w*) is g0, every entry at
 * least 0.1 in magnitude.
 */
function landscape({ spectrum, angles: theta, w0, g0 }: { spectrum: Vec; angles: number[]; w0: Vec; g0: Vec }): { H: Mat; wStar: Vec } {
  const Q = rotation(w0.length, theta);
  return { H: fromSpectrum(Q, spectrum), wStar: sub(w0, matVec(fromSpectrum(Q, spectrum.map((l) => 1 / l)), g0)) };
}

describe('Adam (ε = 0): scale invariance', () => {
  it('replacing f by c·f (c ∈ [1e-3, 1e3]) leaves every step Δ⁽ᵗ⁾ unchanged; g → c·g, q → c²·q', () => {
    const T = 20;
    fc.assert(
      fc.property(scaledProblem(logUniform(-3, 3)), (problem) => {
        const { w0, scale: c, lr, beta1, beta2 } = problem;
        const { H, wStar } = landscape(problem);
        const rule = adam({ lr, beta1, beta2, epsilon: 0 });
        // The run on f: w⁽ᵗ⁾ and Adam's state (g⁽ᵗ⁻¹⁾, q⁽ᵗ⁻¹⁾) before each step.
        const a = iterate(quadratic(H, wStar, w0), rule, T, (step) => [...step.state]);
        // NOTE: the step on c·f is taken from the same point with the state scaled as the lecture says
        // (g → c·g, q → c²·q), rather than as a second free run: Adam near the optimum amplifies
        // rounding-level differences between two runs (×4 per step seen with β₁ = 0), which would test
        // the dynamics' sensitivity, not the invariance. By induction on t the two agree.
        const scaled = quadratic(H, wStar, w0);
        const step = minimize(scaled.loss.mul(c), [scaled.w], rule);
        const [gVar, qVar] = step.state as [Node, Node];
        const once = scaled.graph.compile({ outputs: [], updates: step });
        const read = (v: Node): Vec => Array.from(scaled.graph.getVariable(v.name!).data);
        for (let t = 0; t < T; t++) {
          const [g, q] = [a.extra[0]![t]!, a.extra[1]![t]!];
          scaled.graph.setVariable('w', column(a.w[t]!));
          scaled.graph.setVariable(gVar.name!, column(g.map((x) => c * x)));
          scaled.graph.setVariable(qVar.name!, column(q.map((x) => c * c * x)));
          scaled.graph.setVariable(step.step.name!, tensor(t));
          once({});
          const [d, dc] = [sub(a.w[t + 1]!, a.w[t]!), sub(read(scaled.w), a.w[t]!)];
          // Δ is read as w⁽ᵗ⁺¹⁾ − w⁽ᵗ⁾: both w⁽ᵗ⁺¹⁾ round at ε·‖w‖.
          expect(normInf(sub(dc, d))).toBeLessThanOrEqual(1e-12 * normInf(d) + 2 * Number.EPSILON * normInf(a.w[t + 1]!));
          const [gNext, qNext] = [a.extra[0]![t + 1]!, a.extra[1]![t + 1]!];
          expect(normInf(sub(read(gVar), gNext.map((x) => c * x)))).toBeLessThanOrEqual(1e-12 * c * normInf(gNext));
          expect(normInf(sub(read(qVar), qNext.map((x) => c * c * x)))).toBeLessThanOrEqual(1e-12 * c * c * normInf(qNext));
        }
      }),
      { numRuns: runs(40) },
    );
  });

  it('with c = 2ᵏ, where scaling is exact in floating point, whole runs on f and c·f are identical', () => {
    // Every quantity of the run on c·f is 2ᵏ (g, ∇f) or 4ᵏ (q) times the one on f, with the same
    // rounding, and √(4ᵏq̂) = 2ᵏ√q̂ exactly: so the free runs agree bit for bit over all 50 steps.
    fc.assert(
      fc.property(scaledProblem(fc.integer({ min: -10, max: 10 })), (problem) => {
        const { w0, scale: k, lr, beta1, beta2 } = problem;
        const { H, wStar } = landscape(problem); // ∇f(w⁽⁰⁾) = g0
        const rule = adam({ lr, beta1, beta2, epsilon: 0 });
        const base = quadratic(H, wStar, w0);
        const plain = iterate(quadratic(H, wStar, w0), rule, 50);
        const scaled = iterate({ ...base, loss: base.loss.mul(2 ** k) }, rule, 50);
        expect(scaled.w).toEqual(plain.w);
      }),
      { numRuns: runs(25) },
    );
  });
});

describe('Adam (ε = 0): bounded increments', () => {
  it('the slide’s bound fails for β₁ = 0.9, β₂ = 0.999 (claimed 3.16η) on xₛ = (β₂/β₁)ˢ', () => {
    const betas = { beta1: 0.9, beta2: 0.999 };
    const steps = adamIncrements(betas, 1, worstCase(betas, 300));
    expect(claimed(betas)).toBeCloseTo(Math.sqrt(10), 12); // first case: 1 − β₁ ≥ √(1 − β₂)
    expect(steps[299]!).toBeGreaterThan(claimed(betas) * 1.15); // |Δ⁽³⁰⁰⁾| ≈ 3.70η
    expect(steps.findIndex((d) => d > claimed(betas)) + 1).toBe(210); // first violation at t = 210
  });

  it('the slide’s bound fails for β₁ = 0.99, β₂ = 0.999 (claimed η) on xₛ = (β₂/β₁)ˢ', () => {
    const betas = { beta1: 0.99, beta2: 0.999 };
    const steps = adamIncrements(betas, 1, worstCase(betas, 1000));
    expect(claimed(betas)).toBe(1); // second case: 1 − β₁ < √(1 − β₂)
    expect(steps[1]!).toBeGreaterThan(1); // already at t = 2
    expect(steps[999]!).toBeGreaterThan(1.8); // |Δ⁽¹⁰⁰⁰⁾| ≈ 1.83η
  });

  const sequences = fc.oneof(
    // arbitrary gradients, the first one away from 0 (ε = 0)
    fc.tuple(real(1e-3, 1e3), fc.boolean(), fc.array(real(-1e3, 1e3), { maxLength: 29 })).map(([x, neg, rest]) => [neg ? -x : x, ...rest]),
    // geometric growth or decay a·rˢ, with random signs
    fc.record({ a: logUniform(-3, 3), r: real(0.3, 3), signs: fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }) }).map(({ a, r, signs }) =>
      signs.map((neg, s) => (neg ? -1 : 1) * a * r ** (s + 1)),
    ),
  );

  it('the derived bound holds for every gradient sequence (closed form when β₁² < β₂)', () => {
    fc.assert(
      fc.property(real(0, 0.99), real(0.01, 0.9999), logUniform(-3, 0), sequences, (beta1, beta2, lr, xs) => {
        const betas = { beta1, beta2 };
        adamIncrements(betas, lr, xs).forEach((d, i) => {
          const t = i + 1;
          expect(d).toBeLessThanOrEqual(lr * derived(betas, t) * (1 + 1e-12));
          if (beta1 * beta1 < beta2) expect(d).toBeLessThanOrEqual(lr * derivedClosed(betas, t) * (1 + 1e-12));
        });
      }),
      { numRuns: runs(100) },
    );
  });

  it('the derived bound is attained at every t by xₛ = (β₂/β₁)ˢ', () => {
    fc.assert(
      fc.property(real(0.3, 0.99), real(0.01, 0.9999), logUniform(-3, 0), fc.integer({ min: 1, max: 30 }), (beta1, beta2, lr, T) => {
        const betas = { beta1, beta2 };
        adamIncrements(betas, lr, worstCase(betas, T)).forEach((d, i) => {
          expect(Math.abs(d - lr * derived(betas, i + 1))).toBeLessThanOrEqual(1e-12 * lr * derived(betas, i + 1));
        });
      }),
      { numRuns: runs(100) },
    );
  });
});
