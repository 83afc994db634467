import { ArgumentError, ChainruleError, FeedError, ShapeError, describeValue } from '../core/errors.js';
import { expectOptions } from '../core/arguments.js';
import { expectGraph, expectNode } from '../ir/arguments.js';
import type { ExecutableOptions, Feeds, GraphCore, Updates } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import type { RunState } from '../ir/state.js';
import { getOp } from '../ops/registry.js';
import { randomStream, type RandomStream } from '../core/random.js';
import { formatShape } from '../core/shape.js';
import { schedule } from '../ir/structure.js';
import { Tensor } from '../core/tensor.js';

// What both executors share: describing nodes in errors, checking updates once, and checking feeds
// and binding symbolic dimensions at every run.

/**
 * A node for error messages, with the rule and forward node that made it when a transform did.
 *
 * @param node - the node to describe.
 * @returns e.g. `#7 mul (made by rule vjp:mul for #3 mul)`.
 * @example
 * ```ts
 * describe(y); // '#3 sigmoid'
 * ```
 */
export function describe(node: Node): string {
  expectNode('describe', 'node', node);
  const origin = node.origin ? ` (made by rule ${node.origin.rule} for ${node.graph.node(node.origin.node)})` : '';
  return `${node}${origin}`;
}

/**
 * Checks the updates once: each target a variable of this graph, each value of its exact type.
 *
 * @param graph - the graph being run.
 * @param updates - the assignments requested, if any.
 * @returns the pairs `[variable, value]`, in order.
 * @throws ChainruleError when a node is foreign, a target is not a variable, or is assigned twice.
 * @throws ShapeError when a value's shape or dtype differs from its variable's.
 * @example
 * ```ts
 * checkUpdates(g, [[w, w.sub(dw)]]); // [[w, …]]
 * ```
 */
export function checkUpdates(graph: GraphCore, updates: Updates | undefined): [Node, Node][] {
  if (updates !== undefined && typeof (updates as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function') {
    throw new ArgumentError('compile', 'updates', 'pairs [variable, value] (an array, a Map or another iterable)', updates);
  }
  const pairs: unknown[] = updates === undefined ? [] : [...updates];
  const seen = new Set<Node>();
  return pairs.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new ArgumentError('compile', `updates[${i}]`, 'a pair [variable, value]', pair);
    const [target, value] = pair as [Node, Node];
    if (target?.graph !== graph || value?.graph !== graph) throw new ChainruleError('updates: every target and value must be a node of this graph');
    if (getOp(target.op)?.external !== 'stored') throw new ChainruleError(`updates: ${target} is not a variable; only variables can be assigned`);
    if (seen.has(target)) throw new ChainruleError(`updates: ${target} is assigned twice in one run`);
    seen.add(target);
    if (value.dtype !== target.dtype || formatShape(value.shape) !== formatShape(target.shape)) {
      throw new ShapeError(
        `updates: ${target} is ${target.dtype} ${formatShape(target.shape)} but the value ${value} is ${value.dtype} ${formatShape(value.shape)}`,
      );
    }
    return [target, value];
  });
}

/**
 * Feeds as a map by input name.
 *
 * @param feeds - a record or a map of tensors.
 * @returns a new map.
 * @throws FeedError when `feeds` is not an object.
 * @example
 * ```ts
 * feedMap({ x: tensor([1]) }).get('x');
 * ```
 */
export function feedMap(feeds: Feeds): Map<string, Tensor> {
  if (feeds instanceof Map) {
    for (const key of feeds.keys()) if (typeof key !== 'string') throw new FeedError(`feeds: every key must be an input's name, got ${describeValue(key)}`);
    return new Map(feeds);
  }
  if (typeof feeds !== 'object' || feeds === null) throw new FeedError('feeds must be an object mapping input names to tensors');
  return new Map(Object.entries(feeds));
}

