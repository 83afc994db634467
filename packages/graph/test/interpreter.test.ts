import { describe, expect, it } from 'vitest';
import { ChainruleError, ExecutionError, FeedError, Graph, ShapeError, schedule, tensor } from '@chainrule/graph';

const values = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('the reference interpreter', () => {
  it('evaluates a small network', () => {
    const g = new Graph();
    const x = g.input('x', [2, 2]);
    const w = g.variable('w', tensor([[1], [-1]]));
    const y = x.matmul(w).relu().sum();
    const [out] = g.run([y], { x: tensor([[3, 1], [1, 3]]) });
    expect(out!.item()).toBe(2); // relu(3-1) + relu(1-3)
  });

  it('computes only what the outputs need: unrelated nodes neither run nor need feeds', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const unused = g.input('unused', [3]);
    const bad = g.constant([7]).oneHot(2); // would fail if it ran (index 7 ≥ depth 2)
    const noise = g.randomNormal([3], { seed: 1 });
    const y = x.mul(2);
    const run = g.compile({ outputs: [y] });
    expect(run.schedule).not.toContain(unused);
    expect(run.schedule).not.toContain(bad);
    expect(run.schedule.map((n) => n.id)).toEqual(schedule([y]).map((n) => n.id));
    expect(values(run({ x: tensor([1, 2, 3]) })[0]!)).toEqual([2, 4, 6]);
    expect(g.randomState()[noise.id]).toBe(0); // never drawn
    expect(() => g.run([bad])).toThrow(ExecutionError);
  });

  it('applies assignments after every read of the run, so a ← b, b ← a swaps', () => {
    const g = new Graph();
    const a = g.variable('a', tensor([1, 2]));
    const b = g.variable('b', tensor([3, 4]));
    const [ra, rb] = g.run([a, b], {}, { updates: [[a, b], [b, a]] });
    expect(values(ra!)).toEqual([1, 2]); // outputs are read before the commit
    expect(values(rb!)).toEqual([3, 4]);
    expect(values(g.getVariable('a'))).toEqual([3, 4]);
    expect(values(g.getVariable('b'))).toEqual([1, 2]);
  });

  it('keeps variables between runs (a counter)', () => {
    const g = new Graph();
    const c = g.variable('c', tensor(0));
    const step = g.compile({ outputs: [c], updates: [[c, c.add(1)]] });
    const seen = [0, 1, 2].map(() => step()[0]!.item());
    expect(seen).toEqual([0, 1, 2]);
    expect(g.getVariable('c').item()).toBe(3);
  });

  it('never lets a caller reach stored values through results or copies', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const [out] = g.run([w.reshape([2, 1])]);
    out!.data[0] = 100;
    const copy = g.getVariable('w');
    copy.data[1] = 100;
    expect(values(g.getVariable('w'))).toEqual([1, 2]);
  });

  it('names the input for missing, unknown, mis-shaped and mis-typed feeds', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const y = x.sum();
    expect(() => g.run([y], {})).toThrow(FeedError);
    expect(() => g.run([y], {})).toThrow(/missing feed for input 'x'/);
    expect(() => g.run([y], { x: tensor([1, 2, 3, 4, 5, 6], [2, 3]), z: tensor(1) })).toThrow(/feed 'z' matches no input/);
    expect(() => g.run([y], { x: tensor([1, 2, 3, 4, 5, 6], [3, 2]) })).toThrow(/input 'x' has shape \[3,2\], expected \[2,3\]/);
    expect(() => g.run([y], { x: tensor(new Float32Array(6), [2, 3]) })).toThrow(/input 'x' has dtype float32, expected float64/);
    expect(() => g.run([y], { x: [1, 2] as never })).toThrow(/must be a Tensor/);
  });

  it('binds symbolic dimensions per run and checks them across feeds', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const t = g.input('t', ['batch', 1]);
    const loss = x.sum(1, true).sub(t).square().mean();
    const run = g.compile({ outputs: [loss] });
    expect(run({ x: tensor([[1, 2]]), t: tensor([[3]]) })[0]!.item()).toBe(0);
    expect(run({ x: tensor([[1, 2], [0, 0], [1, 1]]), t: tensor([[0], [1], [2]]) })[0]!.item()).toBeCloseTo((9 + 1 + 0) / 3, 15);
    expect(() => run({ x: tensor([[1, 2]]), t: tensor([[0], [1]]) })).toThrow(/dimension 'batch' is 2 here but 1 in the feed for 'x'/);
  });

  it('rejects updates of non-variables, of the wrong shape, or twice', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const x = g.input('x', [2]);
    expect(() => g.compile({ outputs: [], updates: [[x, w]] })).toThrow(/is not a variable/);
    expect(() => g.compile({ outputs: [], updates: [[w, w.sum()]] })).toThrow(ShapeError);
    expect(() => g.compile({ outputs: [], updates: [[w, w], [w, w.neg()]] })).toThrow(/assigned twice/);
  });

  it('rejects nodes of another graph', () => {
    const g = new Graph();
    const h = new Graph();
    expect(() => g.input('x', [1]).add(h.input('y', [1]))).toThrow(/belongs to another graph/);
    expect(() => g.run([h.input('z', [1])])).toThrow(ChainruleError);
  });

  it('in checking mode stops at the first non-finite node and names it', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const y = x.log().mul(2).sum();
    const feeds = { x: tensor([1, -1]) };
    expect(Number.isNaN(g.run([y], feeds)[0]!.item())).toBe(true); // silently NaN by default
    expect(() => g.run([y], feeds, { checkNumerics: true })).toThrow(/#\d+ log produced NaN at flat index 1/);
  });

  it('wraps kernel failures with the node that failed', () => {
    const g = new Graph();
    const a = g.constant([[1, 2], [2, 4]]);
    const s = g.solve(a, g.constant([[1], [1]]));
    expect(() => g.run([s])).toThrow(/#\d+ solve: solve: matrix A \[2,2\] is singular/);
  });
});

