// The dropout experiments, on chainrule's own `dropout` layer: the masks it draws, and its test-time
// output against the average of the thinned networks' outputs over k sampled masks.
import { Graph, Tensor, tensor } from '@chainrule/graph';
import { dense, dropout, sequential, type DropoutMode } from '@chainrule/nn';

/** Where dropout acts in the experiment's 3-8-8-1 network. */
export type Placement = 'last' | 'every';

/** The experiment's settings. */
export interface DropoutSettings {
  /** p, the probability of keeping a unit. */
  readonly keep: number;
  /** The lecture's mode (scale by p at test time) or inverted (scale by 1/p while training). */
  readonly mode: DropoutMode;
  /** Dropout on the last hidden layer only (the output is linear in the dropped units), or on both. */
  readonly placement: Placement;
}

/** The input of the experiment. */
export const INPUT = [0.8, -0.5, 0.3];

/**
 * Masks of a layer of `units` units over `steps` training steps: the r ~ Bernoulli(p) the dropout
 * layer multiplies by, read off by passing ones through it (in inverted mode it passes r/p).
 *
 * @param keep - p.
 * @param mode - the layer's mode.
 * @param units - units in the layer.
 * @param steps - how many steps (runs).
 * @param seed - the mask stream's seed.
 * @returns one row of 0/1 (or 0 and 1/p) per step.
 */
export function masks(keep: number, mode: DropoutMode, units: number, steps: number, seed: number): number[][] {
  const g = new Graph();
  const layer = dropout(keep, { mode, seed });
  layer.build({ graph: g, inputUnits: units, scope: 'dropout/', seed, dtype: 'float64' });
  const run = g.compile({ outputs: [layer.forward(g.constant(tensor([Array<number>(units).fill(1)])), { training: true })] });
  return Array.from({ length: steps }, () => Array.from(run()[0]!.data));
}

/** What the averaging experiment measures. */
export interface Averaging {
  /** The test-time output (lecture: weights out of dropped layers scaled by p; inverted: the plain net). */
  readonly testTime: number;
  /** The running mean of the thinned networks' outputs after k = 1, …, K masks. */
  readonly runningMean: readonly number[];
  /** Their sample standard deviation. */
  readonly spread: number;
}

/**
 * Runs the 3-8-8-1 network (tanh, seeded weights) at test time and in training mode with K masks
 * (K copies of the input in one batch: each row draws its own mask).
 *
 * @param s - settings.
 * @param samples - K.
 * @returns the test-time output and the running mean of the sampled ones.
 */
export function averaging(s: DropoutSettings, samples: number): Averaging {
  const g = new Graph();
  const drop = (seed: number) => dropout(s.keep, { mode: s.mode, seed });
  const layers = s.placement === 'every'
    ? [dense(8, { activation: 'tanh' }), drop(21), dense(8, { activation: 'tanh' }), drop(22), dense(1)]
    : [dense(8, { activation: 'tanh' }), dense(8, { activation: 'tanh' }), drop(22), dense(1)];
  const model = sequential(layers).build(g, 3, { seed: 5 });
  const x = g.input('x', ['k', 3]);
  const run = g.compile({ outputs: [model.forward(x, { training: false }), model.forward(x, { training: true })] });
  const rows = new Float64Array(samples * 3);
  for (let i = 0; i < samples; i++) rows.set(INPUT, i * 3);
  const [test, train] = run({ x: new Tensor(rows, [samples, 3]) });
  const outputs = Array.from(train!.data);
  let sum = 0;
  const runningMean = outputs.map((v, i) => (sum += v) / (i + 1));
  const mean = sum / samples;
  const spread = Math.sqrt(outputs.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, samples - 1));
  return { testTime: test!.data[0]!, runningMean, spread };
}
