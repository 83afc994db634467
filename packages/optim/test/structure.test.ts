import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, graphFromJSON, graphToJSON, tensor, type Node } from '@chainrule/graph';
import * as optim from '@chainrule/optim';
import {
  ALL_RULES,
  SINGLE_RULES,
  buildProblem,
  checkAgainstReference,
  gravesCase,
  problem,
  referenceLoss,
  runs,
  type Problem,
} from './cases.js';

/** A fixed problem with two parameters, a vector `w` and a 2×3 matrix `U`. */
const twoParams: Problem = {
  kind: 'logistic',
  shapes: [[2], [2, 3]],
  w0: [
    [0.5, -1],
    [0.25, -0.75, 1, 1.5, -0.5, 0.125],
  ],
  X: [
    [1, -0.5, 0.25, 0, 0.75, -1, 0.5, 0.3],
    [-0.2, 0.9, -0.4, 0.6, 0, 0.1, -0.8, 0.7],
  ],
  c: 0.5,
};

/** Each rule's state, as documented: `<rule>.<quantity>` and its first value. */
const DOCUMENTED_STATE: [string, optim.UpdateRule, [string, 0 | 'param' | 1][]][] = [
  ['sgd', optim.sgd(), []],
  ['polyak', optim.polyak(), [['polyak.v', 0]]],
  ['bufferMomentum', optim.bufferMomentum(), [['buffer.b', 0]]],
  ['nesterov', optim.nesterov(), [['nesterov.v', 'param'], ['nesterov.rho', 1]]],
  ['sutskever', optim.sutskever(), [['sutskever.v', 0]]],
  ['adagrad', optim.adagrad(), [['adagrad.Q', 0]]],
  ['rmsprop', optim.rmsprop(), [['rmsprop.q', 0]]],
  ['rmspropGraves', optim.rmspropGraves(), [['graves.g', 0], ['graves.q', 0], ['graves.v', 0]]],
  ['adam', optim.adam(), [['adam.g', 0], ['adam.q', 0]]],
  ['adam, ε outside', optim.adam({ epsilonPlacement: 'outside' }), [['adam.g', 0], ['adam.q', 0]]],
  ['adam, β₁ scheduled', optim.adam({ beta1: optim.exponentialDecay(0.9, 0.99) }), [['adam.g', 0], ['adam.q', 0], ['adam.beta1Product', 1]]],
  ['adam, β₁ and β₂ scheduled', optim.adam({ beta1: optim.exponentialDecay(0.9, 0.99), beta2: (t) => t.reciprocal().neg().add(1) }), [['adam.g', 0], ['adam.q', 0], ['adam.beta1Product', 1], ['adam.beta2Product', 1]]],
  ['adamw', optim.adamw(), [['adamw.g', 0], ['adamw.q', 0]]],
  ['adamw, β₂ scheduled', optim.adamw({ weightDecay: 0.1, beta2: optim.exponentialDecay(0.999, 0.9999) }), [['adamw.g', 0], ['adamw.q', 0], ['adamw.beta2Product', 1]]],
  ['amsgrad', optim.amsgrad(), [['amsgrad.g', 0], ['amsgrad.q', 0], ['amsgrad.qmax', 0]]],
  ['amsgrad, β₂ scheduled', optim.amsgrad({ beta2: optim.exponentialDecay(0.999, 0.9999) }), [['amsgrad.g', 0], ['amsgrad.q', 0], ['amsgrad.qmax', 0], ['amsgrad.beta2Product', 1]]],
  ['averageIterates(polyak)', optim.averageIterates(optim.polyak()), [['polyak.v', 0], ['average.wbar', 'param']]],
  ['emaIterates(averageIterates(adam))', optim.emaIterates(optim.averageIterates(optim.adam())), [['adam.g', 0], ['adam.q', 0], ['average.wbar', 'param'], ['ema.wtilde', 'param']]],
  ['newton', optim.newton({ damping: 0.1 }), []],
  ['chain(clipByGlobalNorm, addRegularization, polyak)', optim.chain(optim.clipByGlobalNorm(1), optim.addRegularization(optim.l2Squared, 0.1), optim.polyak()), [['polyak.v', 0]]],
  ['chain(clipByValue, sgd)', optim.chain(optim.clipByValue(1), optim.sgd()), []],
];

