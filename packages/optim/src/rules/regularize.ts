import { ChainruleError, expectFunction, expectNodes, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, stepSizeOption } from '../validate.js';

/**
 * A regulariser φ(w) over a list of parameters, as a scalar graph node.
 *
 * @example
 * ```ts
 * const elasticNet: Regularizer = (params) => l1Norm(params).add(l2Squared(params)); // ‖w‖₁ + ½‖w‖²
 * const rule = chain(addRegularization(elasticNet, 1e-4), sgd({ lr: 0.1 }));
 * ```
 */
export type Regularizer = (params: readonly Node[]) => Node;

/** Σ f(w) over the parameters (at least one, of one graph). */
function sumOver(what: string, params: readonly Node[], f: (w: Node) => Node): Node {
  expectNodes(what, 'params', params);
  if (params.length === 0) throw new ChainruleError(`${what}: no parameters (a regulariser needs at least one)`);
  return params.map(f).reduce((acc, x) => acc.add(x));
}

/**
 * φ(w) = ‖w‖₂ = √(Σ w²) over all parameters together: the lecture's ridge regulariser, written as
 * the norm itself. NOTE: its gradient w/‖w‖ is undefined at w = 0; the subgradient 0 is used there.
 *
 * @param params - the parameters w.
 * @returns the scalar node ‖w‖₂.
 * @example
 * ```ts
 * const f = dataLoss.add(l2Norm([W1, W2]).mul(lambda));
 * ```
 */
export const l2Norm: Regularizer = (params) => {
  const s = sumOver('l2Norm', params, (w) => w.square().sum());
  return s.graph.where(s.greater(0), s.sqrt(), 0);
};

/**
 * φ(w) = ½‖w‖₂² (weight decay): the smooth form of ridge regularisation, ∇φ = w.
 *
 * @param params - the parameters w.
 * @returns the scalar node ½ Σ w².
 * @example
 * ```ts
 * const f = dataLoss.add(l2Squared([W]).mul(1e-4));
 * ```
 */
export const l2Squared: Regularizer = (params) => sumOver('l2Squared', params, (w) => w.square().sum()).mul(0.5);

/**
 * φ(w) = ‖w‖₁ = Σ |w| (lasso). NOTE: its subgradient at 0 is taken as 0 (|x|′(0) = 0).
 *
 * @param params - the parameters w.
 * @returns the scalar node Σ |w|.
 * @example
 * ```ts
 * const f = dataLoss.add(l1Norm([W]).mul(1e-3));
 * ```
 */
export const l1Norm: Regularizer = (params) => sumOver('l1Norm', params, (w) => w.abs().sum());

/**
 * Adds the regularisation gradient λ∇φ(w⁽ᵗ⁾) to the directions, so that the rules after it see the
 * gradient of f(w) + λφ(w) — the same as adding λφ to the loss, as a transform.
 *
 * @param phi - the regulariser.
 * @param lambda - its weight λ ≥ 0.
 * @returns the rule.
 * @throws ChainruleError when λ is negative or not finite.
 * @example
 * ```ts
 * minimize(loss, params, chain(addRegularization(l2Squared, 1e-4), sgd({ lr: 0.1 })));
 * ```
 */
export function addRegularization(phi: Regularizer, lambda: number): UpdateRule {
  expectFunction('addRegularization', 'phi', phi);
  inRange('addRegularization', 'lambda', lambda, '[0, ∞)');
  return {
    name: 'regularize',
    apply: (d, ctx) => {
      applyArguments('addRegularization', d, ctx);
      const dPhi = grad(phi(ctx.params), ctx.params);
      return { directions: d.map((x, i) => x.add(dPhi[i]!.mul(lambda))), assignments: [] }; // d + λ∇φ(w)
    },
  };
}
