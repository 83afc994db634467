import type { ConstantAttrs, FillAttrs } from '@chainrule/graph';
import { tensorProto } from '../proto.js';
import type { Lowering } from './lowering.js';

/**
 * The ONNX input name of a random node's draw. `#` cannot occur in chainrule input or variable
 * names, so it never clashes with them.
 */
export const randomInputName = (id: number): string => `#random/${id}`;

// Sources. Inputs and variables become ONNX graph inputs under their own names. A random op becomes
// an input too: the executor draws its values from chainrule's seeded stream, so a run on ONNX
// Runtime sees exactly the values the interpreter would.
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
