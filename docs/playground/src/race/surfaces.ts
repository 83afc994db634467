// The loss surfaces of the optimiser race: f(w) for w = (w₁, w₂), built as chainrule graph nodes, with
// what the race needs to draw and score them. To add one, append an entry to SURFACES (see the
// playground guide, docs/playground.md).
import { Graph, tensor, uniformInit, type Node } from '@chainrule/graph';
import { fromExpression, toTex } from '@chainrule/graph/mathjs';
import { minimize, newton } from '@chainrule/optim';
import type { SliderSpec } from '../shared/controls.js';

/** The values of a surface's own sliders, by key. */
export type SurfaceParams = Readonly<Record<string, number>>;

/** A 2-D loss surface of the race. */
export interface Surface {
  /** Stable id (used in the page's address and tests). */
  readonly id: string;
  /** Name in the menu. */
  readonly label: string;
  /** One sentence on what it shows. */
  readonly about: string;
  /** Its own sliders (e.g. κ), with defaults. */
  readonly params: readonly (SliderSpec & { readonly value: number })[];
  /** The plotted rectangle: ranges of w₁ and w₂. */
  readonly domain: { readonly x: readonly [number, number]; readonly y: readonly [number, number] };
  /** w⁽⁰⁾. */
  readonly start: readonly [number, number];
  /** f as TeX, for the page. */
  tex(p: SurfaceParams): string;
  /**
   * Builds f(w) in `graph` from the scalar nodes w₁ and w₂.
   *
   * @throws ExpressionError for a typed expression that does not parse.
   */
  build(graph: Graph, w1: Node, w2: Node, p: SurfaceParams): Node;
  /** min f, when known exactly; otherwise the race estimates it (least value seen). */
  minimum(p: SurfaceParams): number | undefined;
  /** β, a smoothness constant (largest Hessian eigenvalue on the domain): sets default step sizes. */
  smoothness(p: SurfaceParams): number;
  /** α, the strong-convexity constant, for surfaces where the lecture's rate bounds apply. */
  strongConvexity?(p: SurfaceParams): number;
}

/** The surface a user types, in mathjs syntax over `x` (w₁) and `y` (w₂). */
export const TYPED_DEFAULT = '0.5 * (x - 1)^2 + 2 * (y + 0.5)^2 + 0.3 * sin(3 * x) * cos(2 * y)';

/** Two seeded Gaussian clouds of 40 points each with labels ±1, for the logistic surface. */
function logisticData(): { x1: number[]; x2: number[]; labels: number[] } {
  const noise = uniformInit(-1, 1, 11)([80, 2], 'float64');
  const x1: number[] = [];
  const x2: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 80; i++) {
    const label = i < 40 ? 1 : -1;
    x1.push(label * 0.6 + 1.1 * noise.get(i, 0));
    x2.push(label * 0.3 + 1.1 * noise.get(i, 1));
    labels.push(label);
  }
  return { x1, x2, labels };
}
const LOGISTIC = logisticData();
const RIDGE = 0.05;

/** f(w) = (1/m)Σ log(1 + exp(−yᵢ wᵀxᵢ)) + (λ/2)‖w‖², the logistic loss of the data above. */
function logisticLoss(g: Graph, w1: Node, w2: Node): Node {
  const margins = w1.mul(g.constant(LOGISTIC.x1)).add(w2.mul(g.constant(LOGISTIC.x2))).mul(g.constant(LOGISTIC.labels));
  return margins.neg().softplus().mean().add(w1.square().add(w2.square()).mul(RIDGE / 2));
}

/** min of the logistic loss: 30 Newton steps from 0 (the loss is strongly convex), run by chainrule. */
const LOGISTIC_MINIMUM = ((): number => {
  const g = new Graph();
  const w = g.variable('w', tensor([0, 0]));
  const f = logisticLoss(g, w.slice([0], [1]).reshape([]), w.slice([1], [1]).reshape([]));
  const step = g.compile({ outputs: [f], updates: minimize(f, [w], newton({ lr: 1 })) });
  for (let i = 0; i < 30; i++) step();
  return step()[0]!.item();
})();

