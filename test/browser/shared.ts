// Computations run both in Node and in the page by `pnpm test:browser`.
import { Graph, tensor, type Tensor } from '@chainrule/graph';

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
  return Object.fromEntries(Object.keys(out).map((k, i) => [k, bits(values[i]!)]));
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
