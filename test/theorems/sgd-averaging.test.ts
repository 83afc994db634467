/**
 * Lecture 3, "SGD convergence for smooth convex functions".
 *
 * Theorem. Let W be a convex set, f convex and β-smooth, w⁽⁰⁾ ∈ W, R = sup over w ∈ W of ‖w − w⁽⁰⁾‖,
 * and let the stochastic gradient satisfy E‖∇̂f(w) − ∇f(w)‖² ≤ σ² for all w. Run SGD kept in W with
 * the constant step η = 1/(β + (σ/R)√(t/2)) for t steps. Then
 *
 *   E[f((1/t) Σₛ₌₁ᵗ w⁽ˢ⁾)] − f(w*) ≤ √2·σR/√t + βR²/t,
 *
 * w* a minimiser of f over W. (Bubeck, "Convex optimization: algorithms and complexity", Thm 6.3.)
 *
 * Checked as it is stated, through chainrule: W is the ball of radius R around w⁽⁰⁾, and the iterates
 * stay in it by `projectOntoBall(R)` after `sgd({ lr: η })`; the average (1/t) Σ w⁽ˢ⁾ is the state of
 * `averageIterates`, and f is evaluated there by `Minimization.atAverage`. The stochastic gradient is
 * the gradient of f(w) + ξᵀw with ξ ~ N(0, (σ²/n) Iₙ) drawn afresh every step by the graph's seeded
 * `randomNormal`: ∇̂f = ∇f + ξ, unbiased, E‖∇̂f − ∇f‖² = σ² exactly. Objectives, with β known exactly:
 *
 * - quadratics ½(w − c)ᵀH(w − c), H = Q diag(λ) Qᵀ with λ₁ = β and λᵢ ∈ [0, β], c inside or outside
 *   W. Then w* and f* = f(w*) solve a trust-region problem, solved here to full precision: with
 *   z = Qᵀ(w − w⁽⁰⁾) and a = Qᵀ(c − w⁽⁰⁾), zᵢ = λᵢaᵢ/(λᵢ + μ) for the μ ≥ 0 that puts z on the sphere
 *   ‖z‖ = R (μ = 0, f* = 0, when the unconstrained minimum is in W);
 * - log-cosh objectives Σⱼ κⱼ log cosh(qⱼᵀ(w − c)), Q orthogonal, κⱼ ∈ [0, β] with κ₁ = β: the Hessian
 *   Q diag(κ sech²) Qᵀ ⪯ βI with equality at c, so β is the exact smoothness constant; c ∈ W, f* = 0.
 *
 * The expectation: S runs with independent noise (replicas of the problem, 32 to a graph, each with
 * its own parameter, noise seed and state, all of a graph updated by one executor run; random nodes
 * of different seeds draw independently, see `packages/graph/test/random-independence.test.ts`) give
 * samples Xᵣ = f(w̄ᵣ) − f* ≥ 0.
 * Their mean is compared with the bound by a betting test (see `evidence.ts`): the theorem is declared
 * false only if the samples are evidence against E[X] ≤ bound at level δ = 10⁻⁶ — never by a sample
 * mean that noise pushed over it. In the regime where the bound is nearly attained (an almost linear
 * f whose minimum over W is on the sphere) the test also shows that it would catch a bound too small
 * by a factor of two.
 */
import fc from 'fast-check';
import { Graph, type Node } from '@chainrule/graph';
import { averageIterates, chain, minimize, projectOntoBall, sgd, type Minimization } from '@chainrule/optim';
import { describe, expect, it } from 'vitest';
import { evidenceAgainst } from './evidence.js';
import { angles, column, fromSpectrum, logUniform, matVec, norm, real, rotation, runs, spreadFractions, sub, transpose, type Mat, type Vec } from './helpers.js';

const DELTA = 1e-6;

interface Setting {
  readonly family: 'quadratic' | 'logcosh';
  readonly Q: Mat; // orthogonal: the eigenvectors (columns)
  readonly lambdas: Vec; // curvatures along them; λ₁ = β
  readonly beta: number;
  readonly c: Vec; // the unconstrained minimiser
  readonly w0: Vec;
  readonly R: number;
  readonly sigma: number;
  readonly T: number;
}

