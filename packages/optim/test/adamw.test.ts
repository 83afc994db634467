import { describe, expect, it } from 'vitest';
import { Graph, tensor } from '@chainrule/graph';
import * as optim from '@chainrule/optim';

/**
 * Minimises f(w) = s·x·w for a scalar w, with x = +1, −1, +1, … fed step by step: the gradient
 * ∇f = s·x has mean 0 and size s, so Adam's q̂ ≈ s² and only the weight decay moves w on average.
 * Returns w after `steps` updates.
 */
function train(rule: optim.UpdateRule, s: number, steps: number, w0 = 2): number {
  const g = new Graph();
  const w = g.variable('w', tensor(w0));
  const x = g.input('x', []);
  const update = g.compile({ outputs: [], updates: optim.minimize(x.mul(s).mul(w), [w], rule) });
  for (let t = 1; t <= steps; t++) update({ x: tensor(t % 2 === 1 ? 1 : -1) });
  return g.getVariable('w').item();
}

describe('adamw: decoupled weight decay (Loshchilov and Hutter)', () => {
  const [eta, lambda, steps] = [0.01, 0.5, 200];
  // ε = 0 and scales that are powers of 2: Adam's step ĝ/√q̂ is then the same to the bit at every
  // scale, so any difference between the scales comes from how the decay enters.
  const hyper = { lr: eta, beta1: 0.9, beta2: 0.999, epsilon: 0 };
  const decoupled = optim.adamw({ ...hyper, weightDecay: lambda });
  const coupled = optim.chain(optim.addRegularization(optim.l2Squared, lambda), optim.adam(hyper));
  const plain = optim.adam(hyper);

  it('with no gradient, every step multiplies w by 1 − ηλ', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([2, -3]));
    const update = g.compile({ outputs: [], updates: optim.minimize(w.mul(0).sum(), [w], optim.adamw({ lr: eta, weightDecay: lambda, epsilon: 1e-8 })) });
    for (let t = 0; t < 10; t++) update();
    const factor = (1 - eta * lambda) ** 10;
    const got = Array.from(g.getVariable('w').data);
    expect(got[0]).toBeCloseTo(2 * factor, 14);
    expect(got[1]).toBeCloseTo(-3 * factor, 14);
  });

  it('with λ = 0 it is adam, to the bit', () => {
    for (const s of [1, 1024]) expect(train(optim.adamw({ ...hyper, weightDecay: 0 }), s, steps)).toBe(train(plain, s, steps));
  });

  it("the decay does not depend on the gradients' scale; an L2 term in the loss decays less where gradients are large", () => {
    // How far the decay moved w: w after training with it, minus w after the same training without.
    const withoutDecay = train(plain, 1, steps);
    expect(train(plain, 1024, steps)).toBe(withoutDecay); // Adam alone is scale-invariant (ε = 0)
    const decoupledEffect = [1, 1024].map((s) => train(decoupled, s, steps) - withoutDecay);
    const coupledEffect = [1, 1024].map((s) => train(coupled, s, steps) - withoutDecay);
    // Decoupled: the same decay at both scales (w shrinks by about 1 − (1 − ηλ)²⁰⁰ ≈ 63% of w₀ = 2).
    expect(decoupledEffect[0]).toBe(decoupledEffect[1]);
    expect(decoupledEffect[0]).toBeLessThan(-1);
    // L2 in the loss: λw is added to a gradient of size s and then divided by √q̂ ≈ s, so its effect
    // is about 1/s of the decoupled one's — it all but vanishes at s = 1024.
    expect(coupledEffect[0]).toBeLessThan(0.5 * decoupledEffect[0]!);
    expect(Math.abs(coupledEffect[1]!)).toBeLessThan(Math.abs(coupledEffect[0]!) / 100);
  });
});
