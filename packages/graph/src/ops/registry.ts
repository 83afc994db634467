import { absOp, cosOp, expOp, flushSubnormalOp, log1pOp, logOp, negOp, reciprocalOp, reluOp, sigmoidOp, signOp, sinOp, softplusOp, sqrtOp, squareOp, tanhOp } from './unary.js';
import { addOp, divOp, equalOp, greaterOp, lessOp, maximumOp, minimumOp, mulOp, powOp, subOp, whereOp } from './binary.js';
import { concatOp, padOp, sliceOp } from './slice.js';
import { castOp, dimSizeOp, identityOp, stopGradientOp } from './misc.js';
import { constantOp, fillOp, inputOp, randomBernoulliOp, randomNormalOp, randomUniformOp, variableOp } from './sources.js';
import { gatherOp, oneHotOp, scatterAddOp } from './gather.js';
import { broadcastToOp, reshapeOp } from './reshape.js';
import { matmulOp } from './matmul.js';
import { maxOp, sumOp } from './reduce.js';
import { solveOp } from './solve.js';
import { transposeOp } from './transpose.js';
import { batchNormOp, layerNormOp } from './normalization.js';
import { conv2dBackpropFilterOp, conv2dBackpropInputOp, conv2dOp } from './conv.js';
import { avgPool2dBackpropOp, avgPool2dOp, maxPool2dBackpropOp, maxPool2dOp, maxPool2dSelectOp } from './pool.js';
import type { OpDef } from './op-def.js';

/**
 * Names of every primitive op, in the order the op reference lists them.
 *
 * @example
 * ```ts
 * PRIMITIVES.length; // 61
 * PRIMITIVES.includes('matmul'); // true
 * ```
 */
export const PRIMITIVES = [
  'input', 'variable', 'constant', 'fill', 'randomUniform', 'randomNormal', 'randomBernoulli',
  'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'sqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus', 'flushSubnormal',
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less', 'equal', 'where',
  'sum', 'max',
  'matmul', 'transpose', 'solve',
  'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool2d', 'maxPool2dBackprop', 'maxPool2dSelect', 'avgPool2d', 'avgPool2dBackprop',
  'reshape', 'broadcastTo', 'slice', 'pad', 'concat', 'gather', 'scatterAdd', 'oneHot',
  'cast', 'stopGradient', 'identity', 'dimSize',
  'batchNorm', 'layerNorm',
] as const;

/**
 * The name of a primitive op.
 *
 * @example
 * ```ts
 * const op: Primitive = 'softplus';
 * OPS[op].summary; // 'Elementwise softplus ln(1 + eˣ).'
 * ```
 */
export type Primitive = (typeof PRIMITIVES)[number];

/**
 * Every primitive op by name. A missing or misspelled entry is a compile error (`satisfies`).
 * Composites (softmax, logSumExp, mean, …) are not here: they are built from these.
 *
 * @example
 * ```ts
 * OPS.matmul.arity; // 2
 * OPS.sum.kind; // 'reduction'
 * ```
 */
export const OPS = {
  input: inputOp, variable: variableOp, constant: constantOp, fill: fillOp,
  randomUniform: randomUniformOp, randomNormal: randomNormalOp, randomBernoulli: randomBernoulliOp,
  neg: negOp, abs: absOp, sign: signOp, exp: expOp, log: logOp, log1p: log1pOp, sqrt: sqrtOp, square: squareOp,
  reciprocal: reciprocalOp, sin: sinOp, cos: cosOp, tanh: tanhOp, sigmoid: sigmoidOp, relu: reluOp, softplus: softplusOp,
  flushSubnormal: flushSubnormalOp,
  add: addOp, sub: subOp, mul: mulOp, div: divOp, pow: powOp, maximum: maximumOp, minimum: minimumOp,
  greater: greaterOp, less: lessOp, equal: equalOp, where: whereOp,
  sum: sumOp, max: maxOp,
  matmul: matmulOp, transpose: transposeOp, solve: solveOp,
  conv2d: conv2dOp, conv2dBackpropInput: conv2dBackpropInputOp, conv2dBackpropFilter: conv2dBackpropFilterOp,
  maxPool2d: maxPool2dOp, maxPool2dBackprop: maxPool2dBackpropOp, maxPool2dSelect: maxPool2dSelectOp,
  avgPool2d: avgPool2dOp, avgPool2dBackprop: avgPool2dBackpropOp,
  reshape: reshapeOp, broadcastTo: broadcastToOp, slice: sliceOp, pad: padOp, concat: concatOp,
  gather: gatherOp, scatterAdd: scatterAddOp, oneHot: oneHotOp,
  cast: castOp, stopGradient: stopGradientOp, identity: identityOp, dimSize: dimSizeOp,
  batchNorm: batchNormOp, layerNorm: layerNormOp,
} as const satisfies Record<Primitive, OpDef<any>>;

/**
 * Looks up a primitive by name.
 *
 * @param name - an op name, e.g. from JSON.
 * @returns its definition, or `undefined` for an unknown name.
 * @example
 * ```ts
 * getOp('matmul')?.arity; // 2
 * ```
 */
export function getOp(name: string): OpDef<unknown> | undefined {
  return Object.hasOwn(OPS, name) ? (OPS[name as Primitive] as OpDef<unknown>) : undefined;
}
