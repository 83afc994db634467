import { allocate } from '../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Reduces `x` over `axes` (sorted, distinct) with an associative step, starting from `init` for
 * every output element. The output keeps reduced axes as size 1 when `keepDims`.
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
  out.fill(init);
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
  const rank = x.rank;
  const index = new Array<number>(rank).fill(0);
  const d = x.data;
  let o = 0;
  for (let i = 0; i < d.length; i++) {
    out[o] = step(out[o]!, d[i]!);
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]!++;
      o += outStrides[ax]!;
      if (index[ax]! < x.shape[ax]!) break;
      o -= outStrides[ax]! * x.shape[ax]!;
      index[ax] = 0;
    }
  }
  return new Tensor(out, outShape);
}
