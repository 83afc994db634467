import type { Node } from '@chainrule/graph';
import { stepSize, type Schedule } from '../schedule.js';
import { mergeAverages, type RuleContext, type RuleResult, type UpdateRule } from '../transform.js';
import { expectRule, knownOptions, rateOption } from '../validate.js';

/**
 * Runs `rule` and keeps, next to the parameters, an average of the points they move to: the inner
 * rule's directions pass through unchanged, and one state variable per parameter is updated in the
 * same run from w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + d⁽ᵗ⁾.
 */
function averaging(
  name: string,
  quantity: string,
  rule: UpdateRule,
  average: (kept: Node, next: Node, ctx: RuleContext) => Node,
): UpdateRule {
  return {
    name: `${name}(${rule.name})`,
    apply: (g, ctx): RuleResult => {
      const inner = rule.apply(g, ctx);
      const kept = ctx.state(`${name}.${quantity}`, 'param'); // starts at w⁽⁰⁾
      const updated = kept.map((m, i) => average(m, ctx.params[i]!.add(inner.directions[i]!), ctx));
      return {
        directions: inner.directions,
        assignments: [...inner.assignments, ...kept.map((m, i) => [m, updated[i]!] as const)],
        averages: mergeAverages(inner.averages ?? {}, { [name]: kept }, `${name}(${rule.name})`),
      };
    },
  };
}

/**
 * Polyak–Ruppert iterate averaging: runs `rule` and keeps the running mean of the iterates it
 * produces, as state updated in the same run,
 *
 *   w̄⁽ᵗ⁾ = (1/t) Σₛ₌₁ᵗ w⁽ˢ⁾,   computed as   w̄⁽ᵗ⁾ = w̄⁽ᵗ⁻¹⁾ + (w⁽ᵗ⁾ − w̄⁽ᵗ⁻¹⁾)/t,
 *
 * where w⁽ˢ⁾ are the parameters after s updates (w̄ = w⁽⁰⁾ before the first). It is the point the
 * lecture's SGD theorem bounds: E[f(w̄⁽ᵗ⁾)] − f(w*) ≤ √2·σR/√t + βR²/t. The parameters themselves
 * move exactly as under `rule`; read the model at w̄ with `Minimization.atAverage`.
 *
 * Wrap the whole rule, projection included: `averageIterates(chain(sgd({ lr }), projectOntoBall(R)))`.
 * In a chain it must come last (the chain says so otherwise).
 *
 * @param rule - the rule whose iterates are averaged.
 * @returns the rule (state: the inner rule's, then `average.wbar` per parameter, starting at w⁽⁰⁾;
 *   average named `average`).
 * @example
 * ```ts
 * const update = minimize(loss, [w], averageIterates(sgd({ lr: 0.01 })));
 * const [lossAtAverage] = update.atAverage([loss]); // f(w̄⁽ᵗ⁾)
 * ```
 */
export function averageIterates(rule: UpdateRule): UpdateRule {
  expectRule('averageIterates', 'rule', rule);
  return averaging('average', 'wbar', rule, (wbar, next, ctx) => wbar.add(next.sub(wbar).div(ctx.step))); // w̄ + (w⁽ᵗ⁾ − w̄)/t
}

/**
 * Options of {@link emaIterates}.
 *
 * @example
 * ```ts
 * emaIterates(adam(), { decay: 0.99 });
 * ```
 */
export interface EmaOptions {
  /**
   * The decay β ∈ [0, 1] of the average (default 0.999): a constant, or a schedule β⁽ᵗ⁾ — e.g.
   * TensorFlow's warm-up min(β, (1 + t)/(10 + t)) as `(t) => t.add(1).div(t.add(10)).minimum(0.999)`.
   */
  readonly decay?: Schedule;
}

/**
 * The exponential moving average of the iterates, as TensorFlow's `ExponentialMovingAverage`, Keras's
 * `use_ema` and PyTorch's `AveragedModel` with an EMA keep it: runs `rule` and updates, in the same run,
 *
 *   w̃⁽ᵗ⁾ = β⁽ᵗ⁾ w̃⁽ᵗ⁻¹⁾ + (1 − β⁽ᵗ⁾) w⁽ᵗ⁾,   w̃⁽⁰⁾ = w⁽⁰⁾,
 *
 * w⁽ᵗ⁾ the parameters after t updates (which move exactly as under `rule`). Unlike the Polyak–Ruppert
 * mean it forgets: the iterate of s steps ago weighs (1 − β)βˢ. Read the model at w̃ with
 * `Minimization.atAverage(nodes, 'ema')`. In a chain it must come last.
 *
 * @param rule - the rule whose iterates are averaged.
 * @param options - the decay.
 * @returns the rule (state: the inner rule's, then `ema.wtilde` per parameter, starting at w⁽⁰⁾; average
 *   named `ema`).
 * @throws ChainruleError when a constant decay is outside [0, 1].
 * @example
 * ```ts
 * const update = minimize(loss, params, emaIterates(adam({ lr: 1e-3 }), { decay: 0.999 }));
 * const [scores] = update.atAverage([logits], 'ema');
 * ```
 */
export function emaIterates(rule: UpdateRule, options: EmaOptions = {}): UpdateRule {
  expectRule('emaIterates', 'rule', rule);
  knownOptions('emaIterates', options, ['decay']);
  const decay = rateOption('emaIterates', 'decay', options.decay ?? 0.999, '[0, 1]');
  return averaging('ema', 'wtilde', rule, (wbar, next, ctx) => {
    const beta = stepSize(decay, ctx.step);
    return next.add(wbar.sub(next).mul(beta)); // β w̃ + (1 − β) w = w + β(w̃ − w)
  });
}
