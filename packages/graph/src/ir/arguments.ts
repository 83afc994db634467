import { ArgumentError, ChainruleError } from '../core/errors.js';
import { GraphCore } from './graph.js';
import { Node } from './node.js';

/**
 * Checks a node argument, and optionally that it belongs to a given graph.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @param graph - the graph it must belong to, if any.
 * @returns the node.
 * @throws ArgumentError when it is not a {@link Node}; ChainruleError when it belongs to another graph.
 * @example
 * ```ts
 * const y = expectNode('grad', 'y', y);
 * ```
 */
export function expectNode(fn: string, argument: string, value: unknown, graph?: GraphCore): Node {
  if (!(value instanceof Node)) throw new ArgumentError(fn, argument, 'a graph node', value);
  if (graph !== undefined && value.graph !== graph) throw new ChainruleError(`${fn}: ${argument} (${value}) belongs to another graph`);
  return value;
}

/**
 * Checks an argument that is a list of nodes, all of one graph (`graph`, or the first node's).
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @param graph - the graph they must belong to, if any.
 * @returns the nodes.
 * @throws ArgumentError when it is not an array of nodes; ChainruleError when they belong to different graphs.
 * @example
 * ```ts
 * const wrt = expectNodes('grad', 'wrt', wrt, y.graph);
 * ```
 */
export function expectNodes(fn: string, argument: string, value: unknown, graph?: GraphCore): readonly Node[] {
  if (!Array.isArray(value)) throw new ArgumentError(fn, argument, 'an array of graph nodes', value);
  const first = graph ?? (value[0] instanceof Node ? value[0].graph : undefined);
  value.forEach((v: unknown, i) => expectNode(fn, `${argument}[${i}]`, v, first));
  return value as readonly Node[];
}

/**
 * Checks a graph argument.
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param value - what was passed.
 * @returns the graph.
 * @throws ArgumentError when it is not a graph.
 * @example
 * ```ts
 * expectGraph('toDot', 'graph', graph);
 * ```
 */
export function expectGraph(fn: string, argument: string, value: unknown): GraphCore {
  if (!(value instanceof GraphCore)) throw new ArgumentError(fn, argument, 'a Graph', value);
  return value;
}
