/**
 * An online-learning harness for the lecture's regret theorem: a sequence of convex losses
 * f₁, f₂, … fed one per step to `minimize(fₜ, [w], rule)` — the loss graph reads fₜ's data from
 * inputs, and step t feeds them — recording fₜ(w⁽ᵗ⁾), w⁽ᵗ⁾ and ∇fₜ(w⁽ᵗ⁾) before each update; and the
 * regret against the best fixed w in hindsight,
 *
 *   R(T) = Σₜ₌₁ᵀ fₜ(w⁽ᵗ⁾) − min_w Σₜ₌₁ᵀ fₜ(w),
 *
 * with the minimum solved exactly (linear losses on a box, least squares) or by Newton's method to
 * ‖∇‖ ≤ 1e-10 (logistic losses with a ridge).
 */
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { minimize, type Minimization, type UpdateRule } from '@chainrule/optim';
import { column, dot, norm, type Mat, type Vec } from './helpers.js';

/** A sequence of convex losses over w ∈ ℝⁿ (a column [n, 1]), with its data. */
export interface OnlineProblem {
  /** The start w⁽¹⁾. */
  readonly w0: Vec;
  /** Builds fₜ(w) from the parameter and inputs of the graph (the same node serves every t). */
  build(g: Graph, w: Node): Node;
  /** The feeds of step t = 1, 2, …: fₜ's data. */
  feeds(t: number): Record<string, Tensor>;
  /** fₜ(w) in plain numbers. */
  value(t: number, w: Vec): number;
  /** A minimiser of Σₜ₌₁ᵀ fₜ over the problem's domain, and the minimum. */
  hindsight(T: number): { readonly w: Vec; readonly value: number };
}

/** What one online run records, for t = 1..T (index t − 1). */
export interface OnlineRun {
  /** fₜ(w⁽ᵗ⁾): the loss the learner suffers at step t, before its update. */
  readonly losses: number[];
  /** w⁽ᵗ⁾. */
  readonly iterates: Vec[];
  /** ∇fₜ(w⁽ᵗ⁾). */
  readonly gradients: Vec[];
  /** The extra outputs of step t's run (e.g. a state variable's value after the update). */
  readonly extra: Vec[][];
}

/**
 * Plays T rounds: at step t the learner holds w⁽ᵗ⁾, suffers fₜ(w⁽ᵗ⁾), and one run of the update
 * moves it to w⁽ᵗ⁺¹⁾ with the rule.
 *
 * @param problem - the losses.
 * @param rule - the learner.
 * @param T - the number of rounds.
 * @param extra - more nodes computed by each step's run (e.g. `(m) => [m.valueAfter(v)]` for a state
 *   variable v after the update).
 * @returns the record of the run.
 */
export function playOnline(problem: OnlineProblem, rule: UpdateRule, T: number, extra: (m: Minimization) => readonly Node[] = () => []): OnlineRun {
  const g = new Graph();
  const w = g.variable('w', column(problem.w0));
  const loss = problem.build(g, w);
  const update = minimize(loss, [w], rule);
  const more = extra(update);
  const run = g.compile({ outputs: [loss, w, update.gradients[0]!, ...more], updates: update, executor: 'compiled' });
  const out: OnlineRun = { losses: [], iterates: [], gradients: [], extra: more.map(() => []) };
  for (let t = 1; t <= T; t++) {
    const [f, x, dx, ...rest] = run(problem.feeds(t));
    out.losses.push(f!.item());
    out.iterates.push(Array.from(x!.data));
    out.gradients.push(Array.from(dx!.data));
    rest.forEach((v, i) => out.extra[i]!.push(Array.from(v.data)));
  }
  return out;
}

/**
 * R(T) = Σₜ₌₁ᵀ fₜ(w⁽ᵗ⁾) − min_w Σₜ₌₁ᵀ fₜ(w), and the comparator w*.
 *
 * @param problem - the losses.
 * @param run - a run of at least T rounds.
 * @param T - the horizon.
 * @returns the regret and w*.
 */
export function regret(problem: OnlineProblem, run: OnlineRun, T: number): { readonly value: number; readonly comparator: Vec } {
  const best = problem.hindsight(T);
  let suffered = 0;
  for (let t = 0; t < T; t++) suffered += run.losses[t]!;
  return { value: suffered - best.value, comparator: best.w };
}

// ---- seeded data ----

