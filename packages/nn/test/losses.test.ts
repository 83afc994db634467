import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad } from '@chainrule/autodiff';
import { Graph, tensor, type Node } from '@chainrule/graph';
import {
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  crossEntropy,
  crossEntropyFromLogits,
  empiricalRisk,
  klDivergence,
  misclassificationFromLogits,
  misclassification,
  squaredLoss,
} from '@chainrule/nn';
import { l1Norm, l2Norm } from '@chainrule/optim';
import { close, expectClose, real, runs } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// The lecture's formulas, in plain JS, one example at a time.

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
/** ln(1 + eᶻ) without overflow. */
const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const logSumExp = (z: readonly number[]): number => {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
};
const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
/** y log(y/ŷ)-style terms with the convention 0 · log(anything) = 0. */
const xlogy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y));

const ref = {
  /** ‖y − ŷ‖² = Σᵢ (yᵢ − ŷᵢ)². */
  squared: (y: readonly number[], yHat: readonly number[]): number => y.reduce((s, yi, i) => s + (yi - yHat[i]!) ** 2, 0),
  /** −y log ŷ − (1 − y) log(1 − ŷ). */
  binaryCrossEntropy: (y: number, yHat: number): number => -xlogy(y, yHat) - xlogy(1 - y, 1 - yHat),
  /** The same with ŷ = σ(z), written stably: softplus(z) − y z. */
  binaryCrossEntropyFromLogit: (y: number, z: number): number => softplus(z) - y * z,
  /** −Σᵢ yᵢ log ŷᵢ. */
  crossEntropy: (y: readonly number[], yHat: readonly number[]): number => -y.reduce((s, yi, i) => s + xlogy(yi, yHat[i]!), 0),
  /** −Σᵢ yᵢ (zᵢ − logΣⱼ exp zⱼ). */
  crossEntropyFromLogits: (y: readonly number[], z: readonly number[]): number => {
    const lse = logSumExp(z);
    return -y.reduce((s, yi, i) => s + (yi === 0 ? 0 : yi * (z[i]! - lse)), 0);
  },
  /** H(y) = −Σᵢ yᵢ log yᵢ. */
  entropy: (y: readonly number[]): number => -y.reduce((s, yi) => s + xlogy(yi, yi), 0),
  /** Σᵢ yᵢ log(yᵢ/ŷᵢ). */
  kl: (y: readonly number[], yHat: readonly number[]): number => y.reduce((s, yi, i) => s + (yi === 0 ? 0 : yi * Math.log(yi / yHat[i]!)), 0),
  /** 1[(y − ½)(ŷ − ½) < 0]. */
  misclassifiedBinary: (y: number, yHat: number): number => ((y - 0.5) * (yHat - 0.5) < 0 ? 1 : 0),
  /** 1 unless the target's class has the largest score (ties at the top count as correct). */
  misclassifiedMulti: (label: number, scores: readonly number[]): number => (scores[label] === Math.max(...scores) ? 0 : 1),
};

// ---------------------------------------------------------------------------------------------
// Running a loss on plain rows.

type Loss = (a: Node, b: Node) => Node;

/** ℓ per example of `loss(first, second)` for constant rows. */
function perExample(loss: Loss, first: readonly (readonly number[])[], second: readonly (readonly number[])[]): number[] {
  const g = new Graph();
  const out = loss(g.constant(first as number[][]), g.constant(second as number[][]));
  expect(out.shape).toEqual([first.length]);
  return Array.from(g.run([out])[0]!.data);
}

