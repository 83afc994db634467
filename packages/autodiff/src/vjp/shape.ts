import { arg, type VjpRule } from './rule.js';

/**
 * VJP rules of the shape ops: each moves the cotangent back to where the values came from.
 *
 * @example
 * ```ts
 * const [dx] = shapeRules.reshape(ct, x.reshape([-1])); // dx?.() reshapes ct back to x's shape
 * ```
 */
export const shapeRules = {
  reshape: (ct, n) => [() => ct.reshape(arg(n, 0).shape)],
  broadcastTo: (ct) => [() => ct], // the driver sums over the broadcast axes
  slice: (ct, n) => {
    const x = arg(n, 0);
    const { begin } = n.attrs as { begin: readonly number[] };
    // symbolic axes are only ever sliced whole, so their padding is 0
    const after = x.shape.map((d, i) => (typeof d === 'number' ? d - begin[i]! - (n.shape[i] as number) : 0));
    return [() => ct.pad(begin, after)];
  },
  pad: (ct, n) => {
    const { before } = n.attrs as { before: readonly number[] };
    return [() => ct.slice(before, arg(n, 0).shape.map((d) => (typeof d === 'number' ? d : -1)))];
  },
  concat: (ct, n) => {
    const axis = (n.attrs as { axis: number }).axis;
    const ax = axis < 0 ? axis + n.rank : axis;
    let offset = 0;
    return n.inputs.map((input) => {
      const begin = n.shape.map((_, i) => (i === ax ? offset : 0));
      const size = input.shape.map((d, i) => (i === ax ? (d as number) : -1));
      offset += input.shape[ax] as number;
      return () => ct.slice(begin, size);
    });
  },
  gather: (ct, n) => [() => n.graph.scatterAdd(ct, arg(n, 1), arg(n, 0).shape[0]!), null],
  scatterAdd: (ct, n) => [() => ct.gather(arg(n, 1)), null],
} satisfies Record<string, VjpRule>;
