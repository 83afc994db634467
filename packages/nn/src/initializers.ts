import { checkShape, expectNumber, normalInit, uniformInit, type Initializer, type InitializerFunction } from '@chainrule/graph';

/**
 * Fan-in and fan-out of a weight of shape [out, in] (the lecture's W⁽ˡ⁾ ∈ ℝ^{n_{l+1} × n_l}); a
 * vector counts as [n] → (n, n).
 *
 * @param shape - the weight's shape, [out, in, …receptive field].
 * @returns fan_in = in·receptive and fan_out = out·receptive.
 * @example
 * ```ts
 * fans([10, 784]); // { fanIn: 784, fanOut: 10 }
 * ```
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape(shape, 'fans');
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, d) => a * d, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/**
 * All zeros (biases).
 *
 * @returns an initializer.
 * @example
 * ```ts
 * dense(10, { biasInit: zeros() });
 * ```
 */
export function zeros(): Initializer {
  return 0;
}

/**
 * Independent draws from U[low, high), seeded.
 *
 * @param low - lower bound.
 * @param high - upper bound.
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(10, { init: uniform(-0.05, 0.05, 1) });
 * ```
 */
export function uniform(low: number, high: number, seed: number): InitializerFunction {
  return uniformInit(low, high, seed);
}

/**
 * Independent draws from N(mean, std²), seeded.
 *
 * @param mean - μ.
 * @param std - σ.
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(10, { init: normal(0, 0.01, 1) });
 * ```
 */
export function normal(mean: number, std: number, seed: number): InitializerFunction {
  return normalInit(mean, std, seed);
}

/**
 * Glorot (Xavier) uniform: U[−a, a] with a = √(6/(fan_in + fan_out)), keeping activations' and
 * gradients' variances level through tanh/sigmoid layers. Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(64, { init: glorotUniform(3) });
 * ```
 */
export function glorotUniform(seed: number): InitializerFunction {
  expectNumber('glorotUniform', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape);
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return uniformInit(-a, a, seed)(shape, dtype);
  };
}

/**
 * Glorot (Xavier) normal: N(0, 2/(fan_in + fan_out)). Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(64, { init: glorotNormal(3) });
 * ```
 */
export function glorotNormal(seed: number): InitializerFunction {
  expectNumber('glorotNormal', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape);
    return normalInit(0, Math.sqrt(2 / (fanIn + fanOut)), seed)(shape, dtype);
  };
}

/**
 * He (Kaiming) normal: N(0, 2/fan_in), suited to ReLU layers. Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(256, { activation: 'relu', init: heNormal(1) });
 * ```
 */
export function heNormal(seed: number): InitializerFunction {
  expectNumber('heNormal', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => normalInit(0, Math.sqrt(2 / fans(shape).fanIn), seed)(shape, dtype);
}

/**
 * He (Kaiming) uniform: U[−a, a] with a = √(6/fan_in). Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(256, { activation: 'relu', init: heUniform(1) });
 * ```
 */
export function heUniform(seed: number): InitializerFunction {
  expectNumber('heUniform', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  return (shape, dtype) => {
    const a = Math.sqrt(6 / fans(shape).fanIn);
    return uniformInit(-a, a, seed)(shape, dtype);
  };
}
