import { ChainruleError, Tensor, expectArray, expectBoolean, expectFunction, expectNumber, expectOptions, expectString, expectTensor, getOp, schedule, type Node } from '@chainrule/graph';
import { vjp } from '../backward.js';
import { jvp } from '../forward.js';
import { CENTRAL_STEP, dot, probe, randomLike, scaleOf, shifted, type Probe } from './finite-differences.js';

/**
 * How {@link checkGradients} compares derivatives.
 *
 * @example
 * ```ts
 * const mode: CheckMode = 'taylor';
 * checkGradients((x) => x.exp().sum(), [tensor([0.1, 0.2])], { mode }).order; // ≈ 2
 * ```
 */
export type CheckMode = 'auto' | 'exhaustive' | 'projection' | 'taylor';

/**
 * Options of {@link checkGradients}.
 *
 * @example
 * ```ts
 * checkGradients((x) => x.square().sum(), [tensor([1, 2, 3])], { mode: 'projection', projections: 5, seed: 1, atol: 1e-7, rtol: 1e-7 });
 * ```
 */
export interface CheckOptions {
  /** `exhaustive` compares every Jacobian entry; `projection` compares ⟨u, J v⟩ for random u, v
   *  (reverse and forward mode both); `taylor` measures the order of the first-order model's error;
   *  `auto` (default) is exhaustive up to `exhaustiveLimit` Jacobian entries, else projection. */
  readonly mode?: CheckMode;
  /** Absolute tolerance (default 1e-6). A pair passes when |a − n| ≤ atol + rtol·max(|a|, |n|). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-6). */
  readonly rtol?: number;
  /** Random directions in projection mode (default 3). */
  readonly projections?: number;
  /** Seed of the random directions (default 0). */
  readonly seed?: number;
  /** Largest Jacobian (entries) `auto` checks exhaustively (default 2048). */
  readonly exhaustiveLimit?: number;
  /** Check float32 inputs anyway; pass looser tolerances (around 1e-2) with it. */
  readonly allowFloat32?: boolean;
}

/**
 * The node whose own derivative rule disagrees with finite differences.
 *
 * @example
 * ```ts
 * const { culprit } = checkGradients(f, points);
 * if (culprit) console.log(`${culprit.rule} of ${culprit.node} (${culprit.op}) is wrong`); // e.g. 'vjp:mul of #7 mul (mul) is wrong'
 * ```
 */
export interface Culprit {
  /** The forward node, e.g. `#7 mul`. */
  readonly node: string;
  /** Its op. */
  readonly op: string;
  /** The rule that computed its derivative, e.g. `vjp:mul`. */
  readonly rule: string;
}

/**
 * One disagreement between the derivative graph (analytic) and finite differences (numeric).
 *
 * @example
 * ```ts
 * for (const m of checkGradients(f, points).mismatches) console.log(`${m.input}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`);
 * ```
 */
export interface Mismatch {
  /** The input, `x0`, `x1`, … in argument order. */
  readonly input: string;
  /** Flat index into the input (exhaustive mode), or `undefined` for a projection. */
  readonly index: number | undefined;
  /** Flat index into the output (exhaustive mode). */
  readonly outputIndex: number | undefined;
  /** From the derivative graph. */
  readonly analytic: number;
  /** From central differences. */
  readonly numeric: number;
}

/**
 * What {@link checkGradients} found.
 *
 * @example
 * ```ts
 * const report: GradientReport = checkGradients((x) => x.tanh().sum(), [tensor([0.3, -0.7])]);
 * if (!report.ok) throw new Error(report.message);
 * ```
 */
export interface GradientReport {
  /** Whether every comparison passed. */
  readonly ok: boolean;
  /** The mode that ran. */
  readonly mode: Exclude<CheckMode, 'auto'>;
  /** Number of comparisons made. */
  readonly comparisons: number;
  /** Every failed comparison. */
  readonly mismatches: readonly Mismatch[];
  /** Taylor mode: the measured order of the first-order model's error (≈ 2 when right, ≈ 1 when wrong). */
  readonly order?: number;
  /** On failure, the first node whose own rule fails a local check, if one does. */
  readonly culprit?: Culprit;
  /** A readable summary. */
  readonly message: string;
}

