import { ChainruleError, type Node } from '@chainrule/graph';
import type { UpdateRule } from '../transform.js';
import { inRange, knownOptions } from '../validate.js';

/**
 * Options of {@link projectOntoBall}.
 *
 * @example
 * ```ts
 * chain(sgd({ lr: 0.1 }), projectOntoBall(5, { center: 'origin' })); // ‖w‖ ≤ 5
 * ```
 */
export interface BallOptions {
  /**
   * The ball's centre: `'initial'` (default), the parameters' values when the update is built —
   * w⁽⁰⁾, as in the lecture's W with R = sup ‖w − w⁽⁰⁾‖ — or `'origin'`, 0.
   */
  readonly center?: 'initial' | 'origin';
}

/**
 * Projects the step onto the Euclidean ball of radius R around w⁽⁰⁾ (or around 0): the parameters
 * move to Π_W(w⁽ᵗ⁾ + d⁽ᵗ⁾), W = {w : ‖w − c‖₂ ≤ R}, over all parameters together,
 *
 *   Π_W(u) = c + (u − c) · min(1, R/‖u − c‖₂).
 *
 * Put it after the rule whose step it projects — `chain(sgd({ lr }), projectOntoBall(R))` is projected
 * SGD, which keeps the iterates in the convex set W of the lecture's SGD theorem. Inside the ball the
 * step is left unchanged, bit for bit.
 *
 * @param radius - R > 0.
 * @param options - the centre.
 * @returns the rule (state: `ball.center` per parameter, a copy of w⁽⁰⁾ never reassigned, when the
 *   centre is `'initial'`; none for `'origin'`).
 * @throws ChainruleError when R is not a positive finite number, or the centre is neither option.
 * @example
 * ```ts
 * minimize(loss, [w], chain(sgd({ lr: 0.05 }), projectOntoBall(2))); // ‖w⁽ᵗ⁾ − w⁽⁰⁾‖ ≤ 2 for every t
 * ```
 */
export function projectOntoBall(radius: number, options: BallOptions = {}): UpdateRule {
  knownOptions('projectOntoBall', options, ['center']);
  inRange('projectOntoBall', 'radius', radius, '(0, ∞)');
  const center = options.center ?? 'initial';
  if (center !== 'initial' && center !== 'origin') throw new ChainruleError(`projectOntoBall: center must be 'initial' or 'origin', got ${String(center)}`);
  return {
    name: 'ball',
    apply: (d, ctx) => {
      const c = center === 'initial' ? ctx.state('ball.center', 'param') : undefined;
      const targets = ctx.params.map((w, i) => w.add(d[i]!)); // u = w + d
      const offsets = targets.map((u, i) => (c === undefined ? u : u.sub(c[i]!))); // u − c
      const norm = offsets.map((x) => x.square().sum()).reduce((a, b) => a.add(b)).sqrt();
      const shrink = norm.graph.where(norm.greater(radius), norm.reciprocal().mul(radius).sub(1), 0); // min(1, R/‖u − c‖) − 1
      // d + (Π(u) − u), with Π(u) − u = (u − c)(min(1, R/‖u − c‖) − 1): exactly d inside the ball
      return { directions: d.map((x, i) => x.add(offsets[i]!.mul(shrink))), assignments: [] };
    },
  };
}

/**
 * Projects the step onto the box [low, high] (every element of every parameter): the parameters move
 * to clamp(w⁽ᵗ⁾ + d⁽ᵗ⁾, low, high), the Euclidean projection onto the box — and, as the box is a
 * product of intervals, also the projection in any diagonally weighted norm, the one adaptive rules'
 * analyses use. A bound may be infinite (`projectOntoBox(0, Infinity)` keeps w ≥ 0). Inside the box
 * the step is left unchanged, bit for bit.
 *
 * @param low - the lower bound (may be −∞).
 * @param high - the upper bound, ≥ low (may be +∞).
 * @returns the rule (no state).
 * @throws ChainruleError when a bound is not a number, low > high, low = +∞ or high = −∞ (no point in the box).
 * @example
 * ```ts
 * minimize(loss, [x], chain(adam({ lr: inverseSqrt(0.5) }), projectOntoBox(-1, 1))); // x ∈ [−1, 1]
 * ```
 */
export function projectOntoBox(low: number, high: number): UpdateRule {
  if (typeof low !== 'number' || typeof high !== 'number' || Number.isNaN(low) || Number.isNaN(high) || !(low <= high) || low === Infinity || high === -Infinity) {
    throw new ChainruleError(`projectOntoBox: need low ≤ high (numbers; low may be −∞, high +∞), got [${String(low)}, ${String(high)}]`);
  }
  return {
    name: 'box',
    apply: (d, ctx) => {
      const clamp = (u: Node): Node => {
        const above = low === -Infinity ? u : u.maximum(low);
        return high === Infinity ? above : above.minimum(high);
      };
      // d + (clamp(u) − u) for u = w + d: exactly d inside the box
      return {
        directions: d.map((x, i) => {
          const u = ctx.params[i]!.add(x);
          return x.add(clamp(u).sub(u));
        }),
        assignments: [],
      };
    },
  };
}