/**
 * Checks every feed against its input and binds symbolic dimensions from the fed shapes.
 *
 * @param graph - the graph being run.
 * @param needed - the inputs this run reads.
 * @param feeds - the values fed, by name.
 * @returns the value of each symbolic dimension in this run.
 * @throws FeedError on an unknown name, a missing feed, or a value of the wrong dtype or shape.
 * @example
 * ```ts
 * bindFeeds(g, [x], new Map([['x', zeros([32, 784])]])); // Map { 'batch' => 32 }
 * ```
 */
export function bindFeeds(graph: GraphCore, needed: readonly Node[], feeds: Map<string, Tensor>): Map<string, number> {
  expectGraph('bindFeeds', 'graph', graph);
  if (!Array.isArray(needed as unknown)) throw new ArgumentError('bindFeeds', 'needed', 'an array of input nodes', needed);
  (needed as readonly unknown[]).forEach((n, i) => {
    if (getOp(expectNode('bindFeeds', `needed[${i}]`, n, graph).op)?.external !== 'feed') throw new ArgumentError('bindFeeds', `needed[${i}]`, 'an input node', n);
  });
  if (!(feeds instanceof Map)) throw new ArgumentError('bindFeeds', 'feeds', 'a Map of tensors by input name', feeds);
  for (const name of feeds.keys()) {
    if (!isFeedName(graph, name)) {
      const known = graph.inputs.map((n) => `'${n.name}'`).join(', ') || 'none';
      throw new FeedError(`feed '${name}' matches no input of the graph (inputs: ${known})`);
    }
  }
  const bindings = new Map<string, number>();
  const boundBy = new Map<string, string>();
  for (const input of needed) {
    const name = input.name!;
    const value = feeds.get(name);
    if (value === undefined) throw new FeedError(`missing feed for input '${name}' (${input.dtype} ${formatShape(input.shape)})`);
    if (!(value instanceof Tensor)) throw new FeedError(`feed for input '${name}' must be a Tensor, got ${describeValue(value)}`);
    if (value.dtype !== input.dtype) throw new FeedError(`feed for input '${name}' has dtype ${value.dtype}, expected ${input.dtype}`);
    const mismatch = (): never => {
      throw new FeedError(`feed for input '${name}' has shape ${formatShape(value.shape)}, expected ${formatShape(input.shape)}`);
    };
    if (value.rank !== input.rank) mismatch();
    input.shape.forEach((d, i) => {
      const got = value.shape[i]!;
      if (typeof d === 'number') {
        if (d !== got) mismatch();
      } else if (!bindings.has(d)) {
        bindings.set(d, got);
        boundBy.set(d, name);
      } else if (bindings.get(d) !== got) {
        throw new FeedError(
          `feed for input '${name}' has shape ${formatShape(value.shape)}: dimension '${d}' is ${got} here but ${bindings.get(d)} in the feed for '${boundBy.get(d)}'`,
        );
      }
    });
  }
  return bindings;
}


/**
 * What both executors derive once from a request: the checked outputs and updates, the pruned
 * schedule and the inputs it reads.
 *
 * @example
 * ```ts
 * const prepared: PreparedRequest = prepareRequest(g, [loss], step);
 * prepared.needed.map((n) => n.name); // ['x', 'y']
 * ```
 */
export interface PreparedRequest {
  /** The requested outputs. */
  readonly outputs: readonly Node[];
  /** The checked assignments. */
  readonly updates: readonly [Node, Node][];
  /** Every node a run computes, operands first. */
  readonly order: readonly Node[];
  /** The inputs a run needs feeds for. */
  readonly needed: readonly Node[];
}

/**
 * Checks a request once and prunes the graph to what it needs.
 *
 * @param graph - the graph.
 * @param outputs - the requested outputs.
 * @param updates - the requested assignments.
 * @returns outputs, checked updates, schedule and needed inputs.
 * @throws ChainruleError for an output of another graph or an update that does not fit.
 * @example
 * ```ts
 * const { order, needed } = prepareRequest(g, [loss], []);
 * ```
 */
