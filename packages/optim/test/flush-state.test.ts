/**
 * The float32 convention of the update rules: a statistic they accumulate from gradients (moments,
 * velocities, sums of squares) is stored flushed to ±0 where it would be subnormal
 * (0 < |v| < 2⁻¹²⁶), in both executors alike; float64 state is left as IEEE arithmetic gives it.
 */
import { describe, expect, it } from 'vitest';
import { Graph, Tensor, allocate, type DType, type Node } from '@chainrule/graph';
import * as optim from '@chainrule/optim';

const T32 = 2 ** -126;
const T64 = 2 ** -1022;

/** Rules with the statistics that decay by a factor below 1 when the gradient is exactly 0. */
const DECAYING: [string, optim.UpdateRule, string[]][] = [
  ['adam', optim.adam(), ['adam.g', 'adam.q']],
  ['adam, β₁ scheduled', optim.adam({ beta1: optim.exponentialDecay(0.9, 0.99) }), ['adam.g', 'adam.q']],
  ['adamw', optim.adamw(), ['adamw.g', 'adamw.q']],
  ['amsgrad', optim.amsgrad(), ['amsgrad.g', 'amsgrad.q']],
  ['polyak', optim.polyak(), ['polyak.v']],
  ['bufferMomentum', optim.bufferMomentum(), ['buffer.b']],
  ['sutskever', optim.sutskever(), ['sutskever.v']],
  ['rmsprop', optim.rmsprop(), ['rmsprop.q']],
  ['rmspropGraves', optim.rmspropGraves(), ['graves.g', 'graves.q', 'graves.v']],
];

/** Rules with the statistics that accumulate the squared gradient. */
const SQUARED: [string, optim.UpdateRule, string[]][] = [
  ['adam', optim.adam(), ['adam.q']],
  ['amsgrad', optim.amsgrad(), ['amsgrad.q']],
  ['rmsprop', optim.rmsprop(), ['rmsprop.q']],
  ['rmspropGraves', optim.rmspropGraves(), ['graves.q']],
  ['adagrad', optim.adagrad(), ['adagrad.Q']],
];

/**
 * One step of `rule` on f(w) = Σ wᵢxᵢ (so ∇f = x exactly) from the given state values, in one
 * executor; returns the named statistics afterwards.
 */
function stepFrom(rule: optim.UpdateRule, dtype: DType, executor: 'interpreter' | 'compiled', state: Record<string, readonly number[]>, x: number): Record<string, number[]> {
  const g = new Graph();
  const w = g.variable('w', new Tensor(allocate(dtype, 4).fill(0.5), [4]));
  const loss = w.mul(g.input('x', [4], dtype)).sum();
  const update = optim.minimize(loss, [w], rule);
  for (const [quantity, values] of Object.entries(state)) g.setVariable(`optim/${quantity}/w`, new Tensor(allocate(dtype, 4).map((_, i) => values[i]!), [4]));
  g.compile({ outputs: [loss], updates: update, executor })({ x: new Tensor(allocate(dtype, 4).fill(x), [4]) });
  return Object.fromEntries(Object.keys(state).map((quantity) => [quantity, Array.from(g.getVariable(`optim/${quantity}/w`).data)]));
}

const show = (values: readonly number[]): string[] => values.map((v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('float32 statistics are stored flushed to zero', () => {
  for (const [name, rule, quantities] of DECAYING) {
    it(`${name}: a statistic decaying below 2⁻¹²⁶ under a zero gradient is ±0, in both executors alike`, () => {
      // ±2⁻¹²⁶ times a decay below 1 is subnormal, 2·2⁻¹²⁶ times it (any decay ≥ ½ here) is not
      const state = Object.fromEntries(quantities.map((q) => [q, q.endsWith('.q') ? [T32, T32, 2 * T32, 0] : [T32, -T32, 2 * T32, 0]]));
      const interpreted = stepFrom(rule, 'float32', 'interpreter', state, 0);
      const compiled = stepFrom(rule, 'float32', 'compiled', state, 0);
      for (const q of quantities) {
        const values = interpreted[q]!;
        expect([values[0], values[1], values[3]], q).toEqual([0, 0, 0].map((_, i) => (i === 1 && state[q]![1]! < 0 ? -0 : 0)));
        expect(Math.abs(values[2]!), `${q} keeps a normal value`).toBeGreaterThanOrEqual(T32);
        expect(show(compiled[q]!), `${q}, compiled`).toEqual(show(values));
      }
    });
  }

  for (const [name, rule, quantities] of SQUARED) {
    it(`${name}: a squared gradient that is subnormal in float32 adds nothing`, () => {
      // ∇f = 2⁻⁷⁰ is normal; ∇f² = 2⁻¹⁴⁰ (and (1 − β)∇f²) is not
      const state = Object.fromEntries(quantities.map((q) => [q, [0, 0, 0, 0]]));
      for (const executor of ['interpreter', 'compiled'] as const) {
        const after = stepFrom(rule, 'float32', executor, state, 2 ** -70);
        for (const q of quantities) expect(show(after[q]!), `${q} (${executor})`).toEqual(['0', '0', '0', '0']);
      }
    });
  }

  for (const [name, rule] of [['adam', optim.adam()], ['amsgrad', optim.amsgrad()]] as const) {
    it(`${name}: a dying first moment passes through no subnormal value on the way to the step (η ĝ would be one)`, () => {
      // g = ±2⁻¹²⁰ under a zero gradient: normal, and so is 0.9g, but η ĝ ≈ 2⁻¹³⁰ is not
      const g = new Graph();
      const w = g.variable('w', new Tensor(Float32Array.of(0.5, -0.5, 0.25, 1), [4]));
      const loss = w.mul(g.input('x', [4], 'float32')).sum();
      const update = optim.minimize(loss, [w], rule);
      g.setVariable(`optim/${name}.g/w`, new Tensor(Float32Array.of(2 ** -120, -(2 ** -120), 2 ** -118, 0), [4]));
      g.setVariable(`optim/${name}.q/w`, new Tensor(Float32Array.of(1e-6, 1e-6, 1e-6, 1e-6), [4]));
      // every value the update's new values are computed from
      const values: Node[] = [];
      const seen = new Set<Node>();
      const visit = (n: Node): void => {
        if (seen.has(n)) return;
        seen.add(n);
        n.inputs.forEach(visit);
        values.push(n);
      };
      for (const [, value] of update) visit(value);
      const results = g.run(values, { x: new Tensor(allocate('float32', 4), [4]) });
      const subnormal = results.flatMap((t, k) => (Array.from(t.data).some((v) => v !== 0 && Math.abs(v) < T32) ? [values[k]!.op] : []));
      expect(subnormal, 'ops with a subnormal value').toEqual([]);
    });
  }

  it('leaves float64 statistics as IEEE arithmetic gives them: 0.9·2⁻¹⁰²² stays subnormal', () => {
    const polyak = stepFrom(optim.polyak(), 'float64', 'compiled', { 'polyak.v': [T64, -T64, 1, 0] }, 0)['polyak.v']!;
    expect(polyak).toEqual([0.9 * T64, -0.9 * T64, 0.9, 0]);
    const adam = stepFrom(optim.adam(), 'float64', 'interpreter', { 'adam.g': [T64, -T64, 1, 0] }, 0)['adam.g']!;
    expect(adam).toEqual([0.9 * T64, -0.9 * T64, 0.9, 0]);
  });
});