/** ℓ per example and ∂(Σℓ)/∂(first) for inputs fed at run time. */
function withGradient(loss: Loss, first: readonly (readonly number[])[], second: readonly (readonly number[])[]): { value: number[]; gradient: number[] } {
  const g = new Graph();
  const a = g.input('a', [first.length, first[0]!.length]);
  const out = loss(a, g.constant(second as number[][]));
  const [da] = grad(out.sum(), [a]);
  const [v, d] = g.run([out, da!], { a: tensor(first as number[][]) });
  return { value: Array.from(v!.data), gradient: Array.from(d!.data) };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const batch = fc.integer({ min: 1, max: 6 });
const classes = fc.integer({ min: 2, max: 6 });
const bit = fc.constantFrom(0, 1);
/** A probability strictly inside (0, 1). */
const probability = real(1e-6, 1 - 1e-6);
const oneHot = (d: number): fc.Arbitrary<number[]> => fc.integer({ min: 0, max: d - 1 }).map((k) => Array.from({ length: d }, (_, i) => (i === k ? 1 : 0)));
/** A distribution over d classes, some entries exactly 0. */
const distributionWithZeros = (d: number): fc.Arbitrary<number[]> =>
  fc
    .array(fc.oneof(fc.constant(0), real(0.01, 1)), { minLength: d, maxLength: d })
    .filter((w) => w.some((v) => v > 0))
    .map((w) => {
      const s = w.reduce((a, b) => a + b, 0);
      return w.map((v) => v / s);
    });
/** A strictly positive distribution (softmax of logits in [−5, 5]). */
const positiveDistribution = (d: number): fc.Arbitrary<number[]> => fc.array(real(-5, 5), { minLength: d, maxLength: d }).map(softmax);
const logits = (d: number, bound = 50): fc.Arbitrary<number[]> => fc.array(real(-bound, bound), { minLength: d, maxLength: d });
const rowsOf = <T>(m: number, item: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(item, { minLength: m, maxLength: m });

const numRuns = runs(100);

// ---------------------------------------------------------------------------------------------

describe('squared loss ℓ(y, ŷ) = ‖y − ŷ‖²', () => {
  it('binary: (ŷ − y)²', () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, real(0, 1)))), ([y, yHat]) => {
        const got = perExample(squaredLoss, yHat.map((v) => [v]), y.map((v) => [v]));
        expectClose(got, y.map((yi, i) => (yHat[i]! - yi) ** 2));
      }),
      { numRuns },
    );
  });

  it('multi-class: Σᵢ (yᵢ − ŷᵢ)²', () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, oneHot(d)), rowsOf(m, positiveDistribution(d)))),
        ([y, yHat]) => expectClose(perExample(squaredLoss, yHat, y), y.map((yi, i) => ref.squared(yi, yHat[i]!))),
      ),
      { numRuns },
    );
  });
});

