import { expectNode, type Node } from '@chainrule/graph';

/**
 * Per-example losses ℓ(y, ŷ) from the lecture, each returning one value per example (shape
 * [batch]); {@link empiricalRisk} averages them. Targets y are one-hot rows (multi-class) or 0/1
 * columns (binary); predictions are probabilities ŷ or logits z as each name says.
 */

/** Checks a loss's operands: two nodes of one graph. */
function operands(fn: string, names: readonly [string, string], a: unknown, b: unknown): void {
  const first = expectNode(fn, names[0], a);
  expectNode(fn, names[1], b, first.graph);
}

/** Sums over the last (class) axis, leaving one value per example. */
const perExample = (v: Node): Node => v.sum(-1);

/**
 * Squared loss ℓ(y, ŷ) = ‖y − ŷ‖² = Σᵢ (yᵢ − ŷᵢ)² (binary: one column, (ŷ − y)²).
 *
 * @param prediction - ŷ, [batch, d].
 * @param target - y, [batch, d].
 * @returns ℓ per example, [batch].
 * @example
 * ```ts
 * empiricalRisk(squaredLoss(model.forward(x, { training: true }), y));
 * ```
 */
export function squaredLoss(prediction: Node, target: Node): Node {
  operands('squaredLoss', ['prediction', 'target'], prediction, target);
  return perExample(prediction.sub(target).square());
}

/**
 * Binary cross-entropy from probabilities, ℓ(y, ŷ) = −y log ŷ − (1 − y) log(1 − ŷ). Exactly the
 * lecture's formula: it is infinite where ŷ reaches 0 or 1 on the wrong side — prefer
 * {@link binaryCrossEntropyFromLogits}.
 *
 * @param probability - ŷ ∈ [0, 1], [batch, 1].
 * @param target - y ∈ {0, 1}, [batch, 1].
 * @returns ℓ per example, [batch].
 * @example
 * ```ts
 * binaryCrossEntropy(model.forward(x, { training: false }), y);
 * ```
 */
export function binaryCrossEntropy(probability: Node, target: Node): Node {
  operands('binaryCrossEntropy', ['probability', 'target'], probability, target);
  const g = probability.graph;
  // 0 · log 0 = 0 on the side the target rules out (where, not a product, so no NaN)
  const positive = g.where(target.greater(0), target.mul(probability.log()), 0);
  const negative = g.where(target.less(1), target.neg().add(1).mul(probability.neg().add(1).log()), 0);
  return perExample(positive.add(negative).neg());
}

/**
 * Binary cross-entropy from a logit z (ŷ = σ(z)), computed stably as softplus(z) − y·z, which equals
 * −y log σ(z) − (1 − y) log(1 − σ(z)) and stays finite for any z.
 *
 * @param logit - z, [batch, 1].
 * @param target - y ∈ {0, 1} (or a probability), [batch, 1].
 * @returns ℓ per example, [batch].
 * @example
 * ```ts
 * binaryCrossEntropyFromLogits(model.forward(x, { training: true }), y);
 * ```
 */
export function binaryCrossEntropyFromLogits(logit: Node, target: Node): Node {
  operands('binaryCrossEntropyFromLogits', ['logit', 'target'], logit, target);
  return perExample(logit.softplus().sub(target.mul(logit)));
}

/**
 * Multi-class cross-entropy from probabilities, ℓ(y, ŷ) = −Σᵢ yᵢ log ŷᵢ (terms with yᵢ = 0 count 0).
 *
 * @param probability - ŷ, a distribution per row, [batch, d].
 * @param target - y, one-hot (or a distribution), [batch, d].
 * @returns ℓ per example, [batch].
 * @example
 * ```ts
 * crossEntropy(model.forward(x, { training: false }), y);
 * ```
 */
export function crossEntropy(probability: Node, target: Node): Node {
  operands('crossEntropy', ['probability', 'target'], probability, target);
  return perExample(probability.graph.where(target.greater(0), target.mul(probability.log()), 0).neg());
}

