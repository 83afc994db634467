import type { TypedArray } from '../../core/dtype.js';
import type { Node } from '../../ir/node.js';
import { addressIn } from '../../kernels/wasm/memory.js';
import { getOp } from '../../ops/registry.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import { inLoop, type NodeRole } from './fusion.js';

/** What {@link inPlaceUpdates} reads of a specialised schedule. */
export interface SchedulePlan {
  /** The schedule, operands first. */
  readonly order: readonly Node[];
  /** The concrete shape of every scheduled node in this run. */
  readonly shapes: ReadonlyMap<Node, Shape>;
  readonly roles: ReadonlyMap<Node, NodeRole>;
  /** The node whose buffer each scheduled node's value lives in (itself, or a view's source). */
  readonly owner: ReadonlyMap<Node, Node>;
  /** The loop root or kernel step that computes each scheduled node. */
  readonly rootOf: ReadonlyMap<Node, Node>;
  /** The index of each step (stored value) in the run. */
  readonly stepIndex: ReadonlyMap<Node, number>;
  /** Output nodes. */
  readonly outputs: readonly Node[];
  /** Assignments `[variable, value]`. */
  readonly updates: readonly (readonly [Node, Node])[];
}

/**
 * The updates whose loop may write the new value straight into the variable's storage, so that
 * the commit has nothing to copy for them. Writing there before the run ends must look exactly like
 * the commit after it, so an update qualifies only when:
 *
 * - its value is computed by a fused loop (as its root, or carried by it), is not a view, has more
 *   than one element, and is assigned to no other variable;
 * - no step after that loop can fail (every later step is a generated loop or a view, never a
 *   kernel), so a run that throws has written no variable;
 * - the variable's old value (or a view of it) is not an output or an update value, and is read by
 *   no later step, and within the loop only by members computed before the new value (the
 *   WebAssembly evaluator runs the members in that order over each chunk; the JavaScript loop reads
 *   every leaf at an element before writing it).
 *
 * @param plan - the specialised schedule.
 * @returns the indices into `plan.updates` of the updates that qualify.
 * @example
 * ```ts
 * inPlaceUpdates({ order, shapes, roles, owner, rootOf, stepIndex, outputs, updates }); // [0, 1, 2]
 * ```
 */
export function inPlaceUpdates(plan: SchedulePlan): number[] {
  const { order, shapes, roles, owner, rootOf, stepIndex, outputs, updates } = plan;
  let lastKernel = -1;
  for (const n of order) {
    const def = getOp(n.op)!;
    if (roles.get(n) === 'kernel' && def.external === undefined && def.kind !== 'source') lastKernel = Math.max(lastKernel, stepIndex.get(n)!);
  }
  const userOf = new Map<Node, Node>(); // an inlined or carried node's only consumer
  for (const n of order) for (const m of n.inputs) if (inLoop(roles.get(m))) userOf.set(m, n);
  const requested = new Set<Node | undefined>([...outputs, ...updates.map(([, v]) => v)].map((r) => owner.get(r)));
  const assigned = new Map<Node, number>();
  for (const [, v] of updates) assigned.set(v, (assigned.get(v) ?? 0) + 1);
  const inSubtree = (n: Node, v: Node): boolean => {
    for (let x: Node | undefined = n; x !== undefined; x = userOf.get(x)) if (x === v) return true;
    return false;
  };
  const qualifies = ([t, v]: readonly [Node, Node]): boolean => {
    const role = roles.get(v);
    if ((role !== 'fused' && role !== 'carried') || owner.get(v) !== v || assigned.get(v) !== 1 || sizeOf(shapes.get(v)!) <= 1) return false;
    const at = stepIndex.get(rootOf.get(v)!)!;
    if (at <= lastKernel || requested.has(t)) return false;
    for (const n of order) {
      if (!n.inputs.some((m) => owner.get(m) === t)) continue;
      const readAt = stepIndex.get(rootOf.get(n)!)!;
      if (readAt > at || (readAt === at && !inSubtree(n, v))) return false;
    }
    return true;
  };
  return updates.flatMap((u, k) => (qualifies(u) ? [k] : []));
}

/**
 * Whether an array a run writes in place shares memory with another array the run reads or
 * writes: checked before each run that writes in place (a store may hold one tensor under two
 * names, and a feed may be a variable's own storage), so that the writes cannot change a value the
 * run still reads, nor land in another order than the commit's. Arrays in the kernels' heap are
 * compared by address (their buffers are different objects after the memory grows), the others by
 * buffer and byte range.
 *
 * @param targets - the variables' storage written in place.
 * @param others - every other array the run reads from outside (feeds and variables).
 * @param own - for each target, the index in `others` of the same variable's storage (its old value, which the loop itself reads), or -1.
 * @returns true when any two of them overlap.
 * @example
 * ```ts
 * if (storageOverlaps([w.data], [x.data, w.data], [1])) commitAsUsual();
 * ```
 */
export function storageOverlaps(targets: readonly TypedArray[], others: readonly TypedArray[], own: readonly number[]): boolean {
  const all = [...targets, ...others];
  // where each array starts: its heap address, or its byte offset within its own buffer
  const start = all.map((a) => addressIn(a, 0));
  const inHeap = start.map((at) => at >= 0);
  all.forEach((a, k) => {
    if (!inHeap[k]) start[k] = a.byteOffset;
  });
  const overlap = (k: number, l: number): boolean =>
    inHeap[k] === inHeap[l] && (inHeap[k] || all[k]!.buffer === all[l]!.buffer) && start[k]! < start[l]! + all[l]!.byteLength && start[l]! < start[k]! + all[k]!.byteLength;
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) if (overlap(i, j)) return true;
    for (let j = 0; j < others.length; j++) if (j !== own[i] && overlap(i, targets.length + j)) return true;
  }
  return false;
}