describe('binary cross-entropy −y log ŷ − (1 − y) log(1 − ŷ)', () => {
  it('from probabilities', () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, probability))), ([y, yHat]) => {
        expectClose(perExample(binaryCrossEntropy, yHat.map((v) => [v]), y.map((v) => [v])), y.map((yi, i) => ref.binaryCrossEntropy(yi, yHat[i]!)));
      }),
      { numRuns },
    );
  });

  it('from probabilities at the edges: 0 · log 0 = 0 on the ruled-out side, +∞ on the wrong side (as documented)', () => {
    expect(perExample(binaryCrossEntropy, [[1], [0], [0], [1]], [[1], [0], [1], [0]])).toEqual([0, 0, Infinity, Infinity]);
  });

  it('from logits equals the stable formula softplus(z) − y z for any z, including ±1000', () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, fc.oneof(real(-40, 40), real(-1000, 1000))))), ([y, z]) => {
        const got = perExample(binaryCrossEntropyFromLogits, z.map((v) => [v]), y.map((v) => [v]));
        expectClose(got, y.map((yi, i) => ref.binaryCrossEntropyFromLogit(yi, z[i]!)), 1e-12, 1e-15);
      }),
      { numRuns },
    );
  });

  it("from logits equals the lecture's formula on ŷ = σ(z), and the probability version on σ(z), where both are finite", () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, real(-20, 20)))), ([y, z]) => {
        const fromLogits = perExample(binaryCrossEntropyFromLogits, z.map((v) => [v]), y.map((v) => [v]));
        const fromProbabilities = perExample((zz, t) => binaryCrossEntropy(zz.sigmoid(), t), z.map((v) => [v]), y.map((v) => [v]));
        // log(1 − σ(z)) loses ~|z|/ln 2 bits near σ(z) = 1: compare at 1e-6 relative.
        expectClose(fromLogits, y.map((yi, i) => ref.binaryCrossEntropy(yi, sigma(z[i]!))), 1e-6, 1e-9);
        for (let i = 0; i < y.length; i++) {
          expect(Number.isFinite(fromProbabilities[i])).toBe(true);
          expect(close(fromProbabilities[i]!, fromLogits[i]!, 1e-6, 1e-9), `example ${i}`).toBe(true);
        }
      }),
      { numRuns },
    );
  });

  it('from logits is finite for z = ±1000, with finite gradient σ(z) − y', () => {
    const z = [[1000], [1000], [-1000], [-1000], [0]];
    const y = [[1], [0], [1], [0], [1]];
    const { value, gradient } = withGradient(binaryCrossEntropyFromLogits, z, y);
    expect(value).toEqual([0, 1000, 1000, 0, Math.LN2]);
    expect(gradient).toEqual([0, 1, -1, 0, -0.5]);
    // The probability version is infinite there, as its documentation warns.
    expect(perExample((zz, t) => binaryCrossEntropy(zz.sigmoid(), t), z, y).slice(1, 3)).toEqual([Infinity, Infinity]);
  });

  it('from logits: the gradient is σ(z) − y everywhere', () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, real(-1000, 1000)))), ([y, z]) => {
        const { gradient } = withGradient(binaryCrossEntropyFromLogits, z.map((v) => [v]), y.map((v) => [v]));
        expectClose(gradient, y.map((yi, i) => sigma(z[i]!) - yi), 1e-12, 1e-15);
      }),
      { numRuns: runs(50) },
    );
  });
});

describe('multi-class cross-entropy −Σᵢ yᵢ log ŷᵢ', () => {
  it('from probabilities, one-hot and soft targets', () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, fc.oneof(oneHot(d), distributionWithZeros(d))), rowsOf(m, positiveDistribution(d)))),
        ([y, yHat]) => expectClose(perExample(crossEntropy, yHat, y), y.map((yi, i) => ref.crossEntropy(yi, yHat[i]!)), 1e-12, 1e-14),
      ),
      { numRuns },
    );
  });

  it('from probabilities: classes with yᵢ = 0 count 0 even where ŷᵢ = 0, with a finite gradient', () => {
    const { value, gradient } = withGradient(crossEntropy, [[1, 0, 0], [0.5, 0.5, 0]], [[1, 0, 0], [0, 1, 0]]);
    expect(value).toEqual([0, Math.LN2]);
    expect(gradient).toEqual([-1, 0, 0, 0, -2, 0]);
  });

  it('from logits equals −Σᵢ yᵢ (zᵢ − logΣⱼ exp zⱼ) for logits up to ±1000', () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, fc.oneof(oneHot(d), distributionWithZeros(d))), rowsOf(m, fc.oneof(logits(d), logits(d, 1000))))),
        ([y, z]) => {
          const got = perExample(crossEntropyFromLogits, z, y);
          got.forEach((v) => expect(Number.isFinite(v)).toBe(true));
          // The magnitude of the terms is up to max|z|, which sets the scale of the rounding error.
          y.forEach((yi, i) => expect(close(got[i]!, ref.crossEntropyFromLogits(yi, z[i]!), 1e-12, 1e-13 * Math.max(1, ...z[i]!.map(Math.abs))), `example ${i}`).toBe(true));
        },
      ),
      { numRuns },
    );
  });

  it('from logits equals the probability version on softmax(z) where that is finite', () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, oneHot(d)), rowsOf(m, logits(d, 20)))),
        ([y, z]) => {
          const fromLogits = perExample(crossEntropyFromLogits, z, y);
          const fromProbabilities = perExample((zz, t) => crossEntropy(zz.softmax(-1), t), z, y);
          expectClose(fromProbabilities, fromLogits, 1e-9, 1e-12);
        },
      ),
      { numRuns },
    );
  });

  it('from logits is stable for ±1000 logits: finite values and gradient softmax(z) − y', () => {
    const z = [[1000, -1000, 0], [1000, -1000, 0], [1000, -1000, 0], [-1000, -1000, -1000]];
    const y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]];
    const { value, gradient } = withGradient(crossEntropyFromLogits, z, y);
    // The last row's −1000 − logΣexp is rounded at the scale of 1000 (ulp ≈ 1.1e-13).
    expectClose(value, [0, 2000, 1000, Math.log(3)], 0, 1e-12);
    const want = z.flatMap((zi, i) => softmax(zi).map((p, j) => p - y[i]![j]!));
    expectClose(gradient, want, 1e-15, 1e-15);
    // The probability version on softmax(z) stays finite where the target class is the top one.
    const viaSoftmax = withGradient((zz, t) => crossEntropy(zz.softmax(-1), t), [z[0]!], [y[0]!]);
    expect(viaSoftmax.value).toEqual([0]);
    expect(viaSoftmax.gradient.every(Number.isFinite)).toBe(true);
  });
});

