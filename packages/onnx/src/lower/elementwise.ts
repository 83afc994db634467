import { SMALLEST_NORMAL, type CastAttrs, type DType } from '@chainrule/graph';
import type { OnnxBuilder } from '../builder.js';
import { elemType } from '../proto.js';
import type { Lowering } from './lowering.js';

// Elementwise primitives. Where ONNX has the op with the same formula it is used as is; where the
// kernel uses a stable formula (sigmoid, softplus) or ONNX has no op (log1p), the kernel's formula
// is spelled out so that the values agree to rounding.

const unary = (opType: string): Lowering => (b, _n, [x]) => b.op(opType, [x!]);
const binary = (opType: string): Lowering => (b, _n, [x, y]) => b.op(opType, [x!, y!]);
const compare = (opType: string): Lowering => (b, n, [x, y]) => b.op('Cast', [b.op(opType, [x!, y!])], { to: elemType(n.dtype) });

/**
 * ln(1 + x) without ONNX's missing Log1p: with u = 1 + x (rounded), ln(u)·x/(u − 1) is accurate to a
 * few ulps (Goldberg's trick; the rounding error of u cancels), and u = 1 means ln(1 + x) = x to
 * working precision. x = +∞ is passed through too, where the formula would give ∞·(∞/∞) = NaN.
 */
export function log1p(b: OnnxBuilder, x: string, dtype: DType): string {
  const u = b.op('Add', [b.scalar(1, dtype), x]);
  const d = b.op('Sub', [u, b.scalar(1, dtype)]);
  const scaled = b.op('Mul', [b.op('Log', [u]), b.op('Div', [x, d])]);
  const itself = b.op('Or', [b.op('Equal', [d, b.scalar(0, dtype)]), b.op('IsInf', [x], { detect_negative: 0 })]);
  return b.op('Where', [itself, x, scaled]);
}

/**
 * xʸ as JavaScript's Math.pow, the kernel's: C's pow (ONNX Runtime's) gives 1 for 1^NaN, 1^±∞ and
 * (−1)^±∞, where Math.pow gives NaN; every other case agrees.
 */
function pow(b: OnnxBuilder, x: string, y: string, dtype: DType): string {
  const unitBase = b.op('Equal', [b.op('Abs', [x]), b.scalar(1, dtype)]);
  const nonFiniteExponent = b.op('Or', [b.op('IsNaN', [y]), b.op('IsInf', [y])]);
  return b.op('Where', [b.op('And', [unitBase, nonFiniteExponent]), b.scalar(NaN, dtype), b.op('Pow', [x, y])]);
}

/** The lowerings of the elementwise primitives (unary, binary, comparisons, where, cast). */
export const ELEMENTWISE = {
  neg: unary('Neg'),
  abs: unary('Abs'),
  sign: unary('Sign'),
  exp: unary('Exp'),
  log: unary('Log'),
  log1p: (b, n, [x]) => log1p(b, x!, n.dtype),
  sqrt: unary('Sqrt'),
  square: (b, _n, [x]) => b.op('Mul', [x!, x!]),
  reciprocal: unary('Reciprocal'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  tanh: unary('Tanh'),
  // σ(x) as the kernel computes it: t = e^−|x|; 1/(1 + t) for x ≥ 0, t/(1 + t) otherwise.
  sigmoid(b, n, [x]) {
    const t = b.op('Exp', [b.op('Neg', [b.op('Abs', [x!])])]);
    const onePlus = b.op('Add', [b.scalar(1, n.dtype), t]);
    const nonNegative = b.op('GreaterOrEqual', [x!, b.scalar(0, n.dtype)]);
    return b.op('Where', [nonNegative, b.op('Div', [b.scalar(1, n.dtype), onePlus]), b.op('Div', [t, onePlus])]);
  },
  // NOTE: ONNX Relu is max(x, 0); it equals the kernel's (x < 0 ? 0 : x) except for the sign of a zero.
  relu: unary('Relu'),
  // softplus(x) = max(x, 0) + ln(1 + e^−|x|): the kernel's two branches in one, never overflowing.
  softplus(b, n, [x]) {
    const t = b.op('Exp', [b.op('Neg', [b.op('Abs', [x!])])]);
    return b.op('Add', [b.op('Relu', [x!]), log1p(b, t, n.dtype)]);
  },
  // flushSubnormal(x) = |x| < t ? x·0 : x with t the dtype's smallest normal (ONNX has no such op);
  // x·0 keeps the sign of a flushed x.
  flushSubnormal(b, n, [x]) {
    const subnormal = b.op('Less', [b.op('Abs', [x!]), b.scalar(SMALLEST_NORMAL[n.dtype], n.dtype)]);
    return b.op('Where', [subnormal, b.op('Mul', [x!, b.scalar(0, n.dtype)]), x!]);
  },
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: (b, n, [x, y]) => pow(b, x!, y!, n.dtype),
  maximum: binary('Max'),
  minimum: binary('Min'),
  greater: compare('Greater'),
  less: compare('Less'),
  equal: compare('Equal'),
  // cond is a float tensor: a where cond ≠ 0.
  where: (b, n, [c, x, y]) => b.op('Where', [b.op('Not', [b.op('Equal', [c!, b.scalar(0, n.dtype)])]), x!, y!]),
  cast: (b, n, [x]) => b.op('Cast', [x!], { to: elemType((n.attrs as unknown as CastAttrs).dtype) }),
  stopGradient: unary('Identity'),
  identity: unary('Identity'),
} satisfies Record<string, Lowering>;
