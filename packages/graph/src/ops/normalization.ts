import { allocate } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape, sizeOf, type SymbolicShape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { prepareBatchNorm, prepareLayerNorm } from '../kernels/normalization.js';
import { AttrError, type AttrReader } from './attrs.js';
import { defineOp, type NodeType } from './op-def.js';

// Both could be composites of elementwise ops and means. They are primitives so that a model runs
// each as one loop over x (layerNorm's two passes per example, around its own mean), exports as
// ONNX's BatchNormalization and LayerNormalization, and is checked as one row of the spec table.

/**
 * Attributes of batchNorm: ε, added to the variance before the square root.
 *
 * @example
 * ```ts
 * g.apply('batchNorm', [x, scale, offset, mean, variance], { epsilon: 1e-3 }); // same as x.batchNorm(scale, offset, mean, variance, { epsilon: 1e-3 })
 * ```
 */
export interface BatchNormAttrs {
  /** ε > 0 (1e-5 by default). */
  readonly epsilon: number;
}

/**
 * Attributes of layerNorm: how many trailing axes are normalised together, and ε.
 *
 * @example
 * ```ts
 * g.apply('layerNorm', [x, scale, offset], { axes: 2, epsilon: 1e-5 }); // same as x.layerNorm(scale, offset, { axes: 2 })
 * ```
 */
export interface LayerNormAttrs {
  /** The number of trailing axes normalised together (≥ 1; 1 by default). */
  readonly axes: number;
  /** ε > 0 (1e-5 by default). */
  readonly epsilon: number;
}

/** The default ε of both normalisations, as in TensorFlow's and PyTorch's layers. */
const DEFAULT_EPSILON = 1e-5;

/** Reads ε: a finite number > 0 (it keeps the square root away from 0 when the variance is 0). */
function readEpsilon(r: AttrReader): number {
  const epsilon = r.number('epsilon', DEFAULT_EPSILON);
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new AttrError('epsilon', `expected a finite number > 0, got ${epsilon}`);
  return epsilon;
}

/** Checks that the per-feature operands have x's dtype and exactly the shape `want`. */
function checkOperands(op: string, x: NodeType, operands: Readonly<Record<string, NodeType>>, want: SymbolicShape, what: string): void {
  for (const [name, t] of Object.entries(operands)) {
    if (t.dtype !== x.dtype) throw new DTypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}; cast one of them explicitly`);
    if (!sameShape(t.shape, want)) {
      throw new ShapeError(`${op}: ${name} has shape ${formatShape(t.shape)}; it must be ${formatShape(want)}, ${what} of x ${formatShape(x.shape)}`);
    }
  }
}

/**
 * The type of batch normalisation's output: x's, when x has rank ≥ 2 and every per-channel operand
 * has x's dtype and shape [channels].
 *
 * @param op - the op or composite, for messages.
 * @param x - the type of x.
 * @param perChannel - the types of the per-channel operands, by name.
 * @returns the output type.
 * @throws ShapeError naming the op and the shapes when a rule is broken (DTypeError for dtypes).
 * @example
 * ```ts
 * inferBatchNorm('batchNorm', { shape: ['batch', 3], dtype: 'float64' }, { scale: { shape: [3], dtype: 'float64' } }); // ['batch', 3]
 * ```
 */
export function inferBatchNorm(op: string, x: NodeType, perChannel: Readonly<Record<string, NodeType>>): NodeType {
  if (x.shape.length < 2) throw new ShapeError(`${op}: x has shape ${formatShape(x.shape)}; ${op} needs rank ≥ 2 ([..., channels])`);
  checkOperands(op, x, perChannel, x.shape.slice(-1), 'the channels (last axis)');
  return { shape: x.shape, dtype: x.dtype };
}

/**
 * Batch normalisation with given statistics over the last axis (channels last):
 * y = γ·(x − μ)/√(σ² + ε) + β, with γ (scale), β (offset), μ (mean) and σ² (variance) of shape
 * [channels]. Training mode, with the batch's own statistics, is the composite `batchNormTraining`.
 *
 * @example
 * ```ts
 * x.batchNorm(scale, offset, mean, variance); // a batchNorm node: [batch, h, w, c] with four [c] → [batch, h, w, c]
 * ```
 */
export const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  arity: 5,
  kind: 'normalization',
  differentiable: true,
  summary: 'Batch normalisation over the last axis with given statistics: γ·(x − μ)/√(σ² + ε) + β, with γ, β, μ, σ² of shape [channels].',
  shapeRule: 'the shape of x [..., channels] (rank ≥ 2); scale, offset, mean and variance are [channels]',
  parseAttrs(r) {
    const attrs = { epsilon: readEpsilon(r) };
    r.done();
    return attrs;
  },
  infer: ([x, scale, offset, mean, variance]) => inferBatchNorm('batchNorm', x!, { scale: scale!, offset: offset!, mean: mean!, variance: variance! }),
  kernel(inputs, { epsilon }, ctx) {
    const out = allocate(inputs[0]!.dtype, sizeOf(ctx.outShape));
    prepareBatchNorm(ctx.outShape, epsilon)(out, inputs.map((t) => t.data));
    return new Tensor(out, ctx.outShape);
  },
  plan: (_inShapes, { epsilon }, outShape) => prepareBatchNorm(outShape, epsilon),
});

/**
 * Layer normalisation: every example normalised over its trailing `axes` axes with its own mean m
 * and biased variance s² (1/n): y = γ·(x − m)/√(s² + ε) + β, with γ (scale) and β (offset) of the
 * trailing shape.
 *
 * @example
 * ```ts
 * x.layerNorm(scale, offset); // a layerNorm node: [batch, d] with two [d] → [batch, d]
 * ```
 */
export const layerNormOp = defineOp<LayerNormAttrs>({
  name: 'layerNorm',
  arity: 3,
  kind: 'normalization',
  differentiable: true,
  summary: 'Layer normalisation over the trailing axes of each example, with its own mean and biased variance: γ·(x − m)/√(s² + ε) + β.',
  shapeRule: 'the shape of x; scale and offset have the shape of its last `axes` axes',
  parseAttrs(r) {
    const attrs = { axes: r.int('axes', 1, 1, 32), epsilon: readEpsilon(r) };
    r.done();
    return attrs;
  },
  infer([x, scale, offset], { axes }) {
    if (axes > x!.shape.length) throw new ShapeError(`layerNorm: axes ${axes} normalises more trailing axes than x ${formatShape(x!.shape)} has`);
    checkOperands('layerNorm', x!, { scale: scale!, offset: offset! }, x!.shape.slice(x!.shape.length - axes), axes === 1 ? 'the last axis' : `the last ${axes} axes`);
    return { shape: x!.shape, dtype: x!.dtype };
  },
  kernel(inputs, { axes, epsilon }, ctx) {
    const out = allocate(inputs[0]!.dtype, sizeOf(ctx.outShape));
    prepareLayerNorm(ctx.outShape, axes, epsilon)(out, inputs.map((t) => t.data));
    return new Tensor(out, ctx.outShape);
  },
  plan: (_inShapes, { axes, epsilon }, outShape) => prepareLayerNorm(outShape, axes, epsilon),
});
