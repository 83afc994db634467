import fc from 'fast-check';
import { expectNumber, getOp, tensor, type Node, type Tensor } from '@chainrule/graph';
import { OP_SPECS, type OpSpec } from './op-spec.js';

/**
 * The kinds of step a random graph is made of. Each keeps values in the domain of its ops.
 *
 * @example
 * ```ts
 * STEP_KINDS.includes('softmax'); // true
 * const step: Step = { kind: STEP_KINDS[0], a: 0, b: 0, axis: 0, flag: false }; // a 'neg' step
 * ```
 */
export const STEP_KINDS = [
  'neg', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'square', 'expTanh', 'logSafe', 'sqrtSafe', 'reciprocalSafe',
  'kinkOnInput', 'add', 'sub', 'mul', 'divSafe', 'sum', 'mean', 'max', 'logSumExp', 'softmax', 'logSoftmax',
  'matmulSelf', 'transpose', 'flatten', 'expandSqueeze', 'slice', 'concatSelf', 'broadcast', 'elementwise',
] as const;

/**
 * One step of a random graph: a kind and the choices it needs (indices are taken modulo what exists).
 *
 * @example
 * ```ts
 * const step: Step = { kind: 'matmulSelf', a: 0, b: 0, axis: 0, flag: true }; // x·xᵀ of the first value
 * ```
 */
export interface Step {
  /** What the step builds. */
  readonly kind: (typeof STEP_KINDS)[number];
  /** First operand, an index into the values built so far. */
  readonly a: number;
  /** Second operand (binary steps); also picks the op of an `elementwise` step. */
  readonly b: number;
  /** An axis choice. */
  readonly axis: number;
  /** A yes/no choice (keepDims, transpose flags). */
  readonly flag: boolean;
}

/**
 * A random graph as plain data: input points and steps. fast-check shrinks it to a minimal failing graph.
 *
 * @example
 * ```ts
 * const recipe: GraphRecipe = { points: [tensor([[0.5, -1], [2, 0.1]])], steps: [{ kind: 'tanh', a: 0, b: 0, axis: 0, flag: false }, { kind: 'sum', a: 1, b: 0, axis: 1, flag: true }] };
 * checkGradients(buildRecipe(recipe), recipe.points).ok; // true
 * ```
 */
export interface GraphRecipe {
  /** The points at which the inputs are evaluated (their shapes are the inputs' shapes). */
  readonly points: readonly Tensor[];
  /** The steps, applied in order. */
  readonly steps: readonly Step[];
}

const dims = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
// Input values away from 0 (the kinks of abs and relu) and with no ties (max): a shuffled grid of
// ±0.2, ±0.3, …, ±1.5, each moved by at most 0.02, so no two are closer than 0.06. NOTE: drawn
// independently, values tie at the bounds of their range, and shrinking makes them tie.
const GRID = Array.from({ length: 14 }, (_, i) => 0.2 + 0.1 * i).flatMap((v) => [v, -v]);
const point = dims.chain((shape) => {
  const n = shape.reduce((a, d) => a * d, 1); // at most 27, within the grid's 28 values
  const jitter = fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: n, maxLength: n });
  return fc.tuple(fc.shuffledSubarray(GRID, { minLength: n, maxLength: n }), jitter).map(([values, moves]) => tensor(values.map((v, i) => v + moves[i]!), shape));
});
const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...STEP_KINDS),
  a: fc.nat({ max: 20 }),
  b: fc.nat({ max: 20 }),
  axis: fc.nat({ max: 3 }),
  flag: fc.boolean(),
});

/**
 * The rows an `elementwise` step draws from (see {@link graphRecipe}): the step feeds every operand
 * of the op, so the build fits operands of any shape (where's row builds its condition at a fixed
 * shape), and x² + ½ reaches the domain (nothing makes operands `distinct`).
 */
const ELEMENTWISE_ROWS: readonly OpSpec[] = Object.entries(OP_SPECS).flatMap(([op, row]: [string, OpSpec]) => {
  const def = getOp(op)!;
  return def.kind === 'elementwise' && def.arity === row.arity && row.domain !== 'distinct' ? [row] : [];
});

/**
 * Random well-formed graphs for differentiation tests: 1–3 inputs (rank 0–3) and up to `maxSteps`
 * steps mixing elementwise ops, broadcasting, reductions, matmul, transposes, reshapes, slices,
 * concatenation and the composites. Values stay in each op's domain (log and sqrt of x² + ½,
 * division by x² + ½) and away from kinks (abs, relu, max only see inputs, whose values avoid 0
 * and each other). An `elementwise` step applies a differentiable elementwise primitive taken from
 * the spec table ({@link OP_SPECS}), so a new op with a row is fuzzed here too: its operands are
 * squashed by tanh (values of order one), then passed through x² + ½ when the row's domain is
 * `positive` or `awayFromZero` (which also keeps abs and relu off their kinks); rows of domain
 * `distinct` and rows that build an operand themselves (where) are left out.
 *
 * @param maxSteps - the most steps a graph has (default 10).
 * @returns an arbitrary of recipes; turn one into a function with {@link buildRecipe}.
 * @example
 * ```ts
 * fc.assert(fc.property(graphRecipe(), (r) => checkGradients(buildRecipe(r), r.points).ok));
 * ```
 */
