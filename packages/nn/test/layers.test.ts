import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, tensor, type Node } from '@chainrule/graph';
import { activation, dense, dropout, glorotUniform, sequential, uniform, type ActivationName } from '@chainrule/nn';
import { expectClose, identical, matrix, real, rows, runs, variablesUnder } from './helpers.js';

const ACTIVATIONS: readonly ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'softmax'];

/** The lecture's a(h) for one example's pre-activations h, in plain JS. */
function applyActivation(name: ActivationName, h: readonly number[]): number[] {
  switch (name) {
    case 'linear':
      return [...h];
    case 'sigmoid':
      return h.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return h.map(Math.tanh);
    case 'relu':
      return h.map((v) => Math.max(v, 0));
    case 'softmax': {
      const m = Math.max(...h);
      const e = h.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    }
  }
}

/** y = a(W x + b) for one example x, with W shaped [out, in]: a plain loop. */
function denseReference(x: readonly number[], W: readonly (readonly number[])[], b: readonly number[] | undefined, act: ActivationName): number[] {
  const h = W.map((row, j) => row.reduce((s, w, k) => s + w * x[k]!, 0) + (b ? b[j]! : 0));
  return applyActivation(act, h);
}

/** A dense layer's problem: batch, sizes, activation, x, W, b. */
const denseCase = fc
  .record({ batch: fc.integer({ min: 1, max: 4 }), units: fc.integer({ min: 1, max: 5 }), inputs: fc.integer({ min: 1, max: 5 }) })
  .chain(({ batch, units, inputs }) =>
    fc.record({
      activation: fc.constantFrom(...ACTIVATIONS),
      bias: fc.boolean(),
      x: matrix(batch, inputs),
      W: matrix(units, inputs),
      b: fc.array(real(-3, 3), { minLength: units, maxLength: units }),
    }),
  );

describe('dense: y = a(x Wᵀ + b) with W shaped [out, in]', () => {
  it('matches a plain-JS loop for every activation, with and without bias', () => {
    fc.assert(
      fc.property(denseCase, ({ activation: act, bias, x, W, b }) => {
        const [units, inputs] = [W.length, W[0]!.length];
        const g = new Graph();
        const xIn = g.input('x', ['batch', inputs]);
        const model = sequential([dense(units, { activation: act, bias })]).build(g, inputs);
        expect(model.parameters.get('dense1/W')!.shape).toEqual([units, inputs]);
        g.setVariable('dense1/W', tensor(W));
        if (bias) g.setVariable('dense1/b', tensor(b));
        else expect(model.parameters.has('dense1/b')).toBe(false);
        const out = g.run([model.forward(xIn, { training: false })], { x: tensor(x) })[0]!;
        expect(out.shape).toEqual([x.length, units]);
        rows(out).forEach((row, i) => expectClose(row, denseReference(x[i]!, W, bias ? b : undefined, act), 1e-12, 1e-14));
      }),
      { numRuns: runs(100) },
    );
  });

  it('a stack of layers computes y⁽ˡ⁺¹⁾ = a_l(W⁽ˡ⁾ y⁽ˡ⁾ + b⁽ˡ⁾) layer by layer', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3]);
    const model = sequential([dense(4, { activation: 'tanh', biasInit: uniform(-1, 1, 9) }), dense(5, { activation: 'relu', biasInit: 0.1 }), dense(2, { activation: 'softmax' })]).build(g, 3, { seed: 4 });
    const X = [[0.5, -1, 2], [0, 0, 0], [-3, 1.5, 0.25]];
    const out = rows(g.run([model.forward(x, { training: true })], { x: tensor(X) })[0]!);
    const W = (l: number): number[][] => rows(g.getVariable(`dense${l}/W`));
    const b = (l: number): number[] => Array.from(g.getVariable(`dense${l}/b`).data);
    expect(b(1).every((v) => v !== 0)).toBe(true);
    X.forEach((xi, i) => {
      const y1 = denseReference(xi, W(1), b(1), 'tanh');
      const y2 = denseReference(y1, W(2), b(2), 'relu');
      expectClose(out[i]!, denseReference(y2, W(3), b(3), 'softmax'), 1e-12, 1e-14);
    });
  });

  it('defaults: W from Glorot uniform seeded by the model seed + layer index, b = 0', () => {
    const g = new Graph();
    sequential([dense(3), dense(2)]).build(g, 4, { seed: 10 });
    expect(identical(g.getVariable('dense1/W'), glorotUniform(10)([3, 4], 'float64'))).toBe(true);
    expect(identical(g.getVariable('dense2/W'), glorotUniform(11)([2, 3], 'float64'))).toBe(true);
    expect(Array.from(g.getVariable('dense1/b').data)).toEqual([0, 0, 0]);
  });

  it('the same model seed gives the same initial parameters; another seed different ones', () => {
    const init = (seed: number): Float64Array[] => {
      const g = new Graph();
      sequential([dense(3), dense(2)]).build(g, 4, { seed });
      return ['dense1/W', 'dense2/W'].map((n) => g.getVariable(n).data as Float64Array);
    };
    expect(init(5)).toEqual(init(5));
    expect(init(5)[0]).not.toEqual(init(6)[0]);
  });

  it('an explicit init is used as given', () => {
    const g = new Graph();
    sequential([dense(2, { init: 0.5, biasInit: -1 })]).build(g, 3);
    expect(Array.from(g.getVariable('dense1/W').data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(g.getVariable('dense1/b').data)).toEqual([-1, -1]);
  });
});

