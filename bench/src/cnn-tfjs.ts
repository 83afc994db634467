/**
 * Item 7, the TensorFlow.js contenders: the CNN of `cnn-data.ts` written with tfjs-core.
 */
import { CNN_BATCH, CNN_BLOCKS, CNN_BN_EPSILON, CNN_CLASSES, CNN_DENSE, CNN_LR, CNN_SIDE, cnnFlatWidth, type CnnData } from './cnn-data.js';
import { tf, useBackend, type TfBackend } from './tfjs.js';
import { tfjsTraining } from './tfjs-training.js';
import type { TrainingContender } from './training.js';

/**
 * A 'same' convolution with stride 1 as tfjs computes it on a backend. The wasm backend of tfjs
 * 4.22 has no Conv2DBackpropFilter kernel, so a user training there must supply the filter
 * gradient. It is computed here by im2col on the backend's own kernels (pad, slices, concat and
 * one matrix product: ∂L/∂W[i, j, c, o] = Σ_{b,y,x} x̃[b, y+i, x+j, c]·δ[b, y, x, o] with x̃ the
 * padded input), which is far faster than its naive Conv3DBackpropFilterV2 kernel on depth-1
 * volumes; the input gradient comes from its Conv2DBackpropInput kernel.
 *
 * @param backend - the backend the convolution runs on.
 * @returns the convolution.
 */
export function tfjsConv(backend: TfBackend): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  if (backend !== 'wasm') return (x, w) => tf.conv2d(x, w, 1, 'same');
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [b, h, wd, cin] = xs.shape;
        const [kh, kw, , cout] = ws.shape;
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, ws, xs.shape, 1, 'same');
        const top = (kh - 1) >> 1;
        const left = (kw - 1) >> 1;
        const padded = tf.pad(xs, [[0, 0], [top, kh - 1 - top], [left, kw - 1 - left], [0, 0]]);
        const shifted: tf.Tensor4D[] = [];
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) shifted.push(tf.slice(padded, [0, i, j, 0], [b, h, wd, cin]));
        const patches = tf.reshape(tf.concat(shifted, 3), [b * h * wd, kh * kw * cin]);
        const dw = tf.matMul(patches, tf.reshape(dy, [b * h * wd, cout]), true, false);
        return [dx, tf.reshape(dw, ws.shape)];
      },
    };
  }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * The CNN in TensorFlow.js as a user would write it with tfjs-core: variables, `tf.conv2d`,
 * `tf.moments` and `tf.batchNorm`, `tf.maxPool`, `tf.losses.softmaxCrossEntropy`,
 * `tf.train.adam(…).minimize`.
 *
 * @param backend - the tfjs backend; its tensors are made while it is active.
 * @param data - initial parameters and the batch.
 * @returns the contender.
 */
export async function tfjsCnn(backend: TfBackend, data: CnnData): Promise<TrainingContender> {
  await useBackend(backend);
  const conv = tfjsConv(backend);
  const filters = CNN_BLOCKS.map((b, i) => tf.variable(tf.tensor4d(data.filters[i]!, [b.kernel, b.kernel, b.inChannels, b.outChannels])));
  const scales = CNN_BLOCKS.map((b) => tf.variable(tf.ones([b.outChannels])));
  const offsets = CNN_BLOCKS.map((b) => tf.variable(tf.zeros([b.outChannels])));
  const ws: tf.Variable[] = [];
  const bs: tf.Variable[] = [];
  let width = cnnFlatWidth();
  CNN_DENSE.forEach((out, i) => {
    ws.push(tf.variable(tf.tensor2d(data.weights[i]!, [width, out])));
    bs.push(tf.variable(tf.tensor1d(data.biases[i]!)));
    width = out;
  });
  const classes = CNN_CLASSES;
  const x = tf.tensor4d(data.x, [CNN_BATCH, CNN_SIDE, CNN_SIDE, 1]);
  const y = tf.tensor2d(data.y, [CNN_BATCH, classes]);
  const lossOf = (): tf.Scalar => {
    let h: tf.Tensor4D = x;
    for (let i = 0; i < filters.length; i++) {
      const c = conv(h, filters[i]! as tf.Tensor4D);
      const { mean, variance } = tf.moments(c, [0, 1, 2]);
      const normed = tf.batchNorm(c, mean, variance, offsets[i]!, scales[i]!, CNN_BN_EPSILON);
      h = tf.maxPool(tf.relu(normed) as tf.Tensor4D, [2, 2], [2, 2], 'valid');
    }
    let z: tf.Tensor = tf.reshape(h, [CNN_BATCH, cnnFlatWidth()]);
    for (let i = 0; i < ws.length; i++) {
      z = tf.add(tf.matMul(z, ws[i]!), bs[i]!);
      if (i + 1 < ws.length) z = tf.relu(z);
    }
    return tf.losses.softmaxCrossEntropy(y, z) as tf.Scalar;
  };
  return tfjsTraining(backend, [...filters, ...scales, ...offsets, ...ws, ...bs], lossOf, CNN_LR);
}
