import type { DType } from '../core/dtype.js';
import type { GraphCore } from './graph.js';
import type { RawAttrs } from '../ops/attrs.js';
import type { Dim, SymbolicShape } from '../core/shape.js';
import { batchNormTraining, expandDims, logSoftmax, logSumExp, mean, min, softmax, squeeze, type BatchNormTrainingResult } from './composites.js';
import { expectOptions } from '../core/arguments.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { convAttrs, poolAttrs, type Conv2dOptions, type Pool2dOptions } from './window-options.js';

/**
 * A number operand is lifted to a scalar constant of the other operand's dtype.
 *
 * @example
 * ```ts
 * const b: Operand = 1;
 * x.add(b); // the number is lifted to a scalar constant of x's dtype
 * ```
 */
export type Operand = Node | number;

/**
 * Where a node came from when a transform (such as differentiation) created it.
 *
 * @example
 * ```ts
 * const origin: NodeOrigin = { node: y.id, rule: 'vjp:mul' };
 * g.withOrigin(origin, () => ct.mul(x)).origin?.rule; // 'vjp:mul'
 * ```
 */
export interface NodeOrigin {
  /** Id of the node the transform was processing. */
  readonly node: number;
  /** Name of the rule that created this node, e.g. `vjp:mul`. */
  readonly rule: string;
}

/**
 * A symbolic handle for one node of a {@link Graph}: an op applied to earlier nodes, with a static
 * shape and dtype known from the moment it is built. Nodes are immutable; methods build new nodes.
 * (A concrete value is a {@link Tensor}; a run turns nodes into tensors.)
 *
 * @example
 * ```ts
 * const g = new Graph();
 * const x = g.input('x', [4, 2]);
 * const y = x.matmul(g.variable('w', zeros([2, 1]))).sigmoid();
 * y.shape; // [4, 1]
 * ```
 */
export class Node {
  /**
   * @internal Nodes are created by {@link GraphCore.apply} and the graph's source methods.
   */
  constructor(
    /** The graph this node belongs to. */
    readonly graph: GraphCore,
    /** Position of the node in its graph (creation order, which is a topological order). */
    readonly id: number,
    /** Name of the primitive op. */
    readonly op: string,
    /** Operand nodes, in order. */
    readonly inputs: readonly Node[],
    /** Validated attributes of the op. */
    readonly attrs: Readonly<RawAttrs>,
    /** Static shape; may contain symbolic dimensions such as `'batch'`. */
    readonly shape: SymbolicShape,
    /** Element type. */
    readonly dtype: DType,
    /** Set when a transform created the node on behalf of another one. */
    readonly origin: NodeOrigin | undefined,
  ) {
    Object.freeze(this);
  }

  /**
   * The name of an input or variable node; `undefined` for other nodes.
   *
   * @example
   * ```ts
   * g.input('x', [2]).name; // 'x'
   * ```
   */
  get name(): string | undefined {
    return this.op === 'input' || this.op === 'variable' ? (this.attrs['name'] as string) : undefined;
  }

  /**
   * Number of axes (0 for a scalar).
   *
   * @example
   * ```ts
   * g.input('x', ['batch', 784]).rank; // 2
   * ```
   */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * A short label for messages, e.g. `#12 matmul` or `#0 input 'x'`.
   *
   * @returns the id, op and (for inputs and variables) the name.
   * @example
   * ```ts
   * String(g.input('x', [2])); // "#0 input 'x'"
   * ```
   */
  toString(): string {
    return `#${this.id} ${this.op}${this.name !== undefined ? ` '${this.name}'` : ''}`;
  }

  private lift(v: Operand): Node {
    return typeof v === 'number' ? this.graph.scalar(v, this.dtype) : v;
  }

  private unary(op: string, attrs: RawAttrs = {}): Node {
    return this.graph.apply(op, [this], attrs);
  }

  private binary(op: string, other: Operand): Node {
    return this.graph.apply(op, [this, this.lift(other)], {});
  }