describe('seeded random ops', () => {
  const draw = (seed: number, runs: number): number[][] => {
    const g = new Graph();
    const r = g.randomUniform([4], { seed });
    return Array.from({ length: runs }, () => values(g.run([r])[0]!));
  };

  it('advance their stream at every run and replay it from the seed', () => {
    const a = draw(5, 3);
    const b = draw(5, 3);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    expect(draw(6, 1)[0]).not.toEqual(a[0]);
  });

  it('resume from a saved random state', () => {
    const g = new Graph();
    const r = g.randomNormal([3], { seed: 9 });
    g.run([r]);
    const state = g.randomState();
    const next = values(g.run([r])[0]!);
    g.setRandomState(state);
    expect(values(g.run([r])[0]!)).toEqual(next);
    expect(() => g.setRandomState({ 999: 1 })).toThrow(/not a random node/);
  });

  it('draw once per run even when used twice', () => {
    const g = new Graph();
    const r = g.randomUniform([2], { seed: 1 });
    const [d] = g.run([r.sub(r)]);
    expect(values(d!)).toEqual([0, 0]);
    expect(g.randomState()[r.id]).toBe(1);
  });

  it('have the right moments: uniform, normal, bernoulli', () => {
    const g = new Graph();
    const n = 20000;
    const u = g.randomUniform([n], { seed: 1, low: 2, high: 4 });
    const z = g.randomNormal([n], { seed: 2, mean: 1, std: 3 });
    const b = g.randomBernoulli([n], { seed: 3, p: 0.3 });
    const [U, Z, B] = g.run([u, z, b]).map(values);
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]): number => {
      const m = mean(v);
      return mean(v.map((x) => (x - m) ** 2));
    };
    // within 5 standard errors of each law's mean and variance
    const within = (got: number, want: number, se: number): void => expect(Math.abs(got - want)).toBeLessThan(5 * se);
    expect(U!.every((u) => u >= 2 && u < 4)).toBe(true);
    within(mean(U!), 3, Math.sqrt(1 / 3 / n)); // U[2, 4): variance (4−2)²/12 = 1/3
    within(variance(U!), 1 / 3, Math.sqrt((16 / 180) / n)); // fourth central moment (b−a)⁴/80 = 1/5
    within(mean(Z!), 1, 3 / Math.sqrt(n));
    within(variance(Z!), 9, 9 * Math.sqrt(2 / n));
    expect(new Set(B)).toEqual(new Set([0, 1]));
    within(mean(B!), 0.3, Math.sqrt((0.3 * 0.7) / n));
  });

  it('validate their parameters at build time', () => {
    const g = new Graph();
    expect(() => g.randomBernoulli([2], { seed: 1, p: 1.5 })).toThrow(/p.*probability/);
    expect(() => g.randomUniform([2], { seed: -1 })).toThrow(/seed/);
    expect(() => g.randomNormal([2], { seed: 1, std: -1 })).toThrow(/std/);
  });
});
