import { ChainruleError, expectNode, expectNodes, formatShape, getOp, sameShape, ShapeError, type Node } from '@chainrule/graph';
import { VJP_RULES } from './vjp/index.js';


/**
 * Sums a cotangent computed at a broadcast shape back to the shape of the operand that was
 * broadcast: over the extra leading axes, and over the axes where the operand had size 1.
 */
function unbroadcast(ct: Node, shape: readonly (number | string)[]): Node {
  if (sameShape(ct.shape, shape)) return ct;
  const lead = ct.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < ct.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && ct.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? ct.sum(axes) : ct;
  return sameShape(summed.shape, shape) ? summed : summed.reshape(shape);
}

/** Nodes whose value depends differentiably on one of `wrt`: reached through differentiable ops only. */
function dependents(wrt: readonly Node[], upTo: number): Set<Node> {
  const reached = new Set<Node>(wrt);
  const graph = wrt[0]!.graph;
  for (let id = 0; id <= upTo; id++) {
    const n = graph.node(id);
    if (reached.has(n) || !getOp(n.op)?.differentiable) continue;
    if (n.inputs.some((m) => reached.has(m))) reached.add(n);
  }
  return reached;
}

/**
 * Reverse-mode differentiation as graph building: the vector-Jacobian products ∂⟨c, y⟩/∂x of
 * `outputs` y with cotangents c, for each of `wrt`. Walks the nodes on a path from `wrt` to the
 * outputs in reverse topological order, applies each op's VJP rule (the chain rule
 * J(f∘g) = J_f·J_g, one factor per node), sums fan-out, and reduces broadcast axes. Every node it
 * builds records the forward node and rule it came from (`node.origin`).
 *
 * @param outputs - nodes y to differentiate.
 * @param cotangents - one node per output, shaped like it (∂ℓ/∂y).
 * @param wrt - nodes to differentiate with respect to (any nodes: inputs, variables, intermediates).
 * @returns one cotangent node per `wrt`, shaped like it; zeros where the outputs do not depend on it.
 * @throws ChainruleError for a differentiable op without a rule, a node of another graph, or a
 *   cotangent count that differs from the output count.
 * @throws ShapeError when a cotangent's shape or dtype differs from its output's.
 * @example
 * ```ts
 * const [dx] = vjp([y], [g.fill(y.shape, 1)], [x]);
 * ```
 */
export function vjp(outputs: readonly Node[], cotangents: readonly Node[], wrt: readonly Node[]): Node[] {
  expectNodes('vjp', 'outputs', outputs);
  expectNodes('vjp', 'cotangents', cotangents);
  expectNodes('vjp', 'wrt', wrt);
  if (wrt.length === 0) return [];
  const graph = wrt[0]!.graph;
  if (outputs.length !== cotangents.length) throw new ChainruleError(`vjp: ${outputs.length} outputs but ${cotangents.length} cotangents`);
  for (const n of [...outputs, ...cotangents, ...wrt]) {
    if (n.graph !== graph) throw new ChainruleError(`vjp: ${n} belongs to another graph`);
  }
  outputs.forEach((y, i) => {
    const c = cotangents[i]!;
    if (!sameShape(c.shape, y.shape) || c.dtype !== y.dtype) {
      throw new ShapeError(`vjp: cotangent ${c} is ${c.dtype} ${formatShape(c.shape)} but output ${y} is ${y.dtype} ${formatShape(y.shape)}`);
    }
  });
  const last = Math.max(...outputs.map((y) => y.id));
  const reached = dependents(wrt, last);
  const acc = new Map<Node, Node>();
  const add = (target: Node, contribution: Node, forward: Node, rule: string): void => {
    graph.withOrigin({ node: forward.id, rule }, () => {
      const prev = acc.get(target);
      acc.set(target, prev === undefined ? contribution : prev.add(contribution)); // fan-out: Σ over uses
    });
  };
  outputs.forEach((y, i) => {
    if (reached.has(y)) add(y, cotangents[i]!, y, 'seed');
  });
  for (let id = last; id >= 0; id--) {
    const node = graph.node(id);
    const ct = acc.get(node);
    if (ct === undefined || !node.inputs.some((m) => reached.has(m))) continue;
    const rule = VJP_RULES[node.op as keyof typeof VJP_RULES];
    if (rule === undefined) throw new ChainruleError(`vjp: no derivative rule for op '${node.op}' (at ${node})`);
    const ruleName = `vjp:${node.op}`;
    const lazy = graph.withOrigin({ node: node.id, rule: ruleName }, () => rule(ct, node));
    node.inputs.forEach((input, i) => {
      const make = lazy[i];
      if (!reached.has(input) || make == null) return;
      const contribution = graph.withOrigin({ node: node.id, rule: ruleName }, () => unbroadcast(make(), input.shape));
      add(input, contribution, node, ruleName);
    });
  }
  return wrt.map((x) => acc.get(x) ?? graph.withOrigin({ node: x.id, rule: 'zero' }, () => graph.fill(x.shape, 0, x.dtype)));
}

/**
 * The gradient ∇ₓ y of a scalar node y: one node per `wrt`, shaped like it.
 *
 * @param y - a node with one element (shape `[]` or all ones).
 * @param wrt - nodes to differentiate with respect to.
 * @returns ∂y/∂x for each x, as graph nodes (differentiable again).
 * @throws ShapeError when y has more than one element (use {@link vjp} or `jacobian`).
 * @throws ChainruleError for a differentiable op on the path that has no VJP rule.
 * @example
 * ```ts
 * const [dw, db] = grad(loss, [w, b]);
 * ```
 */
export function grad(y: Node, wrt: readonly Node[]): Node[] {
  expectNode('grad', 'y', y);
  expectNodes('grad', 'wrt', wrt, y.graph);
  if (!y.shape.every((d) => d === 1)) {
    throw new ShapeError(`grad: ${y} has shape ${formatShape(y.shape)}; grad needs a scalar (use vjp with a cotangent, or jacobian)`);
  }
  const seed = y.graph.withOrigin({ node: y.id, rule: 'seed' }, () => y.graph.fill(y.shape, 1, y.dtype)); // ∂y/∂y = 1
  return vjp([y], [seed], wrt);
}

/**
 * The value of a scalar node together with its gradient.
 *
 * @param y - a node with one element.
 * @param wrt - nodes to differentiate with respect to.
 * @returns `[y, grads]`, ready to be run together.
 * @throws ShapeError when y has more than one element.
 * @example
 * ```ts
 * const [loss, [dw]] = valueAndGrad(lossNode, [w]);
 * g.run([loss, dw], feeds);
 * ```
 */
export function valueAndGrad(y: Node, wrt: readonly Node[]): [Node, Node[]] {
  return [y, grad(y, wrt)];
}
