/**
 * `@chainrule/graph/mathjs`: the bridge to mathjs — graph nodes from expression strings, and
 * elementwise subgraphs back to mathjs nodes, strings and TeX. A separate entry point because
 * loading mathjs takes about two seconds; the core package does not pay for it.
 *
 * @packageDocumentation
 */
export { fromExpression } from './from-expression.js';
export { mathScope, scalarScope, toExpression, toMathNode, toTex } from './to-math.js';
export type { MathRenderOptions } from './to-math.js';
export { ExpressionError } from '../errors.js';
