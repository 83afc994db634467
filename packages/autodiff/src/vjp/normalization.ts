import { sameShape, type Node } from '@chainrule/graph';
import type { VjpRule } from './rule.js';

// Notation: y = γ·x̂ + β with x̂ = (x − μ)·r and r = (σ² + ε)^(−½); g = ∂ℓ/∂y is the cotangent.
// Everything is built from graph ops, so the rules differentiate again (second derivatives).

/** The axes 0..k−1. */
const first = (k: number): number[] => Array.from({ length: k }, (_, i) => i);

/** Σ over `axes`, or v itself when there are none. */
const sumOver = (v: Node, axes: readonly number[]): Node => (axes.length === 0 ? v : v.sum(axes));

/** What both derivative rules of batchNorm need: its operands, r, x̂ and the batch axes. */
function batchNormParts(n: Node): { scale: Node; r: Node; xhat: Node; batch: number[] } {
  const [x, scale, , mean, variance] = n.inputs as [Node, Node, Node, Node, Node];
  const r = variance.add(n.attrs['epsilon'] as number).sqrt().reciprocal();
  return { scale, r, xhat: x.sub(mean).mul(r), batch: first(x.rank - 1) };
}

/** What both derivative rules of layerNorm need: x̂, r, the per-example mean over the feature axes, and the axes. */
function layerNormParts(n: Node): { scale: Node; r: Node; xhat: Node; examples: number[]; meanOver: (v: Node) => Node } {
  const [x, scale] = n.inputs as [Node, Node, Node];
  const k = n.attrs['axes'] as number;
  const features = first(k).map((i) => x.rank - k + i);
  const meanOver = (v: Node): Node => v.mean(features, true);
  const centred = x.sub(meanOver(x));
  const r = meanOver(centred.square()).add(n.attrs['epsilon'] as number).sqrt().reciprocal();
  return { scale, r, xhat: centred.mul(r), examples: first(x.rank - k), meanOver };
}

/**
 * VJP rules of the normalisations.
 *
 * @example
 * ```ts
 * const [dx, dScale, dOffset] = normalizationRules.layerNorm(ct, x.layerNorm(scale, offset));
 * ```
 */
export const normalizationRules = {
  // y = γ·(x − μ)·r + β per channel, summed over the batch axes B for the [channels] operands:
  // ∂x = g·γ·r, ∂γ = Σ_B g·x̂, ∂β = Σ_B g, ∂μ = −γ·r·Σ_B g, ∂σ² = −½·γ·r²·Σ_B g·x̂ (as ∂r/∂σ² = −½ r³).
  batchNorm: (ct, n) => {
    let parts: ReturnType<typeof batchNormParts> | undefined;
    const p = (): ReturnType<typeof batchNormParts> => (parts ??= batchNormParts(n));
    let gx: Node | undefined;
    const gxhat = (): Node => (gx ??= sumOver(ct.mul(p().xhat), p().batch));
    let gs: Node | undefined;
    const gsum = (): Node => (gs ??= sumOver(ct, p().batch));
    return [
      () => ct.mul(p().scale.mul(p().r)),
      gxhat,
      gsum,
      () => gsum().mul(p().scale.mul(p().r)).neg(),
      () => gxhat().mul(p().scale.mul(p().r.square())).mul(-0.5),
    ];
  },
  // Over the n features F of one example, x̂ᵢ = (xᵢ − m)·r with m and s² the example's mean and
  // biased variance, so ∂x̂ᵢ/∂xⱼ = r·(δᵢⱼ − 1/n − x̂ᵢ·x̂ⱼ/n), a symmetric matrix. With h = g·γ:
  // ∂x = r·(h − mean_F h − x̂·mean_F(h·x̂)); ∂γ = Σ_examples g·x̂; ∂β = Σ_examples g.
  layerNorm: (ct, n) => {
    let parts: ReturnType<typeof layerNormParts> | undefined;
    const p = (): ReturnType<typeof layerNormParts> => (parts ??= layerNormParts(n));
    return [
      () => {
        const { scale, r, xhat, meanOver } = p();
        const h = ct.mul(scale);
        return h.sub(meanOver(h)).sub(xhat.mul(meanOver(h.mul(xhat)))).mul(r);
      },
      () => sumOver(ct.mul(p().xhat), p().examples),
      () => sumOver(ct, p().examples),
    ];
  },
} satisfies Record<string, VjpRule>;

/** Σ of the terms present, broadcast to the shape of `like` (a term may be a [channels] vector). */
function total(terms: readonly (Node | null)[], like: Node): Node {
  const present = terms.filter((t): t is Node => t !== null);
  const sum = present.reduce((a, b) => a.add(b));
  return sameShape(sum.shape, like.shape) ? sum : sum.broadcastTo(like.shape);
}

/**
 * Forward-mode rules of the normalisations: the tangent t_y = J·t from the operands' tangents
 * (`null` where an operand does not depend on the directions; at least one is present).
 *
 * @example
 * ```ts
 * normalizationTangents.batchNorm(y, [tx, null, null, null, null]); // γ·r·t_x
 * ```
 */
export const normalizationTangents = {
  // t_y = γ·r·(t_x − t_μ − ½·x̂·r·t_σ²) + x̂·t_γ + t_β
  batchNorm: (n: Node, [tx, tScale, tOffset, tMean, tVariance]: readonly (Node | null)[]): Node => {
    const { scale, r, xhat } = batchNormParts(n);
    const inner = [tx ?? null, tMean ? tMean.neg() : null, tVariance ? xhat.mul(r).mul(tVariance).mul(-0.5) : null].filter((t): t is Node => t !== null);
    const throughX = inner.length === 0 ? null : inner.reduce((a, b) => a.add(b)).mul(scale.mul(r));
    return total([throughX, tScale ? xhat.mul(tScale) : null, tOffset ?? null], n);
  },
  // t_y = γ·r·(t − mean_F t − x̂·mean_F(x̂·t)) + x̂·t_γ + t_β (the Jacobian in x is symmetric, as above)
  layerNorm: (n: Node, [tx, tScale, tOffset]: readonly (Node | null)[]): Node => {
    const { scale, r, xhat, meanOver } = layerNormParts(n);
    const throughX = tx ? tx.sub(meanOver(tx)).sub(xhat.mul(meanOver(xhat.mul(tx)))).mul(r).mul(scale) : null;
    return total([throughX, tScale ? xhat.mul(tScale) : null, tOffset ?? null], n);
  },
} satisfies Record<string, (n: Node, tangents: readonly (Node | null)[]) => Node>;
