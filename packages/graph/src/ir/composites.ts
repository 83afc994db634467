import { ArgumentError, ShapeError, describeValue } from '../core/errors.js';
import { expectNumber, expectOptions } from '../core/arguments.js';
import { Node } from './node.js';
import { formatShape, isConcrete, normalizeAxes } from '../core/shape.js';
import { inferBatchNorm } from '../ops/normalization.js';

// Composites: ops built from primitives, so they need no kernel and no derivative rule of their own.

/** Checks the operand of a composite called as a function (as a method, it is the node itself). */
function operand(fn: string, x: unknown): Node {
  if (!(x instanceof Node)) throw new ArgumentError(fn, 'x', 'a graph node', x);
  return x;
}

/**
 * Arithmetic mean over `axes` (all by default): Σx / n, where n is the number of elements reduced
 * (known when the graph runs if the axes are symbolic).
 *
 * @param x - the operand.
 * @param axes - axes to average over.
 * @param keepDims - keep reduced axes as size 1.
 * @returns the mean.
 * @throws ShapeError when an axis is out of range or repeated.
 * @example
 * ```ts
 * mean(g.input('x', ['batch', 10]), 0); // shape [10]
 * ```
 */
export function mean(x: Node, axes?: number | readonly number[], keepDims = false): Node {
  operand('mean', x);
  const reduced = normalizeAxes('mean', axes, x.rank, x.shape);
  const dims = reduced.map((a) => x.shape[a]!);
  const total = x.sum(reduced, keepDims);
  if (isConcrete(dims)) return total.div((dims as readonly number[]).reduce((n, d) => n * d, 1));
  return total.div(x.graph.apply('dimSize', [x], { axes: reduced }));
}

/**
 * Minimum over `axes`, as −max(−x).
 *
 * @param x - the operand.
 * @param axes - axes to reduce (all by default).
 * @param keepDims - keep reduced axes as size 1.
 * @returns the minimum.
 * @example
 * ```ts
 * min(x, -1);
 * ```
 */
export function min(x: Node, axes?: number | readonly number[], keepDims = false): Node {
  operand('min', x);
  return x.neg().max(axes, keepDims).neg();
}

/**
 * The shift m used by stable exponentials: max over `axes` (kept as size 1), replaced by 0 where it
 * is ±∞ (so an all −∞ slice gives −∞, not NaN), with gradients stopped. NOTE: stopping the gradient
 * is exact here because the results do not depend on m at all.
 */
function stableShift(x: Node, axes: number[]): Node {
  const m = x.max(axes, true);
  return x.graph.where(m.abs().less(Infinity), m, 0).stopGradient();
}

/**
 * ln Σ exp(x) over `axes`, computed as m + ln Σ exp(x − m) with m the maximum, so that it neither
 * overflows nor underflows; its gradient is softmax(x).
 *
 * @param x - the operand.
 * @param axes - axes to reduce (all by default).
 * @param keepDims - keep reduced axes as size 1.
 * @returns the log-sum-exp.
 * @example
 * ```ts
 * logSumExp(logits, -1);
 * ```
 */
export function logSumExp(x: Node, axes?: number | readonly number[], keepDims = false): Node {
  operand('logSumExp', x);
  const reduced = normalizeAxes('logSumExp', axes, x.rank, x.shape);
  const m = stableShift(x, reduced);
  const lse = x.sub(m).exp().sum(reduced, true).log().add(m);
  return keepDims ? lse : squeeze(lse, reduced);
}

/**
 * softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along `axis`, computed with the maximum subtracted first.
 *
 * @param x - the logits.
 * @param axis - the class axis (last by default).
 * @returns probabilities that sum to 1 along `axis`.
 * @example
 * ```ts
 * softmax(logits); // along the last axis
 * ```
 */
export function softmax(x: Node, axis = -1): Node {
  operand('softmax', x);
  const e = x.sub(stableShift(x, normalizeAxes('softmax', axis, x.rank, x.shape))).exp();
  return e.div(e.sum(axis, true));
}

/**
 * log softmax(x) = x − logSumExp(x) along `axis`: finite wherever x is, even for logits of ±1000.
 *
 * @param x - the logits.
 * @param axis - the class axis (last by default).
 * @returns log-probabilities along `axis`.
 * @example
 * ```ts
 * logSoftmax(logits).mul(oneHotLabels).sum(-1).neg(); // cross-entropy per example
 * ```
 */
export function logSoftmax(x: Node, axis = -1): Node {
  operand('logSoftmax', x);
  return x.sub(logSumExp(x, axis, true));
}

