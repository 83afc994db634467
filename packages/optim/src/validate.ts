import { ArgumentError, ChainruleError, GraphCore, Node, describeValue, expectNodes, expectOptions } from '@chainrule/graph';
import type { RuleContext, UpdateRule } from './transform.js';
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
  if (!ok) throw new ChainruleError(`${rule}: ${name} must be in ${range}, got ${describeValue(value)}`);
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
  if ((typeof lr === 'number' && !Number.isFinite(lr)) || (typeof lr !== 'number' && typeof lr !== 'function')) {
    throw new ChainruleError(`${rule}: lr must be a finite number or a schedule, got ${describeValue(lr)}`);
  }
  return lr;
}

/**
 * Checks a rule's options argument: left out, or an object.
 *
 * @param rule - the rule's name.
 * @param options - what was passed.
 * @returns the options.
 * @throws ArgumentError for anything else.
 * @example
 * ```ts
 * ruleOptions('sgd', options);
 * ```
 */
export function ruleOptions<T extends object>(rule: string, options: T): T {
  expectOptions(rule, 'options', options);
  return options;
}

/**
 * Checks that a value is an update rule: an object with a string `name` and an `apply` function.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param rule - what was passed.
 * @returns the rule.
 * @throws ArgumentError when it is not one.
 * @example
 * ```ts
 * expectRule('minimize', 'rule', rule);
 * ```
 */
export function expectRule(fn: string, argument: string, rule: unknown): UpdateRule {
  const r = rule as Partial<UpdateRule> | null | undefined;
  if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || typeof r.apply !== 'function') {
    throw new ArgumentError(fn, argument, 'an update rule (such as sgd() or a chain)', rule);
  }
  return rule as UpdateRule;
}

/**
 * Checks what a rule's `apply` receives: one direction node per parameter, and the context
 * {@link minimize} builds. (`apply` is called by minimize and chain; checked for JavaScript callers
 * that call it themselves.)
 *
 * @param rule - the rule's name.
 * @param directions - the incoming directions.
 * @param ctx - the context.
 * @throws ArgumentError when either is not what minimize passes.
 * @example
 * ```ts
 * apply: (g, ctx) => { applyArguments('sgd', g, ctx); … }
 * ```
 */
export function applyArguments(rule: string, directions: readonly Node[], ctx: RuleContext): void {
  const fn = `${rule}.apply`;
  const c = ctx as Partial<RuleContext> | null | undefined;
  if (typeof c !== 'object' || c === null || !(c.graph instanceof GraphCore) || !Array.isArray(c.params) || !(c.step instanceof Node) || typeof c.state !== 'function') {
    throw new ArgumentError(fn, 'ctx', 'the context minimize builds (a RuleContext)', ctx);
  }
  expectNodes(fn, 'directions', directions, c.graph);
  if (directions.length !== c.params.length) throw new ChainruleError(`${fn}: ${directions.length} directions for ${c.params.length} parameters`);
}
