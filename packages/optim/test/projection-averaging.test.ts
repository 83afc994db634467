/**
 * What the step-by-step comparison with the references (rules.test.ts, on every case of `ALL_RULES`)
 * does not show for the projections, the iterate averages, AMSGrad and scheduled decay rates: the
 * invariants they promise (iterates in the set, the identity inside it, a non-decreasing q̂ₘₐₓ),
 * evaluation at the averages, the state they keep, and their errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, tensor, type Node } from '@chainrule/graph';
import * as optim from '@chainrule/optim';
import { buildProblem, logUniform, maxDifference, problem, referenceLoss, runs, schedules, trajectory, uniform, type Problem } from './cases.js';

const steps = fc.integer({ min: 5, max: 20 });
/** Large steps, so that the unconstrained iterates leave any small set. */
const bigLr = schedules.constant.map((s) => s.schedule);

/** All parameters of one step of a trajectory, concatenated. */
const flat = (step: Map<string, number[]>, names: readonly string[]): number[] => names.flatMap((n) => step.get(n) ?? []);
const norm = (x: readonly number[]): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0));

describe('projectOntoBall', () => {
  it('keeps every iterate in the ball ‖w − c‖₂ ≤ R around w⁽⁰⁾ or 0, over all parameters together', () => {
    fc.assert(
      fc.property(problem(), bigLr, logUniform(0.01, 2), fc.constantFrom<'initial' | 'origin'>('initial', 'origin'), steps, (p, lr, R, center, n) => {
        const tr = trajectory(p, optim.chain(optim.polyak({ lr, momentum: 0.9 }), optim.projectOntoBall(R, { center })), n);
        const names = ['w', 'U'];
        const c = center === 'initial' ? flat(tr[0]!, names) : flat(tr[0]!, names).map(() => 0);
        for (const step of tr.slice(1)) expect(norm(flat(step, names).map((x, i) => x - c[i]!))).toBeLessThanOrEqual(R * (1 + 1e-12));
        // The centre is state that no step changes.
        if (center === 'initial') for (const step of tr) expect(flat(step, ['optim/ball.center/w', 'optim/ball.center/U'])).toEqual(flat(tr[0]!, names));
      }),
      { numRuns: runs(30) },
    );
  });

  it('is the identity, bit for bit, when the iterates stay inside', () => {
    fc.assert(
      fc.property(problem(), bigLr, steps, (p, lr, n) => {
        const rule = optim.sgd({ lr });
        const free = trajectory(p, rule, n);
        const projected = trajectory(p, optim.chain(rule, optim.projectOntoBall(1e300)), n);
        expect(maxDifference(projected, free, [...free[0]!.keys()])).toBe(0);
      }),
      { numRuns: runs(20) },
    );
  });

  it('keeps w⁽⁰⁾ as state named ball.center, never assigned; no state around the origin', () => {
    const p: Problem = { kind: 'quadratic', shapes: [[2], [1, 2]], w0: [[1, 2], [3, 4]], A: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], b: [0, 0, 0, 0] };
    const { graph, params, loss } = buildProblem(p);
    const m = optim.minimize(loss, params, optim.chain(optim.sgd(), optim.projectOntoBall(1)));
    expect(m.state.map((v) => v.name)).toEqual(['optim/ball.center/w', 'optim/ball.center/U']);
    expect(Array.from(graph.getVariable('optim/ball.center/U').data)).toEqual([3, 4]);
    expect(m.assignments.map(([v]) => v.name)).toEqual(['w', 'U', 'optim/step']);
    const origin = buildProblem(p);
    expect(optim.minimize(origin.loss, origin.params, optim.chain(optim.sgd(), optim.projectOntoBall(1, { center: 'origin' }))).state).toEqual([]);
  });
});

