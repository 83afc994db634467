import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';
import { flushedState } from './flush.js';

/**
 * Options of the momentum rules.
 *
 * @example
 * ```ts
 * minimize(loss, [w], polyak({ lr: 0.1, momentum: 0.9 }));
 * ```
 */
export interface MomentumOptions {
  /** Step size η⁽ᵗ⁾ (default 0.01). */
  readonly lr?: Schedule;
  /** Momentum γ ∈ [0, 1] (default 0.9). */
  readonly momentum?: number;
}

/**
 * Polyak's heavy-ball momentum, as in the lecture (η inside the velocity):
 *
 *   v⁽ᵗ⁺¹⁾ = γ v⁽ᵗ⁾ − η⁽ᵗ⁾ ∇f(w⁽ᵗ⁾),   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + v⁽ᵗ⁺¹⁾,   v⁽⁰⁾ = 0.
 *
 * γ = 0 is gradient descent.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η⁽ᵗ⁾ and γ.
 * @returns the rule (state: `polyak.v` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], polyak({ lr: 0.1, momentum: 0.9 }));
 * ```
 */
export function polyak(options: MomentumOptions = {}): UpdateRule {
  knownOptions('polyak', options, ['lr', 'momentum']);
  const lr = stepSizeOption('polyak', options.lr ?? 0.01);
  const gamma = inRange('polyak', 'momentum', options.momentum ?? 0.9, '[0, 1]');
  return {
    name: 'polyak',
    apply: (g, ctx) => {
      applyArguments('polyak', g, ctx);
      const eta = stepSize(lr, ctx.step);
      const v = ctx.state('polyak.v');
      const next = v.map((vi, i) => flushedState(vi.mul(gamma).sub(g[i]!.mul(eta)))); // v ← γv − η g
      return { directions: next, assignments: v.map((vi, i) => [vi, next[i]!] as const) };
    },
  };
}

/**
 * Momentum with the learning rate outside the buffer (the form of PyTorch's `SGD(momentum=γ)`):
 *
 *   b⁽ᵗ⁺¹⁾ = γ b⁽ᵗ⁾ + ∇f(w⁽ᵗ⁾),   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾ b⁽ᵗ⁺¹⁾.
 *
 * With a constant η it is Polyak's rule exactly (b = −v/η). With a schedule the two differ: here a
 * change of η rescales the whole accumulated velocity at once, in Polyak's form only new gradients.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η⁽ᵗ⁾ and γ.
 * @returns the rule (state: `buffer.b` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], bufferMomentum({ lr: inverseSqrt(0.1), momentum: 0.9 }));
 * ```
 */
export function bufferMomentum(options: MomentumOptions = {}): UpdateRule {
  knownOptions('bufferMomentum', options, ['lr', 'momentum']);
  const lr = stepSizeOption('bufferMomentum', options.lr ?? 0.01);
  const gamma = inRange('bufferMomentum', 'momentum', options.momentum ?? 0.9, '[0, 1]');
  return {
    name: 'buffer',
    apply: (g, ctx) => {
      applyArguments('bufferMomentum', g, ctx);
      const eta = stepSize(lr, ctx.step);
      const b = ctx.state('buffer.b');
      const next = b.map((bi, i) => flushedState(bi.mul(gamma).add(g[i]!))); // b ← γb + g
      return { directions: next.map((bi) => bi.mul(eta).neg()), assignments: b.map((bi, i) => [bi, next[i]!] as const) };
    },
  };
}