/** The theorem's step size η = 1/(β + (σ/R)√(T/2)) and bound √2σR/√T + βR²/T. */
const stepSize = ({ beta, sigma, R, T }: Setting): number => 1 / (beta + (sigma / R) * Math.sqrt(T / 2));
const bound = ({ beta, sigma, R, T }: Setting): number => (Math.SQRT2 * sigma * R) / Math.sqrt(T) + (beta * R * R) / T;

/**
 * f* = min over ‖w − w⁽⁰⁾‖ ≤ R of ½(w − c)ᵀQ diag(λ) Qᵀ(w − c): in the eigenbasis, zᵢ(μ) = λᵢaᵢ/(λᵢ + μ)
 * and ‖z(μ)‖ decreases in μ, so μ is found by bisection to the last bit.
 */
function quadraticMinimum({ Q, lambdas, c, w0, R }: Setting): number {
  const a = matVec(transpose(Q), sub(c, w0));
  const radiusAt = (mu: number): number => norm(a.map((ai, i) => (lambdas[i]! === 0 ? 0 : (lambdas[i]! * ai) / (lambdas[i]! + mu))));
  if (norm(a) <= R || radiusAt(0) <= R) return 0; // the minimum (of the directions with λ > 0) lies in W
  let [lo, hi] = [0, 1];
  while (radiusAt(hi) > R) hi *= 2;
  for (let k = 0; k < 2000 && lo < hi; k++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    [lo, hi] = radiusAt(mid) > R ? [mid, hi] : [lo, mid];
  }
  return 0.5 * a.reduce((s, ai, i) => s + lambdas[i]! * (ai * (hi / (lambdas[i]! + hi))) ** 2, 0);
}

/** f(w) as graph ops, for w a column [n, 1]. */
function objective(g: Graph, s: Setting, w: Node): Node {
  const d = w.sub(g.constant(column(s.c)));
  if (s.family === 'quadratic') return d.mul(g.constant(fromSpectrum(s.Q, s.lambdas)).matmul(d)).sum().mul(0.5);
  const z = g.constant(transpose(s.Q)).matmul(d); // qⱼᵀ(w − c)
  const logCosh = z.mul(2).softplus().sub(z).sub(Math.LN2); // log cosh z = softplus(2z) − z − log 2
  return logCosh.mul(g.constant(column(s.lambdas))).sum();
}

/** Replicas per graph: building a minimisation costs more the larger the graph it is added to. */
const PER_GRAPH = 32;

/**
 * Runs `replicas` independent copies of projected, averaged SGD for T steps (in graphs of
 * {@link PER_GRAPH}, each copy with its own parameter, noise seed and state, all of a graph updated by
 * one executor run) and returns the samples Xᵣ = f(w̄ᵣ) − f* — clamped at 0 after checking that they
 * are no more negative than rounding allows — and each ‖w̄ᵣ − w⁽⁰⁾‖.
 */
function samples(s: Setting, replicas: number, seed: number): { excess: number[]; distances: number[] } {
  const fStar = s.family === 'quadratic' ? quadraticMinimum(s) : 0;
  const excess: number[] = [];
  const distances: number[] = [];
  for (let first = 0; first < replicas; first += PER_GRAPH) {
    const g = new Graph();
    const n = s.w0.length;
    const updates: Minimization[] = [];
    const atAverage: Node[] = [];
    for (let r = first; r < Math.min(replicas, first + PER_GRAPH); r++) {
      const w = g.variable(`w${r}`, column(s.w0));
      const f = objective(g, s, w);
      const xi = g.randomNormal([n, 1], { seed: (seed + r) % 2 ** 32, std: s.sigma / Math.sqrt(n) }); // ∇̂f = ∇f + ξ
      // NOTE: simplify off: in a graph of many minimisations it costs far more than the few runs it would speed up.
      const update = minimize(f.add(xi.mul(w).sum()), [w], averageIterates(chain(sgd({ lr: stepSize(s) }), projectOntoBall(s.R))), { prefix: `r${r}/`, simplify: false });
      updates.push(update);
      atAverage.push(...update.atAverage([f])); // f(w̄)
    }
    const step = g.compile({ outputs: [], updates: updates.flatMap((u) => [...u]), executor: 'compiled' });
    for (let t = 0; t < s.T; t++) step();
    for (const v of g.compile({ outputs: atAverage, executor: 'compiled' })()) {
      const x = v.item() - fStar;
      expect(x).toBeGreaterThanOrEqual(-1e-12 * (1 + Math.abs(fStar)));
      excess.push(Math.max(0, x));
    }
    for (const u of updates) distances.push(norm(sub(Array.from(g.getVariable(u.averages['average']![0]!.name!).data), s.w0)));
  }
  return { excess, distances };
}

