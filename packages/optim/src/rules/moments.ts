import type { Node } from '@chainrule/graph';
import type { Schedule } from '../schedule.js';
import type { RuleContext } from '../transform.js';
import { flushedState } from './flush.js';

/**
 * One exponential moving average of Adam-type rules, m⁽ᵗ⁾ = β⁽ᵗ⁾ m⁽ᵗ⁻¹⁾ + (1 − β⁽ᵗ⁾) x⁽ᵗ⁾ from
 * m⁽⁰⁾ = 0, with its bias correction: the weights it gives x⁽¹⁾, …, x⁽ᵗ⁾ sum to 1 − Πₛ₌₁ᵗ β⁽ˢ⁾, so
 * m⁽ᵗ⁾/(1 − Πₛ β⁽ˢ⁾) is a weighted mean of them (unbiased when they have one mean: the lecture's
 * argument for the correction). For a constant β the product is βᵗ.
 */
export interface MovingAverage {
  /** β m + (1 − β) x, for the previous average m and the new value x; flushed in float32 (`flushedState`). */
  update(m: Node, x: Node): Node;
  /** 1 − Πₛ₌₁ᵗ β⁽ˢ⁾, the divisor of the bias correction. */
  readonly correction: Node;
  /** The running product's assignment, when β is a schedule (none for a constant). */
  readonly assignments: readonly (readonly [Node, Node])[];
}

/**
 * Builds {@link MovingAverage} for a decay β that is a constant or a schedule β⁽ᵗ⁾. A constant
 * costs no state (1 − βᵗ is computed from t); a schedule keeps the product Πₛ β⁽ˢ⁾ in a scalar
 * state variable `<name>Product`, starting at 1.
 *
 * @param ctx - the rule's context.
 * @param name - `<rule>.<hyperparameter>`, e.g. `adam.beta1`.
 * @param beta - the decay.
 * @returns the average's update, correction and state assignments.
 */
export function movingAverage(ctx: RuleContext, name: string, beta: Schedule): MovingAverage {
  const t = ctx.step;
  if (typeof beta === 'number') {
    return {
      update: (m, x) => flushedState(m.mul(beta).add(x.mul(1 - beta))),
      correction: ctx.graph.scalar(beta, t.dtype).pow(t).neg().add(1), // 1 − βᵗ
      assignments: [],
    };
  }
  const b = beta(t);
  const product = ctx.scalarState(`${name}Product`, 1);
  const next = product.mul(b); // Πₛ₌₁ᵗ β⁽ˢ⁾
  return {
    update: (m, x) => flushedState(m.mul(b).add(x.mul(b.neg().add(1)))),
    correction: next.neg().add(1),
    assignments: [[product, next]],
  };
}