/**
 * Inserts an axis of size 1.
 *
 * @param x - the operand.
 * @param axis - where the new axis goes, in −(rank+1)..rank.
 * @returns a reshaped node.
 * @throws ShapeError when the axis is out of range.
 * @example
 * ```ts
 * expandDims(v, 0); // [n] → [1, n]
 * ```
 */
export function expandDims(x: Node, axis: number): Node {
  operand('expandDims', x);
  const r = x.rank;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -(r + 1) || axis > r) {
    throw new ShapeError(`expandDims: axis ${describeValue(axis)} is out of range for ${formatShape(x.shape)} (allowed ${-(r + 1)}..${r})`);
  }
  const at = axis < 0 ? axis + r + 1 : axis;
  return x.reshape([...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

/**
 * Removes axes of size 1: the given ones (each must have size 1), or all of them.
 *
 * @param x - the operand.
 * @param axes - axes to remove.
 * @returns a reshaped node.
 * @throws ShapeError when a given axis is out of range or does not have size 1.
 * @example
 * ```ts
 * squeeze(g.input('x', [1, 3, 1])); // shape [3]
 * ```
 */
export function squeeze(x: Node, axes?: number | readonly number[]): Node {
  operand('squeeze', x);
  const drop =
    axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axes, x.rank, x.shape);
  for (const a of drop) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return x.reshape(x.shape.filter((_, i) => !drop.includes(i)));
}

/**
 * The result of {@link batchNormTraining}: the normalised value and the batch statistics it used.
 *
 * @example
 * ```ts
 * const { y, mean, variance }: BatchNormTrainingResult = batchNormTraining(x, scale, offset);
 * ```
 */
export interface BatchNormTrainingResult {
  /** γ·(x − μ_B)/√(σ²_B + ε) + β, shaped like x. */
  readonly y: Node;
  /** μ_B, the mean of x over every axis but the last: [channels]. */
  readonly mean: Node;
  /** σ²_B, the biased (1/n) variance of x over every axis but the last: [channels]. */
  readonly variance: Node;
}

/**
 * Batch normalisation in training mode: the statistics are the batch's own, per channel (last
 * axis) over every other axis — μ_B = (1/n) Σ x and σ²_B = (1/n) Σ (x − μ_B)², biased as the
 * normalisation uses it — and y = γ·(x − μ_B)/√(σ²_B + ε) + β is the `batchNorm` op applied with
 * them. Gradients of y flow through μ_B and σ²_B back to x. Keep running averages of the returned
 * statistics for evaluation, where `x.batchNorm(scale, offset, runningMean, runningVariance)` runs.
 *
 * @param x - the activations, [..., channels] (rank ≥ 2; leading axes may be symbolic).
 * @param scale - γ, [channels].
 * @param offset - β, [channels].
 * @param options - `epsilon`: ε > 0 added to the variance (1e-5 by default).
 * @returns `{ y, mean, variance }`.
 * @throws ArgumentError when an operand is not a node or ε is not a finite number > 0.
 * @throws ShapeError when x has rank below 2 or γ, β are not [channels] of x's dtype.
 * @example
 * ```ts
 * const x = g.input('x', ['batch', 28, 28, 8]);
 * const { y, mean, variance } = batchNormTraining(x, g.variable('gamma', ones([8])), g.variable('beta', zeros([8])));
 * ```
 */
export function batchNormTraining(x: Node, scale: Node, offset: Node, options: { readonly epsilon?: number } = {}): BatchNormTrainingResult {
  const fn = 'batchNormTraining';
  operand(fn, x);
  for (const [name, v] of [['scale', scale], ['offset', offset]] as const) {
    if (!(v instanceof Node)) throw new ArgumentError(fn, name, 'a graph node', v);
    if (v.graph !== x.graph) throw new ArgumentError(fn, name, "a node of x's graph", v);
  }
  const given = expectOptions(fn, 'options', options)['epsilon'] ?? 1e-5;
  const epsilon = expectNumber(fn, 'options.epsilon', given);
  if (!(epsilon > 0)) throw new ArgumentError(fn, 'options.epsilon', 'a finite number > 0', epsilon);
  const statistic = { shape: x.shape.slice(-1), dtype: x.dtype };
  inferBatchNorm(fn, x, { scale, offset, mean: statistic, variance: statistic }); // every shape checked before a node is built
  const batchAxes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const mean = x.mean(batchAxes);
  const variance = x.sub(mean).square().mean(batchAxes);
  return { y: x.batchNorm(scale, offset, mean, variance, { epsilon }), mean, variance };
}
