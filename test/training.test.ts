import { describe, expect, it } from 'vitest';
import { Tensor, uniformInit, zeros } from '@chainrule/graph';
import {
  Trainer,
  accuracy,
  activation,
  batchNorm,
  conv2d,
  crossEntropyFromLogits,
  dense,
  dropout,
  flatten,
  maxPool2d,
  misclassification,
  reshape,
  sequential,
  trainValidationSplit,
  type Dataset,
} from '@chainrule/nn';
import { adam, adamw, warmupCosineDecay } from '@chainrule/optim';

/**
 * Two interleaved spirals, 100 points each: class c's arm is r = 0.15 + 0.85 t, θ = 2π · 1.25 t + cπ
 * for t ∈ [0, 1), plus uniform noise of ±0.03 on each coordinate. Every draw comes from seeded
 * `uniformInit` streams, so the data set is the same on every machine.
 */
function spirals(perClass: number, seed: number): Dataset {
  const m = 2 * perClass;
  const t = uniformInit(0, 1, seed)([m], 'float64').data;
  const noise = uniformInit(-0.03, 0.03, seed + 1)([m, 2], 'float64').data;
  const x = new Float64Array(2 * m);
  const y = zeros([m, 2]);
  for (let i = 0; i < m; i++) {
    const c = i % 2;
    const r = 0.15 + 0.85 * t[i]!;
    const theta = 2 * Math.PI * 1.25 * t[i]! + c * Math.PI;
    x[2 * i] = r * Math.cos(theta) + noise[2 * i]!;
    x[2 * i + 1] = r * Math.sin(theta) + noise[2 * i + 1]!;
    y.data[2 * i + c] = 1;
  }
  return { x: new Tensor(x, [m, 2]), y };
}

describe('end to end: an MLP with dropout, trained by Adam through Trainer', () => {
  it('separates two interleaved spirals: ≥ 95 % accuracy on a held-out quarter', () => {
    const { train, validation: test } = trainValidationSplit(spirals(100, 2026), 0.25, 7);
    expect([train.x.shape[0], test.x.shape[0]]).toEqual([150, 50]);

    const trainer = new Trainer({
      model: sequential([dense(32, { activation: 'relu' }), dropout(0.9), dense(32, { activation: 'relu' }), dense(2)]),
      inputUnits: 2,
      targetUnits: 2,
      loss: crossEntropyFromLogits,
      rule: adam({ lr: 0.01 }),
      metrics: { error: misclassification },
      seed: 3,
    });
    const history = trainer.fit(train, { epochs: 100, batchSize: 16, progress: 'none' });

    expect(history.length).toBe(100);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss / 4);
    const { error } = trainer.evaluate(test);
    expect(1 - error!).toBeGreaterThanOrEqual(0.95);

    // The same accuracy from the predictions themselves (argmax of the logits).
    const out = trainer.predict(test.x);
    let correct = 0;
    for (let i = 0; i < 50; i++) {
      const predicted = out.data[2 * i + 1]! > out.data[2 * i]! ? 1 : 0;
      if (test.y.data[2 * i + predicted] === 1) correct++;
    }
    expect(correct / 50).toBe(1 - error!);
  });
});

/**
 * 8×8 one-channel images of a bar three pixels long, horizontal (class 0) or vertical (class 1), at
 * a random place, on uniform noise in [0, 0.5): only the bar's orientation tells the classes apart.
 */
function bars(m: number, seed: number): Dataset {
  const u = uniformInit(0, 1, seed)([m, 3], 'float64').data;
  const x = uniformInit(0, 0.5, seed + 1)([m, 64], 'float64');
  const y = zeros([m, 2]);
  for (let i = 0; i < m; i++) {
    const vertical = u[3 * i]! < 0.5 ? 1 : 0;
    const [r, c] = [Math.floor(u[3 * i + 1]! * (vertical ? 6 : 8)), Math.floor(u[3 * i + 2]! * (vertical ? 8 : 6))];
    for (let k = 0; k < 3; k++) x.data[64 * i + (vertical ? (r + k) * 8 + c : r * 8 + c + k)] = 1;
    y.data[2 * i + vertical] = 1;
  }
  return { x, y };
}

describe('end to end: a CNN with batch normalisation, trained by AdamW with a warm-up cosine schedule', () => {
  it('tells horizontal from vertical bars anywhere in the image: ≥ 95 % on held-out images', () => {
    const train = bars(256, 11);
    const test = bars(128, 12);
    const steps = 12 * (256 / 32);
    const trainer = new Trainer({
      model: sequential([
        reshape([8, 8, 1]),
        conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }),
        batchNorm({ momentum: 0.9 }),
        activation('relu'),
        maxPool2d({ windowShape: 8 }), // global: the same wherever the bar is
        flatten(),
        dense(2),
      ]),
      inputUnits: 64,
      targetUnits: 2,
      loss: crossEntropyFromLogits,
      rule: adamw({ lr: warmupCosineDecay({ peak: 0.03, warmupSteps: 8, decaySteps: steps }), weightDecay: 1e-3 }),
      metrics: { accuracy },
      seed: 4,
    });
    const history = trainer.fit(train, { epochs: 12, batchSize: 32, progress: 'none' });
    const scores = trainer.evaluate(test);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss / 4);
    expect(scores['accuracy']).toBeGreaterThanOrEqual(0.95);
    const counts = Array.from(trainer.confusionMatrix(test).data);
    expect(counts[0]! + counts[3]!).toBe(Math.round(scores['accuracy']! * 128));
  });
});
