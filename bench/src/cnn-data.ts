/**
 * The convolutional network of item 7 and its seeded data, shared by every contender: the network of
 * `examples/mnist-cnn.ts` without its dropout (random masks would make the contenders compute
 * different things, and the item checks that they compute the same).
 */
import { rng, uniformArray } from './data.js';

/** One convolution block: a k×k 'same' convolution (no bias: batch norm's offset takes its place), batch norm, ReLU, 2×2 max pool. */
export interface ConvBlock {
  readonly kernel: number;
  readonly inChannels: number;
  readonly outChannels: number;
}

/** Image side (MNIST's 28). */
export const CNN_SIDE = 28;
/** The convolution blocks, input first. */
export const CNN_BLOCKS: readonly ConvBlock[] = [
  { kernel: 3, inChannels: 1, outChannels: 32 },
  { kernel: 3, inChannels: 32, outChannels: 64 },
];
/** Classes: the width of the one dense layer on the flattened output of the last block. */
export const CNN_CLASSES = 10;
/** The dense layers after flattening the last block's output (the logits only, as in the example). */
export const CNN_DENSE: readonly number[] = [CNN_CLASSES];
/** Batch size of the benchmark CNN. */
export const CNN_BATCH = 64;
/** Adam's step size in every contender. */
export const CNN_LR = 1e-3;
/** Batch norm's ε in every contender (nn's `batchNorm` layer's default). */
export const CNN_BN_EPSILON = 1e-5;

/** Width of the flattened output of the last block. */
export function cnnFlatWidth(): number {
  const side = CNN_SIDE >> CNN_BLOCKS.length;
  return side * side * CNN_BLOCKS[CNN_BLOCKS.length - 1]!.outChannels;
}

/**
 * Multiply-add flops of the convolutions and products: forward 2·(output elements)·(k²·c_in) per
 * convolution and 2·B·in·out per dense layer; a step adds the filter and weight gradients (the same
 * again) and the input cotangents of every layer but the first.
 *
 * @returns flops of the forward pass and of a training step.
 */
export function cnnFlops(): { forward: number; step: number } {
  let forward = 0;
  let backward = 0;
  let side = CNN_SIDE;
  CNN_BLOCKS.forEach((b, i) => {
    const f = 2 * CNN_BATCH * side * side * b.outChannels * b.kernel * b.kernel * b.inChannels;
    forward += f;
    backward += i === 0 ? f : 2 * f;
    side >>= 1;
  });
  let width = cnnFlatWidth();
  for (const out of CNN_DENSE) {
    const f = 2 * CNN_BATCH * width * out;
    forward += f;
    backward += 2 * f;
    width = out;
  }
  return { forward, step: forward + backward };
}

/** Initial parameters and one batch for the CNN. */
export interface CnnData {
  /** Filters, HWIO [k, k, c_in, c_out], He-uniform. */
  readonly filters: readonly Float32Array[];
  /** Dense weights [in, out], Glorot-uniform, and zero biases. */
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
  /** Images [batch, 28, 28, 1], U[0, 1). */
  readonly x: Float32Array;
  /** One-hot targets [batch, 10]. */
  readonly y: Float32Array;
}

/**
 * The CNN's initial parameters and its (single, reused) batch. Batch norm starts at scale 1 and
 * offset 0 in every contender.
 *
 * @returns arrays shaped as {@link CnnData} says.
 */
export function cnnData(): CnnData {
  const filters = CNN_BLOCKS.map((b, i) => {
    const fanIn = b.kernel * b.kernel * b.inChannels;
    const limit = Math.sqrt(6 / fanIn);
    return uniformArray(b.kernel * b.kernel * b.inChannels * b.outChannels, 300 + i, -limit, limit);
  });
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  let width = cnnFlatWidth();
  CNN_DENSE.forEach((out, i) => {
    const limit = Math.sqrt(6 / (width + out));
    weights.push(uniformArray(width * out, 400 + i, -limit, limit));
    biases.push(new Float32Array(out));
    width = out;
  });
  const classes = CNN_CLASSES;
  const x = uniformArray(CNN_BATCH * CNN_SIDE * CNN_SIDE, 17);
  const y = new Float32Array(CNN_BATCH * classes);
  const next = rng(18);
  for (let i = 0; i < CNN_BATCH; i++) y[i * classes + Math.floor(next() * classes)] = 1;
  return { filters, weights, biases, x, y };
}
