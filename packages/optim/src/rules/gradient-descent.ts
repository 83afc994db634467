import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';

/**
 * Options of {@link sgd}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], sgd({ lr: inverseTime(0.5) })); // η⁽ᵗ⁾ = 0.5/t
 * ```
 */
export interface SgdOptions {
  /** Step size η⁽ᵗ⁾: a constant or a schedule (default 0.01). */
  readonly lr?: Schedule;
}

/**
 * Gradient descent, w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾ ∇f(w⁽ᵗ⁾) (the lecture's update with B⁽ᵗ⁾ = I). Batch,
 * mini-batch and stochastic gradient descent are this same rule: they differ in the data the loss is
 * computed on (see `@chainrule/nn`).
 *
 * @param options - the step size.
 * @returns the rule.
 * @throws ChainruleError when a constant step size is not finite.
 * @example
 * ```ts
 * minimize(loss, [w], sgd({ lr: inverseTime(0.5) }));
 * ```
 */
export function sgd(options: SgdOptions = {}): UpdateRule {
  knownOptions('sgd', options, ['lr']);
  const lr = stepSizeOption('sgd', options.lr ?? 0.01);
  return {
    name: 'sgd',
    apply: (g, ctx) => {
      applyArguments('sgd', g, ctx);
      const eta = stepSize(lr, ctx.step);
      return { directions: g.map((gi) => gi.mul(eta).neg()), assignments: [] }; // d = −η⁽ᵗ⁾ g
    },
  };
}

/**
 * Multiplies the directions by a step size: d ← η⁽ᵗ⁾ · d (use a negative constant to descend). The
 * building block for "learning rate outside" compositions.
 *
 * @param factor - a constant or a schedule.
 * @returns the rule.
 * @example
 * ```ts
 * chain(clipByGlobalNorm(1), scaleBy(-0.1));
 * ```
 */
export function scaleBy(factor: Schedule): UpdateRule {
  return {
    name: 'scale',
    apply: (d, ctx) => {
      applyArguments('scaleBy', d, ctx);
      const k = stepSize(factor, ctx.step);
      return { directions: d.map((x) => x.mul(k)), assignments: [] };
    },
  };
}
