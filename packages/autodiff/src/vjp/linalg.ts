import type { Node } from '@chainrule/graph';
import { arg, type VjpRule } from './rule.js';

/** Swaps the last two axes. */
function swapLast(v: Node): Node {
  const r = v.rank;
  return v.transpose([...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

/**
 * VJP rules of matmul, transpose and solve.
 *
 * @example
 * ```ts
 * const [da, db] = linalgRules.matmul(ct, a.matmul(b)); // lazy cotangents of a and b
 * ```
 */
export const linalgRules = {
  // C = op(A)·op(B) with op = optional transpose. Then ∂ℓ/∂op(A) = G·op(B)ᵀ and ∂ℓ/∂op(B) = op(A)ᵀ·G,
  // each written as one matmul with transpose flags, so no transpose is ever materialised.
  matmul: (ct, n) => {
    const [a, b] = [arg(n, 0), arg(n, 1)];
    const { transposeA: tA, transposeB: tB } = n.attrs as { transposeA: boolean; transposeB: boolean };
    return [
      () => (tA ? b.matmul(ct, { transposeA: tB, transposeB: true }) : ct.matmul(b, { transposeB: !tB })),
      () => (tB ? ct.matmul(a, { transposeA: true, transposeB: tA }) : a.matmul(ct, { transposeA: !tA })),
    ];
  },
  transpose: (ct, n) => {
    const rank = n.rank;
    const perm = (n.attrs as { perm?: readonly number[] }).perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return [() => ct.transpose(inverse)]; // the inverse permutation
  },
  // X = A⁻¹B: ∂ℓ/∂B = A⁻ᵀG, ∂ℓ/∂A = −(A⁻ᵀG)·Xᵀ.
  solve: (ct, n) => {
    const a = arg(n, 0);
    let gb: Node | undefined;
    const gB = (): Node => (gb ??= n.graph.solve(swapLast(a), ct));
    return [() => gB().matmul(n, { transposeB: true }).neg(), gB];
  },
} satisfies Record<string, VjpRule>;
