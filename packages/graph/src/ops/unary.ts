import { noAttrs } from './attrs.js';
import { SMALLEST_NORMAL } from '../core/dtype.js';
import { HELPERS } from '../kernels/scalar.js';
import { mapUnary } from '../kernels/broadcast.js';
import { defineOp, type OpDef } from './op-def.js';

function unaryOp(
  name: string,
  summary: string,
  f: (x: number) => number,
  fuse: (a: string) => string,
  { differentiable = true, mathFunction }: { readonly differentiable?: boolean; readonly mathFunction?: string } = {},
): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    arity: 1,
    kind: 'elementwise',
    differentiable,
    ...(mathFunction === undefined ? {} : { mathFunction }),
    summary,
    shapeRule: 'the shape of x',
    parseAttrs: noAttrs,
    infer: ([x]) => x!,
    kernel: ([x]) => mapUnary(x!, f),
    fuse: ([a]) => fuse(a!),
  });
}

/**
 * −x.
 *
 * @example
 * ```ts
 * x.neg(); // a neg node
 * ```
 */
export const negOp = unaryOp('neg', 'Elementwise negation −x.', (x) => -x, (a) => `-${a}`);
/**
 * |x|.
 *
 * @example
 * ```ts
 * x.abs(); // an abs node
 * ```
 */
export const absOp = unaryOp('abs', 'Elementwise absolute value |x|.', Math.abs, (a) => `Math.abs(${a})`, { mathFunction: 'abs' });
/**
 * sign(x) ∈ {−1, 0, 1} (NaN stays NaN); piecewise constant, so its gradient is 0.
 *
 * @example
 * ```ts
 * x.sign(); // a sign node: −1, 0 or 1
 * ```
 */
export const signOp = unaryOp('sign', 'Elementwise sign: −1, 0 or 1.', Math.sign, (a) => `Math.sign(${a})`, { differentiable: false, mathFunction: 'sign' });
/**
 * eˣ.
 *
 * @example
 * ```ts
 * x.exp(); // an exp node
 * ```
 */
export const expOp = unaryOp('exp', 'Elementwise exponential eˣ.', Math.exp, (a) => `Math.exp(${a})`, { mathFunction: 'exp' });
/**
 * ln x (NaN for x < 0, −∞ at 0).
 *
 * @example
 * ```ts
 * x.log(); // a log node
 * ```
 */
export const logOp = unaryOp('log', 'Elementwise natural logarithm ln x.', Math.log, (a) => `Math.log(${a})`, { mathFunction: 'log' });
/**
 * ln(1 + x), accurate for small x.
 *
 * @example
 * ```ts
 * x.log1p(); // a log1p node: ln(1 + x)
 * ```
 */
export const log1pOp = unaryOp('log1p', 'Elementwise ln(1 + x), accurate near 0.', Math.log1p, (a) => `Math.log1p(${a})`, { mathFunction: 'log1p' });
/**
 * √x.
 *
 * @example
 * ```ts
 * x.sqrt(); // a sqrt node
 * ```
 */
export const sqrtOp = unaryOp('sqrt', 'Elementwise square root √x.', Math.sqrt, (a) => `Math.sqrt(${a})`, { mathFunction: 'sqrt' });
/**
 * x².
 *
 * @example
 * ```ts
 * x.square(); // a square node: x²
 * ```
 */
export const squareOp = unaryOp('square', 'Elementwise square x².', (x) => x * x, (a) => `${a} * ${a}`, { mathFunction: 'square' });
/**
 * 1/x.
 *
 * @example
 * ```ts
 * x.reciprocal(); // a reciprocal node: 1/x
 * ```
 */
export const reciprocalOp = unaryOp('reciprocal', 'Elementwise reciprocal 1/x.', (x) => 1 / x, (a) => `1 / ${a}`);
/**
 * sin x.
 *
 * @example
 * ```ts
 * x.sin(); // a sin node
 * ```
 */
