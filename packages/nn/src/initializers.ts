import { checkShape, expectNumber, expectString, normalInit, uniformInit, type Initializer, type InitializerFunction } from '@chainrule/graph';

/**
 * How a weight's axes are laid out, for its fans: `'out-in'` is [out, in, …receptive field] (the
 * lecture's W ∈ ℝ^{n_{l+1} × n_l}, PyTorch's OIHW filters); `'hwio'` is [kh, kw, in, out] (the
 * filters of `conv2d`, TensorFlow's layout).
 *
 * @example
 * ```ts
 * const layout: FanLayout = 'hwio';
 * heNormal(1, layout);
 * ```
 */
export type FanLayout = 'out-in' | 'hwio';

/**
 * Fan-in and fan-out of a weight: for [out, in, …receptive] (the lecture's W⁽ˡ⁾ ∈ ℝ^{n_{l+1} × n_l}),
 * fan_in = in·receptive and fan_out = out·receptive; for HWIO filters [kh, kw, in, out],
 * fan_in = kh·kw·in and fan_out = kh·kw·out (as Keras counts them; `in` is the channels one filter
 * sees, cin/groups). A vector counts as [n] → (n, n).
 *
 * @param shape - the weight's shape.
 * @param layout - `'out-in'` (default) or `'hwio'`.
 * @returns fan_in and fan_out.
 * @example
 * ```ts
 * fans([10, 784]); // { fanIn: 784, fanOut: 10 }
 * fans([3, 3, 8, 16], 'hwio'); // { fanIn: 72, fanOut: 144 }
 * ```
 */
export function fans(shape: readonly number[], layout: FanLayout = 'out-in'): { fanIn: number; fanOut: number } {
  checkShape(shape, 'fans');
  expectString('fans', 'layout', layout, ['out-in', 'hwio']);
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  if (layout === 'hwio') {
    const receptive = shape.slice(0, -2).reduce((a, d) => a * d, 1);
    return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
  }
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
 * @param layout - how the weight's axes are laid out (default `'out-in'`; `'hwio'` for conv2d filters).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(64, { init: glorotUniform(3) });
 * ```
 */
export function glorotUniform(seed: number, layout: FanLayout = 'out-in'): InitializerFunction {
  expectNumber('glorotUniform', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectString('glorotUniform', 'layout', layout, ['out-in', 'hwio']);
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape, layout);
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return uniformInit(-a, a, seed)(shape, dtype);
  };
}

/**
 * Glorot (Xavier) normal: N(0, 2/(fan_in + fan_out)). Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @param layout - how the weight's axes are laid out (default `'out-in'`; `'hwio'` for conv2d filters).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(64, { init: glorotNormal(3) });
 * ```
 */
export function glorotNormal(seed: number, layout: FanLayout = 'out-in'): InitializerFunction {
  expectNumber('glorotNormal', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectString('glorotNormal', 'layout', layout, ['out-in', 'hwio']);
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape, layout);
    return normalInit(0, Math.sqrt(2 / (fanIn + fanOut)), seed)(shape, dtype);
  };
}

/**
 * He (Kaiming) normal: N(0, 2/fan_in), suited to ReLU layers. Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @param layout - how the weight's axes are laid out (default `'out-in'`; `'hwio'` for conv2d filters).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(256, { activation: 'relu', init: heNormal(1) });
 * ```
 */
export function heNormal(seed: number, layout: FanLayout = 'out-in'): InitializerFunction {
  expectNumber('heNormal', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectString('heNormal', 'layout', layout, ['out-in', 'hwio']);
  return (shape, dtype) => normalInit(0, Math.sqrt(2 / fans(shape, layout).fanIn), seed)(shape, dtype);
}

/**
 * He (Kaiming) uniform: U[−a, a] with a = √(6/fan_in). Seeded.
 *
 * @param seed - seed in [0, 2³²).
 * @param layout - how the weight's axes are laid out (default `'out-in'`; `'hwio'` for conv2d filters).
 * @returns an initializer.
 * @example
 * ```ts
 * dense(256, { activation: 'relu', init: heUniform(1) });
 * ```
 */
export function heUniform(seed: number, layout: FanLayout = 'out-in'): InitializerFunction {
  expectNumber('heUniform', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectString('heUniform', 'layout', layout, ['out-in', 'hwio']);
  return (shape, dtype) => {
    const a = Math.sqrt(6 / fans(shape, layout).fanIn);
    return uniformInit(-a, a, seed)(shape, dtype);
  };
}