  /**
   * Elementwise `this + other`, broadcasting by NumPy rules.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the sum, shaped like the broadcast of both operands.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.add(1); // [n, m] + scalar → [n, m]
   * ```
   */
  add(other: Operand): Node {
    return this.binary('add', other);
  }
  /**
   * Elementwise `this − other`, broadcasting by NumPy rules.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the difference, shaped like the broadcast of both operands.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.sub(x.mean(0, true)); // centre the columns of [n, m]
   * ```
   */
  sub(other: Operand): Node {
    return this.binary('sub', other);
  }
  /**
   * Elementwise `this · other`, broadcasting by NumPy rules.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the product, shaped like the broadcast of both operands.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.mul(w); // [n, m] · [m] → [n, m]
   * ```
   */
  mul(other: Operand): Node {
    return this.binary('mul', other);
  }
  /**
   * Elementwise `this / other`, broadcasting by NumPy rules.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the quotient, shaped like the broadcast of both operands.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.div(x.sum(-1, true)); // rows of [n, m] sum to 1
   * ```
   */
  div(other: Operand): Node {
    return this.binary('div', other);
  }
  /**
   * Elementwise `this ^ other`, broadcasting by NumPy rules (NaN for a negative base with a non-integer exponent).
   *
   * @param other - the exponent: a node, or a number lifted to a scalar of this dtype.
   * @returns the power, shaped like the broadcast of both operands.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.pow(3); // x³
   * ```
   */
  pow(other: Operand): Node {
    return this.binary('pow', other);
  }
  /**
   * Elementwise maximum of `this` and `other`, broadcasting by NumPy rules; NaN propagates.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the larger value per element.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.maximum(0); // relu by hand
   * ```
   */
  maximum(other: Operand): Node {
    return this.binary('maximum', other);
  }
  /**
   * Elementwise minimum of `this` and `other`, broadcasting by NumPy rules; NaN propagates.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns the smaller value per element.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.minimum(1); // clamp from above
   * ```
   */
  minimum(other: Operand): Node {
    return this.binary('minimum', other);
  }
  /**
   * 1 where `this > other`, else 0 (broadcasting); not differentiable.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns a 0/1 mask of this dtype.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * g.where(x.greater(0), x, 0); // keep the positive part
   * ```
   */
  greater(other: Operand): Node {
    return this.binary('greater', other);
  }
  /**
   * 1 where `this < other`, else 0 (broadcasting); not differentiable.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns a 0/1 mask of this dtype.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * x.less(0).sum(); // count negatives
   * ```
   */
  less(other: Operand): Node {
    return this.binary('less', other);
  }
  /**
   * 1 where `this = other`, else 0 (broadcasting); not differentiable.
   *
   * @param other - a node, or a number lifted to a scalar of this dtype.
   * @returns a 0/1 mask of this dtype.
   * @throws ShapeError when the shapes do not broadcast or the dtypes differ.
   * @example
   * ```ts
   * predicted.equal(labels).mean(); // accuracy
   * ```
   */
  equal(other: Operand): Node {
    return this.binary('equal', other);
  }

