import { ShapeError, expectNode, expectNumber, type Node } from '@chainrule/graph';
import { misclassification, misclassificationFromLogits } from './losses.js';

/**
 * Classification metrics as graph nodes, like the losses: per-example values ([batch]) that a
 * {@link Trainer}'s `metrics` averages over a data set, and the confusion matrix of a batch. Targets
 * are one-hot rows, as the losses take them; predictions are scores per class (probabilities or
 * logits: the order is all that counts, except for one-column binary outputs).
 */

/** Checks a metric's operands: nodes of one graph, both [batch, d] with the same d. */
function operands(fn: string, prediction: unknown, target: unknown): void {
  const p = expectNode(fn, 'prediction', prediction);
  const y = expectNode(fn, 'target', target, p.graph);
  if (p.rank !== 2 || y.rank !== 2 || p.shape[1] !== y.shape[1]) {
    throw new ShapeError(`${fn}: prediction and target must both be [batch, classes] with the same number of classes, got [${p.shape.join(', ')}] and [${y.shape.join(', ')}]`);
  }
}

/**
 * Accuracy per example: 1 where the prediction's class is the target's, else 0 — exactly
 * 1 − {@link misclassification}. Multi-class: 1 when no class scores higher than the target's (a tie
 * at the top counts as correct); binary (one column, ŷ a probability): 1[(y − ½)(ŷ − ½) ≥ 0]. For a
 * one-column logit use {@link accuracyFromLogits}.
 *
 * @param prediction - ŷ: probabilities or logits for multi-class, a probability for one column; [batch, d].
 * @param target - y, one-hot rows (a 0/1 column for binary), [batch, d].
 * @returns 0/1 per example, [batch]; its mean is the accuracy. Not differentiable.
 * @throws ShapeError when the two are not both [batch, d] with the same d.
 * @example
 * ```ts
 * new Trainer({ model, inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: adamw(), metrics: { accuracy } });
 * ```
 */
export function accuracy(prediction: Node, target: Node): Node {
  operands('accuracy', prediction, target);
  return misclassification(prediction, target).neg().add(1);
}

/**
 * Accuracy per example for a model that outputs logits: as {@link accuracy}, except that a single
 * column is a logit z thresholded at 0 (σ(z) at ½) — exactly 1 − {@link misclassificationFromLogits}.
 *
 * @param logits - z, [batch, d].
 * @param target - y, one-hot rows (a 0/1 column for binary), [batch, d].
 * @returns 0/1 per example, [batch]. Not differentiable.
 * @throws ShapeError when the two are not both [batch, d] with the same d.
 * @example
 * ```ts
 * const trainer = new Trainer({ model, inputUnits: 2, targetUnits: 1, loss: binaryCrossEntropyFromLogits, rule: adam(), metrics: { accuracy: accuracyFromLogits } });
 * ```
 */
export function accuracyFromLogits(logits: Node, target: Node): Node {
  operands('accuracyFromLogits', logits, target);
  return misclassificationFromLogits(logits, target).neg().add(1);
}

/**
 * Top-k accuracy per example: 1 when the target's class is among the k highest-scoring classes.
 * NOTE on ties: the target counts as in the top k when fewer than k classes score strictly higher
 * than it, so classes tied at the k-th place are all in (as TensorFlow's `in_top_k`); k = 1 is then
 * {@link accuracy}'s rule. A NaN score of the target's class is a miss; NaN scores of other classes
 * never count as higher.
 *
 * @param prediction - scores per class (probabilities or logits), [batch, d].
 * @param target - y, one-hot rows, [batch, d].
 * @param k - how many top classes count (an integer from 1 to d).
 * @returns 0/1 per example, [batch]. Not differentiable.
 * @throws ShapeError when the two are not both [batch, d] with the same d; ArgumentError when k is not an integer in [1, d].
 * @example
 * ```ts
 * metrics: { top5: (output, y) => topK(output, y, 5) }
 * ```
 */
export function topK(prediction: Node, target: Node, k: number): Node {
  operands('topK', prediction, target);
  const classes = prediction.shape[1];
  expectNumber('topK', 'k', k, { kind: 'integer', min: 1, ...(typeof classes === 'number' ? { max: classes } : {}) });
  const g = prediction.graph;
  const own = g.where(target.greater(0), prediction, -Infinity).max(-1, true); // the target class's score, [batch, 1]
  const higher = prediction.greater(own).sum(-1); // classes scoring strictly higher
  return higher.less(k).mul(own.equal(own).squeeze(-1)); // … fewer than k, and the target's score not NaN
}

/**
 * The confusion matrix of a batch: C[i][j] = the number of examples of class i (the target's one-hot
 * index) predicted as class j. Rows are the true classes, columns the predicted ones, so the diagonal
 * holds the correct predictions and C sums over batches. NOTE on ties: the predicted class is the
 * first (lowest-index) class with the largest score, as argmax in NumPy and TensorFlow — so with a
 * tie at the top a row may count as wrong here and correct in {@link accuracy}. A row with a NaN
 * score is counted in no column. Needs at least two columns (for one-column binary outputs, pass the
 * two-class scores `g.concat([p.neg().add(1), p], 1)`).
 *
 * @param prediction - scores per class (probabilities or logits), [batch, d].
 * @param target - y, one-hot rows (a distribution spreads its count over its classes), [batch, d].
 * @returns the counts, [d, d]. Not differentiable.
 * @throws ShapeError when the two are not both [batch, d] with the same d ≥ 2.
 * @example
 * ```ts
 * const [counts] = g.run([confusionMatrix(model.forward(x, { training: false }), y)], { x: images, y: labels });
 * ```
 */
export function confusionMatrix(prediction: Node, target: Node): Node {
  operands('confusionMatrix', prediction, target);
  const classes = prediction.shape[1];
  if (typeof classes !== 'number' || classes < 2) {
    throw new ShapeError(`confusionMatrix: needs a known number of classes ≥ 2, got [${prediction.shape.join(', ')}] (for a one-column probability p, pass g.concat([p.neg().add(1), p], 1))`);
  }
  const g = prediction.graph;
  const index = g.constant(Array.from({ length: classes }, (_, j) => j), prediction.dtype); // 0, 1, …, d − 1
  const atTop = prediction.equal(prediction.max(-1, true));
  const predicted = g.where(atTop, index, classes).min(-1, true); // the first class with the largest score, [batch, 1]
  return target.matmul(index.equal(predicted), { transposeA: true }); // Yᵀ · onehot(predicted)
}