/** Uniform numbers in [0, 1) from a seed (mulberry32), for problem data. */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Solves A x = b (A square, nonsingular) by Gaussian elimination with partial pivoting. */
export function solve(A: Mat, b: Vec): Vec {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

// ---- problems ----

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Online logistic regression with a ridge: fₜ(w) = log(1 + exp(−yₜ aₜᵀw)) + (ρ/2)‖w‖², features
 * aₜ ∈ [−1, 1]ⁿ and labels yₜ = sign(w°ᵀaₜ + noise) from a seed. Each fₜ is convex with
 * ‖∇fₜ(w)‖ ≤ ‖aₜ‖ + ρ‖w‖. The best w in hindsight (unique: the ridge makes Σfₜ strictly convex) by
 * damped Newton steps to ‖∇Σfₜ‖ ≤ 1e-10·T.
 */
export function onlineLogistic(n: number, T: number, rho: number, seed: number): OnlineProblem {
  const u = uniforms(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const truth = Array.from({ length: n }, normal);
  const A = Array.from({ length: T }, () => Array.from({ length: n }, () => 2 * u() - 1));
  const y = A.map((a) => (dot(a, truth) + 0.5 * normal() >= 0 ? 1 : -1));
  const value = (t: number, w: Vec): number => softplus(-y[t - 1]! * dot(A[t - 1]!, w)) + (rho / 2) * dot(w, w);
  const total = (T: number, w: Vec): number => {
    let s = 0;
    for (let t = 1; t <= T; t++) s += value(t, w);
    return s;
  };
  return {
    w0: new Array<number>(n).fill(0),
    build(g, w) {
      const a = g.input('a', [1, n]);
      const label = g.input('y', []);
      return a.matmul(w).sum().mul(label).neg().softplus().add(w.square().sum().mul(rho / 2));
    },
    feeds: (t) => ({ a: tensor([A[t - 1]!]), y: tensor(y[t - 1]!) }),
    value,
    hindsight(T) {
      let w = new Array<number>(n).fill(0);
      for (let iteration = 0; iteration < 100; iteration++) {
        const G = w.map((wi) => T * rho * wi);
        const H = w.map((_, i) => w.map((__, j) => (i === j ? T * rho : 0)));
        for (let t = 0; t < T; t++) {
          const m = y[t]! * dot(A[t]!, w);
          const [k, h] = [-y[t]! * sigmoid(-m), sigmoid(m) * sigmoid(-m)];
          for (let i = 0; i < n; i++) {
            G[i]! += k * A[t]![i]!;
            for (let j = 0; j < n; j++) H[i]![j]! += h * A[t]![i]! * A[t]![j]!;
          }
        }
        if (norm(G) <= 1e-10 * T) return { w, value: total(T, w) };
        const step = solve(H, G);
        // Halve the step while it increases Σfₜ beyond rounding (far from w*; near it the full Newton step converges quadratically).
        const f0 = total(T, w);
        let s = 1;
        while (s > 1e-6 && total(T, w.map((wi, i) => wi - s * step[i]!)) > f0 + 1e-12 * Math.abs(f0)) s /= 2;
        w = w.map((wi, i) => wi - s * step[i]!);
      }
      throw new Error('onlineLogistic: Newton did not reach ‖∇‖ ≤ 1e-10·T');
    },
  };
}

/**
 * Online least squares: fₜ(w) = ½(aₜᵀw − yₜ)², aₜ ∈ [−1, 1]ⁿ, yₜ = w°ᵀaₜ + noise. The best w in
 * hindsight solves the normal equations (Σ aₜaₜᵀ) w = Σ yₜaₜ.
 */
export function onlineLeastSquares(n: number, T: number, seed: number): OnlineProblem {
  const u = uniforms(seed);
  const truth = Array.from({ length: n }, () => 4 * u() - 2);
  const A = Array.from({ length: T }, () => Array.from({ length: n }, () => 2 * u() - 1));
  const y = A.map((a) => dot(a, truth) + (u() - 0.5));
  const value = (t: number, w: Vec): number => 0.5 * (dot(A[t - 1]!, w) - y[t - 1]!) ** 2;
  return {
    w0: new Array<number>(n).fill(0),
    build(g, w) {
      const a = g.input('a', [1, n]);
      return a.matmul(w).sum().sub(g.input('y', [])).square().mul(0.5);
    },
    feeds: (t) => ({ a: tensor([A[t - 1]!]), y: tensor(y[t - 1]!) }),
    value,
    hindsight(T) {
      const M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => A.slice(0, T).reduce((s, a) => s + a[i]! * a[j]!, 0)));
      const b = Array.from({ length: n }, (_, i) => A.slice(0, T).reduce((s, a, t) => s + a[i]! * y[t]!, 0));
      const w = solve(M, b);
      let s = 0;
      for (let t = 1; t <= T; t++) s += value(t, w);
      return { w, value: s };
    },
  };
}

/**
 * Reddi, Kale and Kumar's online problem (ICLR 2018, Theorem 1; Theorem 2 with period = C): on the
 * feasible set F = [−1, 1],
 *
 *   fₜ(x) = C·x if t mod period = 1,   fₜ(x) = −x otherwise,
 *
 * with C > period − 1, so Σfₜ grows like (C − period + 1)/period · x per step and the best fixed point
 * in hindsight is x = −1 (exactly: the end of F against the sign of Σₜ ∇fₜ).
 */
export function reddiProblem(C: number, period: number): OnlineProblem {
  const slope = (t: number): number => (t % period === 1 ? C : -1);
  return {
    w0: [0],
    build: (g, w) => w.mul(g.input('c', [])).sum(),
    feeds: (t) => ({ c: tensor(slope(t)) }),
    value: (t, w) => slope(t) * w[0]!,
    hindsight(T) {
      let s = 0;
      for (let t = 1; t <= T; t++) s += slope(t);
      const x = s > 0 ? -1 : 1;
      return { w: [x], value: s * x };
    },
  };
}
