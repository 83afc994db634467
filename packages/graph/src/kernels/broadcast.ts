import { allocate, type DType } from '../core/dtype.js';
import { sameShape, sizeOf, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';

/**
 * Strides to walk an input while iterating over a (larger) broadcast output: the input's own
 * row-major strides, aligned on the right, with 0 on axes the input broadcasts along.
 *
 * @param inShape - the input's shape (broadcastable to `outShape`).
 * @param outShape - the output's shape.
 * @returns one stride per output axis.
 * @example
 * ```ts
 * broadcastStrides([3], [2, 3]); // [0, 1]
 * ```
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


/**
 * Applies `f` elementwise over inputs broadcast to `outShape` (NumPy rules, already checked at
 * build time). Reference implementation: one odometer walk, no temporaries.
 *
 * @param inputs - the operands.
 * @param outShape - the broadcast shape of the operands.
 * @param dtype - element type of the result.
 * @param f - computes one output element from one element of each operand.
 * @returns a new tensor of shape `outShape`.
 * @example
 * ```ts
 * mapBroadcast([c, a, b], [2, 3], 'float64', ([p, x, y]) => (p !== 0 ? x : y)); // where
 * ```
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

/**
 * Applies a unary function to every element.
 *
 * @param x - the operand.
 * @param f - computes one output element from one input element.
 * @returns a new tensor of `x`'s shape and dtype.
 * @example
 * ```ts
 * mapUnary(tensor([1, 4]), Math.sqrt); // [1, 2]
 * ```
 */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Applies a binary function elementwise with broadcasting. Fast paths for the common cases (equal
 * shapes, a scalar operand, an operand that repeats along leading axes such as a bias row) and the
 * odometer walk of {@link mapBroadcast} otherwise.
 *
 * @param a - the left operand.
 * @param b - the right operand.
 * @param outShape - the broadcast shape of `a` and `b`.
 * @param dtype - element type of the result.
 * @param f - computes one output element from one element of each operand.
 * @returns a new tensor of shape `outShape`.
 * @example
 * ```ts
 * mapBinary(tensor([[1, 2]]), tensor([10]), [1, 2], 'float64', (x, y) => x + y); // [[11, 12]]
 * ```
 */
export function mapBinary(a: Tensor, b: Tensor, outShape: Shape, dtype: DType, f: (x: number, y: number) => number): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(dtype, n);
  const A = a.data;
  const B = b.data;
  if (A.length === n && B.length === n && sameShape(a.shape, outShape) && sameShape(b.shape, outShape)) {
    for (let i = 0; i < n; i++) out[i] = f(A[i]!, B[i]!);
  } else if (B.length === 1 && A.length === n && sameShape(a.shape, outShape)) {
    const y = B[0]!;
    for (let i = 0; i < n; i++) out[i] = f(A[i]!, y);
  } else if (A.length === 1 && B.length === n && sameShape(b.shape, outShape)) {
    const x = A[0]!;
    for (let i = 0; i < n; i++) out[i] = f(x, B[i]!);
  } else if (A.length === n && sameShape(a.shape, outShape) && B.length > 0 && isTrailing(b.shape, outShape)) {
    const r = B.length; // b repeats along the leading axes of a
    for (let i = 0; i < n; i += r) for (let j = 0; j < r; j++) out[i + j] = f(A[i + j]!, B[j]!);
  } else if (B.length === n && sameShape(b.shape, outShape) && A.length > 0 && isTrailing(a.shape, outShape)) {
    const r = A.length;
    for (let i = 0; i < n; i += r) for (let j = 0; j < r; j++) out[i + j] = f(A[j]!, B[i + j]!);
  } else {
    return mapBroadcast([a, b], outShape, dtype, (v) => f(v[0]!, v[1]!));
  }
  return new Tensor(out, outShape);
}

/** Whether `inner` equals the trailing axes of `outer` once its leading 1s are dropped. */
function isTrailing(inner: Shape, outer: Shape): boolean {
  let k = 0;
  while (k < inner.length && inner[k] === 1) k++;
  const rest = inner.slice(k);
  return rest.length <= outer.length && rest.every((d, i) => d === outer[outer.length - rest.length + i]);
}

/**
 * Where each matrix of a batched operand starts: for every index of the (broadcast) batch, the
 * flat offset of the operand's matrix, given its shape (batch axes, then the matrix's two axes).
 *
 * @param operandShape - the operand's shape, rank ≥ 2.
 * @param batchShape - the broadcast batch axes of the product.
 * @returns one flat offset per batch index, in row-major order.
 * @example
 * ```ts
 * batchOffsets([1, 2, 2], [3]); // Int32Array [0, 0, 0]: one matrix shared by 3 products
 * ```
 */
export function batchOffsets(operandShape: Shape, batchShape: Shape): Int32Array {
  const r = operandShape.length;
  const matrix = operandShape[r - 2]! * operandShape[r - 1]!;
  const strides = broadcastStrides(operandShape.slice(0, r - 2), batchShape);
  const offsets = new Int32Array(sizeOf(batchShape));
  for (let t = 0; t < offsets.length; t++) {
    let rem = t;
    for (let ax = batchShape.length - 1; ax >= 0; ax--) {
      offsets[t]! += (rem % batchShape[ax]!) * strides[ax]! * matrix;
      rem = Math.floor(rem / batchShape[ax]!);
    }
  }
  return offsets;
}
