import { describe, expect, it } from 'vitest';
import { ArgumentError, ChainruleError, Graph, tensor, type DType } from '@chainrule/graph';
import * as optim from '@chainrule/optim';

/** η⁽ᵗ⁾ of a schedule at the given steps, run as a graph. */
function values(schedule: optim.Schedule, steps: readonly number[], dtype: DType = 'float64'): number[] {
  const g = new Graph();
  const t = g.input('t', [], dtype);
  const run = g.compile({ outputs: [optim.stepSize(schedule, t)] });
  return steps.map((s) => run({ t: tensor(dtype === 'float64' ? Float64Array.of(s) : Float32Array.of(s), []) })[0]!.item());
}

describe('warmupCosineDecay', () => {
  // peak 0.1, W = 4, T = 12, floor 0.01: the warm-up climbs 0.025 per step; the cosine phase spans 8 steps.
  const schedule = optim.warmupCosineDecay({ peak: 0.1, warmupSteps: 4, decaySteps: 12, floor: 0.01 });

  it('climbs linearly from peak/W at t = 1 to the peak at t = W', () => {
    expect(values(schedule, [1, 2, 3, 4])).toEqual([0.025, 0.05, 0.07500000000000001, 0.1]);
  });

  it('then follows the cosine to the floor at t = T, and stays there', () => {
    const [t5, t8, t11, t12, t13, t1000] = values(schedule, [5, 8, 11, 12, 13, 1000]);
    // t = 5: ½(1 + cos(π/8)) = 0.9619397662556434 of the way from the floor to the peak
    expect(t5).toBeCloseTo(0.01 + 0.09 * 0.9619397662556434, 15);
    expect(t8).toBeCloseTo(0.055, 15); // halfway: cos(π/2) = 0
    expect(t11).toBeCloseTo(0.01 + 0.09 * 0.03806023374435663, 15); // ½(1 + cos(7π/8))
    expect([t12, t13, t1000]).toEqual([0.01, 0.01, 0.01]); // cos(π) = −1 exactly
  });

  it('never exceeds the peak, and is continuous at W (the first cosine step is below the peak)', () => {
    const all = values(schedule, Array.from({ length: 20 }, (_, i) => i + 1));
    expect(Math.max(...all)).toBe(0.1);
    expect(all[4]!).toBeLessThan(0.1);
    expect(0.1 - all[4]!).toBeLessThan(0.025);
  });

  it('without warm-up starts the cosine at t = 0, so t = 1 is already one step down', () => {
    const [t1, t2] = values(optim.warmupCosineDecay({ peak: 1, warmupSteps: 0, decaySteps: 2 }), [1, 2]);
    expect(t1).toBeCloseTo(0.5, 15); // ½(1 + cos(π/2)), floor 0 by default
    expect(t2).toBe(0);
  });

  it('in float32', () => {
    const [t2, t8, t12] = values(schedule, [2, 8, 12], 'float32');
    expect(t2).toBeCloseTo(0.05, 7);
    expect(t8).toBeCloseTo(0.055, 7);
    expect(t12).toBeCloseTo(0.01, 7);
  });

  it('drives a rule: sgd on f(w) = w moves w by −Σₜ η⁽ᵗ⁾', () => {
    const g = new Graph();
    const w = g.variable('w', tensor(0));
    const update = g.compile({ outputs: [], updates: optim.minimize(w, [w], optim.sgd({ lr: schedule })) });
    for (let t = 0; t < 14; t++) update();
    const sum = values(schedule, Array.from({ length: 14 }, (_, i) => i + 1)).reduce((a, b) => a + b, 0);
    expect(g.getVariable('w').item()).toBeCloseTo(-sum, 14);
  });

  it('checks its arguments when it is made, naming the one at fault', () => {
    const ok = { peak: 0.1, warmupSteps: 4, decaySteps: 12 };
    expect(() => optim.warmupCosineDecay(undefined as never)).toThrow(ArgumentError);
    for (const peak of [0, -1, Number.NaN, Infinity]) expect(() => optim.warmupCosineDecay({ ...ok, peak })).toThrow(/warmupCosineDecay: options.peak must be a finite number > 0/);
    for (const warmupSteps of [-1, 1.5, Number.NaN]) expect(() => optim.warmupCosineDecay({ ...ok, warmupSteps })).toThrow(/warmupCosineDecay: options.warmupSteps must be an integer ≥ 0/);
    expect(() => optim.warmupCosineDecay({ ...ok, decaySteps: 2.5 })).toThrow(/options.decaySteps must be an integer ≥ 1/);
    expect(() => optim.warmupCosineDecay({ ...ok, decaySteps: 4 })).toThrow(new ChainruleError("warmupCosineDecay: decaySteps (4) must be greater than warmupSteps (4); decaySteps counts the warm-up, as optax's decay_steps"));
    expect(() => optim.warmupCosineDecay({ ...ok, floor: 0.2 })).toThrow(/warmupCosineDecay: floor \(0.2\) must not be above peak \(0.1\)/);
    expect(() => optim.warmupCosineDecay({ ...ok, floor: -0.1 })).toThrow(/options.floor must be a finite number ≥ 0/);
    expect(() => optim.warmupCosineDecay({ ...ok, warmup: 3 } as never)).toThrow(/warmupCosineDecay: unknown option warmup \(it takes peak, warmupSteps, decaySteps, floor\)/);
    expect(() => optim.warmupCosineDecay({ peak: 0.1, warmupSteps: 4 } as never)).toThrow(/options.decaySteps must be an integer/);
  });
});
