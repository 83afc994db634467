import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, stepSizeOption } from '../validate.js';

/**
 * Rescales the directions so that their joint Euclidean norm is at most `maxNorm`:
 * d ← d · min(1, maxNorm/‖d‖₂) (unchanged when ‖d‖₂ ≤ maxNorm, including d = 0).
 *
 * @param maxNorm - the largest norm allowed (> 0).
 * @returns the rule.
 * @throws ChainruleError when `maxNorm` is not a positive finite number.
 * @example
 * ```ts
 * chain(clipByGlobalNorm(1), adam());
 * ```
 */
export function clipByGlobalNorm(maxNorm: number): UpdateRule {
  inRange('clipByGlobalNorm', 'maxNorm', maxNorm, '(0, ∞)');
  return {
    name: 'clip',
    apply: (d, ctx) => {
      applyArguments('clipByGlobalNorm', d, ctx);
      const norm = d.map((x) => x.square().sum()).reduce((a, b) => a.add(b)).sqrt();
      const scale = norm.graph.where(norm.greater(maxNorm), norm.reciprocal().mul(maxNorm), 1);
      return { directions: d.map((x) => x.mul(scale)), assignments: [] };
    },
  };
}

/**
 * Clips every element of the directions to [−limit, limit].
 *
 * @param limit - the largest magnitude allowed (> 0).
 * @returns the rule.
 * @throws ChainruleError when `limit` is not a positive finite number.
 * @example
 * ```ts
 * chain(clipByValue(5), sgd({ lr: 0.1 }));
 * ```
 */
export function clipByValue(limit: number): UpdateRule {
  inRange('clipByValue', 'limit', limit, '(0, ∞)');
  return {
    name: 'clipValue',
    apply: (d, ctx) => {
      applyArguments('clipByValue', d, ctx);
      return { directions: d.map((x) => x.maximum(-limit).minimum(limit)), assignments: [] };
    },
  };
}
