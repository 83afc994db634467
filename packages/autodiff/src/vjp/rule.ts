import type { Node } from '@chainrule/graph';

/** A cotangent for one input, built only if that input needs one (so no dead nodes are made). */
export type LazyCotangent = (() => Node) | null;

/**
 * The vector-Jacobian product of one primitive: given the cotangent `ct` of the node's output
 * (∂ℓ/∂y, shaped like y) and the forward node itself, one entry per input giving ∂ℓ/∂xᵢ = ctᵀ·J_xᵢ(y)
 * — `null` where the input is not differentiable. Results may keep the output's broadcast shape:
 * the backward driver reduces them to each input's shape.
 */
export type VjpRule = (ct: Node, node: Node) => readonly LazyCotangent[];

/** The i-th operand of a forward node. */
export const arg = (node: Node, i: number): Node => node.inputs[i]!;

/**
 * `ct · d` with a strong zero: 0 wherever the cotangent is 0, even where the local derivative `d` is
 * ±∞ or NaN. NOTE: this is what keeps the `where` trap shut — the untaken branch of
 * `where(c, f(x), …)` receives a zero cotangent, and f′ may be infinite there (log, sqrt, 1/x at 0).
 */
export function strongMul(ct: Node, d: Node): Node {
  return ct.graph.where(ct.equal(0), 0, ct.mul(d));
}

/** `ct / d` with a strong zero (see {@link strongMul}). */
export function strongDiv(ct: Node, d: Node): Node {
  return ct.graph.where(ct.equal(0), 0, ct.div(d));
}
