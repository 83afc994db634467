// The digits of the `mnist` package as a data set, read by index in a fixed order (never
// `mnist.set`/`mnist.get`, which draw from Math.random): 28×28 grey levels in [0, 1] and one-hot
// targets. Shared by the examples that train on digits.
import { createRequire } from 'node:module';
import { Tensor } from '@chainrule/graph';
import type { Dataset } from '@chainrule/nn';

interface MnistDigit {
  /** Number of samples of this digit. */
  readonly length: number;
  /** Sample `i` as 784 grey levels (row-major 28×28); NOTE: a Math.random one when i < 0 or i > length. */
  get(i: number): number[];
}

/** The package's per-digit arrays. */
export const mnist = createRequire(import.meta.url)('mnist') as readonly MnistDigit[];

/**
 * Every digit of the package, class 0 first, with its label.
 *
 * @returns inputs [m, 784], one-hot targets [m, 10] and the labels.
 */
export function loadDigits(): Dataset & { readonly labels: readonly number[] } {
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) for (let i = 0; i < mnist[d]!.length; i++) labels.push(d);
  const m = labels.length;
  const x = new Float64Array(m * 784);
  const y = new Float64Array(m * 10);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < mnist[d]!.length; i++, row++) {
      x.set(mnist[d]!.get(i), row * 784);
      y[row * 10 + d] = 1;
    }
  }
  return { x: new Tensor(x, [m, 784]), y: new Tensor(y, [m, 10]), labels };
}

/** The row index of the largest value in row `row` of [m, n]. */
export function argmaxRow(t: Tensor, row: number): number {
  const n = t.shape[1]!;
  let best = 0;
  for (let j = 1; j < n; j++) if (t.data[row * n + j]! > t.data[row * n + best]!) best = j;
  return best;
}