/** The surfaces, in menu order. */
export const SURFACES: readonly Surface[] = [
  {
    id: 'quadratic',
    label: 'ill-conditioned quadratic',
    about: 'f(w) = ½ wᵀHw with H = diag(1/κ, 1): convex, β = 1, α = 1/κ; the lecture’s rate bounds apply.',
    params: [{ key: 'kappa', label: 'κ (condition number)', min: 1, max: 1000, log: true, value: 100 }],
    domain: { x: [-2.2, 2.2], y: [-2.2, 2.2] },
    start: [-2, 1.5],
    tex: (p) => `f(\\mathbf{w}) = \\tfrac{1}{2}\\left(\\tfrac{1}{${Number(p['kappa']!.toPrecision(3))}}\\,w_1^2 + w_2^2\\right)`,
    build: (_g, w1, w2, p) => w1.square().mul(1 / p['kappa']!).add(w2.square()).mul(0.5),
    minimum: () => 0,
    smoothness: () => 1,
    strongConvexity: (p) => 1 / p['kappa']!,
  },
  {
    id: 'rosenbrock',
    label: 'Rosenbrock valley',
    about: 'A curved, narrow valley with its minimum 0 at (1, 1): not convex, badly scaled.',
    params: [],
    domain: { x: [-2, 2], y: [-1, 3] },
    start: [-1.2, 1],
    tex: () => 'f(\\mathbf{w}) = (1 - w_1)^2 + 100\\,(w_2 - w_1^2)^2',
    build: (_g, w1, w2) => w1.neg().add(1).square().add(w2.sub(w1.square()).square().mul(100)),
    minimum: () => 0,
    smoothness: () => 1000,
  },
  {
    id: 'saddle',
    label: 'saddle',
    about: 'A strict saddle at 0 (Hessian diag(1, −½)) between two minima at (0, ±1): from a start near the saddle’s stable line, gradient descent escapes along w₂.',
    params: [],
    domain: { x: [-1.6, 1.6], y: [-1.6, 1.6] },
    start: [1.5, 0.01],
    tex: () => 'f(\\mathbf{w}) = \\tfrac{1}{2}w_1^2 - \\tfrac{1}{4}w_2^2 + \\tfrac{1}{8}w_2^4',
    build: (_g, w1, w2) => w1.square().mul(0.5).sub(w2.square().mul(0.25)).add(w2.square().square().mul(0.125)),
    minimum: () => -0.125,
    smoothness: () => 1,
  },
  {
    id: 'logistic',
    label: 'logistic regression (2 features)',
    about: 'The empirical risk of logistic regression on 80 seeded points with two features, plus a small ridge: smooth and strongly convex.',
    params: [],
    domain: { x: [-2, 4], y: [-3, 3] },
    start: [-1.5, 2.5],
    tex: () => `f(\\mathbf{w}) = \\frac{1}{80}\\sum_{i=1}^{80}\\log\\left(1 + e^{-y_i\\,\\mathbf{w}^\\top\\mathbf{x}_i}\\right) + \\tfrac{${RIDGE}}{2}\\|\\mathbf{w}\\|^2`,
    build: (g, w1, w2) => logisticLoss(g, w1, w2),
    minimum: () => LOGISTIC_MINIMUM,
    smoothness: () => 0.5,
  },
];

/**
 * The surface of a typed expression in mathjs syntax, x for w₁ and y for w₂ (built by the mathjs
 * bridge, `fromExpression`).
 *
 * @param expression - the formula.
 * @returns the surface; building it throws ExpressionError when the formula does not parse.
 */
export function typedSurface(expression: string): Surface {
  return {
    id: 'typed',
    label: 'your expression',
    about: 'Any formula in x (w₁) and y (w₂), built into the graph by the mathjs bridge; min f is estimated as the least value seen.',
    params: [],
    domain: { x: [-2.5, 2.5], y: [-2.5, 2.5] },
    start: [-2, 2],
    tex: () => {
      const g = new Graph();
      return `f(x, y) = ${toTex(fromExpression(g, expression, { x: g.input('x', []), y: g.input('y', []) }))}`;
    },
    build: (g, w1, w2) => fromExpression(g, expression, { x: w1, y: w2 }),
    minimum: () => undefined,
    smoothness: () => 4,
  };
}
