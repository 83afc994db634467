import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ALL_RULES, checkAgainstReference, problem, runs, type RuleCase } from './cases.js';

const steps = fc.integer({ min: 5, max: 20 });

/** Every rule, step by step against the plain-number reference, on random problems and hyperparameters. */
describe('each update rule equals its reference, after every step', () => {
  const table = (kind: 'quadratic' | 'logistic', cases: readonly RuleCase[]): void => {
    describe(kind === 'quadratic' ? 'on random quadratics ½wᵀAw + bᵀw' : 'on random logistic losses Σ log(1 + exp(aᵢ·w)) + ½c‖w‖²', () => {
      for (const c of cases) {
        it(c.name, () => {
          fc.assert(
            fc.property(problem([kind]), c.pair, steps, (p, rule, n) => checkAgainstReference(p, rule, n, c.tolerance)),
            { numRuns: runs(30) },
          );
        });
      }
    });
  };
  table('quadratic', ALL_RULES);
  table('logistic', ALL_RULES);
});

describe('two parameters of different shapes', () => {
  // A vector and a matrix: global quantities (the clipping norm, ‖w‖₂, Newton's Hessian) span both.
  const layouts = [[[2], [2, 3]], [[], [3, 1]]];
  for (const c of ALL_RULES) {
    it(c.name, () => {
      fc.assert(
        fc.property(problem(['quadratic', 'logistic'], layouts), c.pair, steps, (p, rule, n) => checkAgainstReference(p, rule, n, c.tolerance)),
        { numRuns: runs(10) },
      );
    });
  }
});
