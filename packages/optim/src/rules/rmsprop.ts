import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';
import { flushedState } from './flush.js';

/**
 * Options of {@link rmsprop}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], rmsprop({ lr: 1e-3, beta: 0.95, epsilon: 1e-6 }));
 * ```
 */
export interface RmspropOptions {
  /** Step size η (default 0.001). */
  readonly lr?: Schedule;
  /** Decay β of the moving average of squared gradients (default 0.9). */
  readonly beta?: number;
  /** ε under the square root (default 1e-8). */
  readonly epsilon?: number;
}

/**
 * RMSProp (Hinton, 2012), as in the lecture:
 *
 *   q⁽ᵗ⁺¹⁾ = β q⁽ᵗ⁾ + (1 − β) ∇fₜ(w⁽ᵗ⁾)²,
 *   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η ∇fₜ(w⁽ᵗ⁾) / √(q⁽ᵗ⁺¹⁾ + ε).
 *
 * NOTE: the slide divides by √(q⁽ᵗ⁾ + ε), the average before the current gradient; as in Hinton's
 * lecture (and every implementation) the current gradient is accumulated first, so the first step is
 * not a division by √ε.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η, β and ε.
 * @returns the rule (state: `rmsprop.q` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], rmsprop({ lr: 1e-3 }));
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): UpdateRule {
  knownOptions('rmsprop', options, ['lr', 'beta', 'epsilon']);
  const lr = stepSizeOption('rmsprop', options.lr ?? 0.001);
  const beta = inRange('rmsprop', 'beta', options.beta ?? 0.9, '[0, 1)');
  const epsilon = inRange('rmsprop', 'epsilon', options.epsilon ?? 1e-8, '[0, ∞)');
  return {
    name: 'rmsprop',
    apply: (g, ctx) => {
      applyArguments('rmsprop', g, ctx);
      const eta = stepSize(lr, ctx.step);
      const q = ctx.state('rmsprop.q');
      const next = q.map((qi, i) => flushedState(qi.mul(beta).add(g[i]!.square().mul(1 - beta)))); // q ← βq + (1 − β)g²
      return {
        directions: g.map((gi, i) => gi.mul(eta).div(next[i]!.add(epsilon).sqrt()).neg()),
        assignments: q.map((qi, i) => [qi, next[i]!] as const),
      };
    },
  };
}

/**
 * Options of {@link rmspropGraves}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], rmspropGraves({ lr: 1e-4, beta: 0.95, momentum: 0.9 }));
 * ```
 */
export interface RmspropGravesOptions extends RmspropOptions {
  /** Momentum μ of the velocity (default 0.9). */
  readonly momentum?: number;
}

/**
 * RMSProp as in Graves (2013): centred (divides by an estimate of the gradient's standard deviation)
 * and with momentum:
 *
 *   g⁽ᵗ⁺¹⁾ = β g⁽ᵗ⁾ + (1 − β) ∇fₜ,   q⁽ᵗ⁺¹⁾ = β q⁽ᵗ⁾ + (1 − β) ∇fₜ²,
 *   v⁽ᵗ⁺¹⁾ = μ v⁽ᵗ⁾ − η ∇fₜ / √(q⁽ᵗ⁺¹⁾ − (g⁽ᵗ⁺¹⁾)² + ε),   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + v⁽ᵗ⁺¹⁾.
 *
 * NOTE: as for {@link rmsprop}, the averages include the current gradient (the slide's indices use
 * the previous ones). q − g² ≥ 0 is the variance estimate; Graves uses ε = 1e-4.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η, β, μ and ε.
 * @returns the rule (state: `graves.g`, `graves.q`, `graves.v` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], rmspropGraves({ lr: 1e-4, beta: 0.95, momentum: 0.9, epsilon: 1e-4 }));
 * ```
 */
export function rmspropGraves(options: RmspropGravesOptions = {}): UpdateRule {
  knownOptions('rmspropGraves', options, ['lr', 'beta', 'momentum', 'epsilon']);
  const lr = stepSizeOption('rmspropGraves', options.lr ?? 0.0001);
  const beta = inRange('rmspropGraves', 'beta', options.beta ?? 0.95, '[0, 1)');
  const mu = inRange('rmspropGraves', 'momentum', options.momentum ?? 0.9, '[0, 1]');
  const epsilon = inRange('rmspropGraves', 'epsilon', options.epsilon ?? 1e-4, '[0, ∞)');
  return {
    name: 'graves',
    apply: (grads, ctx) => {
      applyArguments('rmspropGraves', grads, ctx);
      const eta = stepSize(lr, ctx.step);
      const [g, q, v] = [ctx.state('graves.g'), ctx.state('graves.q'), ctx.state('graves.v')];
      const gNext = g.map((gi, i) => flushedState(gi.mul(beta).add(grads[i]!.mul(1 - beta))));
      const qNext = q.map((qi, i) => flushedState(qi.mul(beta).add(grads[i]!.square().mul(1 - beta))));
      const vNext = v.map((vi, i) => flushedState(vi.mul(mu).sub(grads[i]!.mul(eta).div(qNext[i]!.sub(gNext[i]!.square()).add(epsilon).sqrt()))));
      return {
        directions: vNext,
        assignments: [
          ...g.map((x, i) => [x, gNext[i]!] as const),
          ...q.map((x, i) => [x, qNext[i]!] as const),
          ...v.map((x, i) => [x, vNext[i]!] as const),
        ],
      };
    },
  };
}