describe('KL divergence KL(y ‖ ŷ) = Σᵢ yᵢ log(yᵢ/ŷᵢ) = −H(y) + cross-entropy', () => {
  it("equals the lecture's sum and −H(y) + ℓ(y, ŷ), and is ≥ 0", () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, distributionWithZeros(d)), rowsOf(m, positiveDistribution(d)))),
        ([y, yHat]) => {
          const kl = perExample(klDivergence, yHat, y);
          const ce = perExample(crossEntropy, yHat, y);
          expectClose(kl, y.map((yi, i) => ref.kl(yi, yHat[i]!)), 1e-10, 1e-12);
          expectClose(kl, y.map((yi, i) => -ref.entropy(yi) + ce[i]!), 1e-10, 1e-12);
          kl.forEach((v) => expect(v).toBeGreaterThanOrEqual(-1e-12));
        },
      ),
      { numRuns },
    );
  });

  it('0 · log 0 = 0: zero target entries count 0, also where ŷ is 0; KL(y ‖ y) = 0', () => {
    const kl = perExample(klDivergence, [[1, 0], [0.5, 0.5], [0.25, 0.75]], [[1, 0], [0.5, 0.5], [0, 1]]);
    expect(kl.slice(0, 2)).toEqual([0, 0]);
    expectClose(kl.slice(2), [Math.log(1 / 0.75)], 1e-15, 0);
  });

  it('for one-hot y, H(y) = 0 and KL equals the cross-entropy', () => {
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => fc.tuple(rowsOf(m, oneHot(d)), rowsOf(m, positiveDistribution(d)))),
        ([y, yHat]) => expectClose(perExample(klDivergence, yHat, y), perExample(crossEntropy, yHat, y), 1e-14, 1e-15),
      ),
      { numRuns: runs(30) },
    );
  });
});

describe('misclassificationFromLogits', () => {
  it('thresholds a logit at 0 (σ(z) at ½) and agrees with misclassification of σ(z)', () => {
    const g = new Graph();
    const z = g.input('z', [4, 1]);
    const y = g.input('y', [4, 1]);
    const feeds = { z: tensor([[0.2], [-0.2], [3], [-3]]), y: tensor([[1], [1], [0], [0]]) };
    const [fromLogits, fromProbabilities] = g.run([misclassificationFromLogits(z, y), misclassification(z.sigmoid(), y)], feeds);
    expect(Array.from(fromLogits!.data)).toEqual([0, 1, 1, 0]);
    expect(Array.from(fromProbabilities!.data)).toEqual([0, 1, 1, 0]);
  });
});

