import { tensor, type Conv2dOptions, type Node, type Pool2dOptions, type Primitive } from '@chainrule/graph';

/**
 * Where an op's operands are drawn from when its derivative is checked.
 *
 * @example
 * ```ts
 * const points = valuesIn('positive' satisfies Domain, [2, 3]); // arbitrary tensors with entries in [0.2, 2]
 * ```
 */
export type Domain =
  | 'any' // finite reals in [−2, 2]
  | 'positive' // [0.2, 2]: log, sqrt, pow's base
  | 'awayFromZero' // |x| ∈ [0.2, 2]: divisors, reciprocal, and the kinks of abs, relu, sign at 0
  | 'distinct'; // [−2, 2] with no two entries within 0.05: max, maximum, minimum (no ties)

/**
 * One row of the gradient spec table: how to check one differentiable primitive.
 *
 * @example
 * ```ts
 * const logSpec: OpSpec = { arity: 1, shapes: [[2, 3]], domain: 'positive', build: ([x]) => x!.log(), tolerance: 1e-6 };
 * ```
 */
export interface OpSpec {
  /** Number of differentiable operands the check feeds (other operands are built inside `build`). */
  readonly arity: number;
  /** Shapes of those operands. */
  readonly shapes: readonly (readonly number[])[];
  /** The domain of each operand. */
  readonly domain: Domain;
  /** Applies the op to the operands (and fixed attributes). */
  readonly build: (xs: readonly Node[]) => Node;
  /** Relative and absolute tolerance of the finite-difference comparison. */
  readonly tolerance: number;
  /**
   * The documented convention at a point where the op is not differentiable, which the row's domain
   * keeps away from (the op reference prints it).
   */
  readonly kink?: string;
}

const unary = (f: (x: Node) => Node, domain: Domain = 'any'): OpSpec => ({
  arity: 1,
  shapes: [[2, 3]],
  domain,
  build: ([x]) => f(x!),
  tolerance: 1e-6,
});
const binary = (f: (a: Node, b: Node) => Node, domain: Domain = 'any', shapes: readonly (readonly number[])[] = [[2, 3], [3]]): OpSpec => ({
  arity: 2,
  shapes,
  domain,
  build: ([a, b]) => f(a!, b!),
  tolerance: 1e-6,
});

/** A convolution exercising strides, 'same' padding, dilation and groups at once. */
const CONV: Conv2dOptions = { strides: [2, 1], padding: 'same', dilations: [1, 2], groups: 2 };
/** Overlapping max-pooling windows with padding. */
const MAX_POOL: Pool2dOptions = { windowShape: [2, 2], strides: [1, 2], padding: 'same' };
/** Average pooling whose border windows have fewer in-bounds elements. */
const AVG_POOL: Pool2dOptions = { windowShape: [3, 3], strides: [2, 2], padding: 'same' };
/** A pooled input full of ties (values 0…4), so the rows check how tied maxima share. */
const TIED = tensor(Array.from({ length: 32 }, (_, i) => (i * 7) % 5), [1, 4, 4, 2]);

const operands = (shapes: readonly (readonly number[])[], domain: Domain, build: (xs: readonly Node[]) => Node): OpSpec => ({
  arity: shapes.length,
  shapes,
  domain,
  build,
  tolerance: 1e-6,
});

/**
 * The gradient spec table: one row per differentiable primitive of `@chainrule/graph`. A registry
 * test fails when an op marked differentiable has no row here or no VJP rule; the spec test checks
 * every row against central differences on random points of its domain.
 *
 * @example
 * ```ts
 * const spec = OP_SPECS.log;
 * fc.assert(fc.property(valuesIn(spec.domain, spec.shapes[0]!), (x) => checkGradients((a) => spec.build([a]), [x]).ok));
 * ```
 */
