/**
 * A reduction's fold: the start value and the step that folds one input element in.
 *
 * @example
 * ```ts
 * const product: Fold = { init: 1, step: (acc, v) => acc * v, expression: 'acc * v' };
 * [2, 3, 4].reduce(product.step, product.init); // 24
 * ```
 */
export interface Fold {
  /** Start value of every output element. */
  readonly init: number;
  /** Folds one element into the accumulator. */
  readonly step: (acc: number, v: number) => number;
  /**
   * The same step as JavaScript source over `acc` and `v`, from which the kernels generate loops
   * specialised per dtype (a constant of this module, never text from a graph).
   */
  readonly expression: string;
}

/**
 * The folds of the reduction primitives.
 *
 * @example
 * ```ts
 * [1, 5, 3].reduce(FOLDS.max.step, FOLDS.max.init); // 5
 * FOLDS.sum.init; // 0
 * ```
 */
export const FOLDS: Readonly<Record<'sum' | 'max', Fold>> = {
  sum: { init: 0, step: (a, v) => a + v, expression: 'acc + v' },
  // NOTE: a NaN anywhere makes the result NaN.
  max: {
    init: -Infinity,
    step: (a, v) => (Number.isNaN(a) || !(v <= a) ? (Number.isNaN(a) ? a : v) : a),
    expression: '(acc !== acc ? acc : v <= acc ? acc : v)',
  },
};
