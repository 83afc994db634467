import { allocate } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, stridesOf } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { defineOp } from './op-def.js';

/**
 * Attributes of transpose: output axis i is input axis `perm[i]`; absent means reversed axes.
 *
 * @example
 * ```ts
 * g.apply('transpose', [x], { perm: [0, 2, 1] }); // same as x.transpose([0, 2, 1])
 * ```
 */
export interface TransposeAttrs {
  /** A permutation of 0..rank−1, or `undefined` to reverse the axes. */
  readonly perm: readonly number[] | undefined;
}

/** The permutation a transpose applies to an input of the given rank. */
export function resolvePerm(perm: readonly number[] | undefined, rank: number): number[] {
  return perm ? [...perm] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/**
 * Permutes axes: output axis i is input axis perm[i].
 *
 * @example
 * ```ts
 * x.transpose(); // a transpose node: [n, m] → [m, n]
 * ```
 */
export const transposeOp = defineOp<TransposeAttrs>({
  name: 'transpose',
  arity: 1,
  kind: 'shape',
  differentiable: true,
  summary: 'Permutes axes: output axis i is input axis perm[i] (reversed by default).',
  shapeRule: "x's axes permuted: axis i of the output is axis perm[i] of x",
  parseAttrs(r) {
    const attrs = { perm: r.optionalIntList('perm') };
    r.done();
    return attrs;
  },
  infer([x], { perm }) {
    const rank = x!.shape.length;
    const p = resolvePerm(perm, rank);
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== rank || sorted.some((v, i) => v !== i)) {
      throw new ShapeError(`transpose: perm [${p.join(',')}] is not a permutation of the ${rank} axes of ${formatShape(x!.shape)}`);
    }
    return { shape: p.map((a) => x!.shape[a]!), dtype: x!.dtype };
  },
  kernel([x], { perm }, ctx) {
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    prepareTranspose(x!.shape, resolvePerm(perm, x!.rank))(out, x!.data);
    return new Tensor(out, ctx.outShape);
  },
  plan: ([x], { perm }) => {
    const permute = prepareTranspose(x!, resolvePerm(perm, x!.length));
    return (out, [X]) => permute(out, X!);
  },
  linear: { mode: 'jointly' },
});

/**
 * Prepares a transpose of inputs of shape `xShape` by `perm`: the returned function writes the
 * permuted elements of `X` into `out`.
 */
export function prepareTranspose(xShape: readonly number[], perm: readonly number[]): (out: Float64Array | Float32Array, X: Float64Array | Float32Array) => void {
  const outShape = perm.map((a) => xShape[a]!);
  const inStrides = stridesOf(xShape);
  const strides = perm.map((a) => inStrides[a]!);
  const n = sizeOf(outShape);
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0); // reused by every call: the walk ends all zero
  return (out, X) => {
    index.fill(0);
    let off = 0;
    for (let i = 0; i < n; i++) {
      out[i] = X[off]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        index[ax]!++;
        off += strides[ax]!;
        if (index[ax]! < outShape[ax]!) break;
        off -= strides[ax]! * outShape[ax]!;
        index[ax] = 0;
      }
    }
  };
}
