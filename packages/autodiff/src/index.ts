/**
 * `@chainrule/autodiff`: derivatives as graphs. Each differentiable primitive has a
 * vector-Jacobian product rule written in graph ops, so gradients, Jacobians and Hessians are
 * ordinary nodes: printable, runnable, and differentiable again.
 *
 * @packageDocumentation
 */

/**
 * The version of this package.
 *
 * @example
 * ```ts
 * VERSION; // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';

export { grad, valueAndGrad, vjp } from './backward.js';
export { hessian, hvp, jacobian } from './transforms.js';
export { jvp } from './forward.js';
export { VJP_RULES } from './vjp/index.js';
export { strongDiv, strongMul } from './vjp/rule.js';
export type { LazyCotangent, VjpRule } from './vjp/rule.js';
export { checkGradients } from './check/check-gradients.js';
export type { CheckMode, CheckOptions, Culprit, GradientReport, Mismatch } from './check/check-gradients.js';