// NOTE: NaN never agrees, not even with NaN: a point where the function is undefined is no check.
const close = (a: number, n: number, atol: number, rtol: number): boolean => Math.abs(a - n) <= atol + rtol * Math.max(Math.abs(a), Math.abs(n));

/** Adds a cotangent input `u` for the output and the graph of ∂⟨u, y⟩/∂x for every input. */
function pullback(p: Probe): { u: Node; grads: Node[] } {
  const u = p.graph.input('__cotangent', p.output.shape, p.output.dtype);
  return { u, grads: vjp([p.output], [u], p.inputs) };
}

function evaluateWith(p: Probe, u: Node, uValue: Tensor, nodes: readonly Node[], points: readonly Tensor[]): Tensor[] {
  return p.graph.run(nodes, { ...Object.fromEntries(points.map((v, i) => [`x${i}`, v])), [u.name!]: uValue });
}

function exhaustive(p: Probe, points: readonly Tensor[], atol: number, rtol: number): { mismatches: Mismatch[]; comparisons: number } {
  const { u, grads } = pullback(p);
  const outSize = p.output.shape.reduce((a: number, d) => a * (d as number), 1);
  const mismatches: Mismatch[] = [];
  let comparisons = 0;
  // Numeric columns: one pair of evaluations per input element.
  const columns = points.map((x, k) =>
    Array.from(x.data, (v, i) => {
      const h = CENTRAL_STEP * Math.max(1, Math.abs(v));
      const e = new Tensor(new Float64Array(x.size).fill(0), x.shape);
      e.data[i] = 1;
      const dirs = points.map((_, j) => (j === k ? e : undefined));
      const [plus] = p.evaluate([p.output], shifted(points, dirs, h));
      const [minus] = p.evaluate([p.output], shifted(points, dirs, -h));
      return Array.from(plus!.data, (a, o) => (a - minus!.data[o]!) / (2 * h));
    }),
  );
  for (let o = 0; o < outSize; o++) {
    const seed = new Tensor(new Float64Array(outSize), p.output.shape as number[]);
    seed.data[o] = 1;
    const rows = evaluateWith(p, u, p.output.dtype === 'float32' ? new Tensor(Float32Array.from(seed.data), seed.shape) : seed, grads, points);
    rows.forEach((row, k) => {
      row.data.forEach((analytic, i) => {
        comparisons++;
        const numeric = columns[k]![i]![o]!;
        if (!close(analytic, numeric, atol, rtol)) mismatches.push({ input: `x${k}`, index: i, outputIndex: o, analytic, numeric });
      });
    });
  }
  return { mismatches, comparisons };
}

function projection(p: Probe, points: readonly Tensor[], atol: number, rtol: number, count: number, seed: number): { mismatches: Mismatch[]; comparisons: number } {
  const { u, grads } = pullback(p);
  const tangentInputs = p.inputs.map((x, k) => p.graph.input(`__tangent${k}`, x.shape, x.dtype));
  const forward = jvp(p.output, p.inputs, tangentInputs);
  const mismatches: Mismatch[] = [];
  let comparisons = 0;
  const outShape = p.output.shape as number[];
  for (let r = 0; r < count; r++) {
    const uValue = randomLike({ shape: outShape, dtype: p.output.dtype }, seed, 2 * r);
    const vs = points.map((x, k) => randomLike(x, seed + 1 + k, 2 * r + 1));
    const h = (CENTRAL_STEP * scaleOf(points)) / Math.max(scaleOf(vs, 0), 1e-300);
    const [plus] = p.evaluate([p.output], shifted(points, vs, h));
    const [minus] = p.evaluate([p.output], shifted(points, vs, -h));
    let numeric = 0;
    for (let o = 0; o < uValue.size; o++) numeric += (uValue.data[o]! * (plus!.data[o]! - minus!.data[o]!)) / (2 * h);
    const feeds = {
      ...Object.fromEntries(points.map((v, i) => [`x${i}`, v])),
      ...Object.fromEntries(vs.map((v, k) => [`__tangent${k}`, v])),
      [u.name!]: uValue,
    };
    const [Jv, ...pulled] = p.graph.run([forward, ...grads], feeds);
    const reverse = pulled.reduce((s, gk, k) => s + dot(gk, vs[k]!), 0); // ⟨Jᵀu, v⟩
    const forwardValue = dot(uValue, Jv!); // ⟨u, J v⟩
    for (const [name, analytic] of [['reverse', reverse], ['forward', forwardValue]] as const) {
      comparisons++;
      if (!close(analytic, numeric, atol, rtol)) mismatches.push({ input: `${name} mode, projection ${r}`, index: undefined, outputIndex: undefined, analytic, numeric });
    }
  }
  return { mismatches, comparisons };
}

