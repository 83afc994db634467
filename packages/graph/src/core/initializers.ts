import { expectNumber } from './arguments.js';
import type { DType } from './dtype.js';
import { allocate } from './dtype.js';
import { randomStream, standardNormal, uniform01 } from './random.js';
import { sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Computes a variable's first value from its shape and dtype (e.g. a seeded random draw), or a
 * number to fill it with.
 *
 * @example
 * ```ts
 * const zero: Initializer = 0;
 * const small: Initializer = uniformInit(-0.1, 0.1, 7);
 * g.variable('w', [784, 10], small);
 * ```
 */
export type Initializer = number | InitializerFunction;

/**
 * An initializer that computes a variable's first value from its shape and dtype.
 *
 * @example
 * ```ts
 * const identityInit: InitializerFunction = (shape, dtype) => full(shape, 0.5, dtype);
 * g.variable('w', [3, 3], identityInit);
 * ```
 */
export type InitializerFunction = (shape: Shape, dtype: DType) => Tensor;

function drawn(shape: Shape, dtype: DType, seed: number, draw: (rng: ReturnType<typeof randomStream>) => number): Tensor {
  const rng = randomStream(seed, 0);
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = draw(rng);
  return new Tensor(out, shape);
}

/**
 * A seeded initializer drawing each element from U[low, high).
 *
 * @param low - lower bound (included).
 * @param high - upper bound (excluded).
 * @param seed - seed of the draw, an integer in [0, 2³²).
 * @returns an initializer for {@link Graph.variable}.
 * @example
 * ```ts
 * g.variable('w', [2, 3], uniformInit(-0.5, 0.5, 1));
 * ```
 */
export function uniformInit(low: number, high: number, seed: number): InitializerFunction {
  expectNumber('uniformInit', 'low', low);
  expectNumber('uniformInit', 'high', high);
  expectNumber('uniformInit', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => drawn(shape, dtype, seed, (rng) => low + (high - low) * uniform01(rng));
}

/**
 * A seeded initializer drawing each element from N(mean, std²).
 *
 * @param mean - mean μ.
 * @param std - standard deviation σ.
 * @param seed - seed of the draw, an integer in [0, 2³²).
 * @returns an initializer for {@link Graph.variable}.
 * @example
 * ```ts
 * g.variable('w', [784, 100], normalInit(0, 0.05, 3));
 * ```
 */
export function normalInit(mean: number, std: number, seed: number): InitializerFunction {
  expectNumber('normalInit', 'mean', mean);
  expectNumber('normalInit', 'std', std, { min: 0 });
  expectNumber('normalInit', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => drawn(shape, dtype, seed, (rng) => mean + std * standardNormal(rng));
}
