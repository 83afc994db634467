import { ArgumentError, ChainruleError, ShapeError } from '../core/errors.js';
import { expectNode, expectNodes } from '../ir/arguments.js';
import type { Node } from '../ir/node.js';
import { formatShape } from '../core/shape.js';
import { schedule } from '../ir/structure.js';

/**
 * Rebuilds `outputs` with some nodes replaced: every node that depends on a replaced node is built
 * again on top of the replacement; everything else is shared. This is how a look-ahead is evaluated
 * symbolically, e.g. the loss at w + γv instead of w (Sutskever et al.'s momentum).
 *
 * @param outputs - nodes to rebuild.
 * @param replacements - node → the node to use in its place (same shape and dtype).
 * @returns the rebuilt outputs, in order (an output that depends on no replaced node is returned as is).
 * @throws ShapeError when a replacement's type differs from the node it replaces.
 * @example
 * ```ts
 * const [lossAhead] = substitute([loss], new Map([[w, w.add(v.mul(gamma))]]));
 * ```
 */
export function substitute(outputs: readonly Node[], replacements: ReadonlyMap<Node, Node>): Node[] {
  expectNodes('substitute', 'outputs', outputs);
  if (!(replacements instanceof Map)) throw new ArgumentError('substitute', 'replacements', 'a Map from nodes to nodes', replacements);
  if (outputs.length === 0) return [];
  const graph = outputs[0]!.graph;
  for (const [from, to] of replacements) {
    expectNode('substitute', 'a key of replacements', from, graph);
    expectNode('substitute', 'a value of replacements', to, graph);
    if (from.graph !== graph || to.graph !== graph) throw new ChainruleError('substitute: every node must belong to the outputs’ graph');
    if (from.dtype !== to.dtype || formatShape(from.shape) !== formatShape(to.shape)) {
      throw new ShapeError(`substitute: ${to} (${to.dtype} ${formatShape(to.shape)}) cannot replace ${from} (${from.dtype} ${formatShape(from.shape)})`);
    }
  }
  const mapped = new Map<Node, Node>(replacements);
  for (const node of schedule(outputs)) {
    if (mapped.has(node)) continue;
    const inputs = node.inputs.map((m) => mapped.get(m) ?? m);
    if (inputs.every((m, i) => m === node.inputs[i])) continue;
    const build = (): Node => graph.apply(node.op, inputs, node.attrs);
    mapped.set(node, node.origin ? graph.withOrigin(node.origin, build) : build());
  }
  return outputs.map((o) => mapped.get(o) ?? o);
}