/** A random setting: n ≤ 4, β over three decades, c inside or outside W (log-cosh: inside). */
const settings: fc.Arbitrary<Setting> = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), family: fc.constantFrom<Setting['family']>('quadratic', 'logcosh') })
  .chain(({ n, family }) =>
    fc.record({
      family: fc.constant(family),
      theta: angles(n),
      spectrum: spreadFractions(n),
      beta: logUniform(-2, 1),
      w0: fc.array(real(-2, 2), { minLength: n, maxLength: n }),
      direction: fc.array(real(-1, 1), { minLength: n, maxLength: n }).filter((v) => norm(v) > 0.1),
      reach: family === 'quadratic' ? real(0, 4) : real(0, 1), // ‖c − w⁽⁰⁾‖ / R
      R: logUniform(-1, 0.5),
      sigma: logUniform(-2, 0.5),
      T: fc.integer({ min: 100, max: 300 }),
    }),
  )
  .map(({ family, theta, spectrum, beta, w0, direction, reach, R, sigma, T }) => {
    const u = direction.map((x) => x / norm(direction));
    return {
      family,
      Q: rotation(w0.length, theta),
      lambdas: spectrum.map((f, i) => (i === 0 ? beta : beta * f)),
      beta,
      c: w0.map((x, i) => x + reach * R * u[i]!),
      w0,
      R,
      sigma,
      T,
    };
  });

describe('SGD on a β-smooth convex f, kept in W, averaged: E[f(w̄⁽ᵗ⁾)] − f* ≤ √2σR/√t + βR²/t', () => {
  it('holds, at level δ = 1e-6 per setting, on random quadratics and log-cosh objectives (64 seeds each)', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 0, max: 2 ** 31 }), (s, seed) => {
        const { excess, distances } = samples(s, 64, seed);
        for (const d of distances) expect(d).toBeLessThanOrEqual(s.R * (1 + 1e-12)); // w̄ ∈ W
        const B = bound(s);
        const { capital, mean, std } = evidenceAgainst(excess, B);
        if (capital >= 1 / DELTA) expect.fail(`evidence ${capital.toExponential(2)} against E[X] ≤ ${B}: mean ${mean} ± ${std} over ${excess.length} runs`);
      }),
      { numRuns: runs(8, 400) }, // ≈ 2 s a run
    );
  });

  it('is nearly attained by an almost linear f whose minimum over W is on the sphere, and a bound half as large would be caught', () => {
    // f = ½·β(w₁ − 100)² on R = 1 around 0: ∇f ≈ −100β all over W, w* = 1; β = 1e-3, σ = 1, T = 400.
    const s: Setting = { family: 'quadratic', Q: [[1]], lambdas: [1e-3], beta: 1e-3, c: [100], w0: [0], R: 1, sigma: 1, T: 400 };
    const { excess } = samples(s, 256, 7);
    const B = bound(s);
    const verdict = evidenceAgainst(excess, B);
    expect(verdict.capital).toBeLessThan(1 / DELTA);
    expect(verdict.mean).toBeGreaterThan(0.5 * B); // tight: within a factor 2 of the bound
    const half = evidenceAgainst(excess, B / 2);
    expect(half.capital).toBeGreaterThanOrEqual(1 / DELTA); // so B/2 is refuted
  });
});

describe('the betting test of E[X] ≤ m', () => {
  // Exponential samples with mean μ, from a fixed-seed generator: evidence builds up against m < μ
  // and stays small for m ≥ μ.
  const exponential = (mu: number, n: number): number[] => {
    let state = 12345;
    return Array.from({ length: n }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return -mu * Math.log(1 - state / 2 ** 32);
    });
  };
  it('refutes a bound 20% below the true mean from 2000 samples, and does not refute the true mean', () => {
    const xs = exponential(1, 2000);
    expect(evidenceAgainst(xs, 0.8).capital).toBeGreaterThanOrEqual(1 / DELTA);
    expect(evidenceAgainst(xs, 1).capital).toBeLessThan(1e3);
    expect(evidenceAgainst(xs, 1.5).capital).toBe(1); // never bets when the samples sit below the bound
  });
});
