import { ChainruleError, type Graph, type Node } from '@chainrule/graph';
import { expectRule } from './validate.js';

/**
 * A state variable's first value: a number, or `'param'` to start from the parameter's own value.
 *
 * @example
 * ```ts
 * ctx.state('adagrad.G', 0.1); // every element starts at 0.1
 * ctx.state('nesterov.v', 'param'); // starts as a copy of each parameter
 * ```
 */
export type StateInit = number | 'param';

/**
 * What an update rule can use while it builds its part of the update graph.
 *
 * @example
 * ```ts
 * const signSgd: UpdateRule = {
 *   name: 'signSgd',
 *   apply: (d, ctx: RuleContext) => ({ directions: d.map((x) => x.sign().mul(stepSize(0.01, ctx.step)).neg()), assignments: [] }),
 * };
 * ```
 */
export interface RuleContext {
  /** The graph being extended. */
  readonly graph: Graph;
  /** The parameters w⁽ᵗ⁾ (variables), in order. */
  readonly params: readonly Node[];
  /** The step counter t as a scalar node: 1 during the first update, 2 during the second, … */
  readonly step: Node;
  /** The loss f, for rules that need more than its gradient (Newton's method, look-ahead). */
  readonly loss: Node;
  /**
   * ∇f at other points: the loss graph with `points` substituted for the parameters (a graph
   * rewrite), differentiated. For look-ahead rules such as Sutskever et al.'s momentum.
   *
   * @param points - one node per parameter, shaped like it.
   * @returns ∇f at `points`, one node per parameter.
   */
  gradientAt(points: readonly Node[]): Node[];
  /**
   * The directions this rule would receive if the parameters were at `points`: ∇f there, passed
   * through the rules before this one in a chain (which must be stateless, such as clipping and
   * regularisation). What a look-ahead rule uses in place of its incoming directions.
   *
   * @param points - one node per parameter, shaped like it.
   * @returns the directions at `points`, one node per parameter.
   */
  directionsAt(points: readonly Node[]): Node[];
  /**
   * Declares one state variable per parameter (shaped like it), named `<prefix><name>/<parameter>`
   * (e.g. `optim/adam.m/w`) so that it is inspectable and saved with the graph. Give `name` as
   * `<rule>.<quantity>`; a repeated name gets a suffix `.2`, `.3`, ….
   *
   * @param name - `<rule>.<quantity>`, e.g. `adam.m`.
   * @param init - the first value (0 by default), or `'param'` for a copy of the parameter.
   * @returns one state variable per parameter.
   */
  state(name: string, init?: StateInit): Node[];
  /**
   * Declares one scalar state variable, named `<prefix><name>`.
   *
   * @param name - `<rule>.<quantity>`, e.g. `nesterov.rho`.
   * @param init - the first value.
   * @returns the scalar variable.
   */
  scalarState(name: string, init: number): Node;
}

/**
 * What one rule contributes to an update.
 *
 * @example
 * ```ts
 * const halve: UpdateRule = { name: 'halve', apply: (d): RuleResult => ({ directions: d.map((x) => x.mul(0.5)), assignments: [] }) };
 * ```
 */
export interface RuleResult {
  /** The directions passed on: what is finally added to the parameters (w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + d). */
  readonly directions: readonly Node[];
  /** New values of the rule's state variables (state ← value), applied with the parameters. */
  readonly assignments: readonly (readonly [Node, Node])[];
  /**
   * Averages of the parameters that the rule keeps, by name — one state variable per parameter, e.g.
   * `average` for {@link averageIterates}, `ema` for {@link emaIterates}. `minimize` hands them to
   * `Minimization.atAverage`, which evaluates any node at them.
   */
  readonly averages?: Readonly<Record<string, readonly Node[]>>;
}

