/**
 * Item 7, chainrule's contender: one training step of the convolutional network of `cnn-data.ts` (two blocks of 3×3
 * convolution, batch norm with batch statistics, ReLU and 2×2 max pooling, then a dense layer to the logits,
 * softmax cross-entropy, Adam) on a batch of 64 MNIST-sized images, float32, NHWC.
 */
import { batchNormTraining, Graph, Tensor, type Node } from '@chainrule/graph';
import { crossEntropyFromLogits, empiricalRisk } from '@chainrule/nn';
import { adam, minimize } from '@chainrule/optim';
import { chainruleTraining, EXECUTOR_KEYS, type ExecutorKind, type TrainingGraph } from './chainrule.js';
import { CNN_BATCH, CNN_BLOCKS, CNN_BN_EPSILON, CNN_CLASSES, CNN_DENSE, CNN_LR, CNN_SIDE, cnnFlatWidth, type CnnData } from './cnn-data.js';
import { ADAM } from './data.js';
import type { TrainingContender } from './training.js';

const POOL = { windowShape: [2, 2], strides: [2, 2] } as const;

/**
 * The CNN as a chainrule graph (float32, NHWC, filters HWIO).
 *
 * @param data - initial parameters and the batch.
 * @returns the graph, loss, Adam update and feeds.
 */
export function cnnGraph(data: CnnData): TrainingGraph {
  const g = new Graph();
  const classes = CNN_CLASSES;
  const x = g.input('x', ['batch', CNN_SIDE, CNN_SIDE, 1], 'float32');
  const y = g.input('y', ['batch', classes], 'float32');
  const params: Node[] = [];
  let h: Node = x;
  CNN_BLOCKS.forEach((b, i) => {
    const w = g.variable(`filter${i}`, new Tensor(data.filters[i]!.slice(), [b.kernel, b.kernel, b.inChannels, b.outChannels]));
    const scale = g.variable(`scale${i}`, new Tensor(new Float32Array(b.outChannels).fill(1), [b.outChannels]));
    const offset = g.variable(`offset${i}`, new Tensor(new Float32Array(b.outChannels), [b.outChannels]));
    params.push(w, scale, offset);
    const conv = h.conv2d(w, { padding: 'same' });
    h = batchNormTraining(conv, scale, offset, { epsilon: CNN_BN_EPSILON }).y.relu().maxPool2d(POOL);
  });
  h = h.flatten();
  let width = cnnFlatWidth();
  CNN_DENSE.forEach((out, i) => {
    const W = g.variable(`W${i}`, new Tensor(data.weights[i]!.slice(), [width, out]));
    const bias = g.variable(`b${i}`, new Tensor(data.biases[i]!.slice(), [out]));
    params.push(W, bias);
    h = h.matmul(W).add(bias);
    if (i + 1 < CNN_DENSE.length) h = h.relu();
    width = out;
  });
  const loss = empiricalRisk(crossEntropyFromLogits(h, y));
  const update = minimize(loss, params, adam({ lr: CNN_LR, ...ADAM, epsilonPlacement: 'outside' }));
  const feeds = { x: new Tensor(data.x, [CNN_BATCH, CNN_SIDE, CNN_SIDE, 1]), y: new Tensor(data.y, [CNN_BATCH, classes]) };
  return { graph: g, loss, update, feeds };
}

/**
 * The CNN as a chainrule graph, compiled by one executor, with the default kernels.
 *
 * @param kind - the executor.
 * @param data - initial parameters and the batch.
 * @returns the contender (its `forward` is the loss alone).
 */
export function chainruleCnn(kind: ExecutorKind, data: CnnData): TrainingContender {
  return chainruleTraining(EXECUTOR_KEYS[kind], cnnGraph(data), kind);
}

