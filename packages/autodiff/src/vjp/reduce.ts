import type { Node } from '@chainrule/graph';
import { arg, type VjpRule } from './rule.js';

interface ReduceAttrs {
  readonly axes: readonly number[] | undefined;
  readonly keepDims: boolean;
}

/** The reduced axes as non-negative numbers. */
function reducedAxes(node: Node): number[] {
  const { axes } = node.attrs as unknown as ReduceAttrs;
  const rank = arg(node, 0).rank;
  return axes === undefined ? Array.from({ length: rank }, (_, i) => i) : axes.map((a) => (a < 0 ? a + rank : a));
}

/** A reduction's output (or its cotangent) with the reduced axes put back as size 1. */
function keep(v: Node, node: Node): Node {
  if ((node.attrs as unknown as ReduceAttrs).keepDims) return v;
  const axes = new Set(reducedAxes(node));
  return v.reshape(arg(node, 0).shape.map((d, i) => (axes.has(i) ? 1 : d)));
}

/**
 * VJP rules of the reductions.
 *
 * @example
 * ```ts
 * const [dx] = reduceRules.sum(ct, x.sum(1)); // dx?.() broadcasts ct back to x's shape
 * ```
 */
export const reduceRules = {
  sum: (ct, n) => [() => keep(ct, n).broadcastTo(arg(n, 0).shape)], // ∂Σx/∂xᵢ = 1
  // NOTE: ties share the cotangent equally: each of the k maximal entries gets ct/k.
  max: (ct, n) => [
    () => {
      const x = arg(n, 0);
      const winners = x.equal(keep(n, n));
      const share = keep(ct, n).div(winners.sum(reducedAxes(n), true));
      return n.graph.where(winners, share, 0); // routed, so an infinite cotangent meets no 0
    },
  ],
} satisfies Record<string, VjpRule>;
