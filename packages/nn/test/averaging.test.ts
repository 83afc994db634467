import { describe, expect, it } from 'vitest';
import { ChainruleError, Tensor, tensor, uniformInit } from '@chainrule/graph';
import { adam } from '@chainrule/optim';
import { Ensemble, Trainer, averageOutputs, crossEntropyFromLogits, dense, dropout, misclassificationFromLogits, sequential, type Dataset, type TrainerOptions } from '@chainrule/nn';
import { expectClose, rows } from './helpers.js';

const softmax = (z: readonly number[]): number[] => {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('averageOutputs', () => {
  const a = tensor([[1, 2, 3], [0, 0, 5]]);
  const b = tensor([[3, -1, 0], [2, 2, -700]]);
  it('averages raw outputs, or probabilities returned as log p̄ (stable for any logits)', () => {
    expectClose(averageOutputs([a, b], 'outputs').data, [2, 0.5, 1.5, 1, 1, -347.5]);
    const logP = rows(averageOutputs([a, b], 'probabilities'));
    rows(a).forEach((row, i) => {
      const expected = softmax(row).map((p, j) => Math.log((p + softmax(rows(b)[i]!)[j]!) / 2));
      expectClose(logP[i]!, expected, 1e-12, 1e-12);
    });
  });
  it('refuses nothing to average and mismatched outputs', () => {
    expect(() => averageOutputs([], 'outputs')).toThrow(ChainruleError);
    expect(() => averageOutputs([a, tensor([[1, 2]])], 'outputs')).toThrow(/output 1/);
    expect(() => averageOutputs([a], 'median' as never)).toThrow(/mode/);
  });
});

/** Three noisy classes in 2-D: 60 training and 300 test points. */
function problem(): { train: Dataset; test: Dataset } {
  const make = (m: number, seed: number): Dataset => {
    const u = uniformInit(-1, 1, seed)([m, 3], 'float64');
    const x: number[][] = [];
    const y: number[][] = [];
    for (let i = 0; i < m; i++) {
      const k = i % 3;
      const angle = (2 * Math.PI * k) / 3;
      x.push([Math.cos(angle) + 0.9 * u.get(i, 0), Math.sin(angle) + 0.9 * u.get(i, 1)]);
      y.push([0, 1, 2].map((j) => (j === k ? 1 : 0)));
    }
    return { x: tensor(x), y: tensor(y) };
  };
  return { train: make(60, 1), test: make(300, 2) };
}

const member = (i: number): TrainerOptions => ({
  model: sequential([dense(32, { activation: 'tanh' }), dense(3)]),
  inputUnits: 2, targetUnits: 3, loss: crossEntropyFromLogits, rule: adam({ lr: 0.02 }),
  metrics: { error: misclassificationFromLogits }, seed: 10 + i,
});

describe('Ensemble: model averaging', () => {
  const { train, test } = problem();
  const trained = (): Ensemble => {
    const e = new Ensemble({ size: 5, member, average: 'probabilities' });
    e.fit(train, { epochs: 30, batchSize: 16, progress: 'none' });
    return e;
  };
  const ensemble = trained();

  it('predicts the average of its members’ probabilities; members trained with their own seeds differ', () => {
    const members = ensemble.members.map((m) => rows(m.predict(test.x)));
    expect(members[0]).not.toEqual(members[1]);
    const got = rows(ensemble.predict(test.x));
    got.forEach((row, i) => {
      const mean = [0, 1, 2].map((j) => members.reduce((s, m) => s + softmax(m[i]!)[j]!, 0) / members.length);
      expectClose(row, mean.map(Math.log), 1e-12, 1e-12);
    });
  });

  it('evaluates with the members’ loss: the averaged classifier’s cross-entropy is at most the mean of theirs (−log is convex)', () => {
    const mine = ensemble.evaluate(test);
    const theirs = ensemble.members.map((m) => m.evaluate(test));
    const meanLoss = theirs.reduce((s, r) => s + r['loss']!, 0) / theirs.length;
    expect(mine['loss']!).toBeLessThanOrEqual(meanLoss);
    // the loss is the mean cross-entropy of log p̄, and the error the share of wrong argmaxes
    const logP = rows(ensemble.predict(test.x));
    const labels = rows(test.y).map((r) => r.indexOf(1));
    const ce = logP.reduce((s, row, i) => s - row[labels[i]!]!, 0) / logP.length;
    const wrong = logP.filter((row, i) => row.indexOf(Math.max(...row)) !== labels[i]).length / logP.length;
    expect(mine['loss']).toBeCloseTo(ce, 12);
    expect(mine['error']).toBe(wrong);
    console.log(`ensemble of 5: test loss ${mine['loss']!.toFixed(4)}, error ${mine['error']}; members' mean loss ${meanLoss.toFixed(4)}, errors ${theirs.map((r) => r['error']).join(' ')}`);
  });

  it('saves and loads as one unit, all or nothing', () => {
    const text = ensemble.toText();
    const fresh = new Ensemble({ size: 5, member, average: 'probabilities' });
    const untrained = Array.from(fresh.predict(test.x).data);
    fresh.restoreText(text);
    expect(Array.from(fresh.predict(test.x).data)).toEqual(Array.from(ensemble.predict(test.x).data));
    expect(fresh.members.map((m) => m.epoch)).toEqual([30, 30, 30, 30, 30]);
    // a damaged member: the members restored before it are put back
    const other = new Ensemble({ size: 5, member, average: 'probabilities' });
    const file = JSON.parse(text) as { members: string[] };
    file.members[3] = file.members[3]!.replace('"checksum":"', '"checksum":"0');
    expect(() => other.restoreText(JSON.stringify(file))).toThrow(/member 3/);
    expect(Array.from(other.predict(test.x).data)).toEqual(untrained);
    expect(() => new Ensemble({ size: 4, member }).restoreText(text)).toThrow(/5 members, this ensemble has 4/);
    expect(() => other.restoreText('{"format":"x"}')).toThrow(/not a chainrule ensemble/);
  });

  it('refuses a bad size, averaging or mismatched members', () => {
    expect(() => new Ensemble({ size: 0, member })).toThrow(/size/);
    expect(() => new Ensemble({ size: 2, member, average: 'vote' as never })).toThrow(/average/);
    expect(() => new Ensemble({ size: 2, member: (i) => ({ ...member(i), inputUnits: 2 + i }) })).toThrow(/member 1/);
  });
});

/** The network's weights as plain arrays: W [out, in] and b [out] per dense layer, in order. */
function weights(t: Trainer): { W: number[][]; b: number[] }[] {
  const names = [...t.model.parameters.keys()].filter((k) => k.endsWith('/W'));
  return names.map((w) => ({ W: rows(t.graph.getVariable(w)), b: Array.from(t.graph.getVariable(w.replace(/W$/, 'b')).data) }));
}
const layer = ({ W, b }: { W: number[][]; b: number[] }, y: readonly number[]): number[] => W.map((row, i) => row.reduce((s, w, j) => s + w * y[j]!, b[i]!));

/** Every mask r ∈ {0, 1}ⁿ with its probability under Bernoulli(p). */
function masks(n: number, p: number): { r: number[]; weight: number }[] {
  return Array.from({ length: 2 ** n }, (_, bits) => {
    const r = Array.from({ length: n }, (_, i) => (bits >> i) & 1);
    const kept = r.reduce((a, v) => a + v, 0);
    return { r, weight: p ** kept * (1 - p) ** (n - kept) };
  });
}

describe('dropout as model averaging: predictSampled against the exact average over all masks', () => {
  const p = 0.6;
  const x = [0.7, -0.4];
  const xs = tensor([x]);

  it('linear in the dropped units: test-time scaling by p IS the exact average, and the sampled mean converges to it at the 1/√k rate', () => {
    const t = new Trainer({ model: sequential([dense(5, { activation: 'tanh' }), dropout(p), dense(1)]), inputUnits: 2, targetUnits: 1, loss: (o, y) => o.sub(y).square().sum(-1), rule: adam(), seed: 4 });
    const [first, last] = weights(t);
    const hidden = layer(first!, x).map(Math.tanh);
    const exact = masks(5, p).reduce((s, { r, weight }) => s + weight * layer(last!, hidden.map((v, i) => v * r[i]!))[0]!, 0);
    expect(t.predict(xs).data[0]).toBeCloseTo(exact, 14);
    // RMS error of the k-sample mean over 100 seeds for k = 16, 64, 256, 1024: the slope of
    // log RMS against log k is −½ (its estimate's standard error here is about 0.04)
    const ks = [16, 64, 256, 1024];
    const rms = ks.map((k) => Math.sqrt(Array.from({ length: 100 }, (_, seed) => (t.predictSampled(xs, { samples: k, seed }).data[0]! - exact) ** 2).reduce((a, b) => a + b, 0) / 100));
    const lx = ks.map(Math.log);
    const ly = rms.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / 4;
    const my = ly.reduce((a, b) => a + b) / 4;
    const slope = lx.reduce((s, v, i) => s + (v - mx) * (ly[i]! - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
    console.log(`linear in the dropped units: RMS error ${rms.map((r) => r.toExponential(2)).join(', ')} for k = ${ks.join(', ')}: slope ${slope.toFixed(3)} (1/√k: −0.5)`);
    expect(slope).toBeGreaterThan(-0.65);
    expect(slope).toBeLessThan(-0.35);
  });

  it('dropout before a nonlinearity: test-time scaling only approximates the average; the sampled mean converges to the exact average, not to it', () => {
    const t = new Trainer({ model: sequential([dense(4, { activation: 'tanh' }), dropout(p), dense(4, { activation: 'tanh' }), dense(1)]), inputUnits: 2, targetUnits: 1, loss: (o, y) => o.sub(y).square().sum(-1), rule: adam(), seed: 8 });
    const [a, b, c] = weights(t);
    const y1 = layer(a!, x).map(Math.tanh);
    const net = (r: readonly number[]): number => layer(c!, layer(b!, y1.map((v, i) => v * r[i]!)).map(Math.tanh))[0]!;
    const exact = masks(4, p).reduce((s, { r, weight }) => s + weight * net(r), 0);
    const testTime = t.predict(xs).data[0]!;
    expect(testTime).toBeCloseTo(net([p, p, p, p]), 14); // the lecture's network: outputs of the dropped layer scaled by p
    const k = 100_000;
    const sampled = t.predictSampled(xs, { samples: k }).data[0]!;
    const spread = Math.sqrt(masks(4, p).reduce((s, { r, weight }) => s + weight * (net(r) - exact) ** 2, 0));
    console.log(`nonlinear: exact average ${exact.toFixed(5)}, test-time ${testTime.toFixed(5)} (gap ${(testTime - exact).toExponential(2)}), sampled mean of ${k} ${sampled.toFixed(5)}`);
    expect(Math.abs(sampled - exact)).toBeLessThan((4 * spread) / Math.sqrt(k));
    expect(Math.abs(testTime - exact)).toBeGreaterThan((10 * spread) / Math.sqrt(k));
  });

  it('leaves the trainer as it was, and is reproducible from its seed', () => {
    const t = new Trainer({ model: sequential([dense(3), dropout(0.5), dense(1)]), inputUnits: 2, targetUnits: 1, loss: (o, y) => o.sub(y).square().sum(-1), rule: adam(), seed: 2 });
    const before = JSON.stringify(t.graph.randomState());
    const once = Array.from(t.predictSampled(xs, { samples: 7, seed: 3 }).data);
    expect(Array.from(t.predictSampled(xs, { samples: 7, seed: 3 }).data)).toEqual(once);
    expect(Array.from(t.predictSampled(xs, { samples: 7, seed: 4 }).data)).not.toEqual(once);
    expect(JSON.stringify(t.graph.randomState())).toBe(before);
    expect(() => t.predictSampled(xs, { samples: 0 })).toThrow(/samples/);
    expect(() => t.predictSampled(new Tensor(new Float64Array(3), [1, 3]), { samples: 2 })).toThrow();
  });
});
