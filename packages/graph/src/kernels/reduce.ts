import { allocate } from '../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Prepares a reduction of inputs of shape `xShape` over `axes` (sorted, distinct): the returned
 * function writes the result into `out` (the kept-dims layout, which is also the squeezed one),
 * starting every output element from `init` and folding inputs in with `step`.
 *
 * @param xShape - the input's shape.
 * @param axes - the axes to reduce, sorted and distinct.
 * @param init - start value of every output element.
 * @param step - folds one input element into an accumulator.
 * @returns a function writing the reduction of flat data `X` into `out`.
 * @example
 * ```ts
 * prepareReduce([2, 3], [1], 0, (a, v) => a + v)(out, x.data); // row sums
 * ```
 */
export function prepareReduce(
  xShape: Shape,
  axes: readonly number[],
  init: number,
  step: (acc: number, v: number) => number,
): (out: Float64Array | Float32Array, X: Float64Array | Float32Array) => void {
  const reduced = new Set(axes);
  const keptShape: number[] = xShape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
  const outSize = sizeOf(keptShape);
  const rank = xShape.length;
  const index = new Array<number>(rank).fill(0); // reused by every call: the walk ends all zero
  return (out, X) => {
    out.fill(init, 0, outSize);
    index.fill(0);
    let o = 0;
    for (let i = 0; i < X.length; i++) {
      out[o] = step(out[o]!, X[i]!);
      for (let ax = rank - 1; ax >= 0; ax--) {
        index[ax]!++;
        o += outStrides[ax]!;
        if (index[ax]! < xShape[ax]!) break;
        o -= outStrides[ax]! * xShape[ax]!;
        index[ax] = 0;
      }
    }
  };
}

/**
 * Reduces `x` over `axes` (sorted, distinct) with an associative step, starting from `init` for
 * every output element. The output keeps reduced axes as size 1 when `keepDims`.
 *
 * @param x - the operand.
 * @param axes - the axes to reduce, sorted and distinct.
 * @param keepDims - keep reduced axes as size 1.
 * @param init - start value of every output element.
 * @param step - folds one input element into an accumulator.
 * @returns a new tensor.
 * @example
 * ```ts
 * reduce(tensor([[1, 2], [3, 4]]), [0], false, 0, (a, v) => a + v); // [4, 6]
 * ```
 */
export function reduce(
  x: Tensor,
  axes: readonly number[],
  keepDims: boolean,
  init: number,
  step: (acc: number, v: number) => number,
): Tensor {
  const reduced = new Set(axes);
  const keptShape: number[] = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outShape: Shape = keepDims ? keptShape : x.shape.filter((_, i) => !reduced.has(i));
  const out = allocate(x.dtype, sizeOf(keptShape));
  prepareReduce(x.shape, axes, init, step)(out, x.data);
  return new Tensor(out, outShape);
}