describe('sequential', () => {
  const layers = () => [dense(4, { activation: 'relu' }), dropout(0.5), dense(3), activation('softmax'), dense(2, { bias: false })];

  it('exposes parameters by name, in layer order, as the graph variables', () => {
    const g = new Graph();
    const model = sequential(layers()).build(g, 6);
    expect([...model.parameters.keys()]).toEqual(['dense1/W', 'dense1/b', 'dense2/W', 'dense2/b', 'dense3/W']);
    expect([...model.parameters.values()]).toEqual(g.variables);
    expect(model.parameters.get('dense2/W')!.shape).toEqual([3, 4]);
    expect(model.parameterCount).toBe(4 * 6 + 4 + 3 * 4 + 3 + 2 * 3);
    expect(model.outputUnits).toBe(2);
  });

  it('prefixes names with the scope', () => {
    const g = new Graph();
    const model = sequential([dense(2), dense(1)]).build(g, 3, { scope: 'net/' });
    expect([...model.parameters.keys()]).toEqual(['net/dense1/W', 'net/dense1/b', 'net/dense2/W', 'net/dense2/b']);
    expect(model.parameterCount).toBe(2 * 3 + 2 + 1 * 2 + 1);
  });

  it('layers without variables pass the unit count through', () => {
    const g = new Graph();
    const model = sequential([activation('tanh'), dropout(0.9)]).build(g, 7);
    expect(model.outputUnits).toBe(7);
    expect(model.parameterCount).toBe(0);
    expect(model.parameters.size).toBe(0);
  });

  it('forward in training and evaluation mode uses the same variables and creates none', () => {
    const g = new Graph();
    const model = sequential(layers()).build(g, 6);
    const x = g.input('x', ['batch', 6]);
    const before = g.variables.length;
    const outs: Node[] = [];
    for (const training of [true, false, true, false]) outs.push(model.forward(x, { training }));
    expect(g.variables.length).toBe(before);
    const params = new Set(model.parameters.values());
    for (const out of outs) expect(variablesUnder(out)).toEqual(params);
  });

  it('without dropout, training and evaluation outputs are equal', () => {
    const g = new Graph();
    const model = sequential([dense(5, { activation: 'tanh' }), dense(2)]).build(g, 3);
    const x = g.input('x', ['batch', 3]);
    const feed = { x: tensor([[1, 2, 3], [-1, 0.5, 0]]) };
    const [a, b] = g.run([model.forward(x, { training: true }), model.forward(x, { training: false })], feed);
    expect(identical(a!, b!)).toBe(true);
  });

  it('an update to a variable is seen by both passes', () => {
    const g = new Graph();
    const model = sequential([dense(1, { init: 1 })]).build(g, 2);
    const x = g.input('x', ['batch', 2]);
    const train = g.compile({ outputs: [model.forward(x, { training: true })] });
    const evaluate = g.compile({ outputs: [model.forward(x, { training: false })] });
    g.setVariable('dense1/W', tensor([[2, 3]]));
    const feed = { x: tensor([[1, 1]]) };
    expect(train(feed)[0]!.data[0]).toBe(5);
    expect(evaluate(feed)[0]!.data[0]).toBe(5);
  });
});

describe('errors', () => {
  it('dense units must be a positive integer', () => {
    for (const units of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => dense(units)).toThrow(ChainruleError);
      expect(() => dense(units)).toThrow(/units must be a positive integer/);
    }
  });

  it('building a model twice', () => {
    const model = sequential([dense(2)]);
    model.build(new Graph(), 3);
    expect(() => model.build(new Graph(), 3)).toThrow(ChainruleError);
    expect(() => model.build(new Graph(), 3)).toThrow(/already built/);
  });

  it('forward, parameters and outputUnits before build', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3]);
    const model = sequential([dense(2)]);
    expect(() => model.forward(x, { training: false })).toThrow(ChainruleError);
    expect(() => model.forward(x, { training: false })).toThrow(/build/);
    expect(() => model.parameters).toThrow(/build/);
    expect(() => model.parameterCount).toThrow(/build/);
    expect(() => model.outputUnits).toThrow(/build/);
    expect(() => dense(2).forward(x, { training: false })).toThrow(/build the model/);
    expect(() => dropout(0.5).forward(x, { training: true })).toThrow(/build the model/);
  });

  it('forward on an input of another graph', () => {
    const model = sequential([dense(2)]).build(new Graph(), 3);
    const x = new Graph().input('x', ['batch', 3]);
    expect(() => model.forward(x, { training: false })).toThrow(/another graph/);
  });
});
