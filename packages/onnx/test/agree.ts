import { expect } from 'vitest';
import type { Tensor } from '@chainrule/graph';

/**
 * Whether two tensors have the same shape and dtype and agree to `rel` relative: elementwise; or with `normwise` relative to the largest magnitude in either tensor — the measure
 * for values that are sums of terms which cancel, where the order of summation decides the last
 * digits; and never finer than `rel · floor` (for values whose true size is 0 and whose digits are noise).
 * Where either value is not finite, only the same value agrees (∞ with ∞ of the same sign, NaN with NaN).
 */
export function agree(a: Tensor, b: Tensor, rel: number, { normwise = false, floor = 0 }: AgreeOptions = {}): boolean {
  // a loop, not Math.max(...data): a spread of a large tensor overflows the stack
  let scale = floor;
  if (normwise) for (const v of [...a.data, ...b.data]) scale = Math.max(scale, Math.abs(v));
  return (
    a.dtype === b.dtype &&
    a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i]) &&
    Array.from(a.data).every((v, i) => {
      const w = b.data[i]!;
      if (!Number.isFinite(v) || !Number.isFinite(w)) return Object.is(v, w);
      return v === w || Math.abs(v - w) <= rel * Math.max(Math.abs(v), Math.abs(w), scale);
    })
  );
}

/** How {@link agree} measures: normwise, and the magnitude below which differences are absolute. */
export interface AgreeOptions {
  readonly normwise?: boolean;
  readonly floor?: number;
}

/** Expects every got[i] to agree with want[i] (see {@link agree}), naming the output that does not. */
export function expectAgree(got: readonly Tensor[], want: readonly Tensor[], rel: number, options: AgreeOptions = {}): void {
  expect(got.length).toBe(want.length);
  got.forEach((t, i) => expect(agree(t, want[i]!, rel, options), `output ${i}: ${t.toString()} vs ${want[i]!.toString()}`).toBe(true));
}
