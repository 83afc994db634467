/**
 * Items 1 and 4: one training step (forward, backward, Adam update) of the MLP 784-256-128-10 with
 * ReLU and softmax cross-entropy on a batch of 128, float32, and its forward pass alone. Every
 * contender computes the same thing from the same numbers: h = relu(x·W + b) per hidden layer, W
 * stored [in, out]; loss = mean over the batch of −Σ y log softmax(z); Adam with η = 1e-3, β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-8 outside the square root (tfjs's placement).
 */
import { Graph, Tensor, type Node } from '@chainrule/graph';
import { crossEntropyFromLogits, empiricalRisk } from '@chainrule/nn';
import { adam, minimize } from '@chainrule/optim';
import { chainruleTraining, EXECUTOR_KEYS, type ExecutorKind, type KernelVariant, type TrainingGraph } from './chainrule.js';
import { ADAM, MLP_LR, type MlpData } from './data.js';
import { tf, useBackend, type TfBackend } from './tfjs.js';
import { tfjsTraining } from './tfjs-training.js';
import type { TrainingContender } from './training.js';

/**
 * Builds an MLP as a chainrule graph (float32, symbolic batch) from the shared data (its layers and batch).
 *
 * @param data - initial parameters and the batch.
 * @returns the graph, loss, update and feeds.
 */
export function mlpGraph(data: MlpData): TrainingGraph {
  const layers = data.layers;
  const g = new Graph();
  const x = g.input('x', ['batch', layers[0]!], 'float32');
  const y = g.input('y', ['batch', layers[layers.length - 1]!], 'float32');
  const params: Node[] = [];
  let h = x;
  for (let l = 0; l + 1 < layers.length; l++) {
    const W = g.variable(`W${l}`, new Tensor(data.weights[l]!.slice(), [layers[l]!, layers[l + 1]!]));
    const b = g.variable(`b${l}`, new Tensor(data.biases[l]!.slice(), [layers[l + 1]!]));
    params.push(W, b);
    h = h.matmul(W).add(b);
    if (l + 2 < layers.length) h = h.relu();
  }
  const loss = empiricalRisk(crossEntropyFromLogits(h, y));
  const update = minimize(loss, params, adam({ lr: MLP_LR, ...ADAM, epsilonPlacement: 'outside' }));
  const feeds = {
    x: new Tensor(data.x, [data.batch, layers[0]!]),
    y: new Tensor(data.y, [data.batch, layers[layers.length - 1]!]),
  };
  return { graph: g, loss, update, feeds };
}

/**
 * The MLP as a chainrule graph, compiled by one executor, run with the default kernels or a variant
 * (key `chainrule_compiled_wasm_1t`, …).
 *
 * @param kind - the executor.
 * @param data - initial parameters and the batch.
 * @param variant - kernel settings other than the defaults.
 * @returns the contender.
 */
export function chainruleMlp(kind: ExecutorKind, data: MlpData, variant?: KernelVariant): TrainingContender {
  const key = variant === undefined ? EXECUTOR_KEYS[kind] : `${EXECUTOR_KEYS[kind]}_${variant.suffix}`;
  return chainruleTraining(key, mlpGraph(data), kind, variant?.options);
}

/**
 * The MLP in TensorFlow.js as a user would write it: variables, `tf.losses.softmaxCrossEntropy`,
 * `tf.train.adam(…).minimize`.
 *
 * @param backend - the tfjs backend; its tensors are made while it is active.
 * @param data - initial parameters and the batch.
 * @returns the contender.
 */
export async function tfjsMlp(backend: TfBackend, data: MlpData): Promise<TrainingContender> {
  await useBackend(backend);
  const ws: tf.Variable[] = [];
  const bs: tf.Variable[] = [];
  for (let l = 0; l + 1 < data.layers.length; l++) {
    ws.push(tf.variable(tf.tensor2d(data.weights[l]!, [data.layers[l]!, data.layers[l + 1]!])));
    bs.push(tf.variable(tf.tensor1d(data.biases[l]!)));
  }
  const x = tf.tensor2d(data.x, [data.batch, data.layers[0]!]);
  const y = tf.tensor2d(data.y, [data.batch, data.layers[data.layers.length - 1]!]);
  const lossOf = (): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let l = 0; l < ws.length; l++) {
      h = tf.add(tf.matMul(h, ws[l]!), bs[l]!);
      if (l + 1 < ws.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
  };
  return tfjsTraining(backend, [...ws, ...bs], lossOf, MLP_LR);
}
