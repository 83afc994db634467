import type { BatchNormAttrs, LayerNormAttrs } from '@chainrule/graph';
import { elemType } from '../proto.js';
import type { Lowering } from './lowering.js';

// The normalisations, as ONNX's own operators.
//
// batchNorm → BatchNormalization (inference form). ONNX puts channels on axis 1 (NCHW), chainrule
// on the last axis, so a rank > 2 operand is transposed to [N, C, …] and back. ε is added to the
// variance input in the model's dtype and the attribute is 0: an ONNX float attribute is a 32-bit
// float, which would round ε (1e-5 becomes 9.99999974737875e-6) and move every float64 result.
//
// layerNorm → LayerNormalization (opset 17) over the last `axes` axes, with stash_type (the precision
// of its mean and variance) set to the dtype. Here ε can only be the float attribute, so a float64
// model computes with fround(ε): for ε = 1e-5 and an example's variance s² that changes y by about
// ½·2.5e-13/(s² + ε) relative, below 1e-10 unless s² < 1e-3. An ε that float32 holds exactly
// (2⁻¹⁰, 1e-3 does not) gives the kernel's values to rounding.

/** The lowerings of `batchNorm` and `layerNorm`. */
export const NORMALIZATION = {
  batchNorm(b, n, [x, scale, offset, mean, variance]) {
    const { epsilon } = n.attrs as unknown as BatchNormAttrs;
    const rank = n.rank;
    const toNCHW = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === 1 ? rank - 1 : i - 1)); // [N, …, C] → [N, C, …]
    const toNHWC = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === rank - 1 ? 1 : i + 1)); // and back
    const input = rank === 2 ? x! : b.op('Transpose', [x!], { perm: toNCHW });
    const shifted = b.op('Add', [variance!, b.scalar(epsilon, n.dtype)]);
    const y = b.op('BatchNormalization', [input, scale!, offset!, mean!, shifted], { epsilon: { float: 0 } });
    return rank === 2 ? y : b.op('Transpose', [y], { perm: toNHWC });
  },
  layerNorm(b, n, [x, scale, offset]) {
    const { axes, epsilon } = n.attrs as unknown as LayerNormAttrs;
    return b.op('LayerNormalization', [x!, scale!, offset!], { axis: -axes, epsilon: { float: epsilon }, stash_type: elemType(n.dtype) });
  },
} satisfies Record<string, Lowering>;