describe('misclassification', () => {
  it('binary: 1[(y − ½)(ŷ − ½) < 0], including ŷ = ½ exactly', () => {
    fc.assert(
      fc.property(batch.chain((m) => fc.tuple(rowsOf(m, bit), rowsOf(m, fc.oneof(real(0, 1), fc.constantFrom(0, 0.5, 1))))), ([y, yHat]) => {
        const got = perExample(misclassification, yHat.map((v) => [v]), y.map((v) => [v]));
        expect(got).toEqual(y.map((yi, i) => ref.misclassifiedBinary(yi, yHat[i]!)));
      }),
      { numRuns },
    );
  });

  it('multi-class: 1 unless the target class has the largest score; ties at the top count as correct', () => {
    // Small integer scores make ties frequent.
    fc.assert(
      fc.property(
        fc.tuple(batch, classes).chain(([m, d]) => rowsOf(m, fc.tuple(fc.integer({ min: 0, max: d - 1 }), fc.array(fc.integer({ min: -2, max: 2 }), { minLength: d, maxLength: d })))),
        (examples) => {
          const d = examples[0]![1].length;
          const y = examples.map(([k]) => Array.from({ length: d }, (_, i) => (i === k ? 1 : 0)));
          const got = perExample(misclassification, examples.map(([, s]) => s), y);
          expect(got).toEqual(examples.map(([k, s]) => ref.misclassifiedMulti(k, s)));
        },
      ),
      { numRuns },
    );
  });

  it('multi-class: hand-picked ties', () => {
    const scores = [[2, 2, 1], [2, 2, 1], [2, 2, 1], [0, 0, 0]];
    const y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]];
    expect(perExample(misclassification, scores, y)).toEqual([0, 0, 1, 0]);
  });

  it('its mean is the error rate', () => {
    const g = new Graph();
    const rate = empiricalRisk(misclassification(g.constant([[0.9], [0.2], [0.6], [0.4]]), g.constant([[1], [1], [0], [0]])));
    expect(g.run([rate])[0]!.item()).toBe(0.5);
  });
});

describe('empirical risk (1/m) Σᵢ ℓᵢ + λ φ(w)', () => {
  const lossesAndWeights = fc.tuple(
    fc.array(real(0, 10), { minLength: 1, maxLength: 20 }),
    fc.array(real(-3, 3), { minLength: 1, maxLength: 6 }),
    real(0, 2),
  );

  it('is the mean of the per-example losses', () => {
    fc.assert(
      fc.property(lossesAndWeights, ([losses]) => {
        const g = new Graph();
        const risk = empiricalRisk(g.constant(losses));
        expect(risk.shape).toEqual([]);
        expect(close(g.run([risk])[0]!.item(), losses.reduce((a, b) => a + b, 0) / losses.length)).toBe(true);
      }),
      { numRuns },
    );
  });

  it('plus λ‖w‖₂ (ridge) or λ‖w‖₁ (lasso)', () => {
    fc.assert(
      fc.property(lossesAndWeights, ([losses, w, lambda]) => {
        const g = new Graph();
        const W = g.variable('w', tensor(w));
        const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
        const l2 = Math.sqrt(w.reduce((a, v) => a + v * v, 0));
        const l1 = w.reduce((a, v) => a + Math.abs(v), 0);
        const [ridge, lasso] = g.run([empiricalRisk(g.constant(losses), l2Norm([W]).mul(lambda)), empiricalRisk(g.constant(losses), l1Norm([W]).mul(lambda))]);
        expect(close(ridge!.item(), mean + lambda * l2, 1e-12, 1e-12)).toBe(true);
        expect(close(lasso!.item(), mean + lambda * l1, 1e-12, 1e-12)).toBe(true);
      }),
      { numRuns },
    );
  });

  it('of a real loss: the mean over the batch of cross-entropy from logits', () => {
    const z = [[1, 2, 3], [0, 0, 0]];
    const y = [[0, 0, 1], [1, 0, 0]];
    const g = new Graph();
    const risk = empiricalRisk(crossEntropyFromLogits(g.constant(z), g.constant(y)));
    const want = (ref.crossEntropyFromLogits(y[0]!, z[0]!) + ref.crossEntropyFromLogits(y[1]!, z[1]!)) / 2;
    expect(close(g.run([risk])[0]!.item(), want)).toBe(true);
  });
});
