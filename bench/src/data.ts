/**
 * Seeded data shared by every contender: the same numbers reach chainrule and tfjs as Float32Arrays
 * (tfjs copies them into its own tensors, chainrule wraps them in its own Tensor).
 */

/** A seeded uniform [0, 1) generator (mulberry32): small, fast, reproducible across runs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n draws from U[low, high) as float32.
 *
 * @param n - count.
 * @param seed - seed of the stream.
 * @param low - lower bound.
 * @param high - upper bound.
 * @returns the draws.
 */
export function uniformArray(n: number, seed: number, low = 0, high = 1): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * next();
  return out;
}

/** Layer sizes of the benchmark MLP, input first. */
export const MLP_LAYERS = [784, 256, 128, 10] as const;
/** Batch size of the benchmark MLP. */
export const MLP_BATCH = 128;
/** Adam's step size in every contender. */
export const MLP_LR = 1e-3;
/** Adam's decay rates and ε in every contender of the MLP and CNN items (ε outside the square root, tfjs's placement). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/**
 * Matmul flops of an MLP (by default that of items 1 and 4): the forward pass does 2·B·in·out per layer; a step adds the weight
 * gradients (the same again) and the input cotangents of every layer but the first (x needs none).
 *
 * @param layers - layer sizes, input first.
 * @param batch - rows of the batch.
 * @returns flops of the forward pass and of a training step.
 */
export function mlpMatmulFlops(layers: readonly number[] = MLP_LAYERS, batch: number = MLP_BATCH): { forward: number; step: number } {
  let forward = 0;
  let backward = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const f = 2 * batch * layers[l]! * layers[l + 1]!;
    forward += f;
    backward += l === 0 ? f : 2 * f;
  }
  return { forward, step: forward + backward };
}

/** Layer sizes of the wide MLP of item 6 (two threads against one), input first. */
export const WIDE_LAYERS = [784, 1024, 1024, 10] as const;
/** Batch size of the wide MLP. */
export const WIDE_BATCH = 256;

/** Initial parameters and one batch of data for an MLP, shared by every contender. */
export interface MlpData {
  /** Layer sizes, input first. */
  readonly layers: readonly number[];
  /** Rows of the batch. */
  readonly batch: number;
  /** Weights W_l, [in, out] row-major, Glorot-uniform. */
  readonly weights: readonly Float32Array[];
  /** Biases b_l, [out], zero. */
  readonly biases: readonly Float32Array[];
  /** Inputs, [batch, 784], U[0, 1). */
  readonly x: Float32Array;
  /** One-hot targets, [batch, 10]. */
  readonly y: Float32Array;
}

/**
 * An MLP's initial parameters and its (single, reused) batch: by default those of items 1 and 4.
 *
 * @param layers - layer sizes, input first.
 * @param batch - rows of the batch.
 * @returns arrays shaped as {@link MlpData} says.
 */
export function mlpData(layers: readonly number[] = MLP_LAYERS, batch: number = MLP_BATCH): MlpData {
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const [fanIn, fanOut] = [layers[l]!, layers[l + 1]!];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    weights.push(uniformArray(fanIn * fanOut, 100 + l, -limit, limit));
    biases.push(new Float32Array(fanOut));
  }
  const classes = layers[layers.length - 1]!;
  const x = uniformArray(batch * layers[0]!, 7);
  const y = new Float32Array(batch * classes);
  const next = rng(8);
  for (let i = 0; i < batch; i++) y[i * classes + Math.floor(next() * classes)] = 1;
  return { layers, batch, weights, biases, x, y };
}
