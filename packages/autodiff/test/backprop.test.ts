import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Graph, schedule, simplify, tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';

type Matrix = number[][];
const act = {
  sigmoid: { f: (h: number) => 1 / (1 + Math.exp(-h)), df: (h: number) => Math.exp(-h) / (1 + Math.exp(-h)) ** 2 },
  tanh: { f: Math.tanh, df: (h: number) => 1 - Math.tanh(h) ** 2 },
} as const;

/**
 * The lecture's backpropagation, written out in plain numbers: forward y⁽ˡ⁺¹⁾ = a(W⁽ˡ⁾y⁽ˡ⁾ + b⁽ˡ⁾),
 * δ⁽ᴸ⁾ = J_y(ℓ), δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ diag(a′(h⁽ˡ⁺¹⁾)) W⁽ˡ⁾, and ∂ℓ/∂W⁽ˡ⁻¹⁾ᵢⱼ = δ⁽ˡ⁾ᵢ a′(h⁽ˡ⁾ᵢ) y⁽ˡ⁻¹⁾ⱼ.
 */
function deltaRecursion(Ws: Matrix[], bs: number[][], x: number[], target: number[], a: keyof typeof act) {
  const ys: number[][] = [x];
  const hs: number[][] = [[]];
  for (let l = 0; l < Ws.length; l++) {
    const h = Ws[l]!.map((row, i) => row.reduce((s, w, j) => s + w * ys[l]![j]!, bs[l]![i]!));
    hs.push(h);
    ys.push(h.map(act[a].f));
  }
  const L = Ws.length;
  // ℓ = ‖y − t‖² so δ⁽ᴸ⁾ = 2(y − t)
  const deltas: number[][] = new Array(L + 1);
  deltas[L] = ys[L]!.map((y, i) => 2 * (y - target[i]!));
  for (let l = L - 1; l >= 1; l--) {
    const W = Ws[l]!;
    deltas[l] = W[0]!.map((_, j) => W.reduce((s, row, i) => s + deltas[l + 1]![i]! * act[a].df(hs[l + 1]![i]!) * row[j]!, 0));
  }
  const dW = Ws.map((W, l) => W.map((row, i) => row.map((_, j) => deltas[l + 1]![i]! * act[a].df(hs[l + 1]![i]!) * ys[l]![j]!)));
  const db = Ws.map((W, l) => W.map((_, i) => deltas[l + 1]![i]! * act[a].df(hs[l + 1]![i]!)));
  return { dW, db };
}

const matrix = (rows: number, cols: number) =>
  fc.array(fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

const network = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 5 }), fc.constantFrom('sigmoid' as const, 'tanh' as const))
  .chain(([sizes, a]) =>
    fc.record({
      sizes: fc.constant(sizes),
      a: fc.constant(a),
      Ws: fc.tuple(...sizes.slice(1).map((n, l) => matrix(n, sizes[l]!))),
      bs: fc.tuple(...sizes.slice(1).map((n) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }))),
      x: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: sizes[0]!, maxLength: sizes[0]! }),
      t: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: sizes.at(-1)!, maxLength: sizes.at(-1)! }),
    }),
  );

describe("the lecture's backpropagation", () => {
  it('grad equals the hand-written δ recursion on random multi-layer networks', () => {
    fc.assert(
      fc.property(network, ({ sizes, a, Ws, bs, x, t }) => {
        const g = new Graph();
        let y = g.input('x', [sizes[0]!, 1]);
        const params = Ws.map((W, l) => ({ W: g.variable(`W${l}`, tensor(W)), b: g.variable(`b${l}`, tensor(bs[l]!.map((v) => [v]))) }));
        for (const { W, b } of params) y = W.matmul(y).add(b)[a]();
        const loss = y.sub(g.input('t', [sizes.at(-1)!, 1])).square().sum();
        const grads = grad(loss, params.flatMap((p) => [p.W, p.b]));
        const values = g.run(grads, { x: tensor(x.map((v) => [v])), t: tensor(t.map((v) => [v])) });
        const expected = deltaRecursion(Ws, bs, x, t, a);
        params.forEach((_, l) => {
          const dW = values[2 * l]!;
          const db = values[2 * l + 1]!;
          expected.dW[l]!.forEach((row, i) => row.forEach((v, j) => expect(dW.get(i, j)).toBeCloseTo(v, 12)));
          expected.db[l]!.forEach((v, i) => expect(db.get(i, 0)).toBeCloseTo(v, 12));
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe('rewriting gradient graphs', () => {
  it('shrinks the gradient graph of an MLP loss and keeps its values', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 4]);
    const t = g.input('t', ['batch', 3]);
    const w1 = g.variable('w1', [4, 8], 0.1);
    const b1 = g.variable('b1', [8], 0);
    const w2 = g.variable('w2', [8, 3], -0.1);
    const b2 = g.variable('b2', [3], 0);
    const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
    const loss = logits.logSoftmax().mul(t).sum(1).neg().mean();
    const grads = grad(loss, [w1, b1, w2, b2]);
    const simple = simplify(grads);
    const forward = schedule([loss]).length;
    const before = schedule(grads).length;
    const after = schedule(simple).length;
    expect(after).toBeLessThan(before);
    expect(forward).toBeLessThan(before);
    const feeds = { x: tensor([[1, 2, 3, 4], [0, 1, 0, -1]]), t: tensor([[1, 0, 0], [0, 0, 1]]) };
    const [a, b] = [g.run(grads, feeds), g.run(simple, feeds)];
    a.forEach((v, i) => expect(Array.from(b[i]!.data)).toEqual(Array.from(v.data)));
  });
});

describe('checking mode on backward graphs', () => {
  it('names the forward op and rule of the backward node that produced a non-finite value', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const [dx] = grad(x.sqrt().sum(), [x]);
    const feeds = { x: tensor([4, 0]) };
    expect(g.run([dx!], feeds)[0]!.data[1]).toBe(Infinity); // silent by default
    expect(() => g.run([dx!], { ...feeds }, { checkNumerics: true })).toThrow(ExecutionError);
    expect(() => g.run([dx!], feeds, { checkNumerics: true })).toThrow(/made by rule vjp:sqrt for #\d+ sqrt\) produced Infinity at flat index 1/);
  });
});
