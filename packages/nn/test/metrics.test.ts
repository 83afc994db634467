import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Graph, ShapeError, tensor, type Node } from '@chainrule/graph';
import { Trainer, accuracy, accuracyFromLogits, confusionMatrix, crossEntropyFromLogits, dense, misclassification, sequential, topK } from '@chainrule/nn';
import { adam } from '@chainrule/optim';
import { runs } from './helpers.js';
import { TRAIN, VALIDATION, quiet } from './trainer-fixtures.js';

/** Runs a metric on constant scores and one-hot targets of the given classes. */
function metric(f: (p: Node, y: Node) => Node, scores: number[][], labels: number[] | number[][]): number[] {
  const g = new Graph();
  const d = scores[0]!.length;
  const y = labels.map((l) => (Array.isArray(l) ? l : Array.from({ length: d }, (_, j) => (j === l ? 1 : 0))));
  return Array.from(g.run([f(g.constant(scores), g.constant(y))])[0]!.data);
}

// The target's class: 1, 1, 0, 0. Row 1 ties classes 0 and 1 at the top.
const SCORES = [
  [0.1, 0.7, 0.2],
  [0.5, 0.5, 0],
  [0.3, 0.3, 0.4],
  [2, 1, 3],
];
const LABELS = [1, 1, 0, 0];

describe('accuracy', () => {
  it('is 1 where the target class scores highest; a tie at the top counts as correct', () => {
    expect(metric(accuracy, SCORES, LABELS)).toEqual([1, 1, 0, 0]);
  });

  it('is 1 − misclassification, for probabilities in one column too (ŷ = ½ counts as correct)', () => {
    expect(metric(accuracy, [[0.9], [0.2], [0.5], [0.1]], [[1], [1], [0], [0]])).toEqual([1, 0, 1, 1]);
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.nat(), (scores, seed) => {
        const labels = scores.map((_, i) => (seed + i) % 3);
        const wrong = metric(misclassification, scores, labels);
        expect(metric(accuracy, scores, labels)).toEqual(wrong.map((w) => 1 - w));
      }),
      { numRuns: runs(20) },
    );
  });

  it('from logits thresholds one column at 0', () => {
    expect(metric(accuracyFromLogits, [[2], [-1], [0], [-3]], [[1], [1], [0], [0]])).toEqual([1, 0, 1, 1]);
    expect(metric(accuracyFromLogits, SCORES, LABELS)).toEqual([1, 1, 0, 0]);
  });
});

describe('topK', () => {
  it('counts the target as a hit when fewer than k classes score strictly higher', () => {
    expect(metric((p, y) => topK(p, y, 1), SCORES, LABELS)).toEqual([1, 1, 0, 0]);
    expect(metric((p, y) => topK(p, y, 2), SCORES, LABELS)).toEqual([1, 1, 1, 1]);
    expect(metric((p, y) => topK(p, y, 3), SCORES, LABELS)).toEqual([1, 1, 1, 1]);
  });

  it('ties straddling the k-th place are all in the top k', () => {
    // scores 1, 2, 2, 3: in the top 2 are class 3 and both classes tied at 2
    const row = [1, 2, 2, 3];
    expect(metric((p, y) => topK(p, y, 2), [row, row, row, row], [0, 1, 2, 3])).toEqual([0, 1, 1, 1]);
    // three classes tied above the target's: it is in the top 4 only
    const tied = [0.5, 0.2, 0.5, 0.5];
    expect([3, 4].map((k) => metric((p, y) => topK(p, y, k), [tied], [1])[0])).toEqual([0, 1]);
  });

  it('a NaN score of the target class is a miss; NaN elsewhere never counts as higher', () => {
    expect(metric((p, y) => topK(p, y, 1), [[Number.NaN, 1, 0], [Number.NaN, 1, 0], [Number.NaN, 1, 2]], [0, 1, 1])).toEqual([0, 1, 0]);
  });

  it('equals a plain count on random scores with many ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((d) =>
          fc.tuple(
            fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: d, maxLength: d }), fc.nat(d - 1)), { minLength: 1, maxLength: 5 }),
            fc.integer({ min: 1, max: d }),
          ),
        ),
        ([rows, k]) => {
          const expected = rows.map(([s, label]) => (s.filter((v) => v > s[label]!).length < k ? 1 : 0));
          expect(metric((p, y) => topK(p, y, k), rows.map(([s]) => s), rows.map(([, l]) => l))).toEqual(expected);
        },
      ),
      { numRuns: runs(30) },
    );
  });
});