  /**
   * Elementwise −x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.neg();
   * ```
   */
  neg(): Node {
    return this.unary('neg');
  }
  /**
   * Elementwise |x|.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.abs().sum(); // ‖x‖₁
   * ```
   */
  abs(): Node {
    return this.unary('abs');
  }
  /**
   * Elementwise sign(x) ∈ {−1, 0, 1}.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.sign();
   * ```
   */
  sign(): Node {
    return this.unary('sign');
  }
  /**
   * Elementwise eˣ.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.exp();
   * ```
   */
  exp(): Node {
    return this.unary('exp');
  }
  /**
   * Elementwise ln x (−∞ at 0, NaN below).
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * p.log();
   * ```
   */
  log(): Node {
    return this.unary('log');
  }
  /**
   * Elementwise ln(1 + x), accurate for small x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.neg().exp().log1p(); // ln(1 + e⁻ˣ)
   * ```
   */
  log1p(): Node {
    return this.unary('log1p');
  }
  /**
   * Elementwise √x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.square().sum().sqrt(); // ‖x‖₂
   * ```
   */
  sqrt(): Node {
    return this.unary('sqrt');
  }
  /**
   * Elementwise x².
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * y.sub(t).square().mean(); // mean squared error
   * ```
   */
  square(): Node {
    return this.unary('square');
  }
  /**
   * Elementwise 1/x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.reciprocal();
   * ```
   */
  reciprocal(): Node {
    return this.unary('reciprocal');
  }
  /**
   * Elementwise sin x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.sin();
   * ```
   */
  sin(): Node {
    return this.unary('sin');
  }
  /**
   * Elementwise cos x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.cos();
   * ```
   */
  cos(): Node {
    return this.unary('cos');
  }
  /**
   * Elementwise tanh x.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.matmul(w).tanh();
   * ```
   */
  tanh(): Node {
    return this.unary('tanh');
  }
  /**
   * Elementwise σ(x) = 1/(1 + e⁻ˣ).
   *
   * @returns a node of the same shape, in (0, 1).
   * @example
   * ```ts
   * x.matmul(w).sigmoid();
   * ```
   */
  sigmoid(): Node {
    return this.unary('sigmoid');
  }
  /**
   * Elementwise max(x, 0).
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.matmul(w).add(b).relu();
   * ```
   */
  relu(): Node {
    return this.unary('relu');
  }
  /**
   * Elementwise ln(1 + eˣ), a smooth relu.
   *
   * @returns a node of the same shape.
   * @example
   * ```ts
   * x.softplus();
   * ```
   */
  softplus(): Node {
    return this.unary('softplus');
  }
  /**
   * Elementwise flush-to-zero: a subnormal value of the dtype (0 < |x| < 2⁻¹²⁶ in float32,
   * 2⁻¹⁰²² in float64) becomes a zero of the same sign; every other value, NaN and ±∞ included,
   * is unchanged. Its derivative is taken as 1 (the flush is a rounding of the representation).
   *
   * @returns a node of the same shape and dtype.
   * @example
   * ```ts
   * m.mul(0.9).add(g.mul(0.1)).flushSubnormal(); // a float32 moment that never turns subnormal
   * ```
   */
  flushSubnormal(): Node {
    return this.unary('flushSubnormal');
  }

  /**
   * Σ over `axes` (all by default).
   *
   * @param axes - axis or axes to reduce (negative counts from the end); all axes when omitted.
   * @param keepDims - keep each reduced axis as size 1 (so the result broadcasts against `this`); dropped by default.
   * @returns the sums: `this` shape without the reduced axes (or with them as 1); a scalar when all axes go.
   * @throws ShapeError when an axis is out of range or repeated.
   * @example
   * ```ts
   * x.sum();        // [] from [n, m]
   * x.sum(1, true); // [n, 1] from [n, m]
   * ```
   */
  sum(axes?: number | readonly number[], keepDims = false): Node {
    return this.unary('sum', { axes: axes === undefined ? undefined : typeof axes === 'number' ? [axes] : axes, keepDims });
  }
  /**
   * Maximum over `axes` (all by default); −∞ for an empty reduction, NaN if any element is NaN.
   *
   * @param axes - axis or axes to reduce (negative counts from the end); all axes when omitted.
   * @param keepDims - keep each reduced axis as size 1 (so the result broadcasts against `this`); dropped by default.
   * @returns the maxima: `this` shape without the reduced axes (or with them as 1).
   * @throws ShapeError when an axis is out of range or repeated.
   * @example
   * ```ts
   * x.max(-1); // [n] from [n, m]
   * ```
   */
  max(axes?: number | readonly number[], keepDims = false): Node {
    return this.unary('max', { axes: axes === undefined ? undefined : typeof axes === 'number' ? [axes] : axes, keepDims });
  }
  /**
   * Minimum over `axes` (all by default), as −max(−x).
   *
   * @param axes - axis or axes to reduce (negative counts from the end); all axes when omitted.
   * @param keepDims - keep each reduced axis as size 1 (so the result broadcasts against `this`); dropped by default.
   * @returns the minima: `this` shape without the reduced axes (or with them as 1).
   * @throws ShapeError when an axis is out of range or repeated.
   * @example
   * ```ts
   * x.min(0, true); // [1, m] from [n, m]
   * ```
   */
  min(axes?: number | readonly number[], keepDims = false): Node {
    return min(this, axes, keepDims);
  }
  /**
   * Arithmetic mean over `axes` (all by default): Σx / n with n the number of elements reduced (read at run time for symbolic axes).
   *
   * @param axes - axis or axes to reduce (negative counts from the end); all axes when omitted.
   * @param keepDims - keep each reduced axis as size 1 (so the result broadcasts against `this`); dropped by default.
   * @returns the means: `this` shape without the reduced axes (or with them as 1).
   * @throws ShapeError when an axis is out of range or repeated.
   * @example
   * ```ts
   * g.input('x', ['batch', 10]).mean(0); // [10]
   * ```
   */
  mean(axes?: number | readonly number[], keepDims = false): Node {
    return mean(this, axes, keepDims);
  }
  /**
   * ln Σ eˣ over `axes` (all by default), computed stably as m + ln Σ eˣ⁻ᵐ with m the maximum.
   *
   * @param axes - axis or axes to reduce (negative counts from the end); all axes when omitted.
   * @param keepDims - keep each reduced axis as size 1 (so the result broadcasts against `this`); dropped by default.
   * @returns the log-sum-exp: `this` shape without the reduced axes (or with them as 1).
   * @throws ShapeError when an axis is out of range or repeated.
   * @example
   * ```ts
   * logits.logSumExp(-1, true); // [n, 1] from [n, k]
   * ```
   */
  logSumExp(axes?: number | readonly number[], keepDims = false): Node {
    return logSumExp(this, axes, keepDims);
  }
  /**
   * Softmax along `axis` (last by default): eˣⁱ / Σⱼ eˣʲ, computed with the maximum subtracted first.
   *
   * @param axis - the axis that sums to 1 (negative counts from the end).
   * @returns probabilities of the same shape.
   * @throws ShapeError when the axis is out of range.
   * @example
   * ```ts
   * logits.softmax(); // rows of [n, k] sum to 1
   * ```
   */
  softmax(axis = -1): Node {
    return softmax(this, axis);
  }
  /**
   * Log-softmax along `axis` (last by default): x − logSumExp(x), finite wherever x is.
   *
   * @param axis - the class axis (negative counts from the end).
   * @returns log-probabilities of the same shape.
   * @throws ShapeError when the axis is out of range.
   * @example
   * ```ts
   * logits.logSoftmax().mul(oneHotLabels).sum(-1).neg(); // cross-entropy per row
   * ```
   */
  logSoftmax(axis = -1): Node {
    return logSoftmax(this, axis);
  }

