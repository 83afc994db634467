import { ChainruleError, Graph, Tensor, randomStream, type Node } from '@chainrule/graph';

/** ∛ε: the step that balances truncation (∝ h²) and rounding (∝ ε/h) errors of central differences. */
export const CENTRAL_STEP = Math.cbrt(Number.EPSILON);

/** A function of graph inputs rebuilt in a fresh graph, ready to evaluate at points. */
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

/** Builds `f` on fresh inputs shaped like `points`. */
export function probe(f: (...xs: Node[]) => Node, points: readonly Tensor[]): Probe {
  const graph = new Graph();
  const inputs = points.map((p, i) => graph.input(`x${i}`, p.shape, p.dtype));
  const output = f(...inputs);
  if (output?.graph !== graph) throw new ChainruleError('checkGradients: the function must return a node built from its arguments');
  const evaluate = (nodes: readonly Node[], values: readonly Tensor[]): Tensor[] =>
    graph.run(nodes, Object.fromEntries(values.map((v, i) => [`x${i}`, v])));
  return { graph, inputs, output, evaluate };
}

/** `points` with `x_k ← x_k + h·d_k` for each input k (directions may be missing: no change). */
export function shifted(points: readonly Tensor[], directions: readonly (Tensor | undefined)[], h: number): Tensor[] {
  return points.map((p, k) => {
    const d = directions[k];
    if (d === undefined) return p;
    const data = p.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! += h * d.data[i]!;
    return new Tensor(data, p.shape);
  });
}

/** Random values in [−1, 1) shaped like `like`, from a seeded stream. */
export function randomLike(like: { readonly shape: readonly number[]; readonly dtype: Tensor['dtype'] }, seed: number, stream: number): Tensor {
  const rng = randomStream(seed, stream);
  const n = like.shape.reduce((a, d) => a * d, 1);
  const data = like.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.next() >>> 0) / 2 ** 31 - 1;
  return new Tensor(data, like.shape);
}

/** ⟨a, b⟩ over all elements. */
export function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** Largest |x| over all points (at least `floor`, 1 by default): scales the finite-difference step. */
export function scaleOf(points: readonly Tensor[], floor = 1): number {
  let m = floor;
  for (const p of points) for (const v of p.data) m = Math.max(m, Math.abs(v));
  return m;
}
