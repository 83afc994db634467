/**
 * The pieces of the lecture's Adam regret theorem (see `adam-regret.test.ts`): the learner it is
 * about, the three terms of its bound with the constants measured on a run, and the growth exponent
 * of a regret curve.
 */
import type { Node } from '@chainrule/graph';
import { adam, exponentialDecay, inverseSqrt, type Minimization } from '@chainrule/optim';
import type { Vec } from './helpers.js';
import type { OnlineRun } from './online.js';

/** Adam's hyperparameters in the theorem. */
export interface AdamSetting {
  readonly eta: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly lambda: number;
}

/** The theorem's learner: η⁽ᵗ⁾ = η/√t, β₁⁽ᵗ⁾ = β₁λ^(t−1). */
export const lectureAdam = (s: AdamSetting, epsilon = 1e-8) => adam({ lr: inverseSqrt(s.eta), beta1: exponentialDecay(s.beta1, s.lambda), beta2: s.beta2, epsilon });

/** The terms of the bound at horizon T, with the constants measured on the run (and w*). */
export interface BoundTerms {
  readonly first: number;
  readonly second: number;
  readonly third: number;
  /** The slide's first term, δ₂ in place of δ₂². */
  readonly slideFirst: number;
  /** The slide's last term, without √(1 − β₂). */
  readonly slideThird: number;
  readonly mu: number;
  readonly delta2: number;
  readonly deltaInf: number;
}

/**
 * Diameters of a point set: in the 2-norm exactly — every pair that could beat the best distance so
 * far is compared, in order of distance from the centroid (a pair at distances rᵢ, rⱼ from it is at
 * most rᵢ + rⱼ apart), which skips the bulk of iterates gathered near w* — and in the ∞-norm (the
 * widest coordinate range).
 */
export function diameters(points: readonly Vec[]): { readonly two: number; readonly inf: number } {
  const n = points[0]!.length;
  const distance = (p: Vec, q: Vec): number => Math.sqrt(p.reduce((acc, x, k) => acc + (x - q[k]!) ** 2, 0));
  const centroid = Array.from({ length: n }, (_, k) => points.reduce((acc, p) => acc + p[k]!, 0) / points.length);
  const byRadius = points.map((p) => ({ p, r: distance(p, centroid) })).sort((a, b) => b.r - a.r);
  let two = 0;
  for (let i = 0; i < byRadius.length && 2 * byRadius[i]!.r > two; i++) {
    for (let j = i + 1; j < byRadius.length && byRadius[i]!.r + byRadius[j]!.r > two; j++) two = Math.max(two, distance(byRadius[i]!.p, byRadius[j]!.p));
  }
  let inf = 0;
  for (let k = 0; k < n; k++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (const p of points) [lo, hi] = [Math.min(lo, p[k]!), Math.max(hi, p[k]!)];
    inf = Math.max(inf, hi - lo);
  }
  return { two, inf };
}

/**
 * The three terms at horizon T. `run.extra[0]` must hold `adam.q` after each update.
 *
 * @param s - the hyperparameters.
 * @param run - the online run.
 * @param T - the horizon.
 * @param comparator - w*, the best fixed point for horizon T.
 * @param deltaOver - the points δ₂, δ∞ are measured over: the iterates and w* (what the proof needs,
 *   default), or the iterates alone (the slide's wording).
 * @returns the terms and the measured constants.
 */
export function boundTerms(s: AdamSetting, run: OnlineRun, T: number, comparator: Vec, deltaOver: 'iterates and w*' | 'iterates' = 'iterates and w*'): BoundTerms {
  const { eta, beta1, beta2, lambda } = s;
  const gamma = (beta1 * beta1) / Math.sqrt(beta2);
  const n = comparator.length;
  const { two: delta2, inf: deltaInf } = diameters([...run.iterates.slice(0, T), ...(deltaOver === 'iterates' ? [] : [comparator])]);
  let mu = 0;
  const columnNorms = new Array<number>(n).fill(0); // ‖(∂ᵢf₁(w⁽¹⁾), …, ∂ᵢf_T(w⁽ᵀ⁾))‖₂²
  for (const g of run.gradients.slice(0, T)) g.forEach((x, i) => ((mu = Math.max(mu, Math.abs(x))), (columnNorms[i]! += x * x)));
  const qHat = run.extra[0]![T - 1]!.map((q) => q / (1 - beta2 ** T));
  const rootTq = qHat.reduce((acc, q) => acc + Math.sqrt(T * q), 0);
  const first = ((delta2 * delta2) / (2 * eta * (1 - beta1))) * rootTq;
  const second = ((eta * (1 + beta1) * mu) / ((1 - beta1) * Math.sqrt(1 - beta2) * (1 - gamma) ** 2)) * columnNorms.reduce((acc, c) => acc + Math.sqrt(c), 0);
  const slideThird = (n * deltaInf * deltaInf * mu) / (2 * eta * (1 - beta1) * (1 - lambda) ** 2);
  return { first, second, third: slideThird * Math.sqrt(1 - beta2), slideFirst: (delta2 / (2 * eta * (1 - beta1))) * rootTq, slideThird, mu, delta2, deltaInf };
}

/** The slope of the least-squares line through (log T, log R(T)). */
export function growthExponent(points: readonly (readonly [number, number])[]): number {
  const xs = points.map(([T]) => Math.log(T));
  const ys = points.map(([, r]) => Math.log(r));
  const [mx, my] = [xs.reduce((a, b) => a + b) / xs.length, ys.reduce((a, b) => a + b) / ys.length];
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/** `adam.q` after each update: the node assigned to it, computed by the step's own run. */
export const secondMoment = (m: Minimization): Node[] => [m.valueAfter(m.state.find((v) => v.name === 'optim/adam.q/w')!)];