  /**
   * Batch normalisation over the last axis (channels last) with given statistics:
   * γ·(x − μ)/√(σ² + ε) + β — evaluation mode, with running averages as μ and σ². Training mode,
   * with the batch's own statistics, is {@link Node.batchNormTraining}.
   *
   * @param scale - γ, [channels].
   * @param offset - β, [channels].
   * @param mean - μ, [channels].
   * @param variance - σ² ≥ 0, [channels].
   * @param options - `epsilon`: ε > 0 added to the variance (1e-5 by default).
   * @returns the normalised node, shaped like this one.
   * @throws ShapeError when this node has rank below 2, an operand is not [channels] of this dtype, or ε is not a finite number > 0.
   * @example
   * ```ts
   * x.batchNorm(gamma, beta, runningMean, runningVariance); // [b, h, w, c] with four [c]
   * ```
   */
  batchNorm(scale: Node, offset: Node, mean: Node, variance: Node, options: { readonly epsilon?: number } = {}): Node {
    const { epsilon } = expectOptions('batchNorm', 'options', options);
    return this.graph.apply('batchNorm', [this, scale, offset, mean, variance], epsilon === undefined ? {} : { epsilon });
  }
  /**
   * Batch normalisation in training mode: per channel (last axis), the batch mean μ_B and biased
   * variance σ²_B over every other axis, and γ·(x − μ_B)/√(σ²_B + ε) + β; gradients flow through
   * the statistics (see {@link batchNormTraining}).
   *
   * @param scale - γ, [channels].
   * @param offset - β, [channels].
   * @param options - `epsilon`: ε > 0 added to the variance (1e-5 by default).
   * @returns `{ y, mean, variance }`: the normalised node and the batch statistics, [channels] each.
   * @throws ShapeError when this node has rank below 2 or γ, β are not [channels] of this dtype.
   * @example
   * ```ts
   * const { y, mean, variance } = x.batchNormTraining(gamma, beta);
   * ```
   */
  batchNormTraining(scale: Node, offset: Node, options: { readonly epsilon?: number } = {}): BatchNormTrainingResult {
    return batchNormTraining(this, scale, offset, options);
  }
  /**
   * Layer normalisation: each example normalised over its trailing `axes` axes with its own mean m
   * and biased variance s², γ·(x − m)/√(s² + ε) + β.
   *
   * @param scale - γ, of the trailing shape.
   * @param offset - β, of the trailing shape.
   * @param options - `axes`: how many trailing axes are normalised together (1 by default);
   *   `epsilon`: ε > 0 added to the variance (1e-5 by default).
   * @returns the normalised node, shaped like this one.
   * @throws ShapeError when `axes` exceeds the rank, γ or β is not of the trailing shape and this dtype, or ε is not a finite number > 0.
   * @example
   * ```ts
   * h.layerNorm(gamma, beta);                 // [b, d] with two [d]
   * h.layerNorm(gamma, beta, { axes: 2 });    // [b, t, d] with two [t, d]
   * ```
   */
  layerNorm(scale: Node, offset: Node, options: { readonly axes?: number; readonly epsilon?: number } = {}): Node {
    const { axes, epsilon } = expectOptions('layerNorm', 'options', options);
    return this.graph.apply('layerNorm', [this, scale, offset], { ...(axes === undefined ? {} : { axes }), ...(epsilon === undefined ? {} : { epsilon }) });
  }

