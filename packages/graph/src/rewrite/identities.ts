import type { Node } from '../ir/node.js';
import type { Primitive } from '../ops/registry.js';
import { resolvePerm } from '../ops/transpose.js';
import { formatShape } from '../core/shape.js';

/**
 * The value of a node whose elements are all equal to one number, if it is a constant or fill.
 *
 * @param n - the node.
 * @returns that number, or `undefined` when the elements differ or the node is another op.
 * @example
 * ```ts
 * uniformValue(g.fill([2, 2], 3)); // 3
 * ```
 */
export function uniformValue(n: Node): number | undefined {
  if (n.op === 'fill') return n.attrs['value'] as number;
  if (n.op === 'constant') {
    const data = (n.attrs['value'] as { data: ArrayLike<number> }).data;
    if (data.length === 0) return undefined;
    const first = data[0]!;
    for (let i = 1; i < data.length; i++) if (!Object.is(data[i], first)) return undefined;
    return first;
  }
  return undefined;
}

const sameType = (a: Node, b: Node): boolean => a.dtype === b.dtype && formatShape(a.shape) === formatShape(b.shape);

/**
 * One algebraic identity: given a freshly built node, returns an equal node that is simpler, or
 * `undefined` when it does not apply. Each identity preserves every value, including NaN and ±∞
 * (which is why x·0 → 0 is not one of them), and the node's shape and dtype — up to the sign of a
 * zero: x + 0 → x keeps −0 where the sum would give +0 (the two compare equal).
 *
 * @example
 * ```ts
 * const doubleNegation: Identity = (n) => (n.inputs[0]?.op === 'neg' ? n.inputs[0].inputs[0] : undefined); // −(−x) = x
 * doubleNegation(x.neg().neg()) === x; // true
 * ```
 */
export type Identity = (n: Node) => Node | undefined;

const is = (v: Node, k: number): boolean => uniformValue(v) === k;

/**
 * The identities `simplify` applies, by op; the mathematics is in the trailing comments.
 *
 * @example
 * ```ts
 * IDENTITIES['neg']?.length; // 1: −(−x) = x
 * Object.keys(IDENTITIES).includes('transpose'); // true
 * ```
 */
export const IDENTITIES: Readonly<Partial<Record<Primitive, readonly Identity[]>>> = {
  add: [
    (n) => (is(n.inputs[1]!, 0) && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined), // x + 0 = x
    (n) => (is(n.inputs[0]!, 0) && sameType(n, n.inputs[1]!) ? n.inputs[1] : undefined), // 0 + x = x
  ],
  sub: [(n) => (is(n.inputs[1]!, 0) && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined)], // x − 0 = x
  mul: [
    (n) => (is(n.inputs[1]!, 1) && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined), // x · 1 = x
    (n) => (is(n.inputs[0]!, 1) && sameType(n, n.inputs[1]!) ? n.inputs[1] : undefined), // 1 · x = x
  ],
  div: [(n) => (is(n.inputs[1]!, 1) && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined)], // x / 1 = x
  pow: [(n) => (is(n.inputs[1]!, 1) && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined)], // x¹ = x
  neg: [(n) => (n.inputs[0]!.op === 'neg' ? n.inputs[0]!.inputs[0] : undefined)], // −(−x) = x
  identity: [(n) => n.inputs[0]], // identity(x) = x
  cast: [(n) => (n.dtype === n.inputs[0]!.dtype ? n.inputs[0] : undefined)], // cast to its own dtype
  reshape: [
    (n) => (sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined), // reshape to the same shape
    (n) => (n.inputs[0]!.op === 'reshape' ? n.inputs[0]!.inputs[0]!.reshape(n.shape) : undefined), // reshape∘reshape
  ],
  broadcastTo: [(n) => (sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined)], // broadcast to the same shape
  transpose: [
    (n) => {
      const inner = n.inputs[0]!;
      const outer = resolvePerm(n.attrs['perm'] as number[] | undefined, n.rank);
      if (outer.every((p, i) => p === i)) return inner; // identity permutation
      if (inner.op !== 'transpose') return undefined;
      const first = resolvePerm(inner.attrs['perm'] as number[] | undefined, inner.rank);
      const composed = outer.map((p) => first[p]!); // (xᵀᵖ)ᵀᵠ = xᵀ^(p∘q)
      return composed.every((p, i) => p === i) ? inner.inputs[0] : inner.inputs[0]!.transpose(composed);
    },
  ],
  sum: [
    (n) => {
      const axes = n.attrs['axes'] as number[] | undefined;
      return axes !== undefined && axes.length === 0 && sameType(n, n.inputs[0]!) ? n.inputs[0] : undefined; // Σ over no axis
    },
  ],
  where: [
    (n) => {
      const [c, a, b] = n.inputs as [Node, Node, Node];
      if (a === b && sameType(n, a)) return a; // where(c, a, a) = a
      const k = uniformValue(c);
      if (k === undefined || Number.isNaN(k)) return undefined;
      const chosen = k !== 0 ? a : b; // a constant condition picks one branch
      if (chosen.dtype !== n.dtype) return undefined;
      return sameType(n, chosen) ? chosen : chosen.broadcastTo(n.shape);
    },
  ],
};
