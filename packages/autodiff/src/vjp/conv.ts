import type { Conv2dAttrs, Node, Pool2dAttrs } from '@chainrule/graph';
import { arg, type VjpRule } from './rule.js';

/** A convolution's own options (without the size an adjoint restores). */
function convOptions(n: Node): Conv2dAttrs {
  const { strides, padding, dilations, groups } = n.attrs as unknown as Conv2dAttrs;
  return { strides, padding, dilations, groups };
}

/** A pooling's own options. */
function poolOptions(n: Node): Pool2dAttrs {
  const { windowShape, strides, padding } = n.attrs as unknown as Pool2dAttrs;
  return { windowShape, strides, padding };
}

/** [height, width] of an NHWC node, or [kh, kw] of an HWIO one (concrete: the shape rules check it). */
const spatial = (v: Node, from: number): [number, number] => [v.shape[from] as number, v.shape[from + 1] as number];

/**
 * VJP rules of convolution and pooling. The convolution y = conv(x, w) is bilinear, and its two
 * adjoints are ops of their own, so every rule is one of the three ops (second derivatives close):
 * with G = ∂ℓ/∂y and ⟨·,·⟩ the sum of elementwise products,
 *   ⟨G, conv(x, w)⟩ = ⟨backpropInput(G, w), x⟩ = ⟨backpropFilter(x, G), w⟩.
 * Max pooling routes through the maxima (R(x), see maxPool2dBackprop); its two linear maps R and Rᵀ
 * are each other's adjoint, and x, which only selects the routes, gets no gradient.
 *
 * @example
 * ```ts
 * const [dx, dw] = convRules.conv2d(ct, x.conv2d(w)); // lazy conv2dBackpropInput and conv2dBackpropFilter nodes
 * ```
 */
export const convRules = {
  conv2d: (ct, n) => {
    const [x, w] = [arg(n, 0), arg(n, 1)];
    return [() => n.graph.conv2dBackpropInput(ct, w, spatial(x, 1), convOptions(n)), () => n.graph.conv2dBackpropFilter(x, ct, spatial(w, 0), convOptions(n))];
  },
  // z = backpropInput(dy, w): ⟨C, z⟩ = ⟨conv(C, w), dy⟩ = ⟨backpropFilter(C, dy), w⟩
  conv2dBackpropInput: (ct, n) => {
    const [dy, w] = [arg(n, 0), arg(n, 1)];
    return [() => ct.conv2d(w, convOptions(n)), () => n.graph.conv2dBackpropFilter(ct, dy, spatial(w, 0), convOptions(n))];
  },
  // z = backpropFilter(x, dy): ⟨C, z⟩ = ⟨conv(x, C), dy⟩ = ⟨backpropInput(dy, C), x⟩
  conv2dBackpropFilter: (ct, n) => {
    const [x, dy] = [arg(n, 0), arg(n, 1)];
    return [() => n.graph.conv2dBackpropInput(dy, ct, spatial(x, 1), convOptions(n)), () => x.conv2d(ct, convOptions(n))];
  },
  // NOTE: tied maxima share the cotangent equally, as for the max reduction.
  maxPool2d: (ct, n) => [() => n.graph.maxPool2dBackprop(arg(n, 0), ct, poolOptions(n))], // ∂ℓ/∂x = R(x)·G
  maxPool2dBackprop: (ct, n) => [null, () => n.graph.maxPool2dSelect(arg(n, 0), ct, poolOptions(n))], // the adjoint of R is Rᵀ
  maxPool2dSelect: (ct, n) => [null, () => n.graph.maxPool2dBackprop(arg(n, 0), ct, poolOptions(n))], // the adjoint of Rᵀ is R
  avgPool2d: (ct, n) => [() => n.graph.avgPool2dBackprop(ct, spatial(arg(n, 0), 1), poolOptions(n))],
  avgPool2dBackprop: (ct, n) => [() => ct.avgPool2d(poolOptions(n))],
} satisfies Record<string, VjpRule>;
