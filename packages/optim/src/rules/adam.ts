import { expectString, type Node } from '@chainrule/graph';
import { stepSize, type Schedule } from '../schedule.js';
import type { RuleContext, UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, rateOption, stepSizeOption } from '../validate.js';
import { movingAverage } from './moments.js';

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
  /**
   * Decay β₁ of the first-moment estimate (default 0.9): a constant in [0, 1), or a schedule β₁⁽ᵗ⁾
   * with values in [0, 1) — the lecture's regret theorem takes β₁⁽ᵗ⁾ = β₁λ^(t−1), which is
   * `exponentialDecay(beta1, lambda)`.
   */
  readonly beta1?: Schedule;
  /** Decay β₂ of the second-moment estimate (default 0.999): a constant in [0, 1), or a schedule β₂⁽ᵗ⁾ with values in [0, 1). */
  readonly beta2?: Schedule;
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
 * β₁ and β₂ may be schedules β⁽ᵗ⁾ (the lecture's regret theorem decays β₁⁽ᵗ⁾ = β₁λ^(t−1):
 * `adam({ beta1: exponentialDecay(0.9, 0.99), lr: inverseSqrt(0.1) })`). The averages then use
 * β⁽ᵗ⁾ at step t, and the bias correction divides by 1 − Πₛ₌₁ᵗ β⁽ˢ⁾ — the total weight the average
 * gives the gradients, which is 1 − βᵗ for a constant and keeps ĝ, q̂ weighted means of them. (Kingma
 * and Ba's proof of the regret bound keeps 1 − β₁ᵗ for a decaying β₁⁽ᵗ⁾; both tend to 1.)
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers; the step divides by
 * √(q̂ + ε) before η multiplies, so that a dying moment makes no subnormal product on the way (see
 * docs/design-decisions.md).
 *
 * @param options - η, β₁, β₂ (constants or schedules), ε and its placement.
 * @returns the rule (state: `adam.g`, `adam.q` per parameter; for a scheduled β₁ or β₂ also the
 *   scalar `adam.beta1Product` or `adam.beta2Product`, Πₛ β⁽ˢ⁾, starting at 1).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, params, adam({ lr: 1e-3 }));
 * ```
 */
export function adam(options: AdamOptions = {}): UpdateRule {
  knownOptions('adam', options, ['lr', 'beta1', 'beta2', 'epsilon', 'epsilonPlacement']);
  const lr = stepSizeOption('adam', options.lr ?? 0.001);
  const hyper = adamHyperparameters('adam', options);
  return {
    name: 'adam',
    apply: (grads, ctx) => {
      applyArguments('adam', grads, ctx);
      const eta = stepSize(lr, ctx.step);
      const { gHat, denominator, assignments } = adamMoments(ctx, 'adam', grads, hyper);
      // −η ĝ/√(q̂ + ε), divided before η multiplies: a dying moment's ĝ (flushed below 2⁻¹²⁶) then
      // never makes a subnormal product on the way, as η ĝ would for some 65 steps
      return { directions: gHat.map((gh, i) => gh.div(denominator[i]!).mul(eta).neg()), assignments };
    },
  };
}

/** Adam's hyperparameters other than the step size, checked. */
export interface AdamHyperparameters {
  readonly beta1: Schedule;
  readonly beta2: Schedule;
  readonly epsilon: number;
  readonly epsilonPlacement: 'inside' | 'outside';
}

/**
 * Checks β₁, β₂, ε and its placement for an Adam-type rule, with its defaults.
 *
 * @param rule - the rule's name, for messages.
 * @param options - what the caller passed.
 * @returns the checked hyperparameters.
 */
export function adamHyperparameters(rule: string, options: AdamOptions): AdamHyperparameters {
  return {
    beta1: rateOption(rule, 'beta1', options.beta1 ?? 0.9, '[0, 1)'),
    beta2: rateOption(rule, 'beta2', options.beta2 ?? 0.999, '[0, 1)'),
    epsilon: inRange(rule, 'epsilon', options.epsilon ?? 1e-8, '[0, ∞)'),
    epsilonPlacement: expectString(rule, 'options.epsilonPlacement', options.epsilonPlacement ?? 'inside', ['inside', 'outside']),
  };
}

/**
 * Adam's bias-corrected moments, shared by `adam` and `adamw`: the state `<rule>.g`, `<rule>.q`
 * (and the products of scheduled decays), ĝ⁽ᵗ⁾ and the denominator √(q̂⁽ᵗ⁾ + ε) or √q̂⁽ᵗ⁾ + ε.
 *
 * @param ctx - the rule's context.
 * @param rule - the rule's name, the prefix of its state.
 * @param grads - ∇fₜ(w⁽ᵗ⁾), one per parameter.
 * @param hyper - β₁, β₂, ε and its placement.
 * @returns ĝ and the denominator per parameter, and the state assignments.
 */
export function adamMoments(ctx: RuleContext, rule: string, grads: readonly Node[], hyper: AdamHyperparameters): { gHat: Node[]; denominator: Node[]; assignments: (readonly [Node, Node])[] } {
  const [g, q] = [ctx.state(`${rule}.g`), ctx.state(`${rule}.q`)];
  const [first, second] = [movingAverage(ctx, `${rule}.beta1`, hyper.beta1), movingAverage(ctx, `${rule}.beta2`, hyper.beta2)];
  const gNext = g.map((gi, i) => first.update(gi, grads[i]!)); // g ← β₁g + (1 − β₁)∇f
  const qNext = q.map((qi, i) => second.update(qi, grads[i]!.square())); // q ← β₂q + (1 − β₂)∇f²
  const gHat = gNext.map((gn) => gn.div(first.correction)); // g/(1 − Πβ₁), = g/(1 − β₁ᵗ) for a constant
  const denominator = qNext.map((qn) => {
    const qHat = qn.div(second.correction);
    return hyper.epsilonPlacement === 'inside' ? qHat.add(hyper.epsilon).sqrt() : qHat.sqrt().add(hyper.epsilon);
  });
  return {
    gHat,
    denominator,
    assignments: [...g.map((x, i) => [x, gNext[i]!] as const), ...q.map((x, i) => [x, qNext[i]!] as const), ...first.assignments, ...second.assignments],
  };
}
