import { ChainruleError, Graph, Tensor, randomStream, type Node } from '@chainrule/graph';

/**
 * ∛ε: the step that balances truncation (∝ h²) and rounding (∝ ε/h) errors of central differences.
 *
 * @example
 * ```ts
 * CENTRAL_STEP; // ≈ 6.06e-6
 * const slope = (f(1 + CENTRAL_STEP) - f(1 - CENTRAL_STEP)) / (2 * CENTRAL_STEP); // ≈ f′(1)
 * ```
 */
export const CENTRAL_STEP = Math.cbrt(Number.EPSILON);

/**
 * A function of graph inputs rebuilt in a fresh graph, ready to evaluate at points.
 *
 * @example
 * ```ts
 * const p: Probe = probe((x) => x.exp().sum(), [tensor([0, 1])]);
 * p.inputs[0]!.name; // 'x0'
 * p.evaluate([p.output], [tensor([0, 1])]); // [1 + e]
 * ```
 */
export interface Probe {
  /** The fresh graph. */
  readonly graph: Graph;
  /** One input node per point, named `x0`, `x1`, …. */
  readonly inputs: readonly Node[];
  /** The function's output. */
  readonly output: Node;
  /** Evaluates any nodes of the graph at given input values. */
  evaluate(nodes: readonly Node[], values: readonly Tensor[]): Tensor[];
}

/**
 * Builds `f` on fresh inputs shaped like `points`.
 *
 * @param f - the function under test, from input nodes to one output node.
 * @param points - where it will be evaluated; they fix the inputs' shapes and dtypes.
 * @returns the probe.
 * @throws ChainruleError when `f` does not return a node built from its arguments.
 * @example
 * ```ts
 * const p = probe((x) => x.exp().sum(), [tensor([0, 1])]);
 * p.evaluate([p.output], [tensor([0, 1])]);
 * ```
 */
export function probe(f: (...xs: Node[]) => Node, points: readonly Tensor[]): Probe {
  const graph = new Graph();
  const inputs = points.map((p, i) => graph.input(`x${i}`, p.shape, p.dtype));
  const output = f(...inputs);
  if (output?.graph !== graph) throw new ChainruleError('checkGradients: the function must return a node built from its arguments');
  const evaluate = (nodes: readonly Node[], values: readonly Tensor[]): Tensor[] =>
    graph.run(nodes, Object.fromEntries(values.map((v, i) => [`x${i}`, v])));
  return { graph, inputs, output, evaluate };
}

/**
 * `points` with `x_k ← x_k + h·d_k` for each input k (directions may be missing: no change).
 *
 * @param points - the base points.
 * @param directions - one direction per point, shaped like it, or `undefined`.
 * @param h - the step.
 * @returns new tensors (the points are not modified).
 * @example
 * ```ts
 * shifted([tensor([1, 2])], [tensor([1, 0])], 0.5); // [[1.5, 2]]
 * ```
 */
export function shifted(points: readonly Tensor[], directions: readonly (Tensor | undefined)[], h: number): Tensor[] {
  return points.map((p, k) => {
    const d = directions[k];
    if (d === undefined) return p;
    const data = p.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! += h * d.data[i]!;
    return new Tensor(data, p.shape);
  });
}

/**
 * Random values in [−1, 1) shaped like `like`, from a seeded stream.
 *
 * @param like - anything with a concrete shape and a dtype (a tensor).
 * @param seed - seed of the stream.
 * @param stream - which stream of that seed (e.g. one per input).
 * @returns a new tensor.
 * @example
 * ```ts
 * randomLike(point, 0, 1);
 * ```
 */
export function randomLike(like: { readonly shape: readonly number[]; readonly dtype: Tensor['dtype'] }, seed: number, stream: number): Tensor {
  const rng = randomStream(seed, stream);
  const n = like.shape.reduce((a, d) => a * d, 1);
  const data = like.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.next() >>> 0) / 2 ** 31 - 1;
  return new Tensor(data, like.shape);
}

/**
 * ⟨a, b⟩ over all elements.
 *
 * @param a - a tensor.
 * @param b - a tensor with as many elements.
 * @returns Σᵢ aᵢbᵢ.
 * @example
 * ```ts
 * dot(tensor([1, 2]), tensor([3, 4])); // 11
 * ```
 */
export function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/**
 * Largest |x| over all points (at least `floor`, 1 by default): scales the finite-difference step.
 *
 * @param points - the points.
 * @param floor - the smallest scale returned.
 * @returns max(floor, maxᵢ |xᵢ|).
 * @example
 * ```ts
 * scaleOf([tensor([-3, 0.5])]); // 3
 * ```
 */
export function scaleOf(points: readonly Tensor[], floor = 1): number {
  let m = floor;
  for (const p of points) for (const v of p.data) m = Math.max(m, Math.abs(v));
  return m;
}
