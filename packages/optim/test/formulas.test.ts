import fc from 'fast-check';
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { mathScope, scalarScope } from '@chainrule/graph/mathjs';
import { ruleFormulas } from '@chainrule/optim';
import * as ref from './reference-rules.js';
import { ALL_RULES, adagradCase, adamInsideCase, adamOutsideCase, expectClose, gravesCase, nesterovCase, rmspropCase, runs, uniform, value } from './cases.js';

// `predictable`: real results only (√ of a negative is NaN), as the graph's kernels compute.
const math = create(all!, { predictable: true });

/** The short name `ruleFormulas` gives a state variable: `adam.g` → `g`, `nesterov.rho` → `rho`. */
const short = (key: string): string => key.replace(/^[^.]*\./, '');


/**
 * Values of the symbols a formula may use: the parameter w, the incoming direction `grad`, the step
 * t, the curvature h of the loss ½·h·w² that look-ahead and Newton rules see, and random state
 * values inside each state's domain (second moments ≥ 0, Graves's q ≥ g², ρ ≥ 1).
 */
const symbols = fc.record({
  w: value(-2, 2),
  grad: value(-2, 2),
  t: fc.integer({ min: 1, max: 1000 }),
  h: uniform(0.1, 5),
  signed: fc.array(value(-2, 2), { minLength: 3, maxLength: 3 }),
  positive: fc.array(value(0, 4), { minLength: 3, maxLength: 3 }),
});
type Symbols = typeof symbols extends fc.Arbitrary<infer T> ? T : never;

/** A state with the reference's keys and random values in their domains. */
function randomState(keys: readonly string[], s: Symbols): ref.RefState {
  const state: ref.RefState = {};
  keys.forEach((key, i) => {
    const x = s.signed[i % 3]!;
    const y = s.positive[i % 3]!;
    if (key === 'nesterov.rho') state[key] = 1 + 5 * y;
    else if (key.endsWith('Product')) state[key] = y / 4; // Πₛ β⁽ˢ⁾ ∈ [0, 1]
    else if (key === 'graves.q') state[key] = [[(state['graves.g'] as ref.Vecs)[0]![0]! ** 2 + y]];
    else if (/\.(q|Q|qmax)$/.test(key)) state[key] = [[y]];
    else state[key] = [[x]];
  });
  return state;
}

describe('ruleFormulas prints exactly what runs', () => {
  for (const c of ALL_RULES) {
    it(`${c.name}: each printed formula, evaluated by mathjs, is the reference's step`, () => {
      fc.assert(
        fc.property(c.pair, symbols, (pair, s) => {
          const formulas = ruleFormulas(pair.rule);
          const keys = Object.keys(pair.ref.init([[s.w]]));
          const state = randomState(keys, s);
          const out = pair.ref.update([[s.grad]], state, { w: [[s.w]], t: s.t, loss: ref.scalarQuadratic(s.h) });
          // One formula per variable the step assigns: w and the state the rule updates (a constant
          // state such as the centre of projectOntoBall's ball appears only as a symbol).
          expect(formulas.map((f) => f.variable)).toEqual(['w', ...keys.filter((key) => key in out.state).map(short)]);
          const scope: Record<string, unknown> = { ...mathScope(), ...scalarScope(), w: s.w, grad: s.grad, t: s.t, h: s.h };
          for (const key of keys) {
            const v = state[key]!;
            scope[short(key)] = typeof v === 'number' ? v : v[0]![0]!;
          }
          const expected: Record<string, number> = { w: s.w + out.d[0]![0]! };
          for (const [key, v] of Object.entries(out.state)) expected[short(key)] = typeof v === 'number' ? v : v[0]![0]!;
          for (const f of formulas) {
            const opaque = f.text.match(/\bn\d+\b/g);
            if (opaque !== null) {
              throw new Error(`${f.variable} ← ${f.text}: the formula stands on unexplained node values ${[...new Set(opaque)].join(", ")} (non-elementwise nodes), so it cannot be evaluated`);
            }
            const value = math.evaluate(f.text, { ...scope }) as unknown;
            if (typeof value !== 'number') throw new Error(`${f.variable} ← ${f.text} evaluates to ${String(value)}`);
            expectClose([value], [expected[f.variable]!], c.tolerance ?? 1e-12, `${f.variable} ← ${f.text}`);
          }
        }),
        { numRuns: runs(30) },
      );
    });
  }
});

describe('ruleFormulas as TeX', () => {
  for (const c of ALL_RULES) {
    it(`${c.name}: one non-empty TeX formula per printed line`, () => {
      fc.assert(
        fc.property(c.pair, (pair) => {
          for (const f of ruleFormulas(pair.rule)) expect(f.tex.trim()).not.toBe('');
        }),
        { numRuns: runs(3) },
      );
    });
  }

  it('square roots print as \\sqrt for the adaptive rules and Nesterov', () => {
    for (const c of [adagradCase, rmspropCase, gravesCase, adamInsideCase, adamOutsideCase]) {
      fc.assert(
        fc.property(c.pair, (pair) => {
          const [w] = ruleFormulas(pair.rule);
          expect(w!.variable).toBe('w');
          expect(w!.tex).toContain('\\sqrt');
        }),
        { numRuns: runs(3) },
      );
    }
    fc.assert(
      fc.property(nesterovCase.pair, (pair) => {
        const rho = ruleFormulas(pair.rule).find((f) => f.variable === 'rho');
        expect(rho!.tex).toContain('\\sqrt');
      }),
      { numRuns: runs(3) },
    );
  });
});