describe('projectOntoBox', () => {
  it('keeps every element of every iterate in [low, high]', () => {
    fc.assert(
      fc.property(problem(), bigLr, uniform(-1, 0), uniform(0, 1), steps, (p, lr, low, high, n) => {
        const tr = trajectory(p, optim.chain(optim.adam({ lr }), optim.projectOntoBox(low, high)), n);
        for (const step of tr.slice(1)) for (const x of flat(step, ['w', 'U'])) expect(x >= low - 1e-15 && x <= high + 1e-15).toBe(true);
      }),
      { numRuns: runs(30) },
    );
  });

  it('is the identity, bit for bit, for an unbounded box or iterates inside it', () => {
    fc.assert(
      fc.property(problem(), bigLr, steps, (p, lr, n) => {
        const rule = optim.polyak({ lr, momentum: 0.5 });
        const free = trajectory(p, rule, n);
        for (const [low, high] of [[-Infinity, Infinity], [-1e300, 1e300]] as const) {
          expect(maxDifference(trajectory(p, optim.chain(rule, optim.projectOntoBox(low, high)), n), free, [...free[0]!.keys()])).toBe(0);
        }
      }),
      { numRuns: runs(20) },
    );
  });
});

describe('averageIterates and emaIterates', () => {
  it('leave the parameters moving exactly as under the rule they wrap', () => {
    fc.assert(
      fc.property(problem(), bigLr, uniform(0, 1), steps, (p, lr, decay, n) => {
        const rule = optim.chain(optim.adam({ lr }), optim.projectOntoBox(-1, 1));
        const free = trajectory(p, rule, n);
        const names = [...free[0]!.keys()];
        expect(maxDifference(trajectory(p, optim.averageIterates(rule), n), free, names)).toBe(0);
        expect(maxDifference(trajectory(p, optim.emaIterates(rule, { decay }), n), free, names)).toBe(0);
      }),
      { numRuns: runs(20) },
    );
  });

  it('w̄ is the mean of the iterates after each update, w̃ their exponential average from w⁽⁰⁾', () => {
    fc.assert(
      fc.property(problem(['quadratic'], [[[3]]]), bigLr, uniform(0, 1), steps, (p, lr, beta, n) => {
        const tr = trajectory(p, optim.emaIterates(optim.averageIterates(optim.sgd({ lr })), { decay: beta }), n);
        const w = tr.map((step) => step.get('w')!);
        for (let t = 1; t <= n; t++) {
          const mean = w[0]!.map((_, j) => w.slice(1, t + 1).reduce((a, x) => a + x[j]!, 0) / t);
          const scale = Math.max(1, ...w.slice(0, t + 1).flat().map(Math.abs));
          tr[t]!.get('optim/average.wbar/w')!.forEach((x, j) => expect(Math.abs(x - mean[j]!)).toBeLessThanOrEqual(1e-13 * scale));
          // w̃⁽ᵗ⁾ = βᵗ w⁽⁰⁾ + Σₛ (1 − β) β^(t−s) w⁽ˢ⁾
          const ema = w[0]!.map((x0, j) => beta ** t * x0 + w.slice(1, t + 1).reduce((a, x, s) => a + (1 - beta) * beta ** (t - 1 - s) * x[j]!, 0));
          tr[t]!.get('optim/ema.wtilde/w')!.forEach((x, j) => expect(Math.abs(x - ema[j]!)).toBeLessThanOrEqual(1e-13 * scale));
        }
      }),
      { numRuns: runs(30) },
    );
  });

  it('Minimization.atAverage evaluates nodes at the averages and leaves the parameters alone', () => {
    fc.assert(
      fc.property(problem(), bigLr, steps, (p, lr, n) => {
        const { graph, params, loss } = buildProblem(p);
        const m = optim.minimize(loss, params, optim.emaIterates(optim.averageIterates(optim.sgd({ lr })), { decay: 0.5 }));
        const [atMean] = m.atAverage([loss], 'average');
        const [atEma, paramAtEma] = m.atAverage([loss, params[0]!], 'ema');
        const update = graph.compile({ outputs: [], updates: m });
        for (let k = 0; k < n; k++) update();
        const read = (prefix: string): number[][] => params.map((q) => Array.from(graph.getVariable(`${prefix}${q.name}`).data));
        const [fMean, fEma, fW, w0] = graph.run([atMean!, atEma!, loss, paramAtEma!]).map((t) => Array.from(t.data));
        const f = referenceLoss(p).value;
        const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
        expect(close(fMean![0]!, f(read('optim/average.wbar/')))).toBe(true);
        expect(close(fEma![0]!, f(read('optim/ema.wtilde/')))).toBe(true);
        expect(close(fW![0]!, f(read('')))).toBe(true);
        expect(w0).toEqual(read('optim/ema.wtilde/')[0]);
        expect(m.averages['average']!.map((v) => v.name)).toEqual(params.map((q) => `optim/average.wbar/${q.name}`));
      }),
      { numRuns: runs(20) },
    );
  });

  it('atAverage without a name takes the one average kept, and names what is missing', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const loss = w.square().sum();
    const one = optim.minimize(loss, [w], optim.averageIterates(optim.sgd()));
    expect(one.atAverage([loss])[0]!.op).toBe('sum');
    expect(() => one.atAverage([loss], 'ema')).toThrow(new ChainruleError("atAverage: the rule keeps no average named 'ema' (it keeps: average)"));
    const h = new Graph();
    const v = h.variable('v', tensor([1, 2]));
    const plain = optim.minimize(v.square().sum(), [v], optim.sgd());
    expect(() => plain.atAverage([v])).toThrow(/keeps no average of the parameters \(wrap it in averageIterates or emaIterates\)/);
    const k = new Graph();
    const u = k.variable('u', tensor([1]));
    const both = optim.minimize(u.square().sum(), [u], optim.emaIterates(optim.averageIterates(optim.sgd())));
    expect(() => both.atAverage([u])).toThrow(/keeps the averages average, ema; name one/);
    expect(both.atAverage([u], 'ema')[0]!.name).toBe('optim/ema.wtilde/u');
  });

  it('must come last in a chain, and once per kind', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const loss = w.square().sum();
    expect(() => optim.minimize(loss, [w], optim.chain(optim.averageIterates(optim.sgd()), optim.projectOntoBall(1)))).toThrow(
      new ChainruleError('chain: average(sgd) averages the points the parameters move to, so it must come last (ball after it would move them elsewhere)'),
    );
    expect(() => optim.minimize(loss, [w], optim.chain(optim.clipByValue(1), optim.averageIterates(optim.sgd())), { prefix: 'second/' })).not.toThrow();
    const h = new Graph();
    const v = h.variable('v', tensor([1, 2]));
    expect(() => optim.minimize(v.square().sum(), [v], optim.averageIterates(optim.averageIterates(optim.sgd())))).toThrow(/already keeps an average named 'average'/);
  });
});

