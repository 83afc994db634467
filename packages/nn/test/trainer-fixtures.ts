/**
 * Fixtures of the trainer and checkpoint tests: small data sets, a trainer with dropout and Adam,
 * and whole-state comparisons of trainers (variables, random counters, completed epochs).
 */
import { expect } from 'vitest';
import { uniformInit, zeros } from '@chainrule/graph';
import { Trainer, crossEntropyFromLogits, dense, dropout, misclassification, sequential, type Dataset, type Layer } from '@chainrule/nn';
import { adam, type UpdateRule } from '@chainrule/optim';
import { expectSameState, snapshot, type GraphState } from './helpers.js';

/** m points in [−1, 1]², class 1 where x₀·x₁ > 0, one-hot targets. */
export function quadrants(m: number, seed: number): Dataset {
  const x = uniformInit(-1, 1, seed)([m, 2], 'float64');
  const y = zeros([m, 2]);
  for (let i = 0; i < m; i++) y.data[2 * i + (x.data[2 * i]! * x.data[2 * i + 1]! > 0 ? 1 : 0)] = 1;
  return { x, y };
}

export const TRAIN = quadrants(40, 3);
export const VALIDATION = quadrants(20, 4);

export interface Setup {
  readonly layers?: () => Layer[];
  readonly rule?: () => UpdateRule;
  readonly seed?: number;
}

/** A trainer with dropout and Adam (so checkpoints must carry masks and moments). */
export function makeTrainer({ layers, rule, seed = 1 }: Setup = {}): Trainer {
  return new Trainer({
    model: sequential(layers?.() ?? [dense(8, { activation: 'tanh' }), dropout(0.8), dense(2)]),
    inputUnits: 2,
    targetUnits: 2,
    loss: crossEntropyFromLogits,
    rule: rule?.() ?? adam({ lr: 0.05 }),
    metrics: { error: misclassification },
    seed,
  });
}

export const quiet = { progress: 'none' } as const;

/** A trainer's whole state: variables, random counters and completed epochs. */
export const stateOf = (t: Trainer): GraphState & { epoch: number } => ({ ...snapshot(t.graph), epoch: t.epoch });

export function expectSameTrainerState(actual: Trainer, expected: GraphState & { epoch: number }): void {
  expectSameState(snapshot(actual.graph), expected);
  expect(actual.epoch).toBe(expected.epoch);
}

export const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
