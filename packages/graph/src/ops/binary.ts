import { noAttrs } from './attrs.js';
import { DTypeError } from '../core/errors.js';
import { mapBinary, mapBroadcast } from '../kernels/broadcast.js';
import { broadcastShapes } from '../core/shape.js';
import { defineOp, type NodeType, type OpDef } from './op-def.js';

/** Checks that operands share a dtype (chainrule never converts silently) and broadcasts shapes. */
export function inferBroadcast(op: string, inputs: readonly NodeType[]): NodeType {
  const dtype = inputs[0]!.dtype;
  for (const t of inputs) {
    if (t.dtype !== dtype) {
      throw new DTypeError(`${op}: operands have dtypes ${inputs.map((i) => i.dtype).join(' and ')}; cast one of them explicitly`);
    }
  }
  let shape = inputs[0]!.shape;
  for (const t of inputs.slice(1)) shape = broadcastShapes(op, shape, t.shape);
  return { shape, dtype };
}

function binaryOp(
  name: string,
  summary: string,
  f: (a: number, b: number) => number,
  fuse: (a: string, b: string) => string,
  { differentiable = true, mathFunction }: { readonly differentiable?: boolean; readonly mathFunction?: string } = {},
): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    arity: 2,
    kind: 'elementwise',
    differentiable,
    ...(mathFunction === undefined ? {} : { mathFunction }),
    summary,
    shapeRule: 'a and b broadcast together (NumPy rules)',
    parseAttrs: noAttrs,
    infer: (inputs) => inferBroadcast(name, inputs),
    kernel: ([a, b], _attrs, ctx) => mapBinary(a!, b!, ctx.outShape, a!.dtype, f),
    fuse: ([a, b]) => fuse(a!, b!),
  });
}

/**
 * a + b with broadcasting.
 *
 * @example
 * ```ts
 * x.add(b); // an add node: [n, m] + [m] → [n, m]
 * ```
 */
export const addOp = binaryOp('add', 'Elementwise sum a + b (broadcasting).', (a, b) => a + b, (a, b) => `${a} + ${b}`);
/**
 * a − b with broadcasting.
 *
 * @example
 * ```ts
 * y.sub(target); // a sub node
 * ```
 */
export const subOp = binaryOp('sub', 'Elementwise difference a − b (broadcasting).', (a, b) => a - b, (a, b) => `${a} - ${b}`);
/**
 * a · b with broadcasting.
 *
 * @example
 * ```ts
 * x.mul(0.5); // a mul node; the number becomes a scalar constant
 * ```
 */
export const mulOp = binaryOp('mul', 'Elementwise product a · b (broadcasting).', (a, b) => a * b, (a, b) => `${a} * ${b}`);
/**
 * a / b with broadcasting.
 *
 * @example
 * ```ts
 * x.div(x.sum(-1, true)); // a div node: each row divided by its sum
 * ```
 */
export const divOp = binaryOp('div', 'Elementwise quotient a / b (broadcasting).', (a, b) => a / b, (a, b) => `${a} / ${b}`);
/**
 * aᵇ with broadcasting (NaN for a negative base and a non-integer exponent).
 *
 * @example
 * ```ts
 * x.pow(3); // a pow node: x³
 * ```
 */
export const powOp = binaryOp('pow', 'Elementwise power aᵇ (broadcasting).', Math.pow, (a, b) => `Math.pow(${a}, ${b})`, { mathFunction: 'pow' });
/**
 * max(a, b) with broadcasting; NaN propagates.
 *
 * @example
 * ```ts
 * x.maximum(0); // a maximum node: max(x, 0)
 * ```
 */
export const maximumOp = binaryOp('maximum', 'Elementwise maximum (broadcasting).', Math.max, (a, b) => `Math.max(${a}, ${b})`, { mathFunction: 'max' });
/**
 * min(a, b) with broadcasting; NaN propagates.
 *
 * @example
 * ```ts
 * x.minimum(1); // a minimum node: min(x, 1)
 * ```
 */
export const minimumOp = binaryOp('minimum', 'Elementwise minimum (broadcasting).', Math.min, (a, b) => `Math.min(${a}, ${b})`, { mathFunction: 'min' });
/**
 * 1 where a > b, else 0.
 *
 * @example
 * ```ts
 * x.greater(0); // a greater node: 1 where x > 0, else 0
 * greaterOp.differentiable; // false
 * ```
 */
export const greaterOp = binaryOp('greater', 'Elementwise comparison a > b, as 1 or 0.', (a, b) => (a > b ? 1 : 0), (a, b) => `(${a} > ${b} ? 1 : 0)`, { differentiable: false });
/**
 * 1 where a < b, else 0.
 *
 * @example
 * ```ts
 * x.less(0); // a less node: 1 where x < 0, else 0
 * ```
 */
export const lessOp = binaryOp('less', 'Elementwise comparison a < b, as 1 or 0.', (a, b) => (a < b ? 1 : 0), (a, b) => `(${a} < ${b} ? 1 : 0)`, { differentiable: false });
/**
 * 1 where a = b, else 0.
 *
 * @example
 * ```ts
 * x.equal(y); // an equal node: 1 where x = y, else 0
 * ```
 */
export const equalOp = binaryOp('equal', 'Elementwise comparison a = b, as 1 or 0.', (a, b) => (a === b ? 1 : 0), (a, b) => `(${a} === ${b} ? 1 : 0)`, { differentiable: false });

/**
 * where(c, a, b): a where c ≠ 0, else b, all three broadcast together.
 *
 * @example
 * ```ts
 * g.where(x.greater(0), x, x.mul(0.01)); // a where node: leaky relu
 * ```
 */
export const whereOp = defineOp<Record<string, never>>({
  name: 'where',
  arity: 3,
  kind: 'elementwise',
  differentiable: true,
  summary: 'Elementwise selection: a where cond ≠ 0, else b (broadcasting).',
  shapeRule: 'cond, a and b broadcast together (NumPy rules)',
  parseAttrs: noAttrs,
  infer: (inputs) => inferBroadcast('where', inputs),
  kernel: ([c, a, b], _attrs, ctx) => mapBroadcast([c!, a!, b!], ctx.outShape, a!.dtype, (v) => (v[0] !== 0 ? v[1]! : v[2]!)),
  fuse: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
});
