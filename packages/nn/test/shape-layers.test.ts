import { describe, expect, it } from 'vitest';
import { ArgumentError, ChainruleError, Graph, tensor } from '@chainrule/graph';
import { dense, dropout, flatten, reshape, sequential, type Layer } from '@chainrule/nn';

describe('reshape and flatten', () => {
  it('reshape gives each example a shape, flatten takes it back, in row-major order', () => {
    const g = new Graph();
    const model = sequential([reshape([2, 3]), dropout(0.5), flatten()]).build(g, 6);
    expect(model.summaryRows().map((r) => r.outputShape)).toEqual([['batch', 2, 3], ['batch', 2, 3], ['batch', 6]]);
    expect(model.outputShape).toEqual([6]);
    const x = g.input('x', ['batch', 6]);
    const inner = sequential([reshape([2, 3])]).build(g, 6, { scope: 'inner/' }).forward(x, { training: false });
    expect(inner.shape).toEqual(['batch', 2, 3]);
    const data = tensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    const [shaped, back] = g.run([inner, model.forward(x, { training: false })], { x: data });
    expect([shaped!.shape, Array.from(shaped!.data)]).toEqual([[2, 2, 3], Array.from(data.data)]);
    expect(Array.from(back!.data)).toEqual(Array.from(data.data).map((v) => v * 0.5)); // lecture dropout scales by p
  });

  it('a model built on an example shape: dense after flatten sees the flat width', () => {
    const g = new Graph();
    const model = sequential([flatten(), dense(4)]).build(g, [3, 2, 2]);
    expect(g.getVariable('dense1/W').shape).toEqual([4, 12]);
    expect(model.summary().split('\n').slice(2, 5)).toEqual(['input     [batch, 3, 2, 2]', 'flatten1  [batch, 12]               0              0', 'dense1    [batch, 4]               52              0']);
    const y = model.forward(g.input('x', ['batch', 3, 2, 2]), { training: true });
    expect(y.shape).toEqual(['batch', 4]);
  });

  it('a layer returning a number keeps the input shape but its last axis', () => {
    const seen: (readonly number[] | undefined)[] = [];
    const widen: Layer = { kind: 'widen', build: (ctx) => (seen.push(ctx.inputShape), 2 * ctx.inputUnits), forward: (x) => x, params: new Map() };
    const model = sequential([reshape([2, 3]), widen]).build(new Graph(), 6);
    expect(seen).toEqual([[2, 3]]);
    expect(model.outputShape).toEqual([2, 6]);
  });

  it('errors name the layer and the shapes', () => {
    expect(() => sequential([reshape([5, 5])]).build(new Graph(), 24)).toThrow(new ChainruleError('reshape: an example of shape [24] has 24 elements, [5, 5] holds 25'));
    expect(() => reshape([])).toThrow(/reshape: shape must have at least one axis/);
    expect(() => reshape([2, 0])).toThrow(ArgumentError);
    expect(() => sequential([dense(2)]).build(new Graph(), [])).toThrow(/Model.build: input must be a number of features or a non-empty shape/);
    expect(() => sequential([dense(2)]).build(new Graph(), [2, 1.5])).toThrow(/Model.build: input\[1\] must be an integer ≥ 1/);
    const odd: Layer = { kind: 'odd', build: () => [0], forward: (x) => x, params: new Map() };
    expect(() => sequential([odd]).build(new Graph(), 3)).toThrow(/Model.build: layer odd1 returned \[0\] from build, not a number of units or a shape of positive integers/);
  });
});