describe('confusionMatrix', () => {
  it('counts true class (row) against predicted class (column); a tie goes to the first class', () => {
    // row 0: 1 → 1; row 1: 1 → 0 (tie of 0 and 1); rows 2 and 3: 0 → 2
    const C = metric(confusionMatrix, SCORES, LABELS);
    expect(C).toEqual([0, 0, 2, 1, 1, 0, 0, 0, 0]);
  });

  it('counts a row with a NaN score in no column', () => {
    expect(metric(confusionMatrix, [[Number.NaN, 1], [0, 1]], [1, 1])).toEqual([0, 0, 0, 1]);
  });

  it('equals a plain argmax count on random scores', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((d) => fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: d, maxLength: d }), fc.nat(d - 1)), { minLength: 1, maxLength: 6 })),
        (rows) => {
          const d = rows[0]![0].length;
          const expected = new Array<number>(d * d).fill(0);
          for (const [s, label] of rows) expected[label * d + s.indexOf(Math.max(...s))]! += 1;
          expect(metric(confusionMatrix, rows.map(([s]) => s), rows.map(([, l]) => l))).toEqual(expected);
        },
      ),
      { numRuns: runs(30) },
    );
  });
});

describe('arguments are checked when the graph is built', () => {
  const g = new Graph();
  const p = g.input('p', ['batch', 3]);
  it('shapes', () => {
    expect(() => accuracy(p, g.input('y2', ['batch', 2]))).toThrow(ShapeError);
    expect(() => topK(p, g.input('y4', ['batch', 4]), 1)).toThrow(/topK: prediction and target must both be \[batch, classes\] with the same number of classes, got \[batch, 3\] and \[batch, 4\]/);
    expect(() => confusionMatrix(g.input('v', [3]), g.input('w', [3]))).toThrow(/confusionMatrix: prediction and target must both be \[batch, classes\]/);
    expect(() => confusionMatrix(g.input('p1', ['batch', 1]), g.input('y1', ['batch', 1]))).toThrow(/confusionMatrix: needs a known number of classes ≥ 2, got \[batch, 1\] \(for a one-column probability p, pass g.concat/);
  });
  it('k', () => {
    const y = g.input('y', ['batch', 3]);
    for (const k of [0, 4, 1.5, Number.NaN]) expect(() => topK(p, y, k)).toThrow(ArgumentError);
    expect(() => topK(p, y, 4)).toThrow(/topK: k must be an integer from 1 to 3/);
  });
  it('nodes of one graph', () => {
    expect(() => accuracy(p, new Graph().input('y', ['batch', 3]))).toThrow(/accuracy/);
    expect(() => topK(p, 'y' as never, 1)).toThrow(ArgumentError);
  });
});

describe('in a Trainer', () => {
  it('accuracy and topK as metrics; the confusion matrix over a data set agrees with them', () => {
    const trainer = new Trainer({
      model: sequential([dense(8, { activation: 'tanh' }), dense(2)]),
      inputUnits: 2,
      targetUnits: 2,
      loss: crossEntropyFromLogits,
      rule: adam({ lr: 0.05 }),
      metrics: { accuracy, top2: (o, y) => topK(o, y, 2), error: misclassification },
    });
    trainer.fit(TRAIN, { epochs: 30, batchSize: 8, ...quiet });
    const scores = trainer.evaluate(VALIDATION, 7); // batches of 7: the counts must add up across batches
    expect(scores['accuracy']).toBeCloseTo(1 - scores['error']!, 15);
    expect(scores['top2']).toBe(1);
    expect(scores['accuracy']).toBeGreaterThan(0.7); // it learned something: the check below is not on a constant model
    const C = trainer.confusionMatrix(VALIDATION, 7);
    expect(C.shape).toEqual([2, 2]);
    const [c00, c01, c10, c11] = Array.from(C.data);
    const m = VALIDATION.y.shape[0]!;
    expect(c00! + c01! + c10! + c11!).toBe(m);
    const positives = Array.from({ length: m }, (_, i) => VALIDATION.y.data[2 * i + 1]!).reduce((a, b) => a + b, 0);
    expect(c10! + c11!).toBe(positives); // row sums: examples per true class
    expect((c00! + c11!) / m).toBeCloseTo(scores['accuracy']!, 15); // continuous scores: no ties
  });

  it('the confusion matrix needs two output columns', () => {
    const trainer = new Trainer({ model: sequential([dense(1)]), inputUnits: 2, targetUnits: 1, loss: crossEntropyFromLogits, rule: adam() });
    expect(() => trainer.confusionMatrix({ x: tensor([[0, 0]]), y: tensor([[1]]) })).toThrow(ShapeError);
  });
});