export function graphRecipe(maxSteps = 10): fc.Arbitrary<GraphRecipe> {
  expectNumber('graphRecipe', 'maxSteps', maxSteps, { kind: 'integer', min: 1 });
  return fc.record({ points: fc.array(point, { minLength: 1, maxLength: 3 }), steps: fc.array(step, { minLength: 1, maxLength: maxSteps }) });
}

const broadcasts = (a: Node, b: Node): boolean => {
  for (let i = 1; i <= Math.min(a.rank, b.rank); i++) {
    const da = a.shape[a.rank - i];
    const db = b.shape[b.rank - i];
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
};

function apply(s: Step, values: Node[], inputs: readonly Node[]): Node {
  const a = values[s.a % values.length]!;
  const other = values[s.b % values.length]!;
  const b = broadcasts(a, other) ? other : other.mean(); // a scalar broadcasts against anything
  const axis = a.rank === 0 ? undefined : s.axis % a.rank;
  const safe = (x: Node): Node => x.square().add(0.5);
  switch (s.kind) {
    case 'neg': return a.neg();
    case 'sin': return a.sin();
    case 'cos': return a.cos();
    case 'tanh': return a.tanh();
    case 'sigmoid': return a.sigmoid();
    case 'softplus': return a.softplus();
    case 'square': return a.square();
    case 'expTanh': return a.tanh().exp();
    case 'logSafe': return safe(a).log();
    case 'sqrtSafe': return safe(a).sqrt();
    case 'reciprocalSafe': return safe(a).reciprocal();
    case 'kinkOnInput': {
      const x = inputs[s.a % inputs.length]!;
      return [x.abs(), x.relu(), x.maximum(0)][s.axis % 3]!;
    }
    case 'add': return a.add(b);
    case 'sub': return a.sub(b);
    case 'mul': return a.mul(b);
    case 'divSafe': return a.div(safe(b));
    case 'sum': return a.sum(axis, s.flag);
    case 'mean': return a.mean(axis, s.flag);
    case 'max': {
      const x = inputs[s.a % inputs.length]!; // distinct input values: no ties
      return x.rank === 0 ? x : x.max(s.axis % x.rank, s.flag);
    }
    case 'logSumExp': return a.logSumExp(axis, s.flag);
    case 'softmax': return a.rank === 0 ? a : a.softmax(axis);
    case 'logSoftmax': return a.rank === 0 ? a : a.logSoftmax(axis);
    case 'matmulSelf': return a.rank < 2 ? a.reshape([1, -1]).matmul(a.reshape([1, -1]), { transposeA: true }) : a.matmul(a, { transposeB: s.flag, transposeA: !s.flag });
    case 'transpose': return a.transpose();
    case 'flatten': return a.reshape([-1]);
    case 'expandSqueeze': return a.expandDims(axis ?? 0).mul(a.expandDims(axis ?? 0)).squeeze(axis ?? 0);
    case 'slice': {
      if (axis === undefined || (a.shape[axis] as number) < 2) return a;
      return a.slice(a.shape.map((_, i) => (i === axis ? 1 : 0)), a.shape.map((d, i) => (i === axis ? (d as number) - 1 : -1)));
    }
    case 'concatSelf': return axis === undefined ? a : a.graph.concat([a, a.sin()], axis);
    case 'broadcast': return a.broadcastTo([2, ...a.shape]);
    case 'elementwise': {
      const row = ELEMENTWISE_ROWS[s.b % ELEMENTWISE_ROWS.length]!;
      // tanh first: fed raw values, pow and exp compound into overflow and derivatives too steep for
      // central differences (a few graphs in 10⁴).
      return row.build([a, b].slice(0, row.arity).map((x) => (row.domain === 'any' ? x.tanh() : safe(x.tanh()))));
    }
  }
}

/**
 * Turns a recipe into the function it describes: input nodes in, the last step's node out.
 *
 * @param recipe - from {@link graphRecipe}.
 * @returns a function of as many nodes as the recipe has points.
 * @example
 * ```ts
 * const f = buildRecipe(recipe); const y = f(...recipe.points.map((p, i) => g.input(`x${i}`, p.shape)));
 * ```
 */
export function buildRecipe(recipe: GraphRecipe): (...xs: Node[]) => Node {
  return (...inputs) => {
    const values: Node[] = [...inputs];
    for (const s of recipe.steps) values.push(apply(s, values, inputs));
    return values[values.length - 1]!;
  };
}