describe('amsgrad', () => {
  it('q̂ₘₐₓ never decreases and bounds q̂, so the effective step η/(√t·√q̂ₘₐₓ) never grows', () => {
    fc.assert(
      fc.property(problem(), uniform(0, 0.99), uniform(0.5, 0.999), steps, (p, b1, b2, n) => {
        const tr = trajectory(p, optim.amsgrad({ lr: optim.inverseSqrt(0.1), beta1: b1, beta2: b2 }), n);
        for (const name of ['w', 'U']) {
          if (!tr[0]!.has(name)) continue;
          for (let t = 1; t <= n; t++) {
            const [before, now, q] = [tr[t - 1]!.get(`optim/amsgrad.qmax/${name}`)!, tr[t]!.get(`optim/amsgrad.qmax/${name}`)!, tr[t]!.get(`optim/amsgrad.q/${name}`)!];
            now.forEach((m, j) => {
              expect(m).toBeGreaterThanOrEqual(before[j]!);
              expect(m).toBeGreaterThanOrEqual(q[j]! / (1 - b2 ** t));
              if (t > 1) expect(Math.sqrt(t) * Math.sqrt(m)).toBeGreaterThanOrEqual(Math.sqrt(t - 1) * Math.sqrt(before[j]!));
            });
          }
        }
      }),
      { numRuns: runs(30) },
    );
  });
});

