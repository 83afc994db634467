import { ChainruleError } from '@chainrule/graph';
import type { Schedule } from './schedule.js';

/**
 * Checks a rule's hyperparameter against an interval, when the rule is created, and names the rule
 * and the hyperparameter in the error.
 *
 * @param rule - the rule's name, e.g. `adam`.
 * @param name - the hyperparameter, e.g. `beta1`.
 * @param value - its value.
 * @param range - `[0, 1)`, `[0, 1]`, `(0, ∞)` or `[0, ∞)`.
 * @returns the value.
 * @throws ChainruleError when the value is outside the range (or not a finite number).
 * @example
 * ```ts
 * const beta1 = inRange('adam', 'beta1', options.beta1 ?? 0.9, '[0, 1)');
 * ```
 */
export function inRange(rule: string, name: string, value: number, range: '[0, 1)' | '[0, 1]' | '(0, ∞)' | '[0, ∞)'): number {
  const ok =
    Number.isFinite(value) &&
    (range === '[0, 1)' ? value >= 0 && value < 1 : range === '[0, 1]' ? value >= 0 && value <= 1 : range === '(0, ∞)' ? value > 0 : value >= 0);
  if (!ok) throw new ChainruleError(`${rule}: ${name} must be in ${range}, got ${value}`);
  return value;
}

/**
 * Checks a step size: a schedule function, or a finite number.
 *
 * @param rule - the rule's name.
 * @param lr - the step size.
 * @returns the step size.
 * @throws ChainruleError for a number that is not finite.
 * @example
 * ```ts
 * const lr = stepSizeOption('sgd', options.lr ?? 0.01);
 * ```
 */
export function stepSizeOption(rule: string, lr: Schedule): Schedule {
  if (typeof lr === 'number' && !Number.isFinite(lr)) throw new ChainruleError(`${rule}: lr must be a finite number or a schedule, got ${lr}`);
  return lr;
}

/**
 * Checks a decay rate that may be a schedule (β₁⁽ᵗ⁾ of Adam, the decay of an exponential moving
 * average): a number is checked against `range` when the rule is made; a schedule function is taken
 * as it is (its values are graph nodes, known only when the update runs), and must keep to the range.
 *
 * @param rule - the rule's name, e.g. `adam`.
 * @param name - the hyperparameter, e.g. `beta1`.
 * @param value - a number or a schedule.
 * @param range - the interval a number must lie in.
 * @returns the value.
 * @throws ChainruleError when a number is outside the range, or the value is neither a number nor a function.
 * @example
 * ```ts
 * const beta1 = rateOption('adam', 'beta1', options.beta1 ?? 0.9, '[0, 1)'); // 0.9, or exponentialDecay(0.9, 0.99)
 * ```
 */
export function rateOption(rule: string, name: string, value: Schedule, range: '[0, 1)' | '[0, 1]'): Schedule {
  if (typeof value === 'function') return value;
  if (typeof value !== 'number') throw new ChainruleError(`${rule}: ${name} must be a number or a schedule (t) => node, got ${typeof value}`);
  return inRange(rule, name, value, range);
}