  /**
   * Matrix product with `other` over the last two axes; either side may be used transposed.
   *
   * Both operands need rank ≥ 2 (use `expandDims` or `reshape` for vectors). `op(this)` is [..., m, k]
   * and `op(other)` is [..., k, n]; the leading (batch) axes broadcast by NumPy rules, so a
   * [b, m, k] stack times a single [k, n] matrix gives [b, m, n]. The transposes swap an operand's
   * last two axes without materialising it.
   *
   * @param other - the right operand, of this dtype.
   * @param options - `transposeA` uses thisᵀ, `transposeB` uses otherᵀ (both `false` by default).
   * @returns the product, [...broadcast batch axes, m, n].
   * @throws ShapeError on a rank below 2, inner dimensions that differ, batch axes that do not broadcast, or dtypes that differ.
   * @example
   * ```ts
   * x.matmul(w);                        // [n, k] · [k, m] → [n, m]
   * a.matmul(b, { transposeB: true });  // [n, k] · [m, k]ᵀ → [n, m]
   * batch.matmul(w);                    // [b, n, k] · [k, m] → [b, n, m]
   * ```
   */
  matmul(other: Node, options: { transposeA?: boolean; transposeB?: boolean } = {}): Node {
    const { transposeA = false, transposeB = false } = expectOptions('matmul', 'options', options);
    return this.graph.apply('matmul', [this, other], { transposeA, transposeB });
  }
  /**
   * 2-D convolution of this NHWC node `[batch, height, width, channels]` with HWIO filters
   * `[kh, kw, channels / groups, outChannels]` (cross-correlation, as in every deep-learning framework):
   * y[n, oh, ow, o] = Σᵢⱼc x[n, oh·sh − top + i·dh, ow·sw − left + j·dw, c] · w[i, j, c, o] within o's group.
   * Height, width and channels must be concrete; the batch may be symbolic. For NCHW data,
   * transpose first: `x.transpose([0, 2, 3, 1]).conv2d(w)` (and OIHW filters with `w.transpose([2, 3, 1, 0])`).
   *
   * @param w - the filters, of this dtype.
   * @param options - `strides` (1), `padding` (`'valid'`, `'same'` or [[top, bottom], [left, right]]),
   *   `dilations` (1), `groups` (1); a number n for a pair means [n, n].
   * @returns [batch, OH, OW, outChannels] with OH = ⌊(H + top + bottom − (kh − 1)·dh − 1) / sh⌋ + 1
   *   (⌈H / sh⌉ for `'same'`).
   * @throws ShapeError on a rank other than 4, channels that do not match the filters and groups, a
   *   window larger than the padded input, symbolic spatial sizes, or bad options.
   * @example
   * ```ts
   * const x = g.input('x', ['batch', 28, 28, 1]);
   * const w = g.variable('w', [5, 5, 1, 32], normalInit(0, 0.1, 1));
   * x.conv2d(w, { padding: 'same' }).relu(); // ['batch', 28, 28, 32]
   * ```
   */
  conv2d(w: Node, options: Conv2dOptions = {}): Node {
    return this.graph.apply('conv2d', [this, w], convAttrs('conv2d', options));
  }
  /**
   * Max pooling of this NHWC node over windows, per channel; padding is never the maximum. The
   * derivative goes to each window's maximum; tied maxima share it equally (as for `max`).
   *
   * @param options - `windowShape`, `strides` (the window shape by default), `padding` (`'valid'`,
   *   `'same'` or explicit, each side smaller than the window); a number n for a pair means [n, n].
   * @returns [batch, OH, OW, channels].
   * @throws ShapeError on a rank other than 4, symbolic spatial sizes, a window larger than the
   *   padded input, or bad options.
   * @example
   * ```ts
   * x.maxPool2d({ windowShape: 2 }); // ['batch', 14, 14, 32] from ['batch', 28, 28, 32]
   * ```
   */
  maxPool2d(options: Pool2dOptions): Node {
    return this.unary('maxPool2d', poolAttrs('maxPool2d', options));
  }
  /**
   * Average pooling of this NHWC node over windows, per channel: the mean of each window's
   * in-bounds elements (padding is not counted, as TensorFlow's and ONNX's count_include_pad = 0).
   *
   * @param options - `windowShape`, `strides` (the window shape by default), `padding` (`'valid'`,
   *   `'same'` or explicit, each side smaller than the window); a number n for a pair means [n, n].
   * @returns [batch, OH, OW, channels].
   * @throws ShapeError on a rank other than 4, symbolic spatial sizes, a window larger than the
   *   padded input, or bad options.
   * @example
   * ```ts
   * x.avgPool2d({ windowShape: 3, strides: 1, padding: 'same' }); // same shape as x
   * ```
   */
  avgPool2d(options: Pool2dOptions): Node {
    return this.unary('avgPool2d', poolAttrs('avgPool2d', options));
  }
  /**
   * Permutes axes: output axis i is input axis `perm[i]` (reverses them by default).
   *
   * @param perm - a permutation of 0..rank−1; reversed axes when omitted.
   * @returns the permuted node.
   * @throws ShapeError when `perm` is not a permutation of the axes.
   * @example
   * ```ts
   * x.transpose();          // [m, n] from [n, m]
   * x.transpose([0, 2, 1]); // [b, m, n] from [b, n, m]
   * ```
   */
  transpose(perm?: readonly number[]): Node {
    return this.unary('transpose', perm === undefined ? {} : { perm });
  }
  /**
   * Same elements in row-major order under a new shape (one entry may be −1, inferred).
   *
   * @param shape - the new dimensions; their product must equal the element count.
   * @returns the reshaped node.
   * @throws ShapeError when the sizes do not match.
   * @example
   * ```ts
   * x.reshape([-1, 1]); // [n, 1] from [n]
   * ```
   */
  reshape(shape: readonly Dim[]): Node {
    return this.unary('reshape', { shape });
  }
  /**
   * Flattens every axis after the first: [batch, d₁, …, dₖ] → [batch, d₁·…·dₖ], a reshape (the
   * batch may be symbolic; the other axes must be concrete).
   *
   * @returns the reshaped node, rank 2.
   * @throws ShapeError on a scalar or a symbolic axis after the first.
   * @example
   * ```ts
   * g.input('x', ['batch', 7, 7, 64]).flatten(); // ['batch', 3136]
   * ```
   */
  flatten(): Node {
    const rest = this.shape.slice(1);
    if (this.rank === 0 || !rest.every((d) => typeof d === 'number')) {
      throw new ShapeError(`flatten: cannot flatten ${formatShape(this.shape)}: it needs rank ≥ 1 and concrete axes after the first`);
    }
    return this.reshape([this.shape[0]!, (rest as number[]).reduce((p, d) => p * d, 1)]);
  }
  /**
   * Broadcasts to `shape` by NumPy rules: each axis equals the target's or is 1; new axes go in front.
   *
   * @param shape - the target shape.
   * @returns the broadcast node.
   * @throws ShapeError when `this` does not broadcast to `shape`.
   * @example
   * ```ts
   * b.broadcastTo([4, 3]); // [4, 3] from [3]
   * ```
   */
  broadcastTo(shape: readonly Dim[]): Node {
    return this.unary('broadcastTo', { shape });
  }
  /**
   * Inserts an axis of size 1 at `axis`.
   *
   * @param axis - where the new axis goes, in −(rank+1)..rank.
   * @returns the reshaped node.
   * @throws ShapeError when the axis is out of range.
   * @example
   * ```ts
   * v.expandDims(0); // [1, n] from [n]
   * ```
   */
  expandDims(axis: number): Node {
    return expandDims(this, axis);
  }
  /**
   * Removes axes of size 1 (the given ones, or all).
   *
   * @param axes - axes to remove, each of size 1; every size-1 axis when omitted.
   * @returns the reshaped node.
   * @throws ShapeError when a given axis does not have size 1.
   * @example
   * ```ts
   * x.squeeze(1); // [n] from [n, 1]
   * ```
   */
  squeeze(axes?: number | readonly number[]): Node {
    return squeeze(this, axes);
  }
  /**
   * A box: per axis, `size` elements from `begin` (size −1: to the end).
   *
   * @param begin - start index per axis.
   * @param size - length per axis; −1 takes everything from `begin` on.
   * @returns the box.
   * @throws ShapeError when the box does not fit or takes part of a symbolic axis.
   * @example
   * ```ts
   * x.slice([0, 1], [-1, 2]); // columns 1 and 2 of [n, m]: [n, 2]
   * ```
   */
  slice(begin: readonly number[], size: readonly number[]): Node {
    return this.unary('slice', { begin, size });
  }
  /**
   * Surrounds with `value`: `before[i]`/`after[i]` elements along axis i.
   *
   * @param before - elements added in front, per axis (≥ 0).
   * @param after - elements added at the end, per axis (≥ 0).
   * @param value - the fill value (0 by default).
   * @returns the padded node.
   * @throws ShapeError when the lists do not match the rank, hold negatives, or pad a symbolic axis.
   * @example
   * ```ts
   * x.pad([0, 1], [0, 1]); // [n, m + 2] from [n, m]
   * ```
   */
  pad(before: readonly number[], after: readonly number[], value = 0): Node {
    return this.unary('pad', { before, after, value });
  }
  /**
   * Rows of this node (axis 0) picked by `indices`: `out[i…] = this[indices[i…]]`.
   *
   * @param indices - exact integers in [0, rows), carried in a float node; checked when run.
   * @returns a node of shape `[...indices.shape, ...this.shape.slice(1)]`.
   * @throws ShapeError when this node is a scalar.
   * @example
   * ```ts
   * embeddings.gather(ids); // [b, d] from [vocab, d] and [b]
   * ```
   */
  gather(indices: Node): Node {
    return this.graph.apply('gather', [this, indices], {});
  }
  /**
   * One-hot encoding of these integer indices along a new last axis.
   *
   * @param depth - number of classes (≥ 1).
   * @returns a node of shape `[...this.shape, depth]`, 1 at each index and 0 elsewhere.
   * @throws ShapeError when `depth` is not a positive integer.
   * @example
   * ```ts
   * g.input('y', ['batch']).oneHot(10); // ['batch', 10]
   * ```
   */
  oneHot(depth: number): Node {
    return this.unary('oneHot', { depth });
  }
  /**
   * Converts to another dtype (float64 → float32 rounds to nearest).
   *
   * @param dtype - the target element type.
   * @returns the converted node, of the same shape.
   * @example
   * ```ts
   * x.cast('float32');
   * ```
   */
  cast(dtype: DType): Node {
    return this.unary('cast', { dtype });
  }
  /**
   * Same value; differentiation treats it as a constant.
   *
   * @returns a node of the same value whose gradient is never propagated.
   * @example
   * ```ts
   * x.sub(x.max(-1, true).stopGradient()); // shift without a gradient path
   * ```
   */
  stopGradient(): Node {
    return this.unary('stopGradient');
  }
  /**
   * Same value, as a new node.
   *
   * @returns a new node of the same value.
   * @example
   * ```ts
   * x.identity();
   * ```
   */
  identity(): Node {
    return this.unary('identity');
  }
}
