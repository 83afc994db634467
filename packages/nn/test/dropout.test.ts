import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, full, tensor, uniformInit, type Executable, type Tensor } from '@chainrule/graph';
import { dense, dropout, dropoutRate, sequential, type DropoutMode, type Layer } from '@chainrule/nn';
import { expectClose, identical, rows } from './helpers.js';

const MODES: readonly DropoutMode[] = ['lecture', 'inverted'];
const KEEP = [0.2, 0.5, 0.9] as const;

/** A model of layers on a fresh graph, with compiled training and evaluation passes. */
function setUp(layers: readonly Layer[], inputUnits: number, seed = 1) {
  const g = new Graph();
  const x = g.input('x', ['batch', inputUnits]);
  const model = sequential(layers).build(g, inputUnits, { seed });
  const trainOut = model.forward(x, { training: true });
  const evalOut = model.forward(x, { training: false });
  const masks = g.nodes.filter((n) => n.op === 'randomBernoulli');
  return {
    g,
    model,
    masks,
    /** One training run: the output and the masks it drew. */
    train: g.compile({ outputs: [trainOut, ...masks] }),
    evaluate: g.compile({ outputs: [evalOut] }),
  };
}

/** `copies` copies of one row, as a [copies, n] tensor. */
function repeatRow(row: readonly number[], copies: number): Tensor {
  const data = new Float64Array(copies * row.length);
  for (let i = 0; i < copies; i++) data.set(row, i * row.length);
  return tensor(data, [copies, row.length]);
}

