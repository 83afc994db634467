import type { OnnxBuilder } from '../builder.js';
import { BOOL, elemType, tensorProto } from '../proto.js';
import type { Lowering } from './lowering.js';

// ONNX has no linear solver, so solve(A, B) is unrolled for its static size n into the kernel's own
// algorithm: Gaussian elimination with partial pivoting, then back substitution, batched over the
// leading axes. Each step uses the kernel's formulas (f = M[i,c]/M[c,c]; M[i,j] −= f·M[c,j];
// s −= M[c,i]·X[i,j]; X[c,j] = s/M[c,c]), and row swaps and masks are exact selections, so the values
// agree with the kernel to rounding. Like the kernel it works in float64 whatever the dtype.
//
// Like the kernel, a batch entry whose A or B has a NaN or ±∞ is NaN throughout.
//
// NOTE: the kernel throws on a matrix singular to working precision; ONNX has no way to throw, so the
// model returns ±Infinity or NaN for an exactly singular one and large finite values for a nearly
// singular one instead.

/** Rows [from, to) of a [..., rows, cols] value. */
const rows = (b: OnnxBuilder, x: string, from: number, to: number): string => b.op('Slice', [x, b.ints([from]), b.ints([to]), b.ints([-2])]);
/** Entry (r, c) of a [..., rows, cols] value, as [..., 1, 1]. */
const entry = (b: OnnxBuilder, x: string, r: number, c: number): string =>
  b.op('Slice', [x, b.ints([r, c]), b.ints([r + 1, c + 1]), b.ints([-2, -1])]);
/** A constant boolean column [n, 1] that is true at the rows where `test` holds. */
const mask = (b: OnnxBuilder, n: number, test: (i: number) => boolean): string =>
  b.op('Cast', [b.constant('int64', [n, 1], Array.from({ length: n }, (_, i) => (test(i) ? 1 : 0)))], { to: BOOL });

/** Swaps rows c and p of x by selection; isP ([..., n, 1]) is true at each batch entry's pivot row p. */
function swapRows(b: OnnxBuilder, x: string, n: number, c: number, isP: string): string {
  const zero = b.scalar(0, 'float64');
  const rowP = b.op('ReduceSum', [b.op('Where', [isP, x, zero]), b.ints([-2])], { keepdims: 1 }); // the one selected row plus zeros: exact
  const rowC = rows(b, x, c, c + 1);
  return b.op('Where', [mask(b, n, (i) => i === c), rowP, b.op('Where', [isP, rowC, x])]);
}

/** The lowering of `solve`: Gaussian elimination unrolled for the matrix size (see above). */
export const SOLVE = {
  solve(b, node, [a, rhs]) {
    const [A, B] = node.inputs as [typeof node, typeof node];
    const n = A.shape[A.rank - 1]!;
    if (typeof n !== 'number') return b.fail(`the matrix size '${n}' is symbolic; an ONNX model of solve is unrolled for a fixed size`);
    const batch = node.shape.slice(0, -2);
    if (n === 0) return b.op('ConstantOfShape', [b.shapeOf(node.shape)], { value: { tensor: tensorProto('zero', node.dtype, [1], [0]) } }); // nothing to solve
    const toF64 = (x: string): string => (node.dtype === 'float64' ? x : b.op('Cast', [x], { to: elemType('float64') }));
    let M = toF64(b.op('Expand', [a!, b.shapeOf([...batch, n, n])]));
    let X = toF64(b.op('Expand', [rhs!, b.shapeOf([...batch, n, B.shape[B.rank - 1]!])]));
    const zero = b.scalar(0, 'float64');
    // x·0 is NaN exactly where x is not finite (±0 elsewhere): summed over each batch entry's A and B,
    // it is NaN where the kernel's result is, and adding it to the solution makes that all NaN.
    const nonFinite = (x: string): string => b.op('ReduceSum', [b.op('Mul', [x, zero]), b.ints([-2, -1])], { keepdims: 1 });
    const poison = b.op('Add', [nonFinite(M), nonFinite(X)]);
    const rowIndex = b.constant('int64', [n, 1], Array.from({ length: n }, (_, i) => i));
    for (let c = 0; c < n; c++) {
      // Pivot: the first row r ≥ c with the largest |M[r, c]| (ArgMax keeps the first of ties, like the kernel's strict >).
      const column = b.op('Slice', [M, b.ints([c, c]), b.ints([n, c + 1]), b.ints([-2, -1])]);
      const p = b.op('Add', [b.op('ArgMax', [b.op('Abs', [column])], { axis: -2, keepdims: 1 }), b.ints([c])]);
      const isP = b.op('Equal', [rowIndex, p]);
      M = swapRows(b, M, n, c, isP);
      X = swapRows(b, X, n, c, isP);
      // Eliminate below the pivot, in columns ≥ c as the kernel does.
      const f = b.op('Div', [b.op('Slice', [M, b.ints([c]), b.ints([c + 1]), b.ints([-1])]), entry(b, M, c, c)]);
      const fBelow = b.op('Where', [mask(b, n, (i) => i > c), f, zero]);
      const pivotRow = b.op('Where', [b.op('Transpose', [mask(b, n, (j) => j >= c)], { perm: [1, 0] }), rows(b, M, c, c + 1), zero]);
      M = b.op('Sub', [M, b.op('Mul', [fBelow, pivotRow])]);
      X = b.op('Sub', [X, b.op('Mul', [fBelow, rows(b, X, c, c + 1)])]);
    }
    const solved: string[] = new Array<string>(n);
    for (let c = n - 1; c >= 0; c--) {
      let s = rows(b, X, c, c + 1);
      for (let i = c + 1; i < n; i++) s = b.op('Sub', [s, b.op('Mul', [entry(b, M, c, i), solved[i]!])]);
      solved[c] = b.op('Div', [s, entry(b, M, c, c)]);
    }
    const out = b.op('Add', [n === 1 ? solved[0]! : b.op('Concat', solved, { axis: -2 }), poison]);
    return node.dtype === 'float64' ? out : b.op('Cast', [out], { to: elemType(node.dtype) });
  },
} satisfies Record<string, Lowering>;
