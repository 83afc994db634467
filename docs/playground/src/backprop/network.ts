// The networks of the backprop page, built as the lecture writes them, with column vectors:
// h⁽ˡ⁾ = W⁽ˡ⁻¹⁾y⁽ˡ⁻¹⁾ (+ b⁽ˡ⁻¹⁾), y⁽ˡ⁾ = a_l(h⁽ˡ⁾), y⁽⁰⁾ = x, and a squared loss on y⁽ᴸ⁾.
import { Graph, tensor, uniformInit, type Node, type Tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';

/** An activation of the page's networks. */
export type Activation = 'sigmoid' | 'tanh' | 'identity';

/** A network of the page. */
export interface NetworkSpec {
  /** Stable id. */
  readonly id: string;
  /** Menu text. */
  readonly label: string;
  /** n₀, n₁, …, n_L. */
  readonly sizes: readonly number[];
  /** a₁, …, a_L. */
  readonly activations: readonly Activation[];
  /** With biases b⁽ˡ⁾. */
  readonly biases: boolean;
  /** ℓ = c·‖y⁽ᴸ⁾ − y‖²: the lecture's example has c = 1, the MLP ½. */
  readonly lossScale: number;
  /** The weights W⁽⁰⁾, …, W⁽ᴸ⁻¹⁾ (n_{l+1} × n_l) and biases. */
  readonly weights: readonly number[][][];
  /** Biases b⁽⁰⁾, … (when `biases`). */
  readonly biasValues: readonly number[][];
  /** The example (x, y). */
  readonly x: readonly number[];
  /** Its target. */
  readonly y: readonly number[];
}

const seeded = (rows: number, cols: number, seed: number): number[][] => {
  const t = uniformInit(-1, 1, seed)([rows, cols], 'float64');
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Number(t.get(i, j).toFixed(2))));
};

/** The networks, in menu order: the lecture's 2-2-1 example, then a 3-4-3-2 MLP with biases. */
export const NETWORKS: readonly NetworkSpec[] = [
  {
    id: 'lecture',
    label: 'the lecture’s 2-2-1 network (sigmoid, no biases)',
    sizes: [2, 2, 1],
    activations: ['sigmoid', 'sigmoid'],
    biases: false,
    lossScale: 1,
    weights: [[[0.6, -0.4], [-0.3, 0.9]], [[1.5, -0.8]]],
    biasValues: [],
    x: [1, 0.5],
    y: [1],
  },
  {
    id: 'mlp',
    label: 'a 3-4-3-2 MLP (tanh, linear output, biases)',
    sizes: [3, 4, 3, 2],
    activations: ['tanh', 'tanh', 'identity'],
    biases: true,
    lossScale: 0.5,
    weights: [seeded(4, 3, 5), seeded(3, 4, 6), seeded(2, 3, 7)],
    biasValues: [[0.1, -0.2, 0.05, 0], [0, 0.1, -0.1], [0.2, -0.1]],
    x: [0.5, -1, 0.25],
    y: [1, -0.5],
  },
];

/** The graph of a network: its forward nodes by lecture name, and the gradients grad built. */
export interface BuiltNetwork {
  /** The graph. */
  readonly graph: Graph;
  /** The forward nodes, in order, with their TeX names (x, W⁽⁰⁾, h⁽¹⁾, y⁽¹⁾, …, ℓ). */
  readonly forward: readonly { readonly node: Node; readonly tex: string }[];
  /** y⁽¹⁾, …, y⁽ᴸ⁾. */
  readonly outputs: readonly Node[];
  /** h⁽¹⁾, …, h⁽ᴸ⁾. */
  readonly preActivations: readonly Node[];
  /** The loss ℓ. */
  readonly loss: Node;
  /** The parameters W⁽⁰⁾, b⁽⁰⁾, W⁽¹⁾, …, with TeX names. */
  readonly params: readonly { readonly node: Node; readonly tex: string }[];
  /** ∂ℓ/∂ of each parameter, made by `grad`. */
  readonly gradients: readonly Node[];
  /** The id of the last forward node: every node after it was built by `grad`. */
  readonly lastForwardId: number;
}

const activate = (h: Node, a: Activation): Node => (a === 'sigmoid' ? h.sigmoid() : a === 'tanh' ? h.tanh() : h);

/**
 * Builds a network's forward graph and its gradients with `grad`.
 *
 * @param spec - the network.
 * @returns the graph and its named nodes.
 */
export function buildNetwork(spec: NetworkSpec): BuiltNetwork {
  const g = new Graph();
  const x = g.constant(tensor(spec.x.map((v) => [v])));
  const forward: { node: Node; tex: string }[] = [{ node: x, tex: 'x' }];
  const params: { node: Node; tex: string }[] = [];
  const outputs: Node[] = [];
  const preActivations: Node[] = [];
  let y = x;
  spec.activations.forEach((a, l) => {
    const W = g.variable(`W${l}`, tensor(spec.weights[l]!.map((row) => [...row])));
    params.push({ node: W, tex: `W^{(${l})}` });
    forward.push({ node: W, tex: `W^{(${l})}` });
    let h = W.matmul(y);
    if (spec.biases) {
      const b = g.variable(`b${l}`, tensor(spec.biasValues[l]!.map((v) => [v])));
      params.push({ node: b, tex: `b^{(${l})}` });
      forward.push({ node: b, tex: `b^{(${l})}` }, { node: h, tex: `W^{(${l})}y^{(${l})}` });
      h = h.add(b);
    }
    forward.push({ node: h, tex: `h^{(${l + 1})}` });
    preActivations.push(h);
    y = activate(h, a);
    if (a !== 'identity') forward.push({ node: y, tex: `y^{(${l + 1})}` });
    outputs.push(y);
  });
  const target = g.constant(tensor(spec.y.map((v) => [v])));
  forward.push({ node: target, tex: 'y' });
  const diff = y.sub(target);
  const squares = diff.square();
  const total = squares.sum();
  const loss = spec.lossScale === 1 ? total : total.mul(spec.lossScale);
  forward.push({ node: diff, tex: `y^{(${spec.activations.length})} - y` }, { node: squares, tex: `(y^{(${spec.activations.length})} - y)^2` });
  if (spec.lossScale !== 1) forward.push({ node: total, tex: '\\|y^{(L)} - y\\|^2' });
  forward.push({ node: loss, tex: '\\ell' });
  const lastForwardId = loss.id;
  const gradients = grad(loss, params.map((p) => p.node));
  return { graph: g, forward, outputs, preActivations, loss, params, gradients, lastForwardId };
}

/** A matrix of numbers from a tensor of rank ≤ 2 (a scalar is 1 × 1, a vector a column). */
export function matrixOf(t: Tensor): number[][] {
  const [rows, cols] = t.rank === 2 ? [t.shape[0]!, t.shape[1]!] : t.rank === 1 ? [t.shape[0]!, 1] : [1, 1];
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => t.data[i * cols + j]!));
}
