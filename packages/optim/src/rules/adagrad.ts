import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';
import { flushedState } from './flush.js';

/**
 * Options of {@link adagrad}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], adagrad({ lr: 0.1, epsilon: 1e-8 }));
 * ```
 */
export interface AdagradOptions {
  /** Step size η (default 0.01). */
  readonly lr?: Schedule;
  /** ε added under the square root (default 1e-10; 0 is the lecture's exact form, which divides 0 by 0 where a coordinate's gradients have all been 0). */
  readonly epsilon?: number;
}

/**
 * AdaGrad (diagonal), as in the lecture:
 *
 *   Q⁽ᵗ⁾ = Σₛ₌₁ᵗ ∇fₛ(w⁽ˢ⁾)²  (elementwise: the diagonal of Σ ∇f ∇fᵀ),
 *   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η diag(Q⁽ᵗ⁾ + ε)^(−1/2) ∇fₜ(w⁽ᵗ⁾).
 *
 * The sum includes the current gradient (s = t), as in Duchi et al.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η and ε.
 * @returns the rule (state: `adagrad.Q` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], adagrad({ lr: 0.1 }));
 * ```
 */
export function adagrad(options: AdagradOptions = {}): UpdateRule {
  knownOptions('adagrad', options, ['lr', 'epsilon']);
  const lr = stepSizeOption('adagrad', options.lr ?? 0.01);
  const epsilon = inRange('adagrad', 'epsilon', options.epsilon ?? 1e-10, '[0, ∞)');
  return {
    name: 'adagrad',
    apply: (g, ctx) => {
      applyArguments('adagrad', g, ctx);
      const eta = stepSize(lr, ctx.step);
      const Q = ctx.state('adagrad.Q');
      const next = Q.map((q, i) => flushedState(q.add(g[i]!.square()))); // Q ← Q + g²
      return {
        directions: g.map((gi, i) => gi.mul(eta).div(next[i]!.add(epsilon).sqrt()).neg()), // −η g/√(Q + ε)
        assignments: Q.map((q, i) => [q, next[i]!] as const),
      };
    },
  };
}