export function prepareRequest(graph: GraphCore, outputs: readonly Node[], updates: Updates | undefined): PreparedRequest {
  expectGraph('compile', 'graph', graph);
  if (!Array.isArray(outputs as unknown)) throw new ArgumentError('compile', 'outputs', 'an array of nodes', outputs);
  outputs.forEach((n, i) => {
    if (n?.graph !== graph) throw new ChainruleError(`outputs[${i}] is not a node of this graph`);
  });
  const checked = checkUpdates(graph, updates);
  const order = schedule([...outputs, ...checked.map(([, v]) => v)]);
  return { outputs: [...outputs], updates: checked, order, needed: order.filter((n) => getOp(n.op)?.external === 'feed') };
}

/**
 * Whether `name` is the name of an input of `graph` (a node fed at each run).
 *
 * @param graph - the graph being run.
 * @param name - a feed's key.
 * @returns true for an input's name.
 * @example
 * ```ts
 * isFeedName(g, 'x'); // true when g.input('x', …) exists
 * ```
 */
export function isFeedName(graph: GraphCore, name: string): boolean {
  expectGraph('isFeedName', 'graph', graph);
  const node = graph.byName(name);
  return node !== undefined && getOp(node.op)?.external === 'feed';
}

/**
 * The stream of a random node for the current run; records the node in `drew` so that its counter
 * advances when the run commits.
 *
 * @param node - a random node.
 * @param drew - the random nodes this run drew from so far.
 * @param state - the run's state (the graph's own by default), which counts the node's completed runs.
 * @returns a fresh generator for (seed, completed runs).
 * @example
 * ```ts
 * const ctx = { outShape, random: () => drawFor(node, drew, state), external };
 * ```
 */
export function drawFor(node: Node, drew: Node[], state: RunState = node?.graph?.state): RandomStream {
  if (getOp(expectNode('drawFor', 'node', node).op)?.kind !== 'random') throw new ArgumentError('drawFor', 'node', 'a random node', node);
  if (!Array.isArray(drew)) throw new ArgumentError('drawFor', 'drew', 'an array of nodes', drew);
  if (typeof state?.randomRuns !== 'function') throw new ArgumentError('drawFor', 'state', 'a RunState', state);
  drew.push(node);
  return randomStream(node.attrs['seed'] as number, state.randomRuns(node.id));
}

/**
 * Checks what every executor is asked to prepare, for JavaScript callers: `options` an object whose
 * `outputs` is an array, `executor` one of the two, `checkNumerics` a boolean, `state` a
 * {@link RunState}. (The outputs and updates themselves are checked by {@link prepareRequest}.)
 *
 * @param fn - the function, for the message.
 * @param graph - the graph.
 * @param options - what was passed.
 * @returns the options.
 * @throws ArgumentError naming the option at fault.
 * @example
 * ```ts
 * executableOptions('compile', g, options);
 * ```
 */
export function executableOptions(fn: string, graph: GraphCore, options: ExecutableOptions): ExecutableOptions {
  expectGraph(fn, 'graph', graph);
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object such as { outputs: [y] }', options);
  const { outputs, executor, checkNumerics, state } = expectOptions(fn, 'options', options);
  if (!Array.isArray(outputs)) throw new ArgumentError(fn, 'options.outputs', 'an array of nodes', outputs);
  if (executor !== undefined && executor !== 'interpreter' && executor !== 'compiled') throw new ArgumentError(fn, 'options.executor', "'interpreter' or 'compiled'", executor);
  if (checkNumerics !== undefined && typeof checkNumerics !== 'boolean') throw new ArgumentError(fn, 'options.checkNumerics', 'true or false', checkNumerics);
  const s = state as Partial<RunState> | null | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.variable !== 'function' || typeof s.commit !== 'function' || typeof s.randomRuns !== 'function')) {
    throw new ArgumentError(fn, 'options.state', 'a RunState (such as graph.state)', state);
  }
  return options;
}
