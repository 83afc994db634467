/**
 * `@chainrule/graph/mathjs`: the bridge to mathjs — graph nodes from expression strings, and
 * elementwise subgraphs back to mathjs nodes, strings and TeX. The same functions are exported by
 * `@chainrule/graph` itself; mathjs loads on the first call either way.
 *
 * @packageDocumentation
 */
export { fromExpression } from './from-expression.js';
export { mathScope, scalarScope, toExpression, toMathNode, toTex } from './to-math.js';
export type { MathRenderOptions } from './to-math.js';
export { ExpressionError } from '../../core/errors.js';