export const OP_SPECS = {
  neg: unary((x) => x.neg()),
  abs: { ...unary((x) => x.abs(), 'awayFromZero'), kink: '|x|′(0) = 0' },
  exp: unary((x) => x.exp()),
  log: { ...unary((x) => x.log(), 'positive'), kink: 'at 0 the derivative is +∞; a zero cotangent stays 0 (strong zero)' },
  log1p: unary((x) => x.log1p(), 'positive'),
  sqrt: { ...unary((x) => x.sqrt(), 'positive'), kink: 'at 0 the derivative is +∞; a zero cotangent stays 0 (strong zero)' },
  square: unary((x) => x.square()),
  reciprocal: { ...unary((x) => x.reciprocal(), 'awayFromZero'), kink: 'at 0 the derivative is ∞; a zero cotangent stays 0 (strong zero)' },
  sin: unary((x) => x.sin()),
  cos: unary((x) => x.cos()),
  tanh: unary((x) => x.tanh()),
  sigmoid: unary((x) => x.sigmoid()),
  relu: { ...unary((x) => x.relu(), 'awayFromZero'), kink: 'relu′(0) = 0' },
  softplus: unary((x) => x.softplus()),
  flushSubnormal: { ...unary((x) => x.flushSubnormal()), kink: 'flushSubnormal′ = 1, also on the subnormal values it sets to ±0 (a rounding of the representation)' },
  cast: unary((x) => x.cast('float64')),
  identity: unary((x) => x.identity()),
  add: binary((a, b) => a.add(b)),
  sub: binary((a, b) => a.sub(b)),
  mul: binary((a, b) => a.mul(b)),
  div: binary((a, b) => a.div(b), 'awayFromZero'),
  pow: { ...binary((a, b) => a.pow(b), 'positive'), kink: '∂/∂b at a = 0 is taken as 0' },
  maximum: { ...binary((a, b) => a.maximum(b), 'distinct', [[2, 3], [2, 3]]), kink: 'a tie a = b sends half the cotangent to each operand' },
  minimum: { ...binary((a, b) => a.minimum(b), 'distinct', [[2, 3], [2, 3]]), kink: 'a tie a = b sends half the cotangent to each operand' },
  where: { ...binary((a, b) => a.graph.where(a.graph.constant([1, 0, 1]), a, b)), kink: 'the condition gets no gradient; the untaken branch gets exactly 0' },
  sum: unary((x) => x.sum(1)),
  max: { ...unary((x) => x.max(0, true), 'distinct'), kink: 'tied maxima share the cotangent equally' },
  matmul: binary((a, b) => a.matmul(b, { transposeB: true }), 'any', [[2, 3], [4, 3]]),
  transpose: unary((x) => x.transpose([1, 0])),
  solve: binary((a, b) => a.graph.solve(a.add(a.graph.constant([[4, 0], [0, 4]])), b), 'any', [[2, 2], [2, 3]]), // kept well-conditioned
  reshape: unary((x) => x.reshape([3, 2])),
  broadcastTo: unary((x) => x.broadcastTo([4, 2, 3])),
  slice: unary((x) => x.slice([0, 1], [2, 2])),
  pad: unary((x) => x.pad([1, 0], [0, 2], 0.5)), // a non-zero fill: its tangent must still be 0
  concat: binary((a, b) => a.graph.concat([a, b.reshape([1, 3])], 0)),
  gather: unary((x) => x.gather(x.graph.constant([1, 0, 1, 1]))),
  scatterAdd: unary((x) => x.graph.scatterAdd(x, x.graph.constant([2, 0]), 4)),
  // positive: the variance (last operand) stays ≥ 0.2, where 1/√(σ² + ε) is smooth
  batchNorm: operands([[2, 2, 3], [3], [3], [3], [3]], 'positive', ([x, s, o, m, v]) => x!.batchNorm(s!, o!, m!, v!, { epsilon: 1e-3 })),
  // distinct: no two features of an example coincide, so its variance stays away from 0; ε = 2⁻¹⁰
  // is a float32 number, as ONNX's LayerNormalization needs for the export to agree to rounding
  layerNorm: operands([[2, 2, 3], [2, 3], [2, 3]], 'distinct', ([x, s, o]) => x!.layerNorm(s!, o!, { axes: 2, epsilon: 2 ** -10 })),
  conv2d: binary((x, w) => x.conv2d(w, CONV), 'any', [[1, 4, 3, 2], [2, 2, 1, 4]]),
  conv2dBackpropInput: binary((dy, w) => dy.graph.conv2dBackpropInput(dy, w, [4, 3], CONV), 'any', [[1, 2, 3, 4], [2, 2, 1, 4]]),
  conv2dBackpropFilter: binary((x, dy) => x.graph.conv2dBackpropFilter(x, dy, [2, 2], CONV), 'any', [[1, 4, 3, 2], [1, 2, 3, 4]]),
  maxPool2d: { ...unary((x) => x.maxPool2d(MAX_POOL), 'distinct'), shapes: [[1, 4, 4, 2]], kink: 'tied maxima share the cotangent equally' },
  maxPool2dBackprop: {
    ...unary((dy) => dy.graph.maxPool2dBackprop(dy.graph.constant(TIED), dy, MAX_POOL)),
    shapes: [[1, 4, 2, 2]],
    kink: 'x only selects the routes and gets no gradient; tied maxima share equally',
  },
  maxPool2dSelect: {
    ...unary((t) => t.graph.maxPool2dSelect(t.graph.constant(TIED), t, MAX_POOL)),
    shapes: [[1, 4, 4, 2]],
    kink: 'x only selects the positions and gets no gradient; tied maxima share equally',
  },
  avgPool2d: { ...unary((x) => x.avgPool2d(AVG_POOL)), shapes: [[1, 5, 5, 2]] },
  avgPool2dBackprop: { ...unary((dy) => dy.graph.avgPool2dBackprop(dy, [5, 5], AVG_POOL)), shapes: [[1, 3, 3, 2]] },
} satisfies Partial<Record<Primitive, OpSpec>>;