describe('state variables', () => {
  for (const [name, rule, state] of DOCUMENTED_STATE) {
    it(`${name}: named optim/<rule>.<quantity>/<param>, with the documented first values`, () => {
      const { graph, params, loss } = buildProblem(twoParams);
      const m = optim.minimize(loss, params, rule);
      const scalar = (key: string): boolean => key === 'nesterov.rho' || key.endsWith('Product');
      const expected = state.flatMap(([key]) => (scalar(key) ? [`optim/${key}`] : params.map((p) => `optim/${key}/${p.name}`)));
      expect(m.state.map((n) => n.name)).toEqual(expected);
      expect(m.step.name).toBe('optim/step');
      expect(graph.getVariable('optim/step').item()).toBe(0);
      for (const [key, init] of state) {
        if (scalar(key)) {
          const value = graph.getVariable(`optim/${key}`);
          expect([value.shape, value.dtype, value.item()]).toEqual([[], 'float64', init]);
          continue;
        }
        params.forEach((p, i) => {
          const v = graph.getVariable(`optim/${key}/${p.name}`);
          expect(v.shape).toEqual(p.shape);
          expect(v.dtype).toBe(p.dtype);
          expect(Array.from(v.data)).toEqual(init === 'param' ? twoParams.w0[i] : twoParams.w0[i]!.map(() => 0));
        });
      }
      // Every state variable is assigned by the update, and the parameters come first.
      const targets = m.assignments.map(([v]) => v);
      expect(targets.slice(0, params.length)).toEqual(params);
      expect(new Set(targets)).toEqual(new Set([...params, ...m.state, m.step]));
      expect(m.valueAfter(params[0]!)).toBe(m.assignments[0]![1]);
    });
  }

  it('take the prefix option; a second minimisation in one graph needs its own prefix', () => {
    const { graph, params, loss } = buildProblem(twoParams);
    const a = optim.minimize(loss, params, optim.adam());
    expect(() => optim.minimize(loss, params, optim.adam())).toThrow(/'optim\/step' is already used/);
    const b = optim.minimize(loss, params, optim.adam(), { prefix: 'second/' });
    expect(b.state.map((n) => n.name)).toEqual(['second/adam.g/w', 'second/adam.g/U', 'second/adam.q/w', 'second/adam.q/U']);
    expect(b.step.name).toBe('second/step');
    expect(a.state.every((n) => !b.state.includes(n))).toBe(true);
    expect(graph.getVariable('second/adam.q/U').shape).toEqual([2, 3]);
  });

  it('a rule used twice in one chain gets suffixed state names', () => {
    const { params, loss } = buildProblem(twoParams);
    const m = optim.minimize(loss, params, optim.chain(optim.polyak(), optim.polyak()));
    expect(m.state.map((n) => n.name)).toEqual(['optim/polyak.v/w', 'optim/polyak.v/U', 'optim/polyak.v/w.2', 'optim/polyak.v/U.2']);
  });

  it('Minimization.next names a variable the update does not assign', () => {
    const { graph, params, loss } = buildProblem(twoParams);
    const m = optim.minimize(loss, [params[0]!], optim.sgd());
    expect(() => m.valueAfter(params[1]!)).toThrow(ChainruleError);
    expect(() => m.valueAfter(graph.variable('other', [1]))).toThrow(/is not assigned by this update/);
  });
});

describe('one run applies the whole update', () => {
  it('the step counter counts updates', () => {
    const { graph, params, loss } = buildProblem(twoParams);
    const update = graph.compile({ outputs: [], updates: optim.minimize(loss, params, optim.adam()) });
    for (let k = 1; k <= 7; k++) {
      update();
      expect(graph.getVariable('optim/step').item()).toBe(k);
    }
  });

  for (const c of ALL_RULES) {
    it(`${c.name}: outputs read in the same run see the values before the update`, () => {
      fc.assert(
        fc.property(problem(), c.pair, (p, rule) => {
          const { graph, params, loss } = buildProblem(p);
          const m = optim.minimize(loss, params, rule.rule);
          const watched: Node[] = [loss, ...params, ...m.state, m.step, ...m.gradients];
          const step = graph.compile({ outputs: watched, updates: m });
          const read = (): number[][] => [...params, ...m.state, m.step].map((v) => Array.from(graph.getVariable(v.name!).data));
          for (let k = 0; k < 3; k++) {
            const before = read();
            const out = step().map((t) => Array.from(t.data));
            // Loss, variables and gradients as of before this run.
            expect(out.slice(1, 1 + before.length)).toEqual(before);
            const f = referenceLoss(p).value(before.slice(0, params.length));
            expect(Math.abs(out[0]![0]! - f)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(f)));
            const grads = referenceLoss(p).grad(before.slice(0, params.length));
            out.slice(1 + before.length).forEach((g, i) => g.forEach((x, j) => expect(Math.abs(x - grads[i]![j]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(grads[i]![j]!)))));
            // And the next run sees every assignment of this one.
            expect(read()).not.toEqual(before);
          }
        }),
        { numRuns: runs(5) },
      );
    });
  }
});

describe('the optimiser state is saved with the graph', () => {
  for (const c of ALL_RULES) {
    it(`${c.name}: graphToJSON → graphFromJSON, then training on gives bit-identical values`, () => {
      fc.assert(
        fc.property(problem(), c.pair, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 8 }), (p, rule, before, after) => {
          const { graph, params, loss } = buildProblem(p);
          const m = optim.minimize(loss, params, rule.rule);
          const update = graph.compile({ outputs: [], updates: m });
          for (let k = 0; k < before; k++) update();
          const loaded = graphFromJSON(JSON.parse(JSON.stringify(graphToJSON(graph))));
          const names = graph.variables.map((v) => v.name!);
          const values = (g: Graph): number[][] => names.map((n) => Array.from(g.getVariable(n).data));
          expect(values(loaded)).toEqual(values(graph));
          // Node ids survive the round trip, so the update's nodes can be looked up in the copy.
          const updateLoaded = loaded.compile({ outputs: [], updates: m.assignments.map(([v, x]) => [loaded.node(v.id), loaded.node(x.id)] as const) });
          for (let k = 0; k < after; k++) {
            update();
            updateLoaded();
            expect(values(loaded)).toEqual(values(graph));
          }
          expect(loaded.getVariable('optim/step').item()).toBe(before + after);
        }),
        { numRuns: runs(5) },
      );
    });
  }
});

