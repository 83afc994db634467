// Computations run both in Node and in the page by `pnpm test:browser`.
import { Graph, Tensor, tensor } from '@chainrule/graph';
import { adam, minimize, polyak } from '@chainrule/optim';
import { Trainer, crossEntropyFromLogits, dense, dropout, misclassificationFromLogits, sequential } from '@chainrule/nn';

/** Float bits as hex, so that the comparison is exact and survives JSON. */
export const bits = (t: { data: ArrayLike<number> }): string[] =>
  Array.from(t.data, (v) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v);
    return view.getBigUint64(0).toString(16);
  });

/**
 * Results built only from exactly rounded operations (+ − × ÷ √, products, reductions, maxima,
 * masks) and the seeded uniform and Bernoulli streams: these must be the same bits in every engine.
 */
export function exactComputations(): Record<string, string[]> {
  const g = new Graph();
  const u = g.randomUniform([40, 30], { seed: 5, low: -2, high: 2 });
  const mask = g.randomBernoulli([40, 30], { seed: 6, p: 0.7 });
  const w = g.randomUniform([30, 20], { seed: 7, low: -1, high: 1 });
  const h = u.mul(mask).matmul(w).relu();
  const out = {
    uniform: u,
    product: h,
    sums: h.sum(0),
    rowMax: h.max(1),
    roots: h.add(1).sqrt().div(h.square().add(3)),
    mean: h.mean(),
  };
  const values = g.run(Object.values(out), {}, { executor: 'compiled' });
  return { ...Object.fromEntries(Object.keys(out).map((k, i) => [k, bits(values[i]!)])), trainedWeights: trainReluNetwork() };
}

/** 50 momentum steps of a ReLU network with a squared loss: exact operations only, end to end. */
function trainReluNetwork(): string[] {
  const g = new Graph();
  const x = g.randomUniform([64, 8], { seed: 21, low: -1, high: 1 });
  // Weights from a formula of exact sixteenths, so the starting point is the same everywhere.
  const init = (shape: readonly number[]): Tensor => new Tensor(Float64Array.from({ length: shape[0]! * shape[1]! }, (_, i) => (((i * 37) % 17) - 8) / 16), shape);
  const w1 = g.variable('w1', init([8, 16]));
  const w2 = g.variable('w2', init([16, 1]));
  const target = x.sum(1, true).relu();
  const loss = x.matmul(w1).relu().matmul(w2).sub(target).square().mean();
  const step = g.compile({ outputs: [loss], updates: minimize(loss, [w1, w2], polyak({ lr: 0.05, momentum: 0.9 })), executor: 'compiled' });
  for (let i = 0; i < 50; i++) step();
  return [...bits(g.getVariable('w1')), ...bits(g.getVariable('w2'))];
}

/** Three interleaved spirals' worth of points in the plane: 3 classes, a train and a test split. */
export function mlpProblem(): { data: { x: Tensor; y: Tensor }; test: { x: Tensor; y: Tensor } } {
  const make = (n: number, offset: number) => {
    const x: number[][] = [];
    const y: number[][] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      const r = ((i + offset) % 97) / 97 + 0.1;
      const angle = (c * 2 * Math.PI) / 3 + r * 2;
      x.push([r * Math.cos(angle), r * Math.sin(angle)]);
      y.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
    }
    return { x: tensor(x), y: tensor(y) };
  };
  return { data: make(384, 0), test: make(96, 41) };
}

/** The elementwise ops that go through an engine `Math` function, and the points they are measured at. */
export const ENGINE_MATH_OPS = ['exp', 'log', 'log1p', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'pow'] as const;

/** Each of {@link ENGINE_MATH_OPS} on 4,000 points of its domain (pow: x^1.7), as float64 bits. */
export function engineMathResults(): Record<string, string[]> {
  const n = 4000;
  const grid = (low: number, high: number): number[] => Array.from({ length: n }, (_, i) => low + ((high - low) * (i * 0.618034 % 1)));
  const domains: Record<(typeof ENGINE_MATH_OPS)[number], [number, number]> = {
    exp: [-700, 700], log: [1e-300, 1e300], log1p: [-0.999, 1e6], sin: [-100, 100], cos: [-100, 100],
    tanh: [-20, 20], sigmoid: [-40, 40], softplus: [-40, 40], pow: [0.001, 1e3],
  };
  const g = new Graph();
  const nodes = ENGINE_MATH_OPS.map((op) => {
    const x = g.constant(grid(...domains[op]));
    return op === 'pow' ? x.pow(1.7) : g.apply(op, [x]);
  });
  const values = g.run(nodes);
  return Object.fromEntries(ENGINE_MATH_OPS.map((op, i) => [op, bits(values[i]!)]));
}

/** The distance in units in the last place between two float64s given as bit strings (0 for equal NaNs). */
export function ulpDistance(a: string, b: string): number {
  const ordered = (hex: string): bigint => {
    const v = BigInt(`0x${hex}`);
    return v >> 63n ? -(v & 0x7fffffffffffffffn) : v;
  };
  const d = ordered(a) - ordered(b);
  return Number(d < 0n ? -d : d);
}

/** The 2-32-3 classifier with dropout and Adam that the page trains and Node checkpoints. */
export function classifier(): Trainer {
  return new Trainer({
    model: sequential([dense(32, { activation: 'relu' }), dropout(0.9), dense(3)]),
    inputUnits: 2, targetUnits: 3, loss: crossEntropyFromLogits, rule: adam({ lr: 0.02 }),
    metrics: { error: misclassificationFromLogits }, seed: 11,
  });
}
