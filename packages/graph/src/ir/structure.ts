import { Graph as Digraph } from '@dagrejs/graphlib';
import { ArgumentError, ChainruleError } from '../core/errors.js';
import { Node as NodeClass, type Node } from './node.js';

/**
 * The dependency structure of nodes as a `@dagrejs/graphlib` digraph: one vertex per node id and an
 * edge from each operand to the node that uses it.
 *
 * @param nodes - the nodes (usually `graph.nodes`).
 * @returns the digraph, for graphlib's algorithms.
 * @example
 * ```ts
 * toDigraph(g.nodes).predecessors(String(y.id)); // the ids of y's operands
 * ```
 */
export function toDigraph(nodes: readonly Node[]): Digraph {
  if (!Array.isArray(nodes as unknown)) throw new ArgumentError('toDigraph', 'nodes', 'an array of graph nodes', nodes);
  nodes.forEach((n, i) => {
    if (!(n instanceof NodeClass)) throw new ArgumentError('toDigraph', `nodes[${i}]`, 'a graph node', n);
  });
  const dg = new Digraph();
  for (const n of nodes) {
    dg.setNode(String(n.id));
    for (const m of n.inputs) dg.setEdge(String(m.id), String(n.id));
  }
  return dg;
}

/**
 * The nodes `roots` depend on (themselves included), in an order where every node comes after its
 * operands: exactly what a run of `roots` must compute, nothing else.
 *
 * @param roots - requested nodes of one graph.
 * @returns the pruned schedule.
 * @throws ChainruleError when a root is not a node, or the roots belong to different graphs.
 * @example
 * ```ts
 * schedule([loss]).map(String); // every node loss needs, operands first
 * ```
 */
export function schedule(roots: readonly Node[]): Node[] {
  if (!Array.isArray(roots)) throw new ChainruleError('schedule: roots must be an array of nodes');
  if (roots.length === 0) return [];
  const graph = (roots[0] as Partial<Node> | undefined)?.graph;
  roots.forEach((r, i) => {
    if (!(r instanceof NodeClass) || r.graph !== graph) throw new ChainruleError(`schedule: roots[${i}] is not a node of the graph of roots[0]`);
  });
  const nodes = graph!.nodes;
  // NOTE: an explicit stack, not recursion (chains of any depth), over the nodes' own operand
  // lists (a graphlib digraph of the whole graph costs far more than the walk).
  const needed = new Uint8Array(nodes.length);
  const stack = roots.map((r) => r.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed[id] === 1) continue;
    needed[id] = 1;
    for (const m of nodes[id]!.inputs) if (needed[m.id] === 0) stack.push(m.id);
  }
  // Node ids are creation order, which is topological: operands always exist before their users.
  const order: Node[] = [];
  for (let id = 0; id < nodes.length; id++) if (needed[id] === 1) order.push(nodes[id]!);
  return order;
}
