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
  if (typeof value === 'function') throw new ChainruleError(`${rule}: ${name} takes a number in ${range}, not a schedule (only step sizes take schedules here)`);
  if (typeof value !== 'number') throw new ChainruleError(`${rule}: ${name} must be a number in ${range}, got ${describe(value)}`);
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
  if (typeof lr === 'function') return lr;
  if (typeof lr !== 'number') throw new ChainruleError(`${rule}: lr must be a number or a schedule (a function of the step counter t), got ${describe(lr)}`);
  if (!Number.isFinite(lr) || lr <= 0) throw new ChainruleError(`${rule}: lr must be a finite number > 0 (a step size; ≤ 0 would not descend), got ${lr}`);
  return lr;
}

/** A value as an error message shows it: strings quoted, with their type. */
function describe(v: unknown): string {
  if (typeof v === 'string') return `the string '${v}'`;
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? `an ${Array.isArray(v) ? 'array' : 'object'}` : `${typeof v} ${String(v)}`;
}

/** Names other libraries give the options, and chainrule's name for each (the first a rule knows, or a call to use instead). */
const ALIASES: Readonly<Record<string, string | readonly string[]>> = {
  learningRate: 'lr', learning_rate: 'lr', stepSize: 'lr', step_size: 'lr', eta: 'lr', alpha: 'lr', rate: 'lr',
  eps: 'epsilon', beta_1: 'beta1', beta_2: 'beta2', b1: 'beta1', b2: 'beta2', decay: 'beta', rho: 'beta',
  gamma: 'momentum', mu: 'momentum', weightDecay: 'addRegularization(l2Squared, λ) (or adamw for decoupled decay)', weight_decay: ['weightDecay', 'addRegularization(l2Squared, λ) (or adamw for decoupled decay)'],
};

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Checks a rule's options object when the rule is built: it must be an object, and every key one
 * the rule knows; an unknown key is named with a suggestion (a name from another library, or a
 * near miss), so that `sgd({ learningRate: 0.5 })` fails at once instead of training with lr 0.01.
 *
 * @param rule - the rule's name.
 * @param options - what the caller passed.
 * @param known - the rule's option names.
 * @returns the options.
 * @throws ChainruleError naming the unknown option and what was probably meant.
 * @example
 * ```ts
 * knownOptions('sgd', options, ['lr']);
 * ```
 */
export function knownOptions<T>(rule: string, options: T, known: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ChainruleError(`${rule}: options must be an object such as { ${known.map((k) => `${k}: …`).join(', ')} }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const alias = [ALIASES[key] ?? []].flat().find((a) => known.includes(a) || a.includes('('));
    const near = known.map((k) => [k, distance(key, k)] as const).filter(([, d]) => d <= Math.max(1, Math.floor(key.length / 3))).sort((a, b) => a[1] - b[1])[0]?.[0];
    const meant = alias ?? near;
    throw new ChainruleError(`${rule}: unknown option ${key}${meant === undefined ? '' : `; did you mean ${meant}?`} (${rule} takes ${known.join(', ')})`);
  }
  return options;
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
  if (typeof value !== 'number') throw new ChainruleError(`${rule}: ${name} must be a number in ${range} or a schedule (t) => node, got ${describe(value)}`);
  return inRange(rule, name, value, range);
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
