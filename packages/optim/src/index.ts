/**
 * `@chainrule/optim`: every update rule of the lecture as a graph transform. A rule turns
 * (parameters, gradients, its state, the step counter) into new parameters and new state, all as
 * graph nodes; `minimize` wires it to a loss, and one executor run applies the whole update.
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

export { chain } from './transform.js';
export type { RuleContext, RuleResult, StateInit, UpdateRule } from './transform.js';
export { Minimization, minimize } from './minimize.js';
export type { MinimizeOptions } from './minimize.js';
export { exponentialDecay, inverseSqrt, inverseTime, robbinsMonro, stepSize, warmupCosineDecay } from './schedule.js';
export type { Schedule, WarmupCosineOptions } from './schedule.js';
export { ruleFormulas } from './formulas.js';
export type { RuleFormula } from './formulas.js';
export { scaleBy, sgd } from './rules/gradient-descent.js';
export type { SgdOptions } from './rules/gradient-descent.js';
export { bufferMomentum, polyak } from './rules/momentum.js';
export type { MomentumOptions } from './rules/momentum.js';
export { nesterov } from './rules/nesterov.js';
export type { NesterovOptions } from './rules/nesterov.js';
export { sutskever } from './rules/sutskever.js';
export { adagrad } from './rules/adagrad.js';
export type { AdagradOptions } from './rules/adagrad.js';
export { rmsprop, rmspropGraves } from './rules/rmsprop.js';
export type { RmspropGravesOptions, RmspropOptions } from './rules/rmsprop.js';
export { adam } from './rules/adam.js';
export type { AdamOptions } from './rules/adam.js';
export { adamw } from './rules/adamw.js';
export type { AdamwOptions } from './rules/adamw.js';
export { amsgrad } from './rules/amsgrad.js';
export { newton } from './rules/newton.js';
export type { NewtonOptions } from './rules/newton.js';
export { addRegularization, l1Norm, l2Norm, l2Squared } from './rules/regularize.js';
export type { Regularizer } from './rules/regularize.js';
export { clipByGlobalNorm, clipByValue } from './rules/clip.js';
export { projectOntoBall, projectOntoBox } from './rules/project.js';
export type { BallOptions } from './rules/project.js';
export { averageIterates, emaIterates } from './rules/average.js';
export type { EmaOptions } from './rules/average.js';
