import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/graph';
import { agree } from './agree.js';

describe('agree, the comparison of the ONNX tests', () => {
  it('takes a non-finite value only for itself: ∞ with ∞ of the same sign, NaN with NaN', () => {
    for (const options of [{}, { normwise: true }, { floor: 1 }]) {
      expect(agree(tensor([Infinity]), tensor([1]), 1e-10, options)).toBe(false);
      expect(agree(tensor([5]), tensor([-Infinity]), 1e-10, options)).toBe(false);
      expect(agree(tensor([Infinity]), tensor([-Infinity]), 1e-10, options)).toBe(false);
      expect(agree(tensor([NaN]), tensor([1]), 1e-10, options)).toBe(false);
      expect(agree(tensor([Infinity, -Infinity, NaN]), tensor([Infinity, -Infinity, NaN]), 1e-10, options)).toBe(true);
    }
  });

  it('compares finite values to rel, elementwise or normwise, zeros of either sign alike', () => {
    expect(agree(tensor([1, -0]), tensor([1 + 1e-12, 0]), 1e-10)).toBe(true);
    expect(agree(tensor([1, 1e-6]), tensor([1, 2e-6]), 1e-10)).toBe(false);
    expect(agree(tensor([1, 1e-12]), tensor([1, 2e-12]), 1e-10, { normwise: true })).toBe(true);
  });
});