describe('decay rates as schedules', () => {
  it('a schedule that is constant gives the constant-rate run, to rounding (1 − Πβ against 1 − βᵗ)', () => {
    fc.assert(
      fc.property(problem(), uniform(0, 0.99), uniform(0.5, 0.999), steps, (p, b1, b2, n) => {
        const constant = (b: number) => (t: Node): Node => t.graph.scalar(b, t.dtype);
        for (const make of [optim.adam, optim.amsgrad]) {
          const fixed = trajectory(p, make({ lr: 0.01, beta1: b1, beta2: b2 }), n);
          const scheduled = trajectory(p, make({ lr: 0.01, beta1: constant(b1), beta2: constant(b2) }), n);
          expect(maxDifference(scheduled, fixed, ['w', 'U'].filter((k) => fixed[0]!.has(k)))).toBeLessThanOrEqual(1e-12);
        }
      }),
      { numRuns: runs(20) },
    );
  });

  it('the lecture discounting β₁λ^(t−1) is exponentialDecay(β₁, λ), and its product Πₛ β₁⁽ˢ⁾ is kept', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, -2]));
    const m = optim.minimize(w.square().sum(), [w], optim.adam({ beta1: optim.exponentialDecay(0.9, 0.5) }));
    const update = g.compile({ outputs: [], updates: m });
    let product = 1;
    for (let t = 1; t <= 6; t++) {
      update();
      product *= 0.9 * 0.5 ** (t - 1);
      expect(g.getVariable('optim/adam.beta1Product').item()).toBeCloseTo(product, 15);
    }
  });
});

describe('errors name the rule and the argument', () => {
  it('when a rule is made', () => {
    expect(() => optim.projectOntoBall(0)).toThrow(/projectOntoBall: radius must be in \(0, ∞\), got 0/);
    expect(() => optim.projectOntoBall(Number.NaN)).toThrow(/projectOntoBall: radius/);
    expect(() => optim.projectOntoBall(Infinity)).toThrow(/projectOntoBall: radius/);
    expect(() => optim.projectOntoBall(1, { center: 'middle' as 'origin' })).toThrow(/projectOntoBall: center must be 'initial' or 'origin', got middle/);
    expect(() => optim.projectOntoBox(1, 0)).toThrow(new ChainruleError('projectOntoBox: need low ≤ high (numbers; low may be −∞, high +∞), got [1, 0]'));
    expect(() => optim.projectOntoBox(Infinity, Infinity)).toThrow(/projectOntoBox: need low ≤ high/);
    expect(() => optim.projectOntoBox(-Infinity, -Infinity)).toThrow(/projectOntoBox: need low ≤ high/);
    expect(() => optim.projectOntoBox(Number.NaN, 1)).toThrow(/projectOntoBox: need low ≤ high/);
    expect(() => optim.projectOntoBox(0, '1' as unknown as number)).toThrow(ChainruleError);
    expect(() => optim.projectOntoBox(2, 2)).not.toThrow();
    expect(() => optim.emaIterates(optim.sgd(), { decay: 1.5 })).toThrow(/emaIterates: decay must be in \[0, 1\], got 1.5/);
    expect(() => optim.amsgrad({ beta2: 1 })).toThrow(/amsgrad: beta2 must be in \[0, 1\), got 1/);
    expect(() => optim.adam({ beta1: '0.9' as unknown as number })).toThrow(/adam: beta1 must be a number in \[0, 1\) or a schedule \(t\) => node, got the string '0.9'/);
    expect(() => optim.adam({ beta1: optim.exponentialDecay(0.9, 0.99) })).not.toThrow();
  });
});