/**
 * One update rule as a graph transform: it receives directions (the gradients ∇f(w⁽ᵗ⁾) for the first
 * rule of a chain) and returns new directions and new state, all as graph nodes. The parameters
 * move by the final directions: w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + d⁽ᵗ⁾. Rules compose with {@link chain}.
 *
 * @example
 * ```ts
 * // A rule in one small file: scale the directions by a constant.
 * const halve: UpdateRule = { name: 'halve', apply: (d) => ({ directions: d.map((x) => x.mul(0.5)), assignments: [] }) };
 * ```
 */
export interface UpdateRule {
  /** Short name, used in state variable names and formulas. */
  readonly name: string;
  /**
   * Builds this rule's part of the update.
   *
   * @param directions - the incoming directions, one per parameter (∇f(w⁽ᵗ⁾) for the first rule).
   * @param ctx - the parameters, step counter, loss and state factories.
   * @returns the outgoing directions and the state assignments.
   */
  apply(directions: readonly Node[], ctx: RuleContext): RuleResult;
}

/**
 * Composes rules left to right: each receives the directions the previous one returned. Named
 * optimisers are chains, e.g. `chain(clipByGlobalNorm(1), addRegularization(l2Squared, 1e-4), adam())`.
 *
 * @param rules - the rules, in the order they apply.
 * @returns one rule doing all of them.
 * @example
 * ```ts
 * const rule = chain(clipByGlobalNorm(5), polyak({ lr: 0.1, momentum: 0.9 }));
 * ```
 */
export function chain(...rules: readonly UpdateRule[]): UpdateRule {
  rules.forEach((rule, i) => expectRule('chain', `rules[${i}]`, rule));
  return {
    name: rules.map((r) => r.name).join('+'),
    apply(directions, ctx) {
      let d = directions;
      const assignments: (readonly [Node, Node])[] = [];
      let averages: Readonly<Record<string, readonly Node[]>> = {};
      rules.forEach((rule, k) => {
        const result = rule.apply(d, { ...ctx, directionsAt: (points) => directionsThrough(rules.slice(0, k), points, ctx) });
        d = result.directions;
        assignments.push(...result.assignments);
        averages = mergeAverages(averages, result.averages ?? {}, rule.name);
        if (Object.keys(result.averages ?? {}).length > 0 && k < rules.length - 1) {
          throw new ChainruleError(`chain: ${rule.name} averages the points the parameters move to, so it must come last (${rules[k + 1]!.name} after it would move them elsewhere)`);
        }
      });
      return { directions: d, assignments, ...(Object.keys(averages).length > 0 ? { averages } : {}) };
    },
  };
}

/**
 * The averages of two parts of a rule together.
 *
 * @param kept - the averages so far.
 * @param added - a part's averages.
 * @param rule - the part's name, for the error.
 * @returns both sets of averages.
 * @throws ChainruleError when both have an average of the same name.
 * @example
 * ```ts
 * mergeAverages({ average: wbar }, { ema: wTilde }, 'ema'); // { average: wbar, ema: wTilde }
 * ```
 */
export function mergeAverages(
  kept: Readonly<Record<string, readonly Node[]>>,
  added: Readonly<Record<string, readonly Node[]>>,
  rule: string,
): Readonly<Record<string, readonly Node[]>> {
  for (const name of Object.keys(added)) {
    if (name in kept) throw new ChainruleError(`${rule}: the rule already keeps an average named '${name}' (one averaging of each kind per update)`);
  }
  return { ...kept, ...added };
}

/** ∇f at `points`, passed through stateless `rules` evaluated with the parameters at `points`. */
function directionsThrough(rules: readonly UpdateRule[], points: readonly Node[], ctx: RuleContext): Node[] {
  const stateless = (): never => {
    throw new ChainruleError('a rule with state cannot come before a look-ahead rule (such as sutskever) in a chain');
  };
  const moved: RuleContext = { ...ctx, params: points, state: stateless, scalarState: stateless };
  let d: readonly Node[] = ctx.directionsAt(points);
  for (const rule of rules) d = rule.apply(d, moved).directions;
  return [...d];
}
