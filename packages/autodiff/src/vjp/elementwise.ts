import type { Node } from '@chainrule/graph';
import { arg, strongDiv, strongMul, type LazyCotangent, type VjpRule } from './rule.js';

const x = (node: Node): Node => arg(node, 0);

/**
 * Routes a cotangent to the operand that won (a where `aWins`, b where `bWins`), half to each at a
 * tie; `where` rather than products with 0/1 masks, so an infinite cotangent never meets a 0.
 */
function splitBetween(ct: Node, aWins: Node, bWins: Node): LazyCotangent[] {
  const g = ct.graph;
  const half = ct.mul(0.5);
  return [() => g.where(aWins, ct, g.where(bWins, 0, half)), () => g.where(bWins, ct, g.where(aWins, 0, half))];
}

/**
 * VJP rules of the elementwise primitives; the calculus is in the trailing comments.
 *
 * @example
 * ```ts
 * const [dx] = elementwiseRules.sin(ct, x.sin()); // lazy: dx?.() builds ct · cos x
 * ```
 */
export const elementwiseRules = {
  neg: (ct) => [() => ct.neg()], // d(−x) = −1
  // NOTE: |x|′(0) = 0 by convention. The cotangent is routed by `where`, not multiplied by sign x,
  // so an infinite cotangent does not become NaN where the derivative is 0.
  abs: (ct, n) => [() => n.graph.where(x(n).greater(0), ct, n.graph.where(x(n).less(0), ct.neg(), 0))], // d|x| = sign x
  exp: (ct, n) => [() => ct.mul(n)], // d eˣ = eˣ
  log: (ct, n) => [() => strongDiv(ct, x(n))], // d ln x = 1/x
  log1p: (ct, n) => [() => strongDiv(ct, x(n).add(1))], // d ln(1+x) = 1/(1+x)
  sqrt: (ct, n) => [() => strongDiv(ct, n.mul(2))], // d √x = 1/(2√x)
  square: (ct, n) => [() => ct.mul(x(n).mul(2))], // d x² = 2x
  reciprocal: (ct, n) => [() => strongMul(ct, n.square().neg())], // d(1/x) = −1/x²
  sin: (ct, n) => [() => ct.mul(x(n).cos())], // d sin x = cos x
  cos: (ct, n) => [() => ct.mul(x(n).sin().neg())], // d cos x = −sin x
  tanh: (ct, n) => [() => ct.mul(n.square().neg().add(1))], // d tanh x = 1 − tanh² x
  sigmoid: (ct, n) => [() => ct.mul(n.mul(n.neg().add(1)))], // dσ = σ(1 − σ)
  // NOTE: relu′(0) = 0 by convention: the cotangent passes where x > 0, strictly.
  relu: (ct, n) => [() => n.graph.where(x(n).greater(0), ct, 0)], // d max(x, 0) = 1[x > 0]
  softplus: (ct, n) => [() => ct.mul(x(n).sigmoid())], // d ln(1 + eˣ) = σ(x)
  // NOTE: flushSubnormal′ = 1 by convention: the flush only rounds values below the smallest normal
  // to ±0, a change of representation that derivatives ignore as they ignore float32 rounding.
  flushSubnormal: (ct) => [() => ct], // d x = 1
  cast: (ct, n) => [() => ct.cast(x(n).dtype)], // identity on values
  identity: (ct) => [() => ct],

  add: (ct) => [() => ct, () => ct], // ∂(a+b) = (1, 1)
  sub: (ct) => [() => ct, () => ct.neg()], // ∂(a−b) = (1, −1)
  mul: (ct, n) => [() => ct.mul(arg(n, 1)), () => ct.mul(arg(n, 0))], // ∂(ab) = (b, a)
  div: (ct, n) => [
    () => strongDiv(ct, arg(n, 1)), // ∂(a/b)/∂a = 1/b
    () => strongMul(ct, n.div(arg(n, 1)).neg()), // ∂(a/b)/∂b = −a/b²
  ],
  pow: (ct, n) => {
    const [a, b] = [arg(n, 0), arg(n, 1)];
    return [
      () => strongMul(ct, b.mul(a.pow(b.sub(1)))), // ∂aᵇ/∂a = b·aᵇ⁻¹
      // NOTE: ∂aᵇ/∂b = aᵇ ln a, taken as 0 at a = 0 (its limit for b > 0): ln is applied to 1 there.
      () => strongMul(ct, n.mul(n.graph.where(a.equal(0), 1, a).log())),
    ];
  },
  // NOTE: at ties a = b, maximum and minimum split the cotangent equally between a and b (the
  // mean of the one-sided derivatives), as JAX does.
  maximum: (ct, n) => splitBetween(ct, arg(n, 0).greater(arg(n, 1)), arg(n, 1).greater(arg(n, 0))),
  minimum: (ct, n) => splitBetween(ct, arg(n, 0).less(arg(n, 1)), arg(n, 1).less(arg(n, 0))),
  where: (ct, n) => [
    null, // the condition is piecewise constant
    () => n.graph.where(arg(n, 0), ct, 0),
    () => n.graph.where(arg(n, 0), 0, ct),
  ],
} satisfies Record<string, VjpRule>;
