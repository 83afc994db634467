import fc from 'fast-check';
import { checkShape, expectString, sizeOf, tensor, type Tensor } from '@chainrule/graph';
import type { Domain } from './op-spec.js';

const finite = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/**
 * Values of one operand drawn from a domain of the spec table (see {@link Domain}), as a tensor.
 *
 * @param domain - where the values live.
 * @param shape - the operand's shape.
 * @returns an arbitrary of float64 tensors.
 * @example
 * ```ts
 * fc.assert(fc.property(valuesIn('positive', [3]), (x) => x.data.every((v) => v > 0)));
 * ```
 */
export function valuesIn(domain: Domain, shape: readonly number[]): fc.Arbitrary<Tensor> {
  expectString('valuesIn', 'domain', domain, ['any', 'positive', 'awayFromZero', 'distinct']);
  const n = sizeOf(checkShape(shape, 'valuesIn'));
  let element: fc.Arbitrary<number[]>;
  switch (domain) {
    case 'any':
      element = fc.array(finite(-2, 2), { minLength: n, maxLength: n });
      break;
    case 'positive':
      element = fc.array(finite(0.2, 2), { minLength: n, maxLength: n });
      break;
    case 'awayFromZero':
      element = fc.array(fc.tuple(finite(0.2, 2), fc.boolean()).map(([v, neg]) => (neg ? -v : v)), { minLength: n, maxLength: n });
      break;
    case 'distinct':
      // a shuffled grid with spacing 0.1 plus a small jitter: no two values closer than 0.05
      element = fc
        .tuple(fc.shuffledSubarray(Array.from({ length: 41 }, (_, i) => -2 + 0.1 * i), { minLength: n, maxLength: n }), fc.array(finite(-0.02, 0.02), { minLength: n, maxLength: n }))
        .map(([grid, jitter]) => grid.map((v, i) => v + jitter[i]!));
      break;
  }
  return element.map((values) => tensor(values, shape));
}
