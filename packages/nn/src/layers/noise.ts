import { ChainruleError } from '@chainrule/graph';
import type { Layer } from './layer.js';

/**
 * Options of {@link gaussianNoise}.
 *
 * @example
 * ```ts
 * gaussianNoise(0.1, { seed: 4 });
 * ```
 */
export interface NoiseOptions {
  /** Seed of the noise (default: from the model's seed). */
  readonly seed?: number;
}

/**
 * Input noise, the lecture's data augmentation by adding noise to the inputs: while training the
 * layer passes x + σξ with ξ ~ N(0, I) drawn anew for every example and every step (seeded, so a run
 * is reproducible and resumes exactly); at evaluation it passes x unchanged. The noise is a random
 * source of the graph, so the gradient flows through unchanged: ∂(x + σξ)/∂x = I. Put it first in a
 * model to perturb the inputs, or between layers to perturb hidden units.
 *
 * @param sigma - σ ≥ 0, the standard deviation of the noise (0 makes the layer the identity).
 * @param options - seed.
 * @returns the layer (no trainable variables).
 * @throws ChainruleError when σ is negative or not finite.
 * @example
 * ```ts
 * sequential([gaussianNoise(0.2), dense(64, { activation: 'relu' }), dense(10)]);
 * ```
 */
export function gaussianNoise(sigma: number, options: NoiseOptions = {}): Layer {
  if (typeof sigma !== 'number' || !(sigma >= 0 && Number.isFinite(sigma))) throw new ChainruleError(`gaussianNoise: σ must be a finite number ≥ 0, got ${String(sigma)}`);
  let seed = options.seed;
  return {
    kind: 'gaussianNoise',
    build(ctx) {
      seed ??= ctx.seed;
      return ctx.inputUnits;
    },
    forward(x, { training }) {
      if (!training || sigma === 0) return x;
      if (seed === undefined) throw new ChainruleError('gaussianNoise: build the model before using it');
      return x.add(x.graph.randomNormal(x.shape, { seed, std: sigma, dtype: x.dtype })); // x + σξ, ξ ~ N(0, I)
    },
    params: new Map(),
  };
}
