import type { Primitive } from '@chainrule/graph';
import { convRules } from './conv.js';
import { elementwiseRules } from './elementwise.js';
import { linalgRules } from './linalg.js';
import { normalizationRules } from './normalization.js';
import { reduceRules } from './reduce.js';
import type { VjpRule } from './rule.js';
import { shapeRules } from './shape.js';

/**
 * The VJP rule of every differentiable primitive, by op name. Non-differentiable primitives
 * (comparisons, sign, oneHot, dimSize, sources, stopGradient) have none: no gradient flows through
 * them. A registry test checks this table against the ops marked differentiable.
 *
 * @example
 * ```ts
 * const [dx] = VJP_RULES.exp!(ct, y); // the lazy cotangent of exp's input
 * dx?.(); // ct · eˣ
 * ```
 */
export const VJP_RULES: Readonly<Partial<Record<Primitive, VjpRule>>> = {
  ...elementwiseRules,
  ...reduceRules,
  ...linalgRules,
  ...shapeRules,
  ...normalizationRules,
  ...convRules,
} satisfies Partial<Record<Primitive, VjpRule>>;
