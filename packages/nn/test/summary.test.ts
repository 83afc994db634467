import { describe, expect, it } from 'vitest';
import { ArgumentError, ChainruleError, Graph } from '@chainrule/graph';
import { dense, dropout, gaussianNoise, sequential, type Layer } from '@chainrule/nn';

describe('Model.summary', () => {
  it('lists every layer with its output shape and parameter counts, and the totals', () => {
    const model = sequential([dense(128, { activation: 'relu' }), dropout(0.8), dense(10, { bias: false })]).build(new Graph(), 784);
    expect(model.summary()).toBe(
      [
        'layer     output shape  trainable  non-trainable',
        '------------------------------------------------',
        'input     [batch, 784]',
        'dense1    [batch, 128]     100480              0',
        'dropout1  [batch, 128]          0              0',
        'dense2    [batch, 10]        1280              0',
        '------------------------------------------------',
        'trainable parameters: 101760',
        'non-trainable parameters: 0',
        'total: 101760',
      ].join('\n'),
    );
    // 784·128 + 128 and 128·10 (no bias): the counts are the variables' sizes
    expect(model.summaryRows()).toEqual([
      { name: 'dense1', kind: 'dense', outputShape: ['batch', 128], trainable: 100480, nonTrainable: 0 },
      { name: 'dropout1', kind: 'dropout', outputShape: ['batch', 128], trainable: 0, nonTrainable: 0 },
      { name: 'dense2', kind: 'dense', outputShape: ['batch', 10], trainable: 1280, nonTrainable: 0 },
    ]);
    expect(model.parameterCount).toBe(101760);
  });

  it('names repeated kinds by their number, and counts non-trainable state apart', () => {
    const g = new Graph();
    // A layer with a trainable scale and a non-trainable running mean, both of the input's width.
    const params = new Map();
    const state = new Map();
    const scaled: Layer = {
      kind: 'scaled',
      build(ctx) {
        params.set('s', ctx.graph.variable(`${ctx.scope}s`, [ctx.inputUnits], 1, ctx.dtype));
        state.set('mean', ctx.graph.variable(`${ctx.scope}mean`, [ctx.inputUnits], 0, ctx.dtype));
        return ctx.inputUnits;
      },
      forward: (x) => x.mul(params.get('s')),
      params,
      state,
    };
    const model = sequential([gaussianNoise(0.1), dense(3), scaled, dense(2)]).build(g, 4, { scope: 'net/' });
    const rows = model.summaryRows();
    expect(rows.map((r) => r.name)).toEqual(['gaussianNoise1', 'dense1', 'scaled1', 'dense2']);
    expect(rows[2]).toEqual({ name: 'scaled1', kind: 'scaled', outputShape: ['batch', 3], trainable: 3, nonTrainable: 3 });
    expect(g.getVariable('net/scaled1/mean').shape).toEqual([3]);
    const text = model.summary();
    expect(text).toContain('scaled1         [batch, 3]            3              3');
    expect(text.split('\n').slice(-3)).toEqual(['trainable parameters: 26', 'non-trainable parameters: 3', 'total: 29']);
  });

  it('needs a built model; a layer whose state is not a Map is refused', () => {
    expect(() => sequential([dense(2)]).summary()).toThrow(new ChainruleError('Model: call build(graph, inputUnits) first'));
    const odd = { kind: 'odd', build: () => 1, forward: (x: never) => x, params: new Map(), state: {} } as unknown as Layer;
    expect(() => sequential([odd])).toThrow(ArgumentError);
  });
});
