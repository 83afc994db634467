import { Graph as Digraph, alg } from '@dagrejs/graphlib';
import type { Node } from './node.js';

/**
 * The dependency structure of nodes as a `@dagrejs/graphlib` digraph: one vertex per node id and an
 * edge from each operand to the node that uses it.
 *
 * @param nodes - the nodes (usually `graph.nodes`).
 * @returns the digraph, for graphlib's algorithms.
 * @example
 * ```ts
 * alg.isAcyclic(toDigraph(g.nodes)); // always true for a built graph
 * ```
 */
export function toDigraph(nodes: readonly Node[]): Digraph {
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
 * @example
 * ```ts
 * schedule([loss]).map(String); // every node loss needs, operands first
 * ```
 */
export function schedule(roots: readonly Node[]): Node[] {
  if (roots.length === 0) return [];
  const graph = roots[0]!.graph;
  // graphlib walks successors, so walk the reversed digraph (node → operand) from the roots.
  const reversed = new Digraph();
  for (const n of graph.nodes) {
    reversed.setNode(String(n.id));
    for (const m of n.inputs) reversed.setEdge(String(n.id), String(m.id));
  }
  const needed = alg.preorder(reversed, roots.map((r) => String(r.id)));
  // Node ids are creation order, which is topological: operands always exist before their users.
  return needed.map(Number).sort((a, b) => a - b).map((id) => graph.node(id));
}
