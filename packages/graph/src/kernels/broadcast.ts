import { allocate, type DType } from '../dtype.js';
import { sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Strides to walk an input while iterating over a (larger) broadcast output: the input's own
 * row-major strides, aligned on the right, with 0 on axes the input broadcasts along.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let i = 1; i <= inShape.length; i++) {
    const d = inShape[inShape.length - i]!;
    if (d !== 1) strides[outShape.length - i] = s;
    s *= d;
  }
  return strides;
}

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Applies `f` elementwise over inputs broadcast to `outShape` (NumPy rules, already checked at
 * build time). Reference implementation: one odometer walk, no temporaries.
 */
export function mapBroadcast(
  inputs: readonly Tensor[],
  outShape: Shape,
  dtype: DType,
  f: (args: number[]) => number,
): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(dtype, n);
  const k = inputs.length;
  const data = inputs.map((t) => t.data);
  const args = new Array<number>(k).fill(0);
  if (inputs.every((t) => sameShape(t.shape, outShape))) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) args[j] = data[j]![i]!;
      out[i] = f(args);
    }
    return new Tensor(out, outShape);
  }
  const rank = outShape.length;
  const strides = inputs.map((t) => broadcastStrides(t.shape, outShape));
  const offsets = new Array<number>(k).fill(0);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) args[j] = data[j]![offsets[j]!]!;
    out[i] = f(args);
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![ax]!;
      if (index[ax]! < outShape[ax]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![ax]! * outShape[ax]!;
      index[ax] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/** Applies a unary function to every element. */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]!);
  return new Tensor(out, x.shape);
}
