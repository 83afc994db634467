/**
 * Shared pieces of the lecture-3 theorem tests: small dense linear algebra (the oracle side), the
 * fast-check arbitraries for problems, the losses built as chainrule graphs, and a runner that
 * records the iterates an optimiser produces through `minimize`.
 */
import fc from 'fast-check';
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { minimize, newton, type Minimization, type UpdateRule } from '@chainrule/optim';

export type Vec = number[];
export type Mat = number[][];

// ---- dense linear algebra (plain numbers, independent of chainrule) ----

export const dot = (a: Vec, b: Vec): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
export const norm = (a: Vec): number => Math.sqrt(dot(a, a));
export const normInf = (a: Vec): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
export const sub = (a: Vec, b: Vec): Vec => a.map((x, i) => x - b[i]!);
export const matVec = (M: Mat, x: Vec): Vec => M.map((row) => dot(row, x));
export const transpose = (M: Mat): Mat => M[0]!.map((_, j) => M.map((row) => row[j]!));
export const identity = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** An orthogonal matrix Q: the product of the Givens rotations G(i, j, θᵢⱼ) for all i < j. */
export function rotation(n: number, angles: readonly number[]): Mat {
  const Q = identity(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const theta = angles[k++ % angles.length] ?? 0;
      const [c, s] = [Math.cos(theta), Math.sin(theta)];
      for (const row of Q) [row[i], row[j]] = [c * row[i]! - s * row[j]!, s * row[i]! + c * row[j]!];
    }
  }
  return Q;
}

/** H = Q diag(λ) Qᵀ, exactly symmetric (each entry is Σₖ λₖ·(qᵢₖ qⱼₖ)). */
export function fromSpectrum(Q: Mat, lambdas: readonly number[]): Mat {
  const n = Q.length;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => lambdas.reduce((s, l, k) => s + l * (Q[i]![k]! * Q[j]![k]!), 0)));
}

/** The eigenvalues of a symmetric matrix, ascending (cyclic Jacobi rotations; for n ≤ 10). */
export function symmetricEigenvalues(S: Mat): number[] {
  const n = S.length;
  const A = S.map((row) => [...row]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let [off, diag] = [0, 0];
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p]![q]! ** 2;
    for (let p = 0; p < n; p++) diag += A[p]![p]! ** 2;
    if (off <= 1e-36 * diag || off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p]![q]!;
        if (apq === 0) continue;
        const tau = (A[q]![q]! - A[p]![p]!) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [A[k]![p]!, A[k]![q]!];
          A[k]![p] = c * akp - s * akq;
          A[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [A[p]![k]!, A[q]![k]!];
          A[p]![k] = c * apk - s * aqk;
          A[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return A.map((row, i) => row[i]!).sort((a, b) => a - b);
}

/** The spectral norm squared ‖A‖₂² = λmax(AᵀA) of a rectangular matrix. */
export const spectralNormSquared = (A: Mat): number => {
  const AtA = transpose(A).map((ci) => transpose(A).map((cj) => dot(ci, cj)));
  return Math.max(...symmetricEigenvalues(AtA));
};

// ---- arbitraries ----

/**
 * numRuns for an expensive property: `ci` runs at the default global setting (100), scaled in
 * proportion when FC_NUM_RUNS asks for a harder search (`pnpm test:props`), up to `max` (for
 * properties whose every run takes seconds, so that the harder search ends within the test timeout).
 */
export const runs = (ci: number, max = Infinity): number => Math.min(max, Math.max(1, Math.round((ci * (fc.readConfigureGlobal().numRuns ?? 100)) / 100)));

/** A bounded finite double. */
export const real = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** 10ᵘ with u uniform in [lo, hi]: scales spread over decades. */
export const logUniform = (lo: number, hi: number): fc.Arbitrary<number> => real(lo, hi).map((u) => 10 ** u);
/** A vector of n entries in [−lim, lim]. */
export const vector = (n: number, lim: number): fc.Arbitrary<Vec> => fc.array(real(-lim, lim), { minLength: n, maxLength: n });
/** Angles of a random rotation of Rⁿ (one per pair i < j). */
export const angles = (n: number): fc.Arbitrary<number[]> => fc.array(real(0, 2 * Math.PI), { minLength: (n * (n - 1)) / 2, maxLength: (n * (n - 1)) / 2 });
/** n fractions in [0, 1] (eigenvalues relative to a bound). */
export const fractions = (n: number): fc.Arbitrary<number[]> => fc.array(real(0, 1), { minLength: n, maxLength: n });
/**
 * n fractions in {0} ∪ [1e-4, 1], log-uniform: eigenvalues relative to β spread over decades, so that
 * some direction converges at the slowest rate a bound allows (λ ≈ β/t), not only fast ones.
 */
export const spreadFractions = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: logUniform(-4, 0), weight: 4 }), { minLength: n, maxLength: n });

