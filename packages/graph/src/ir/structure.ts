import { Graph as Digraph } from '@dagrejs/graphlib';
import type { Node } from './node.js';

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
  const dg = toDigraph(graph.nodes);
  // NOTE: an explicit stack over graphlib's predecessors rather than alg.preorder, which recurses
  // once per node and overflows the call stack on chains a few thousand nodes deep.
  const needed = new Set<string>();
  const stack = roots.map((r) => String(r.id));
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (needed.has(v)) continue;
    needed.add(v);
    for (const u of dg.predecessors(v) ?? []) if (!needed.has(u)) stack.push(u);
  }
  // Node ids are creation order, which is topological: operands always exist before their users.
  return [...needed].map(Number).sort((a, b) => a - b).map((id) => graph.node(id));
}