function taylor(p: Probe, points: readonly Tensor[], seed: number): { order: number; mismatches: Mismatch[] } {
  const { u, grads } = pullback(p);
  const uValue = randomLike({ shape: p.output.shape as number[], dtype: p.output.dtype }, seed, 0);
  const vs = points.map((x, k) => randomLike(x, seed + 1 + k, 1));
  const phi = (h: number): number => dot(uValue, p.evaluate([p.output], shifted(points, vs, h))[0]!);
  const slope = evaluateWith(p, u, uValue, grads, points).reduce((s, gk, k) => s + dot(gk, vs[k]!), 0);
  const f0 = phi(0);
  const h0 = 1e-2 * scaleOf(points);
  const residuals = Array.from({ length: 8 }, (_, k) => {
    const h = h0 / 2 ** k;
    return Math.abs(phi(h) - f0 - h * slope);
  });
  const floor = 64 * Number.EPSILON * Math.max(1, Math.abs(f0));
  const orders: number[] = [];
  for (let k = 0; k + 1 < residuals.length; k++) {
    if (residuals[k + 1]! > floor) orders.push(Math.log2(residuals[k]! / residuals[k + 1]!));
  }
  if (orders.length === 0) return { order: Infinity, mismatches: [] }; // φ is linear along v: the model is exact
  orders.sort((a, b) => a - b);
  const order = orders[Math.floor(orders.length / 2)]!;
  const mismatches =
    order >= 1.6 ? [] : [{ input: 'taylor remainder', index: undefined, outputIndex: undefined, analytic: slope, numeric: (phi(h0 / 256) - phi(-h0 / 256)) / (2 * (h0 / 256)) }];
  return { order, mismatches };
}

/** Nodes whose value depends on the probe's inputs. */
function dependsOnInputs(p: Probe): Set<Node> {
  const reached = new Set<Node>(p.inputs);
  for (const n of schedule([p.output])) if (n.inputs.some((m) => reached.has(m))) reached.add(n);
  return reached;
}

/** Checks each differentiable node on the path on its own, at the values it sees, to name the first whose rule is wrong. */
function findCulprit(p: Probe, points: readonly Tensor[], atol: number, rtol: number, seed: number): Culprit | undefined {
  const order = schedule([p.output]);
  const values = p.evaluate(order, points);
  const valueOf = new Map(order.map((n, i) => [n, values[i]!]));
  const reached = dependsOnInputs(p);
  for (const node of order) {
    if (!getOp(node.op)?.differentiable || node.inputs.length === 0 || !reached.has(node)) continue;
    let local: ReturnType<typeof compare>;
    try {
      const localPoints = node.inputs.map((m) => valueOf.get(m)!);
      local = compare(probe((...xs) => xs[0]!.graph.apply(node.op, xs, node.attrs), localPoints), localPoints, 'projection', atol, rtol, 2, seed);
    } catch (e) {
      if (e instanceof ChainruleError) continue; // the node cannot be checked on its own (e.g. integer indices)
      throw e;
    }
    if (local.mismatches.length > 0) {
      const reverse = local.mismatches.some((m) => m.input.startsWith('reverse'));
      return { node: String(node), op: node.op, rule: `${reverse ? 'vjp' : 'jvp'}:${node.op}` };
    }
  }
  return undefined;
}

function compare(
  p: Probe,
  points: readonly Tensor[],
  mode: Exclude<CheckMode, 'auto'>,
  atol: number,
  rtol: number,
  projections: number,
  seed: number,
): { mismatches: Mismatch[]; comparisons: number; order?: number } {
  if (mode === 'exhaustive') return exhaustive(p, points, atol, rtol);
  if (mode === 'projection') return projection(p, points, atol, rtol, projections, seed);
  return { ...taylor(p, points, seed), comparisons: 1 };
}