describe('float32 parameters', () => {
  // NOTE: Graves's centred variance q − g² is a difference of two numbers of the size of ∇f²; in
  // float32 that cancellation leaves about 7 − log₁₀(q/ε) digits, too few to compare against float64.
  const cases = SINGLE_RULES.filter((c) => c !== gravesCase);
  /** The problem's data rounded to float32, so that both sides start from the same numbers. */
  const rounded = (p: Problem): Problem => {
    const r = (m: number[][]): number[][] => m.map((row) => row.map(Math.fround));
    return p.kind === 'quadratic'
      ? { ...p, w0: r(p.w0), A: r(p.A), b: p.b.map(Math.fround) }
      : { ...p, w0: r(p.w0), X: r(p.X), c: Math.fround(p.c) };
  };
  for (const c of cases) {
    it(`${c.name}: state is float32 and values follow the float64 reference to float32 accuracy`, () => {
      fc.assert(
        fc.property(problem(), c.pair, fc.integer({ min: 1, max: 5 }), (p, rule, n) => {
          const q = rounded(p);
          // float32 rounds every operation to 2⁻²⁴ ≈ 6e-8 (hyperparameters included); a few steps keep
          // the accumulated error well below 1e-4 of each quantity's scale.
          checkAgainstReference(q, rule, n, 1e-4, 'float32');
          const { graph, params, loss } = buildProblem(q, 'float32');
          const m = optim.minimize(loss, params, rule.rule);
          expect([...params, ...m.state, m.step].every((v) => v.dtype === 'float32' && graph.getVariable(v.name!).dtype === 'float32')).toBe(true);
        }),
        { numRuns: runs(10) },
      );
    });
  }
});

describe('errors', () => {
  it('mixed dtypes', () => {
    const g = new Graph();
    const a = g.variable('a', tensor([1, 2]));
    const b = g.variable('b', tensor([1], undefined, 'float32'));
    const loss = a.square().sum().add(b.cast('float64').sum());
    expect(() => optim.minimize(loss, [a, b], optim.sgd())).toThrow(ChainruleError);
    expect(() => optim.minimize(loss, [a, b], optim.sgd())).toThrow('minimize: parameters mix dtypes float64 and float32');
  });

  it('parameters that are not variables of the loss graph', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const x = g.input('x', [2]);
    const loss = w.mul(x).sum();
    expect(() => optim.minimize(loss, [x], optim.sgd())).toThrow(/minimize: .* is not a variable of the loss's graph/);
    expect(() => optim.minimize(loss, [w.mul(2)], optim.sgd())).toThrow(ChainruleError);
    const other = new Graph().variable('w', tensor([1, 2]));
    expect(() => optim.minimize(loss, [other], optim.sgd())).toThrow(/is not a variable of the loss's graph/);
  });

  it('no parameters', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    expect(() => optim.minimize(w.sum(), [], optim.sgd())).toThrow(new ChainruleError('minimize: no parameters to optimise'));
  });

  it('a Robbins–Monro power outside (½, 1]', () => {
    for (const p of [0.5, 0, 1.5, Number.NaN]) expect(() => optim.robbinsMonro(1, 0, p)).toThrow(/robbinsMonro: p must be in \(1\/2, 1\]/);
    expect(() => optim.robbinsMonro(1, 0, 1)).not.toThrow();
  });
});

describe('hyperparameters are checked when a rule is made', () => {
  it('names the rule and the hyperparameter', () => {
    expect(() => optim.adam({ beta1: 1 })).toThrow(/adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => optim.rmsprop({ epsilon: -1 })).toThrow(/rmsprop: epsilon/);
    expect(() => optim.polyak({ momentum: 1.5 })).toThrow(/polyak: momentum/);
    expect(() => optim.clipByGlobalNorm(0)).toThrow(/clipByGlobalNorm: maxNorm/);
    expect(() => optim.clipByValue(-1)).toThrow(/clipByValue: limit/);
    expect(() => optim.newton({ damping: -1 })).toThrow(/newton: damping/);
    expect(() => optim.sgd({ lr: NaN })).toThrow(/sgd: lr/);
    expect(() => optim.addRegularization(optim.l2Squared, -0.1)).toThrow(/lambda/);
    expect(() => optim.adamw({ weightDecay: -0.01 })).toThrow(/adamw: weightDecay must be in \[0, ∞\), got -0.01/);
    expect(() => optim.adamw({ beta2: 1 })).toThrow(/adamw: beta2 must be in \[0, 1\), got 1/);
    expect(() => optim.adamw({ weightDecay: (() => 0.1) as never })).toThrow(/adamw: weightDecay takes a number in \[0, ∞\), not a schedule/);
  });
});
