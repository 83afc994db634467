/**
 * A network trained with TensorFlow.js as a user would: its variables, `tf.train.adam(…).minimize`,
 * the loss read back after every step.
 */
import { ADAM } from './data.js';
import { readScalar, tf, TF_KEYS, useBackend, type TfBackend } from './tfjs.js';
import type { TrainingContender } from './training.js';

/**
 * A tfjs training contender. Its reset assigns the variables their initial values again and replaces
 * the optimiser with a fresh `tf.train.adam` (disposing the old one's moments and β powers), so no
 * tensor is left behind: `tf.memory().numTensors` is the same after a reset as after the first.
 *
 * @param backend - the backend the variables were made on (active when this is called).
 * @param variables - the trainable variables, at their initial values.
 * @param lossOf - the loss of the batch at the variables' current values.
 * @param lr - Adam's step size.
 * @returns the contender.
 * @example
 * ```ts
 * const c = tfjsTraining('wasm', [w, b], () => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar, 1e-3);
 * ```
 */
export function tfjsTraining(backend: TfBackend, variables: readonly tf.Variable[], lossOf: () => tf.Scalar, lr: number): TrainingContender {
  // tfjs tensors are immutable (an update assigns a new tensor to the variable), so a clone sharing
  // the initial data keeps it.
  const initial = variables.map((v) => tf.clone(v));
  const adam = (): tf.AdamOptimizer => tf.train.adam(lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  let optimizer = adam();
  const trained = [...variables];
  return {
    key: TF_KEYS[backend],
    enter: () => useBackend(backend),
    step: () => readScalar(tf.tidy(() => optimizer.minimize(lossOf, true, trained)!)),
    forward: () => readScalar(tf.tidy(lossOf)),
    reset: () => {
      variables.forEach((v, i) => v.assign(initial[i]!));
      optimizer.dispose();
      optimizer = adam();
    },
    liveTensors: () => tf.memory().numTensors,
  };
}
