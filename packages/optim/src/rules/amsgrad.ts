import { stepSize } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { inRange, knownOptions, rateOption, stepSizeOption } from '../validate.js';
import type { AdamOptions } from './adam.js';
import { movingAverage } from './moments.js';

/**
 * AMSGrad (Reddi, Kale and Kumar, "On the convergence of Adam and beyond", ICLR 2018): Adam whose
 * second moment never decreases, so that the effective step η⁽ᵗ⁾/√q̂ₘₐₓ only shrinks (t = 1, 2, …):
 *
 *   g⁽ᵗ⁾ = β₁⁽ᵗ⁾ g⁽ᵗ⁻¹⁾ + (1 − β₁⁽ᵗ⁾) ∇fₜ(w⁽ᵗ⁾),   q⁽ᵗ⁾ = β₂⁽ᵗ⁾ q⁽ᵗ⁻¹⁾ + (1 − β₂⁽ᵗ⁾) ∇fₜ(w⁽ᵗ⁾)²,
 *   ĝ⁽ᵗ⁾ = g⁽ᵗ⁾/(1 − Πₛ β₁⁽ˢ⁾),   q̂⁽ᵗ⁾ = q⁽ᵗ⁾/(1 − Πₛ β₂⁽ˢ⁾),
 *   q̂ₘₐₓ⁽ᵗ⁾ = max(q̂ₘₐₓ⁽ᵗ⁻¹⁾, q̂⁽ᵗ⁾),   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾ ĝ⁽ᵗ⁾/√(q̂ₘₐₓ⁽ᵗ⁾ + ε),   q̂ₘₐₓ⁽⁰⁾ = 0.
 *
 * That monotonicity is what the regret analysis of Adam needs and Adam lacks: with it, and
 * η⁽ᵗ⁾ = η/√t, β₁⁽ᵗ⁾ ≤ β₁ and β₁ < √β₂, Reddi et al. prove R(T) = O(√T) (their Theorem 4); on their
 * counterexample, where Adam's average regret stays away from 0, AMSGrad's goes to 0 (see
 * `docs/lecture-errata.md`). NOTE: the paper states the rule without bias correction; like `adam`
 * (and optax's `amsgrad`), chainrule corrects both moments and takes the maximum of the corrected
 * q̂, which keeps q̂ₘₐₓ non-decreasing. Hyperparameters and their schedules are those of `adam`.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η, β₁, β₂ (constants or schedules), ε and its placement, as for `adam`.
 * @returns the rule (state: `amsgrad.g`, `amsgrad.q`, `amsgrad.qmax` per parameter; for a scheduled
 *   β₁ or β₂ also the scalar `amsgrad.beta1Product` or `amsgrad.beta2Product`).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, [w], amsgrad({ lr: inverseSqrt(0.1), beta1: 0.9, beta2: 0.999 }));
 * ```
 */
export function amsgrad(options: AdamOptions = {}): UpdateRule {
  knownOptions('amsgrad', options, ['lr', 'beta1', 'beta2', 'epsilon', 'epsilonPlacement']);
  const lr = stepSizeOption('amsgrad', options.lr ?? 0.001);
  const beta1 = rateOption('amsgrad', 'beta1', options.beta1 ?? 0.9, '[0, 1)');
  const beta2 = rateOption('amsgrad', 'beta2', options.beta2 ?? 0.999, '[0, 1)');
  const epsilon = inRange('amsgrad', 'epsilon', options.epsilon ?? 1e-8, '[0, ∞)');
  const epsilonPlacement = options.epsilonPlacement ?? 'inside';
  return {
    name: 'amsgrad',
    apply: (grads, ctx) => {
      const eta = stepSize(lr, ctx.step);
      const [g, q, qmax] = [ctx.state('amsgrad.g'), ctx.state('amsgrad.q'), ctx.state('amsgrad.qmax')];
      const [first, second] = [movingAverage(ctx, 'amsgrad.beta1', beta1), movingAverage(ctx, 'amsgrad.beta2', beta2)];
      const gNext = g.map((gi, i) => first.update(gi, grads[i]!));
      const qNext = q.map((qi, i) => second.update(qi, grads[i]!.square()));
      const qmaxNext = qmax.map((m, i) => m.maximum(qNext[i]!.div(second.correction))); // max(q̂ₘₐₓ, q̂)
      const directions = gNext.map((gn, i) => {
        const gHat = gn.div(first.correction);
        const denominator = epsilonPlacement === 'inside' ? qmaxNext[i]!.add(epsilon).sqrt() : qmaxNext[i]!.sqrt().add(epsilon);
        return gHat.div(denominator).mul(eta).neg(); // −η ĝ/√(q̂ₘₐₓ + ε), divided first as in adam
      });
      return {
        directions,
        assignments: [
          ...g.map((x, i) => [x, gNext[i]!] as const),
          ...q.map((x, i) => [x, qNext[i]!] as const),
          ...qmax.map((x, i) => [x, qmaxNext[i]!] as const),
          ...first.assignments,
          ...second.assignments,
        ],
      };
    },
  };
}
