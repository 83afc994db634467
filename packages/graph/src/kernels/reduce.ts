import { allocate, type DType } from '../core/dtype.js';
import { FOLDS, type Fold } from './folds.js';
import { addressIn } from './wasm/memory.js';
import { inPlace } from './wasm/in-place.js';
import { sizeOf, stridesOf, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';

type Data = Float64Array | Float32Array;

/**
 * A reduction whose axes collapse to one reduced block between two kept blocks: X viewed as
 * [outer, reduced, inner], out as [outer, inner]. Every output element folds its inputs in
 * increasing flat order, exactly as the generic walk does, so both give the same bits.
 */
type BlockReduce = (out: Data, X: Data, outer: number, reduced: number, inner: number) => void;

// Instantiated per (fold, dtype) with `new Function` so that each instance sees one typed-array
// kind and inlines its step. With inner = 1 the accumulator stays in a local: `ROUND` (Math.fround
// for float32) gives the value a store into `out` and a reload would, so the bits are unchanged.
const BLOCK_SOURCE = `
return function reduceBlock(out, X, outer, reduced, inner) {
  let i = 0;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = INIT;
      for (let r = 0; r < reduced; r++) {
        const v = X[i++];
        acc = ROUND(STEP);
      }
      out[o] = acc;
    }
    return;
  }
  out.fill(INIT, 0, outer * inner);
  for (let a = 0; a < outer; a++) {
    const o0 = a * inner;
    for (let r = 0; r < reduced; r++) {
      for (let b = 0; b < inner; b++) {
        const acc = out[o0 + b];
        const v = X[i++];
        out[o0 + b] = STEP;
      }
    }
  }
};`;

const blockReducers = new Map<string, BlockReduce>();

function blockReducer(fold: Fold, dtype: DType): BlockReduce {
  const key = `${fold.init}|${fold.expression}|${dtype}`;
  let f = blockReducers.get(key);
  if (f === undefined) {
    const source = BLOCK_SOURCE.replaceAll('INIT', String(fold.init))
      .replaceAll('ROUND', dtype === 'float32' ? 'Math.fround' : '')
      .replaceAll('STEP', fold.expression);
    f = new Function(source)() as BlockReduce;
    blockReducers.set(key, f);
  }
  return f;
}

/**
 * Collapses a reduction to [outer, reduced, inner] when its non-trivial axes form one reduced run
 * between kept runs (size-1 axes ignored); undefined for other patterns.
 */
function blocks(xShape: Shape, reduced: ReadonlySet<number>): [number, number, number] | undefined {
  const sizes = [1, 1, 1];
  let part = 0; // 0: before the reduced run, 1: in it, 2: after it
  for (let ax = 0; ax < xShape.length; ax++) {
    const d = xShape[ax]!;
    if (d === 1) continue;
    const isReduced = reduced.has(ax);
    if (isReduced && part === 0) part = 1;
    else if (!isReduced && part === 1) part = 2;
    else if (isReduced && part === 2) return undefined;
    sizes[part]! *= d;
  }
  return sizes as [number, number, number];
}

/**
 * Prepares a reduction of inputs of shape `xShape` over `axes` (sorted, distinct): the returned
 * function writes the result into `out` (the kept-dims layout, which is also the squeezed one),
 * starting every output element from the fold's start value and folding the inputs in, in
 * increasing flat order. The common patterns (one reduced run of axes, e.g. a bias gradient's sum
 * over the batch or a row sum) run specialised loops; others walk the index odometer. Sums over the
 * batch of rows of at least four elements (a batch norm's per-channel sums) run in WebAssembly
 * (packages/graph/wasm/reduce.ts, the same bits) where both arrays live in the kernels' heap.
 *
 * @param xShape - the input's shape.
 * @param axes - the axes to reduce, sorted and distinct.
 * @param fold - the start value and step.
 * @returns a function writing the reduction of flat data `X` into `out`.
 * @example
 * ```ts
 * prepareReduce([2, 3], [1], FOLDS.sum)(out, x.data); // row sums
 * ```
 */
export function prepareReduce(xShape: Shape, axes: readonly number[], fold: Fold): (out: Data, X: Data) => void {
  const reduced = new Set(axes);
  const runs = blocks(xShape, reduced);
  if (runs !== undefined) {
    const [outer, inner] = [runs[0], runs[2]];
    const f32 = blockReducer(fold, 'float32');
    const f64 = blockReducer(fold, 'float64');
    // Sums over rows of at least one vector run in WebAssembly where both arrays are in the kernels' heap.
    const vectorised = fold === FOLDS.sum && inner >= 4;
    return (out, X) => {
      const kernels = vectorised ? inPlace(out, X) : null;
      if (kernels !== null) {
        const run = out instanceof Float32Array ? kernels.exports.sumBlocks32 : kernels.exports.sumBlocks64;
        run(addressIn(out, 0), addressIn(X, 0), outer, runs[1], inner);
      } else {
        (out instanceof Float32Array ? f32 : f64)(out, X, outer, runs[1], inner);
      }
    };
  }
  const { init, step } = fold;
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
 * Reduces `x` over `axes` (sorted, distinct) with a fold. The output keeps reduced axes as size 1
 * when `keepDims`.
 *
 * @param x - the operand.
 * @param axes - the axes to reduce, sorted and distinct.
 * @param keepDims - keep reduced axes as size 1.
 * @param fold - the start value and step.
 * @returns a new tensor.
 * @example
 * ```ts
 * reduce(tensor([[1, 2], [3, 4]]), [0], false, FOLDS.sum); // [4, 6]
 * ```
 */
export function reduce(x: Tensor, axes: readonly number[], keepDims: boolean, fold: Fold): Tensor {
  const reduced = new Set(axes);
  const keptShape: number[] = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outShape: Shape = keepDims ? keptShape : x.shape.filter((_, i) => !reduced.has(i));
  const out = allocate(x.dtype, sizeOf(keptShape));
  prepareReduce(x.shape, axes, fold)(out, x.data);
  return new Tensor(out, outShape);
}
