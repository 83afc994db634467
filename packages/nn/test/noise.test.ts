import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, tensor, Tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { gaussianNoise, sequential } from '@chainrule/nn';
import { moments } from './helpers.js';

/** A model of one gaussianNoise layer on `units` inputs, built in a new graph. */
function noisy(sigma: number, units: number, seed = 3, batch: number | 'batch' = 'batch') {
  const g = new Graph();
  const model = sequential([gaussianNoise(sigma, { seed })]).build(g, units);
  const x = g.input('x', [batch, units]);
  return { g, x, train: model.forward(x, { training: true }), evaluate: model.forward(x, { training: false }) };
}

describe('gaussianNoise: the lecture’s input noise', () => {
  it('adds N(0, σ²) noise while training, new on every step, and nothing at evaluation', () => {
    const sigma = 0.3;
    const { g, train, evaluate } = noisy(sigma, 100);
    const x = new Tensor(Float64Array.from({ length: 200 * 100 }, (_, i) => (i % 7) - 3), [200, 100]);
    const run = g.compile({ outputs: [train, evaluate] });
    const [a, plain] = run({ x });
    const [b] = run({ x });
    expect(Array.from(plain!.data)).toEqual(Array.from(x.data));
    const noise = Array.from(a!.data, (v, i) => v - x.data[i]!);
    const { mean, variance } = moments(noise);
    const n = noise.length;
    expect(Math.abs(mean)).toBeLessThan((4 * sigma) / Math.sqrt(n));
    expect(Math.abs(Math.sqrt(variance) - sigma) / sigma).toBeLessThan(0.03);
    expect(Array.from(b!.data)).not.toEqual(Array.from(a!.data)); // a new draw each step
  });

  it('is reproducible from its seed, and other seeds draw other noise', () => {
    const x = tensor([[1, 2, 3]]);
    const draw = (seed: number) => {
      const { g, train } = noisy(1, 3, seed);
      return Array.from(g.compile({ outputs: [train] })({ x })[0]!.data);
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('lets the gradient through unchanged: ∂(x + σξ)/∂x = I', () => {
    const { g, x, train } = noisy(2, 3, 3, 1);
    const c = g.constant(tensor([[0.5, -1, 4]]));
    const [dx] = grad(train.mul(c).sum(), [x]);
    expect(Array.from(g.compile({ outputs: [dx!] })({ x: tensor([[7, 8, 9]]) })[0]!.data)).toEqual([0.5, -1, 4]);
  });

  it('is the identity for σ = 0 and refuses a negative or non-finite σ', () => {
    const { g, train } = noisy(0, 2);
    expect(Array.from(g.compile({ outputs: [train] })({ x: tensor([[1, 2]]) })[0]!.data)).toEqual([1, 2]);
    for (const bad of [-0.1, Number.NaN, Infinity, '0.1' as unknown as number]) expect(() => gaussianNoise(bad)).toThrow(ChainruleError);
  });
});
