import { stepSize } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import type { MomentumOptions } from './momentum.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';
import { flushedState } from './flush.js';

/**
 * Sutskever et al.'s momentum, which takes the gradient at the look-ahead point:
 *
 *   v⁽ᵗ⁺¹⁾ = γ v⁽ᵗ⁾ − η⁽ᵗ⁾ ∇f(w⁽ᵗ⁾ + γ v⁽ᵗ⁾),   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + v⁽ᵗ⁺¹⁾.
 *
 * The gradient at w + γv is built by a graph rewrite: the loss graph with w + γv substituted for w,
 * differentiated. Under the lecture's change of variables it is Nesterov's scheme. In a chain, the
 * stateless rules before it (regularisation, clipping) are applied at the look-ahead point too, so
 * `chain(addRegularization(φ, λ), sutskever())` is Sutskever's rule on f + λφ.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η⁽ᵗ⁾ and γ.
 * @returns the rule (state: `sutskever.v` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], sutskever({ lr: 0.05, momentum: 0.9 }));
 * ```
 */
export function sutskever(options: MomentumOptions = {}): UpdateRule {
  knownOptions('sutskever', options, ['lr', 'momentum']);
  const lr = stepSizeOption('sutskever', options.lr ?? 0.01);
  const gamma = inRange('sutskever', 'momentum', options.momentum ?? 0.9, '[0, 1]');
  return {
    name: 'sutskever',
    apply: (_directionsAtW, ctx) => {
      applyArguments('sutskever', _directionsAtW, ctx);
      const eta = stepSize(lr, ctx.step);
      const v = ctx.state('sutskever.v');
      const ahead = ctx.directionsAt(ctx.params.map((w, i) => w.add(v[i]!.mul(gamma)))); // ∇f(w + γv)
      const next = v.map((vi, i) => flushedState(vi.mul(gamma).sub(ahead[i]!.mul(eta)))); // v ← γv − η ∇f(w + γv)
      return { directions: next, assignments: v.map((vi, i) => [vi, next[i]!] as const) };
    },
  };
}
