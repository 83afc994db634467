/**
 * `@chainrule/autodiff/testing`: the gradient spec table and fast-check arbitraries, so users can
 * check and fuzz their own ops and models the way chainrule checks its own.
 *
 * @packageDocumentation
 */
export { OP_SPECS } from './op-spec.js';
export type { Domain, OpSpec } from './op-spec.js';
export { valuesIn } from './domains.js';
export { STEP_KINDS, buildRecipe, graphRecipe } from './arbitraries.js';
export type { GraphRecipe, Step } from './arbitraries.js';
