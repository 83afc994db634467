import { noAttrs } from './attrs.js';
import { HELPERS } from '../compiler/templates.js';
import { mapUnary } from '../kernels/broadcast.js';
import { defineOp, type OpDef } from './op-def.js';

function unaryOp(name: string, summary: string, f: (x: number) => number, differentiable = true): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    arity: 1,
    kind: 'elementwise',
    differentiable,
    summary,
    parseAttrs: noAttrs,
    infer: ([x]) => x!,
    kernel: ([x]) => mapUnary(x!, f),
  });
}

/** −x. */
export const negOp = unaryOp('neg', 'Elementwise negation −x.', (x) => -x);
/** |x|. */
export const absOp = unaryOp('abs', 'Elementwise absolute value |x|.', Math.abs);
/** sign(x) ∈ {−1, 0, 1} (NaN stays NaN); piecewise constant, so its gradient is 0. */
export const signOp = unaryOp('sign', 'Elementwise sign: −1, 0 or 1.', Math.sign, false);
/** eˣ. */
export const expOp = unaryOp('exp', 'Elementwise exponential eˣ.', Math.exp);
/** ln x (NaN for x < 0, −∞ at 0). */
export const logOp = unaryOp('log', 'Elementwise natural logarithm ln x.', Math.log);
/** ln(1 + x), accurate for small x. */
export const log1pOp = unaryOp('log1p', 'Elementwise ln(1 + x), accurate near 0.', Math.log1p);
/** √x. */
export const sqrtOp = unaryOp('sqrt', 'Elementwise square root √x.', Math.sqrt);
/** x². */
export const squareOp = unaryOp('square', 'Elementwise square x².', (x) => x * x);
/** 1/x. */
export const reciprocalOp = unaryOp('reciprocal', 'Elementwise reciprocal 1/x.', (x) => 1 / x);
/** sin x. */
export const sinOp = unaryOp('sin', 'Elementwise sine.', Math.sin);
/** cos x. */
export const cosOp = unaryOp('cos', 'Elementwise cosine.', Math.cos);
/** tanh x. */
export const tanhOp = unaryOp('tanh', 'Elementwise hyperbolic tangent.', Math.tanh);
/**
 * σ(x) = 1/(1 + e⁻ˣ). NOTE: evaluated as e^x/(1 + e^x) for x < 0 so that neither branch overflows.
 */
export const sigmoidOp = unaryOp('sigmoid', 'Elementwise logistic sigmoid 1/(1 + e^−x).', HELPERS.sigmoid);
/** max(x, 0). NOTE: written `x < 0 ? 0 : x` so that NaN propagates instead of becoming 0. */
export const reluOp = unaryOp('relu', 'Elementwise rectifier max(x, 0).', (x) => (x < 0 ? 0 : x));
/**
 * softplus(x) = ln(1 + eˣ). NOTE: evaluated as max(x, 0) + ln(1 + e^−|x|), which never overflows.
 */
export const softplusOp = unaryOp('softplus', 'Elementwise softplus ln(1 + eˣ).', HELPERS.softplus);