/**
 * Checks the derivative graphs of a function against float64 central differences, with a step
 * h = ∛ε·max(1, |x|) that scales with the point. The function receives one input node per point;
 * its output may have any shape (projections and the Taylor test use a random cotangent u).
 * Second-order checks: pass a function that returns a gradient node.
 *
 * @param f - builds the output from input nodes (run in a fresh graph).
 * @param points - where to check, one tensor per input.
 * @param options - mode, tolerances, directions, seed.
 * @returns the report; on failure it names the inputs, flat indices, both values and, where it can,
 *   the node and rule that is wrong.
 * @throws ChainruleError for float32 points unless `allowFloat32` is set, with the reason.
 * @example
 * ```ts
 * const report = checkGradients((x) => x.sin().mul(x).sum(), [tensor([0.1, 0.2])]);
 * report.ok; // true
 * ```
 */
export function checkGradients(f: (...xs: Node[]) => Node, points: readonly Tensor[], options: CheckOptions = {}): GradientReport {
  expectFunction('checkGradients', 'f', f);
  expectArray('checkGradients', 'points', points, 'tensors').forEach((x, i) => expectTensor('checkGradients', `points[${i}]`, x));
  if (points.length === 0 || points.length < f.length) {
    throw new ChainruleError(`checkGradients: f takes ${f.length} input(s) but ${points.length} point(s) were given; give one tensor per input`);
  }
  const { atol = 1e-6, rtol = 1e-6, projections = 3, seed = 0, exhaustiveLimit = 2048, allowFloat32 = false } = expectOptions('checkGradients', 'options', options) as CheckOptions;
  expectNumber('checkGradients', 'options.atol', atol, { min: 0 });
  expectNumber('checkGradients', 'options.rtol', rtol, { min: 0 });
  expectNumber('checkGradients', 'options.projections', projections, { kind: 'integer', min: 1 });
  expectNumber('checkGradients', 'options.seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectNumber('checkGradients', 'options.exhaustiveLimit', exhaustiveLimit, { kind: 'integer', min: 0 });
  expectBoolean('checkGradients', 'options.allowFloat32', allowFloat32);
  if (options.mode !== undefined) expectString('checkGradients', 'options.mode', options.mode, ['auto', 'exhaustive', 'projection', 'taylor']);
  points.forEach((x, i) => {
    if (x.dtype === 'float32' && !allowFloat32) {
      throw new ChainruleError(
        `checkGradients: input x${i} is float32. Central differences in float32 lose most of its 24-bit mantissa to cancellation ` +
          '(errors near 1e-3 are normal), so a wrong gradient can pass and a right one fail. Check in float64, or pass ' +
          'allowFloat32: true with tolerances around 1e-2.',
      );
    }
  });
  const p = probe(f, points);
  const jacobianSize = p.output.shape.reduce((a: number, d) => a * (d as number), 1) * points.reduce((a, x) => a + x.size, 0);
  const mode = options.mode === undefined || options.mode === 'auto' ? (jacobianSize <= exhaustiveLimit ? 'exhaustive' : 'projection') : options.mode;
  const { mismatches, comparisons, order } = compare(p, points, mode, atol, rtol, projections, seed);
  const ok = mismatches.length === 0;
  const culprit = ok ? undefined : findCulprit(p, points, atol, rtol, seed);
  const first = mismatches[0];
  const message = ok
    ? `gradients agree (${mode}, ${comparisons} comparisons${order !== undefined ? `, order ${order.toFixed(2)}` : ''})`
    : `gradients disagree (${mode}): ${mismatches.length} of ${comparisons} comparisons fail; first: ${first!.input}` +
      `${first!.index !== undefined ? `[${first!.index}]` : ''}${first!.outputIndex !== undefined ? ` for output [${first!.outputIndex}]` : ''}: ` +
      `analytic (derivative graph) ${first!.analytic}, numeric (central differences) ${first!.numeric}` +
      (order !== undefined ? `; the first-order error shrinks with order ${order.toFixed(2)} (2 expected)` : '') +
      (culprit ? `; the rule ${culprit.rule} of ${culprit.node} fails on its own` : '');
  return { ok, mode, comparisons, mismatches, ...(order !== undefined ? { order } : {}), ...(culprit ? { culprit } : {}), message };
}
