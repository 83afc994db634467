import { expectNode, type Node } from '@chainrule/graph';

/**
 * A cotangent for one input, built only if that input needs one (so no dead nodes are made).
 *
 * @example
 * ```ts
 * const dx: LazyCotangent = () => ct.mul(y); // built only when x is on a path to the target
 * ```
 */
export type LazyCotangent = (() => Node) | null;

/**
 * The vector-Jacobian product of one primitive: given the cotangent `ct` of the node's output
 * (∂ℓ/∂y, shaped like y) and the forward node itself, one entry per input giving ∂ℓ/∂xᵢ = ctᵀ·J_xᵢ(y)
 * — `null` where the input is not differentiable. Results may keep the output's broadcast shape:
 * the backward driver reduces them to each input's shape.
 *
 * @example
 * ```ts
 * const mulRule: VjpRule = (ct, node) => [() => ct.mul(node.inputs[1]!), () => ct.mul(node.inputs[0]!)];
 * ```
 */
export type VjpRule = (ct: Node, node: Node) => readonly LazyCotangent[];

/**
 * The i-th operand of a forward node.
 *
 * @param node - the forward node.
 * @param i - operand position.
 * @returns the operand.
 * @example
 * ```ts
 * arg(node, 1); // the divisor of a div node
 * ```
 */
export const arg = (node: Node, i: number): Node => node.inputs[i]!;

/**
 * `ct · d` with a strong zero: 0 wherever the cotangent is 0, even where the local derivative `d` is
 * ±∞ or NaN. NOTE: this is what keeps the `where` trap shut — the untaken branch of
 * `where(c, f(x), …)` receives a zero cotangent, and f′ may be infinite there (log, sqrt, 1/x at 0).
 *
 * @param ct - the cotangent ∂ℓ/∂y.
 * @param d - the local derivative ∂y/∂x (may be ±∞ or NaN where `ct` is 0).
 * @returns `where(ct = 0, 0, ct · d)`, broadcast.
 * @example
 * ```ts
 * const reciprocalRule: VjpRule = (ct, y) => [() => strongMul(ct, y.square().neg())]; // d(1/x) = −1/x²
 * ```
 */
export function strongMul(ct: Node, d: Node): Node {
  expectNode('strongMul', 'ct', ct);
  expectNode('strongMul', 'd', d, ct.graph);
  return ct.graph.where(ct.equal(0), 0, ct.mul(d));
}

/**
 * `ct / d` with a strong zero (see {@link strongMul}).
 *
 * @param ct - the cotangent ∂ℓ/∂y.
 * @param d - the divisor (may be 0 where `ct` is 0).
 * @returns `where(ct = 0, 0, ct / d)`, broadcast.
 * @example
 * ```ts
 * strongDiv(ct, x); // the cotangent of ln x: ct / x, and 0 (not NaN) where ct = 0 and x = 0
 * ```
 */
export function strongDiv(ct: Node, d: Node): Node {
  expectNode('strongDiv', 'ct', ct);
  expectNode('strongDiv', 'd', d, ct.graph);
  return ct.graph.where(ct.equal(0), 0, ct.div(d));
}
