import { expectString } from '@chainrule/graph';
import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, ruleOptions, stepSizeOption } from '../validate.js';

/**
 * Options of {@link adam}.
 *
 * @example
 * ```ts
 * minimize(loss, [w, b], adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, epsilonPlacement: 'outside' }));
 * ```
 */
export interface AdamOptions {
  /** Step size η (default 0.001). */
  readonly lr?: Schedule;
  /** Decay β₁ of the first-moment estimate (default 0.9). */
  readonly beta1?: number;
  /** Decay β₂ of the second-moment estimate (default 0.999). */
  readonly beta2?: number;
  /** ε (default 1e-8). */
  readonly epsilon?: number;
  /**
   * Where ε goes: `'inside'` the square root, √(q̂ + ε), as the lecture writes it (default), or
   * `'outside'`, √q̂ + ε, as in Kingma and Ba's paper.
   */
  readonly epsilonPlacement?: 'inside' | 'outside';
}

/**
 * Adam (Kingma and Ba, 2015) with bias correction, as in the lecture (t = 1, 2, …):
 *
 *   g⁽ᵗ⁾ = β₁ g⁽ᵗ⁻¹⁾ + (1 − β₁) ∇fₜ(w⁽ᵗ⁾),   q⁽ᵗ⁾ = β₂ q⁽ᵗ⁻¹⁾ + (1 − β₂) ∇fₜ(w⁽ᵗ⁾)²,
 *   ĝ⁽ᵗ⁾ = g⁽ᵗ⁾/(1 − β₁ᵗ),   q̂⁽ᵗ⁾ = q⁽ᵗ⁾/(1 − β₂ᵗ),
 *   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η ĝ⁽ᵗ⁾/√(q̂⁽ᵗ⁾ + ε).
 *
 * NOTE: the slide's indices put the current gradient into g⁽ᵗ⁺¹⁾ but step with ĝ⁽ᵗ⁾; as in the
 * paper, the moments include the current gradient before the step.
 *
 * @param options - η, β₁, β₂, ε and its placement.
 * @returns the rule (state: `adam.g`, `adam.q` per parameter).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, params, adam({ lr: 1e-3 }));
 * ```
 */
export function adam(options: AdamOptions = {}): UpdateRule {
  ruleOptions('adam', options);
  const lr = stepSizeOption('adam', options.lr ?? 0.001);
  const beta1 = inRange('adam', 'beta1', options.beta1 ?? 0.9, '[0, 1)');
  const beta2 = inRange('adam', 'beta2', options.beta2 ?? 0.999, '[0, 1)');
  const epsilon = inRange('adam', 'epsilon', options.epsilon ?? 1e-8, '[0, ∞)');
  const epsilonPlacement = expectString('adam', 'options.epsilonPlacement', options.epsilonPlacement ?? 'inside', ['inside', 'outside']);
  return {
    name: 'adam',
    apply: (grads, ctx) => {
      applyArguments('adam', grads, ctx);
      const t = ctx.step;
      const eta = stepSize(lr, t);
      const [g, q] = [ctx.state('adam.g'), ctx.state('adam.q')];
      const gNext = g.map((gi, i) => gi.mul(beta1).add(grads[i]!.mul(1 - beta1)));
      const qNext = q.map((qi, i) => qi.mul(beta2).add(grads[i]!.square().mul(1 - beta2)));
      const c1 = ctx.graph.scalar(beta1, t.dtype).pow(t).neg().add(1); // 1 − β₁ᵗ
      const c2 = ctx.graph.scalar(beta2, t.dtype).pow(t).neg().add(1); // 1 − β₂ᵗ
      const directions = gNext.map((gn, i) => {
        const gHat = gn.div(c1);
        const qHat = qNext[i]!.div(c2);
        const denominator = epsilonPlacement === 'inside' ? qHat.add(epsilon).sqrt() : qHat.sqrt().add(epsilon);
        return gHat.mul(eta).div(denominator).neg();
      });
      return { directions, assignments: [...g.map((x, i) => [x, gNext[i]!] as const), ...q.map((x, i) => [x, qNext[i]!] as const)] };
    },
  };
}
