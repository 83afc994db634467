import { ChainruleError, DTypeError, ShapeError, expectBoolean, expectNode, expectNodes, expectOptions, expectString, formatShape, simplify, substitute, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { createContext } from './context.js';
import type { UpdateRule } from './transform.js';
import { expectRule } from './validate.js';

/**
 * Options of {@link minimize}.
 *
 * @example
 * ```ts
 * const update = minimize(loss, [w, b], adam(), { prefix: 'opt/', simplify: false }); // state variables opt/adam.m/w, …
 * ```
 */
export interface MinimizeOptions {
  /** Prefix of the names of the state variables and the step counter (default `'optim/'`). */
  readonly prefix?: string;
  /** Simplify the update graph (CSE, constant folding, identities); on by default. */
  readonly simplify?: boolean;
}

/**
 * The update graph of one optimisation step: iterate it (or pass it as `updates` to
 * `graph.compile`) to get the assignments w ← w⁽ᵗ⁺¹⁾, state ← …, t ← t + 1, which one run applies
 * together, after every read.
 *
 * @example
 * ```ts
 * const update = minimize(loss, [w], sgd({ lr: 0.1 }));
 * const [dw] = update.gradients;
 * g.run([loss, dw], feeds, { updates: update }); // also applies w ← w − 0.1·∇f(w), t ← t + 1
 * ```
 */
export class Minimization implements Iterable<readonly [Node, Node]> {
  /**
   * Holds the parts of an update built by {@link minimize} (which is how to make one).
   *
   * @param loss - the loss f.
   * @param params - the parameters w.
   * @param gradients - ∇f(w), one node per parameter.
   * @param step - the step counter variable (the number of updates applied so far).
   * @param state - the rule's state variables, in creation order.
   * @param assignments - every assignment of the step, parameters first.
   * @param averages - the averages of the parameters the rule keeps, by name (see
   *   {@link Minimization.atAverage}); none by default.
   */
  constructor(
    readonly loss: Node,
    readonly params: readonly Node[],
    readonly gradients: readonly Node[],
    readonly step: Node,
    readonly state: readonly Node[],
    readonly assignments: readonly (readonly [Node, Node])[],
    readonly averages: Readonly<Record<string, readonly Node[]>> = {},
  ) {}

  /**
   * The assignments, as `[variable, value]` pairs.
   *
   * @returns an iterator over {@link Minimization.assignments}.
   * @example
   * ```ts
   * for (const [v, value] of update) console.log(`${v} ← ${value}`);
   * ```
   */
  [Symbol.iterator](): Iterator<readonly [Node, Node]> {
    return this.assignments[Symbol.iterator]();
  }

  /**
   * The node holding a parameter's or state variable's value after the step.
   *
   * @param variable - a parameter or state variable of this update.
   * @returns the node assigned to it.
   * @throws ChainruleError when the update does not assign it.
   * @example
   * ```ts
   * const wNext = update.valueAfter(w); // w⁽ᵗ⁺¹⁾ as a node
   * ```
   */
  valueAfter(variable: Node): Node {
    expectNode('valueAfter', 'variable', variable);
    const found = this.assignments.find(([v]) => v === variable);
    if (found === undefined) throw new ChainruleError(`${variable} is not assigned by this update`);
    return found[1];
  }

  /**
   * Nodes evaluated at averaged parameters: the graph of `nodes` with every parameter replaced by
   * its average (a rewrite; the parameters and the original nodes are untouched). Run the returned
   * nodes to evaluate a model, a loss or a metric at the Polyak–Ruppert mean w̄ kept by
   * `averageIterates`, or at the exponential moving average kept by `emaIterates`.
   *
   * @param nodes - nodes of the loss's graph (outputs of the model, the loss, …).
   * @param name - which average: `'average'` or `'ema'`; may be left out when the rule keeps one.
   * @returns one node per node given, in order.
   * @throws ChainruleError when the rule keeps no average of that name (or several, and no name is given).
   * @example
   * ```ts
   * const update = minimize(loss, [W, b], averageIterates(sgd({ lr: 0.01 })));
   * const [yAverage] = update.atAverage([y]); // the model's output at (W̄, b̄)
   * g.run([yAverage], { x: X });
   * ```
   */
  atAverage(nodes: readonly Node[], name?: string): Node[] {
    const names = Object.keys(this.averages);
    const chosen = name ?? (names.length === 1 ? names[0]! : undefined);
    if (chosen === undefined) {
      throw new ChainruleError(names.length === 0 ? 'atAverage: the rule keeps no average of the parameters (wrap it in averageIterates or emaIterates)' : `atAverage: the rule keeps the averages ${names.join(', ')}; name one`);
    }
    const averaged = this.averages[chosen];
    if (averaged === undefined) throw new ChainruleError(`atAverage: the rule keeps no average named '${chosen}' (it keeps: ${names.join(', ') || 'none'})`);
    return substitute(nodes, new Map(this.params.map((p, i) => [p, averaged[i]!])));
  }
}

/**
 * Turns "minimise `loss` over `params` with `rule`" into an update graph: differentiates the loss,
 * creates the rule's state variables (named, and saved with the graph) and a step counter, lets the
 * rule build its directions d, and assigns w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + d⁽ᵗ⁾. One executor run applies the whole
 * update atomically.
 *
 * @param loss - a scalar node f(w).
 * @param params - variables w to optimise (one dtype).
 * @param rule - the update rule (a named optimiser or a {@link chain}).
 * @param options - name prefix and simplification.
 * @returns the update, iterable as assignments.
 * @throws ChainruleError when there are no parameters, a parameter is not a variable of the loss's
 *   graph, or the rule returns the wrong number of directions.
 * @throws ShapeError when the loss is not a scalar (the message suggests `.mean()` or `.sum()`).
 * @throws DTypeError when the parameters' dtypes differ from each other or from the loss's.
 * @example
 * ```ts
 * const step = minimize(loss, [w, b], adam({ lr: 1e-2 }));
 * const train = g.compile({ outputs: [loss], updates: step });
 * for (let i = 0; i < 100; i++) train({ x: X, y: Y });
 * ```
 */
export function minimize(loss: Node, params: readonly Node[], rule: UpdateRule, options: MinimizeOptions = {}): Minimization {
  const { prefix = 'optim/', simplify: simplifyGraph = true } = expectOptions('minimize', 'options', options) as MinimizeOptions;
  expectString('minimize', 'options.prefix', prefix);
  expectBoolean('minimize', 'options.simplify', simplifyGraph);
  expectNode('minimize', 'loss', loss);
  expectNodes('minimize', 'params', params);
  expectRule('minimize', 'rule', rule);
  const graph = loss.graph;
  if (loss.rank !== 0) {
    throw new ShapeError(`minimize: the loss must be a scalar, got shape ${formatShape(loss.shape)}; reduce it first: loss.mean() for the empirical risk (1/m)Σℓ, or loss.sum()`);
  }
  if (params.length === 0) throw new ChainruleError('minimize: no parameters to optimise');
  for (const p of params) {
    if (p.graph !== graph || p.op !== 'variable') throw new ChainruleError(`minimize: ${p} is not a variable of the loss's graph`);
    if (p.dtype !== params[0]!.dtype) throw new DTypeError(`minimize: parameters mix dtypes ${params[0]!.dtype} and ${p.dtype}`);
  }
  if (loss.dtype !== params[0]!.dtype) throw new DTypeError(`minimize: the loss is ${loss.dtype} but the parameters are ${params[0]!.dtype}; cast one of them`);
  const dtype = params[0]!.dtype;
  const counter = graph.variable(`${prefix}step`, [], 0, dtype);
  const state: Node[] = [];
  const ctx = createContext(graph, params, loss, counter.add(1), prefix, state);
  const gradients = grad(loss, params);
  const { directions, assignments, averages = {} } = rule.apply(gradients, ctx);
  if (directions.length !== params.length) throw new ChainruleError(`minimize: rule ${rule.name} returned ${directions.length} directions for ${params.length} parameters`);
  const all: [Node, Node][] = [...params.map((p, i): [Node, Node] => [p, p.add(directions[i]!)]), ...assignments.map(([v, x]): [Node, Node] => [v, x]), [counter, counter.add(1)]];
  const values = simplifyGraph ? simplify(all.map(([, x]) => x)) : all.map(([, x]) => x);
  return new Minimization(loss, params, gradients, counter, state, all.map(([v], i) => [v, values[i]!]), averages);
}
