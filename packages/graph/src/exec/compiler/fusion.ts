import type { Node } from '../../ir/node.js';
import { getOp } from '../../ops/registry.js';
import { sameShape, sizeOf, type Shape } from '../../core/shape.js';

/**
 * How one node of a schedule is computed by the compiled executor.
 *
 * @example
 * ```ts
 * const role: NodeRole = 'inlined'; // computed inside its consumer's fused loop, never stored
 * ```
 */
export type NodeRole =
  | 'inlined' // computed inside the fused loop of its only consumer, never stored
  | 'fused' // the root of a fused elementwise loop, stored in a buffer
  | 'carried' // requested, computed inside the fused loop of its only consumer, which also stores it
  | 'alias' // shares its input's buffer (an op marked `alias`, such as reshape)
  | 'kernel'; // its own kernel writes a buffer (matmul, reductions, …), or a source


/**
 * Whether a node of this role is computed inside its consumer's loop (inlined or carried).
 *
 * @example
 * ```ts
 * inLoop(roles.get(node)); // true for 'inlined' and 'carried'
 * ```
 */
export const inLoop = (role: NodeRole | undefined): boolean => role === 'inlined' || role === 'carried';

/** The most nodes one fused loop computes. */
export const MAX_CLUSTER = 256;

/** Whether a node's op can be part of a fused loop (it has an expression template). */
const fusable = (n: Node): boolean => getOp(n.op)?.fuse !== undefined;

/**
 * Whether a fusable node may be inlined into, or inline, another loop body: elementwise ops only.
 * A fusable shape op (broadcastTo) changes the shape it is read at, so it stays the root of its own
 * loop, which reads its operand with broadcasting strides.
 */
const inlinable = (n: Node): boolean => fusable(n) && getOp(n.op)!.kind === 'elementwise';

/**
 * Decides which elementwise nodes fuse: a node is inlined into its consumer's loop when it is
 * elementwise, has exactly one use, has the consumer's shape, is not requested itself (output or
 * update value), and its consumer is elementwise too. A requested node of more than one element
 * that meets the rest is carried instead: computed in its consumer's loop, which stores it as well
 * (Adam's new moments g and q are computed and stored by the loop of the weight's update, one pass
 * over the weight's arrays instead of three). Everything an inlined or carried chain reads from
 * outside becomes a leaf of the loop, read with broadcasting strides. A loop computes at most
 * {@link MAX_CLUSTER} nodes; longer chains are cut into several loops.
 *
 * @param order - the schedule, operands first.
 * @param shapes - the concrete shape of every scheduled node in this run.
 * @param requested - outputs and update values, which must be stored.
 * @returns the role of every scheduled node.
 * @example
 * ```ts
 * assignRoles(order, shapes, new Set([loss])).get(node); // 'inlined'
 * ```
 */
export function assignRoles(order: readonly Node[], shapes: ReadonlyMap<Node, Shape>, requested: ReadonlySet<Node>): Map<Node, NodeRole> {
  const uses = new Map<Node, Node[]>();
  for (const n of order) {
    for (const m of n.inputs) {
      const list = uses.get(m);
      if (list === undefined) uses.set(m, [n]);
      else list.push(n);
    }
  }
  const roles = new Map<Node, NodeRole>();
  for (const n of order) {
    if (getOp(n.op)?.alias) roles.set(n, 'alias');
    else if (fusable(n)) roles.set(n, 'fused');
    else roles.set(n, 'kernel');
  }
  for (const n of order) {
    if (roles.get(n) !== 'fused' || !inlinable(n)) continue;
    const users = uses.get(n) ?? [];
    const user = users[0];
    if (users.length !== 1 || user === undefined || !inlinable(user)) continue;
    if (user.inputs.filter((m) => m === n).length !== 1) continue;
    if (!sameShape(shapes.get(n)!, shapes.get(user)!)) continue;
    if (!requested.has(n)) roles.set(n, 'inlined');
    else if (sizeOf(shapes.get(n)!) > 1) roles.set(n, 'carried');
  }
  // A cluster stays at most MAX_CLUSTER members: along a longer chain, every MAX_CLUSTER-th node is
  // stored and starts the next loop (so generated loops stay small, however long the chain).
  const members = new Map<Node, number>();
  for (const n of order) {
    let size = 1;
    for (const m of n.inputs) if (inLoop(roles.get(m))) size += members.get(m)!;
    if (inLoop(roles.get(n)) && size >= MAX_CLUSTER) roles.set(n, 'fused');
    members.set(n, size);
  }
  return roles;
}