describe('dropout while training: diag(r)·y with r ~ i.i.d. Bernoulli(p)', () => {
  for (const mode of MODES) {
    it(`${mode}: the output is the input times the mask${mode === 'inverted' ? ', divided by p' : ''}, exactly`, () => {
      const p = 0.6;
      const { train } = setUp([dropout(p, { mode })], 5);
      const X = uniformInit(-2, 2, 3)([4, 5], 'float64');
      const [out, r] = train({ x: X });
      for (let i = 0; i < X.size; i++) {
        expect([0, 1]).toContain(r!.data[i]);
        const want = mode === 'inverted' ? (X.data[i]! * r!.data[i]!) / p : X.data[i]! * r!.data[i]!;
        expect(Object.is(out!.data[i], want)).toBe(true);
      }
    });
  }

  it("the next layer computes W diag(r) y + b (the lecture's dropout network)", () => {
    const { g, train } = setUp([dense(6, { activation: 'relu', biasInit: uniform01(1) }), dropout(0.5), dense(3, { biasInit: uniform01(2) })], 4);
    const X = uniformInit(-1, 1, 8)([5, 4], 'float64');
    const [out, r] = train({ x: X });
    const W1 = rows(g.getVariable('dense1/W'));
    const b1 = g.getVariable('dense1/b').data;
    const W2 = rows(g.getVariable('dense2/W'));
    const b2 = g.getVariable('dense2/b').data;
    rows(X).forEach((x, i) => {
      const y1 = W1.map((w, j) => Math.max(0, w.reduce((s, wk, k) => s + wk * x[k]!, 0) + b1[j]!));
      const ri = Array.from(r!.data.subarray(i * 6, (i + 1) * 6));
      const y2 = W2.map((w, j) => w.reduce((s, wk, k) => s + wk * ri[k]! * y1[k]!, 0) + b2[j]!);
      expectClose(rows(out!)[i]!, y2, 1e-12, 1e-14);
    });
  });

  // Masks of B = 2000 examples × n = 50 units: the fraction kept has standard error √(p(1−p)/(Bn)).
  for (const p of KEEP) {
    it(`p = ${p}: the fraction of units kept is p (within 5σ), per unit, per example and per step`, () => {
      const [B, n] = [2000, 50];
      const { train } = setUp([dropout(p)], n, 7);
      const ones = full([B, n], 1);
      const [, r1] = train({ x: ones });
      const [, r2] = train({ x: ones });
      const N = B * n;
      const kept = (t: Tensor): number => Array.from(t.data).reduce((a, v) => a + v, 0);
      expect(Math.abs(kept(r1!) / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
      // Per unit: every column's rate is p within 5σ of B draws.
      for (let j = 0; j < n; j++) {
        let c = 0;
        for (let i = 0; i < B; i++) c += r1!.data[i * n + j]!;
        expect(Math.abs(c / B - p), `unit ${j}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / B));
      }
      // Independence: neighbouring units (same example), neighbouring examples (same unit) and the
      // same position in two steps are all kept together with probability p².
      const q = p * p;
      const pairs = (a: (k: number) => number, b: (k: number) => number, count: number): number => {
        let c = 0;
        for (let k = 0; k < count; k++) c += a(k) * b(k);
        return c / count;
      };
      const sigma = (count: number): number => 5 * Math.sqrt((q * (1 - q)) / count);
      const unitPairs = B * (n - 1);
      const sameRowNext = pairs((k) => r1!.data[Math.floor(k / (n - 1)) * n + (k % (n - 1))]!, (k) => r1!.data[Math.floor(k / (n - 1)) * n + (k % (n - 1)) + 1]!, unitPairs);
      expect(Math.abs(sameRowNext - q)).toBeLessThan(sigma(unitPairs));
      const exPairs = (B - 1) * n;
      const sameUnitNextRow = pairs((k) => r1!.data[k]!, (k) => r1!.data[k + n]!, exPairs);
      expect(Math.abs(sameUnitNextRow - q)).toBeLessThan(sigma(exPairs));
      const acrossSteps = pairs((k) => r1!.data[k]!, (k) => r2!.data[k]!, N);
      expect(Math.abs(acrossSteps - q)).toBeLessThan(sigma(N));
      // Two examples of one batch, and two steps, draw different masks.
      if (p < 1) {
        expect(identical(tensor(r1!.data.slice(0, n)), tensor(r1!.data.slice(n, 2 * n)))).toBe(false);
        expect(identical(r1!, r2!)).toBe(false);
      }
    });
  }

  it('p = 1 keeps every unit: training is the identity in both modes', () => {
    for (const mode of MODES) {
      const { train } = setUp([dropout(1, { mode })], 3);
      const X = tensor([[1, -2, 3], [0.5, 0, -0.25]]);
      expect(identical(train({ x: X })[0]!, X)).toBe(true);
    }
  });

  it('each training run advances the random state by one run; masks are reproducible from the seed', () => {
    const a = setUp([dropout(0.5)], 10, 3);
    const b = setUp([dropout(0.5)], 10, 3);
    const c = setUp([dropout(0.5)], 10, 4);
    const ones = full([8, 10], 1);
    const id = a.masks[0]!.id;
    for (let step = 1; step <= 3; step++) {
      const [, ra] = a.train({ x: ones });
      const [, rb] = b.train({ x: ones });
      const [, rc] = c.train({ x: ones });
      expect(a.g.randomState()[id]).toBe(step);
      expect(identical(ra!, rb!)).toBe(true);
      expect(identical(ra!, rc!)).toBe(false);
    }
  });

  it('an explicit seed overrides the model seed', () => {
    const a = setUp([dropout(0.5, { seed: 99 })], 10, 1);
    const b = setUp([dropout(0.5, { seed: 99 })], 10, 2);
    const ones = full([8, 10], 1);
    expect(identical(a.train({ x: ones })[1]!, b.train({ x: ones })[1]!)).toBe(true);
  });
});

describe('evaluation is deterministic', () => {
  for (const mode of MODES) {
    it(`${mode}: two runs are identical, equal to ${mode === 'lecture' ? 'p·y' : 'y'}, and the random state does not move`, () => {
      const p = 0.7;
      const { g, train, evaluate } = setUp([dense(5, { activation: 'tanh' }), dropout(p, { mode }), dense(2)], 3);
      const X = uniformInit(-1, 1, 4)([6, 3], 'float64');
      train({ x: X });
      const state = g.randomState();
      const a = evaluate({ x: X })[0]!;
      const b = evaluate({ x: X })[0]!;
      expect(identical(a, b)).toBe(true);
      expect(g.randomState()).toEqual(state);

      const single = setUp([dropout(p, { mode })], 3);
      const y = single.evaluate({ x: X })[0]!;
      for (let i = 0; i < X.size; i++) expect(Object.is(y.data[i], mode === 'lecture' ? X.data[i]! * p : X.data[i])).toBe(true);
      expect(single.g.randomState()).toEqual({ [single.masks[0]!.id]: 0 });
    });
  }
});

/**
 * Mean of the training output over `draws` examples (all copies of one row), per output unit,
 * with its standard error estimated from the sample.
 */
function trainingMean(train: Executable, row: readonly number[], copies: number, steps: number): { mean: number[]; se: number[] } {
  const X = repeatRow(row, copies);
  const outs = Array.from({ length: steps }, () => train({ x: X })[0]!);
  const d = outs[0]!.shape[1]!;
  const N = copies * steps;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const out of outs) {
    for (let i = 0; i < copies; i++) {
      for (let j = 0; j < d; j++) {
        const v = out.data[i * d + j]!;
        mean[j]! += v / N;
        sq[j]! += (v * v) / N;
      }
    }
  }
  return { mean, se: mean.map((m, j) => Math.sqrt(Math.max(sq[j]! - m * m, 0) / N)) };
}

describe('lecture mode and inverted mode agree in expectation with evaluation', () => {
  // The mean over B·K masks of the training output is within 5 binomial standard errors of the
  // evaluation output: lecture E[r·y] = p·y, inverted E[r·y/p] = y.
  const row = [1.5, -0.75, 2, 0.25, -3, 1];
  for (const mode of MODES) {
    for (const p of KEEP) {
      it(`${mode}, p = ${p}: the dropout layer alone`, () => {
        const { train, evaluate } = setUp([dropout(p, { mode })], row.length, 5);
        const [B, K] = [4000, 3];
        const { mean } = trainingMean(train, row, B, K);
        const want = Array.from(evaluate({ x: tensor([row]) })[0]!.data);
        expectClose(want, row.map((y) => (mode === 'lecture' ? p * y : y)), 1e-15, 0);
        row.forEach((y, j) => {
          const se = (Math.abs(y) * Math.sqrt((p * (1 - p)) / (B * K))) / (mode === 'inverted' ? p : 1);
          expect(Math.abs(mean[j]! - want[j]!), `unit ${j}`).toBeLessThanOrEqual(5 * se);
        });
      });

      it(`${mode}, p = ${p}: a network whose layer after dropout is linear, E[W diag(r) y + b] = evaluation`, () => {
        const { train, evaluate } = setUp([dense(8, { activation: 'relu', biasInit: 0.1 }), dropout(p, { mode }), dense(3, { biasInit: 0.5 })], 4, 9);
        const x = [0.3, -1.2, 0.8, 2];
        const { mean, se } = trainingMean(train, x, 4000, 2);
        const want = evaluate({ x: tensor([x]) })[0]!.data;
        mean.forEach((m, j) => {
          expect(se[j]).toBeGreaterThan(0);
          expect(Math.abs(m - want[j]!), `output ${j}`).toBeLessThanOrEqual(5 * se[j]!);
        });
      });
    }
  }
});

describe('dropoutRate(q) is dropout(1 − q, { mode: inverted })', () => {
  for (const q of [0, 0.1, 0.5, 0.8]) {
    it(`q = ${q}: identical training runs (masks and scaling) and evaluation`, () => {
      const a = setUp([dense(6, { activation: 'tanh' }), dropoutRate(q), dense(2)], 3, 12);
      const b = setUp([dense(6, { activation: 'tanh' }), dropout(1 - q, { mode: 'inverted' }), dense(2)], 3, 12);
      const X = uniformInit(-1, 1, 2)([10, 3], 'float64');
      for (let step = 0; step < 3; step++) {
        const ta = a.train({ x: X });
        const tb = b.train({ x: X });
        ta.forEach((t, i) => expect(identical(t, tb[i]!)).toBe(true));
      }
      expect(identical(a.evaluate({ x: X })[0]!, b.evaluate({ x: X })[0]!)).toBe(true);
    });
  }

  it('passes the seed option through', () => {
    const a = setUp([dropoutRate(0.3, { seed: 77 })], 10, 1);
    const b = setUp([dropout(0.7, { mode: 'inverted', seed: 77 })], 10, 2);
    const ones = full([8, 10], 1);
    expect(identical(a.train({ x: ones })[0]!, b.train({ x: ones })[0]!)).toBe(true);
  });
});

describe('bad probabilities are rejected', () => {
  it('dropout: p must be in (0, 1]', () => {
    for (const p of [0, -0.1, 1.01, 2, NaN, Infinity, -Infinity]) {
      expect(() => dropout(p)).toThrow(ChainruleError);
      expect(() => dropout(p)).toThrow(/keep probability p must be in \(0, 1\]/);
    }
  });

  it('dropoutRate: q must be in [0, 1)', () => {
    for (const q of [1, -0.1, 1.5, NaN, Infinity]) {
      expect(() => dropoutRate(q)).toThrow(ChainruleError);
      expect(() => dropoutRate(q)).toThrow(/rate must be in \[0, 1\)/);
    }
  });
});

/** A seeded U[0, 1) initializer (non-zero biases make the reference checks meaningful). */
function uniform01(seed: number) {
  return uniformInit(0, 1, seed);
}