// ---- losses as chainrule graphs (the parameter w is a column [n, 1]) ----

/** A loss over one column-vector variable `w`, in its own graph. */
export interface Problem {
  readonly graph: Graph;
  readonly w: Node;
  readonly loss: Node;
}

/** A column vector [n, 1] as a tensor. */
export const column = (x: Vec): Tensor => tensor(x.map((v) => [v]));

/** f(w) = ½ (w − w*)ᵀ H (w − w*), built from graph ops (sub, matmul, mul, sum). */
export function quadratic(H: Mat, wStar: Vec, w0: Vec): Problem {
  const graph = new Graph();
  const w = graph.variable('w', column(w0));
  const d = w.sub(graph.constant(column(wStar)));
  const loss = d.mul(graph.constant(H).matmul(d)).sum().mul(0.5);
  return { graph, w, loss };
}

/**
 * f(w) = Σᵢ log(1 + exp(−yᵢ aᵢᵀw)) + (λ/2)‖w‖², labels yᵢ = ±1. Its Hessian is
 * Aᵀ diag(σ(1 − σ)) A + λI ⪯ ¼AᵀA + λI, so f is β-smooth with β = ¼‖A‖₂² + λ, and convex. The ridge
 * term keeps the minimiser finite (separable data would send w* to infinity, and R with it).
 */
export function logistic(A: Mat, y: Vec, lambda: number, w0: Vec): Problem {
  const graph = new Graph();
  const w = graph.variable('w', column(w0));
  const margins = graph.constant(A).matmul(w).mul(graph.constant(column(y)));
  const loss = margins.neg().softplus().sum().add(w.square().sum().mul(lambda / 2));
  return { graph, w, loss };
}

/** The smoothness constant β = ¼‖A‖₂² + λ of {@link logistic}. */
export const logisticBeta = (A: Mat, lambda: number): number => spectralNormSquared(A) / 4 + lambda;

/** Data for {@link logistic}: m × n features in [−2, 2], labels ±1, ridge λ, a start w⁽⁰⁾. */
export const logisticData = (n: number): fc.Arbitrary<{ A: Mat; y: Vec; lambda: number; w0: Vec }> =>
  fc.integer({ min: n, max: n + 4 }).chain((m) =>
    fc.record({
      A: fc.array(vector(n, 2), { minLength: m, maxLength: m }),
      y: fc.array(fc.constantFrom(-1, 1), { minLength: m, maxLength: m }),
      lambda: logUniform(-2, -0.5),
      w0: vector(n, 3),
    }),
  );

// ---- running an optimiser ----

/** What a run records: w⁽ᵗ⁾, f(w⁽ᵗ⁾) and any extra outputs, for t = 0..steps (values before each update). */
export interface Trajectory {
  readonly w: Vec[];
  readonly loss: number[];
  readonly extra: Vec[][];
}

/**
 * Runs `steps` updates of `minimize(loss, [w], rule)` and records the state before each update and
 * after the last one. `extra` builds more outputs from the update (e.g. the rule's state variables);
 * `feeds(k)` gives the inputs of update k = 1, 2, ….
 */
export function iterate(
  problem: Problem,
  rule: UpdateRule,
  steps: number,
  extra: (step: Minimization) => Node[] = () => [],
  feeds: (update: number) => Record<string, Tensor> = () => ({}),
): Trajectory {
  const step = minimize(problem.loss, [problem.w], rule);
  const more = extra(step);
  const run = problem.graph.compile({ outputs: [problem.loss, problem.w, ...more], updates: step });
  const out: { w: Vec[]; loss: number[]; extra: Vec[][] } = { w: [], loss: [], extra: more.map(() => []) };
  // Outputs are read before the run's assignments: run t reports w⁽ᵗ⁾; the (steps + 1)-th update is ignored.
  for (let t = 0; t <= steps; t++) {
    const [f, w, ...rest] = run(feeds(t + 1));
    out.loss.push(f!.data[0]!);
    out.w.push(Array.from(w!.data));
    rest.forEach((x, i) => out.extra[i]!.push(Array.from(x.data)));
  }
  return out;
}

/**
 * The minimiser of a strictly convex smooth loss by chainrule's own `newton` rule: pure Newton
 * steps from the start of the problem `build` returns (a fresh graph, so the caller's is untouched).
 */
export function newtonMinimum(build: () => Problem, steps = 40): { wStar: Vec; fStar: number; gradNorm: number } {
  const problem = build();
  const trajectory = iterate(problem, newton(), steps, (s) => [s.gradients[0]!]);
  const last = trajectory.w.length - 1;
  return { wStar: trajectory.w[last]!, fStar: trajectory.loss[last]!, gradNorm: norm(trajectory.extra[0]![last]!) };
}