export const sinOp = unaryOp('sin', 'Elementwise sine.', Math.sin, (a) => `Math.sin(${a})`, { mathFunction: 'sin' });
/**
 * cos x.
 *
 * @example
 * ```ts
 * x.cos(); // a cos node
 * ```
 */
export const cosOp = unaryOp('cos', 'Elementwise cosine.', Math.cos, (a) => `Math.cos(${a})`, { mathFunction: 'cos' });
/**
 * tanh x.
 *
 * @example
 * ```ts
 * x.tanh(); // a tanh node
 * ```
 */
export const tanhOp = unaryOp('tanh', 'Elementwise hyperbolic tangent.', Math.tanh, (a) => `Math.tanh(${a})`, { mathFunction: 'tanh' });
/**
 * σ(x) = 1/(1 + e⁻ˣ), evaluated stably (see `HELPERS.sigmoid`).
 *
 * @example
 * ```ts
 * x.sigmoid(); // a sigmoid node: σ(x)
 * ```
 */
export const sigmoidOp = unaryOp('sigmoid', 'Elementwise logistic sigmoid 1/(1 + e^−x).', HELPERS.sigmoid, (a) => `h.sigmoid(${a})`, { mathFunction: 'sigmoid' });
/**
 * max(x, 0). NOTE: written `x < 0 ? 0 : x` so that NaN propagates instead of becoming 0.
 *
 * @example
 * ```ts
 * x.relu(); // a relu node: max(x, 0)
 * ```
 */
export const reluOp = unaryOp('relu', 'Elementwise rectifier max(x, 0).', (x) => (x < 0 ? 0 : x), (a) => `(${a} < 0 ? 0 : ${a})`, { mathFunction: 'relu' });
/**
 * softplus(x) = ln(1 + eˣ), evaluated stably (see `HELPERS.softplus`).
 *
 * @example
 * ```ts
 * x.softplus(); // a softplus node: ln(1 + eˣ)
 * ```
 */
export const softplusOp = unaryOp('softplus', 'Elementwise softplus ln(1 + eˣ).', HELPERS.softplus, (a) => `h.softplus(${a})`, { mathFunction: 'softplus' });
/**
 * x, except that a subnormal value of its dtype — 0 < |x| below {@link SMALLEST_NORMAL} (2⁻¹²⁶ in
 * float32, 2⁻¹⁰²² in float64) — becomes a zero of the same sign: flush-to-zero, done by an op
 * because WebAssembly and JavaScript cannot set the processor's flush-to-zero mode. The update
 * rules of `@chainrule/optim` apply it to the float32 state they store (see
 * docs/design-decisions.md). NaN and ±∞ pass through. Written `|x| < t ? x·0 : x`, so the
 * product keeps the sign (the WebAssembly form clears the magnitude bits, the same bits).
 *
 * @example
 * ```ts
 * m.mul(0.9).flushSubnormal(); // a decaying moment never lingers at 1e-40 in float32
 * ```
 */
export const flushSubnormalOp = defineOp<Record<string, never>>({
  name: 'flushSubnormal',
  arity: 1,
  kind: 'elementwise',
  differentiable: true,
  mathFunction: 'flushSubnormal',
  summary: 'Elementwise flush-to-zero: a subnormal x (0 < |x| below the dtype\'s smallest normal) becomes ±0; any other x is unchanged.',
  shapeRule: 'the shape of x',
  parseAttrs: noAttrs,
  infer: ([x]) => x!,
  kernel: ([x]) => {
    const t = SMALLEST_NORMAL[x!.dtype];
    return mapUnary(x!, (v) => (Math.abs(v) < t ? v * 0 : v));
  },
  fuse: ([a], dtype) => `(Math.abs(${a}) < ${SMALLEST_NORMAL[dtype]} ? ${a} * 0 : ${a})`,
});
