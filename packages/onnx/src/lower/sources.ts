import type { ConstantAttrs, FillAttrs } from '@chainrule/graph';
import { tensorProto } from '../proto.js';
import type { Lowering } from './lowering.js';

/**
 * The ONNX input name that takes a random node's draw for a run. `#` cannot occur in chainrule input
 * or variable names, so it never clashes with them.
 *
 * @param id - the random node's id.
 * @returns `#random/<id>`.
 * @example
 * ```ts
 * const mask = g.randomBernoulli(['batch', 128], { p: 0.8, seed: 3 });
 * onnxRandomName(mask.id); // e.g. '#random/17': feed that many Bernoulli draws when running the model elsewhere
 * ```
 */
export function randomInputName(id: number): string {
  return `#random/${id}`;
}

/**
 * The lowerings of the sources. Inputs and variables become ONNX graph inputs under their own names.
 * A random op becomes an input too: the executor draws its values from chainrule's seeded stream, so
 * a run on ONNX Runtime sees exactly the values the interpreter would.
 */
export const SOURCES = {
  input: (b, n) => b.external(n, 'feed', n.name!),
  variable: (b, n) => b.external(n, 'variable', n.name!),
  randomUniform: (b, n) => b.external(n, 'random', randomInputName(n.id)),
  randomNormal: (b, n) => b.external(n, 'random', randomInputName(n.id)),
  randomBernoulli: (b, n) => b.external(n, 'random', randomInputName(n.id)),
  constant(b, n) {
    const { value } = n.attrs as unknown as ConstantAttrs;
    return b.constant(value.dtype, value.shape, value.data);
  },
  fill(b, n) {
    const { value, dtype } = n.attrs as unknown as FillAttrs;
    return b.op('ConstantOfShape', [b.shapeOf(n.shape)], { value: { tensor: tensorProto('value', dtype, [1], [value]) } });
  },
} satisfies Record<string, Lowering>;
