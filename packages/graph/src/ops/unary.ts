import { noAttrs } from './attrs.js';
import { HELPERS } from '../kernels/scalar.js';
import { mapUnary } from '../kernels/broadcast.js';
import { defineOp, type OpDef } from './op-def.js';

function unaryOp(
  name: string,
  summary: string,
  f: (x: number) => number,
  fuse: (a: string) => string,
  differentiable = true,
): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    arity: 1,
    kind: 'elementwise',
    differentiable,
    summary,
    shapeRule: 'the shape of x',
    parseAttrs: noAttrs,
    infer: ([x]) => x!,
    kernel: ([x]) => mapUnary(x!, f),
    fuse: ([a]) => fuse(a!),
  });
}

/** −x. */
export const negOp = unaryOp('neg', 'Elementwise negation −x.', (x) => -x, (a) => `-${a}`);
/** |x|. */
export const absOp = unaryOp('abs', 'Elementwise absolute value |x|.', Math.abs, (a) => `Math.abs(${a})`);
/** sign(x) ∈ {−1, 0, 1} (NaN stays NaN); piecewise constant, so its gradient is 0. */
export const signOp = unaryOp('sign', 'Elementwise sign: −1, 0 or 1.', Math.sign, (a) => `Math.sign(${a})`, false);
/** eˣ. */
export const expOp = unaryOp('exp', 'Elementwise exponential eˣ.', Math.exp, (a) => `Math.exp(${a})`);
/** ln x (NaN for x < 0, −∞ at 0). */
export const logOp = unaryOp('log', 'Elementwise natural logarithm ln x.', Math.log, (a) => `Math.log(${a})`);
/** ln(1 + x), accurate for small x. */
export const log1pOp = unaryOp('log1p', 'Elementwise ln(1 + x), accurate near 0.', Math.log1p, (a) => `Math.log1p(${a})`);
/** √x. */
export const sqrtOp = unaryOp('sqrt', 'Elementwise square root √x.', Math.sqrt, (a) => `Math.sqrt(${a})`);
/** x². */
export const squareOp = unaryOp('square', 'Elementwise square x².', (x) => x * x, (a) => `${a} * ${a}`);
/** 1/x. */
export const reciprocalOp = unaryOp('reciprocal', 'Elementwise reciprocal 1/x.', (x) => 1 / x, (a) => `1 / ${a}`);
/** sin x. */
export const sinOp = unaryOp('sin', 'Elementwise sine.', Math.sin, (a) => `Math.sin(${a})`);
/** cos x. */
export const cosOp = unaryOp('cos', 'Elementwise cosine.', Math.cos, (a) => `Math.cos(${a})`);
/** tanh x. */
export const tanhOp = unaryOp('tanh', 'Elementwise hyperbolic tangent.', Math.tanh, (a) => `Math.tanh(${a})`);
/** σ(x) = 1/(1 + e⁻ˣ), evaluated stably (see `HELPERS.sigmoid`). */
export const sigmoidOp = unaryOp('sigmoid', 'Elementwise logistic sigmoid 1/(1 + e^−x).', HELPERS.sigmoid, (a) => `h.sigmoid(${a})`);
/** max(x, 0). NOTE: written `x < 0 ? 0 : x` so that NaN propagates instead of becoming 0. */
export const reluOp = unaryOp('relu', 'Elementwise rectifier max(x, 0).', (x) => (x < 0 ? 0 : x), (a) => `(${a} < 0 ? 0 : ${a})`);
/** softplus(x) = ln(1 + eˣ), evaluated stably (see `HELPERS.softplus`). */
export const softplusOp = unaryOp('softplus', 'Elementwise softplus ln(1 + eˣ).', HELPERS.softplus, (a) => `h.softplus(${a})`);