/**
 * Multi-class cross-entropy from logits z (ŷ = softmax(z)), computed stably as
 * −Σᵢ yᵢ (zᵢ − logΣⱼ exp zⱼ): finite for logits of any size.
 *
 * @param logits - z, [batch, d].
 * @param target - y, one-hot (or a distribution), [batch, d].
 * @returns ℓ per example, [batch].
 * @example
 * ```ts
 * empiricalRisk(crossEntropyFromLogits(model.forward(x, { training: true }), y));
 * ```
 */
export function crossEntropyFromLogits(logits: Node, target: Node): Node {
  operands('crossEntropyFromLogits', ['logits', 'target'], logits, target);
  return perExample(logits.logSoftmax(-1).mul(target).neg());
}

/**
 * Kullback–Leibler divergence KL(y ‖ ŷ) = Σᵢ yᵢ log(yᵢ/ŷᵢ) = −H(y) + cross-entropy, with 0 log 0 = 0.
 * Arguments in the order of every loss here: prediction first, target second.
 *
 * @param probability - ŷ, [batch, d].
 * @param target - the reference distribution y, [batch, d].
 * @returns KL(y ‖ ŷ) per example, [batch].
 * @example
 * ```ts
 * klDivergence(model.forward(x, { training: false }), y);
 * ```
 */
export function klDivergence(probability: Node, target: Node): Node {
  operands('klDivergence', ['probability', 'target'], probability, target);
  return perExample(target.graph.where(target.greater(0), target.mul(target.log().sub(probability.log())), 0));
}

/**
 * Misclassification, the lecture's "negative accuracy", as a metric: binary (one column, ŷ a
 * probability) 1[(y − ½)(ŷ − ½) < 0]; multi-class, 1 unless the target's class has the largest
 * score (a tie at the top counts as correct).
 *
 * @param prediction - ŷ (probabilities or logits for multi-class), [batch, d].
 * @param target - y, [batch, d].
 * @returns 0/1 per example, [batch]; not differentiable.
 * @example
 * ```ts
 * const errorRate = empiricalRisk(misclassification(out, y));
 * ```
 */
export function misclassification(prediction: Node, target: Node): Node {
  operands('misclassification', ['prediction', 'target'], prediction, target);
  if (prediction.shape[prediction.rank - 1] === 1) {
    return perExample(target.sub(0.5).mul(prediction.sub(0.5)).less(0));
  }
  return topClassMissed(prediction, target);
}

/**
 * Misclassification for a model that outputs logits: binary (one column) 1[(y − ½)·z < 0], i.e.
 * σ(z) on the wrong side of ½; multi-class as {@link misclassification} (softmax keeps the order).
 *
 * @param logits - z, [batch, d].
 * @param target - y, [batch, d].
 * @returns 0/1 per example, [batch]; not differentiable.
 * @example
 * ```ts
 * new Trainer({ model, inputUnits: 784, targetUnits: 10, loss: crossEntropyFromLogits, rule: adam(), metrics: { error: misclassificationFromLogits } });
 * ```
 */
export function misclassificationFromLogits(logits: Node, target: Node): Node {
  operands('misclassificationFromLogits', ['logits', 'target'], logits, target);
  if (logits.shape[logits.rank - 1] === 1) return perExample(target.sub(0.5).mul(logits).less(0));
  return topClassMissed(logits, target);
}

/** 1 unless the target's class has the largest score (a tie at the top counts as correct). */
function topClassMissed(prediction: Node, target: Node): Node {
  const top = prediction.equal(prediction.max(-1, true)); // 1 at the largest score(s)
  return perExample(top.mul(target)).greater(0).neg().add(1);
}

/**
 * The empirical risk (1/m) Σᵢ ℓ(yᵢ, h_w(xᵢ)) of per-example losses, plus λφ(w) when given.
 *
 * @param losses - ℓ per example, [batch].
 * @param regularization - λφ(w) as a scalar node (see `@chainrule/optim`'s regularisers).
 * @returns the scalar risk.
 * @example
 * ```ts
 * const f = empiricalRisk(crossEntropyFromLogits(z, y), l2Squared(params).mul(1e-4));
 * ```
 */
export function empiricalRisk(losses: Node, regularization?: Node): Node {
  expectNode('empiricalRisk', 'losses', losses);
  if (regularization !== undefined) expectNode('empiricalRisk', 'regularization', regularization, losses.graph);
  const risk = losses.mean();
  return regularization === undefined ? risk : risk.add(regularization);
}
