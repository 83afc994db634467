import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, full } from '@chainrule/graph';
import { dropout, dropoutRate, sequential, type Layer } from '@chainrule/nn';

/** The training and evaluation outputs of one layer on ones [rows, units], over two runs. */
function outputs(layer: Layer, units = 50, rows = 40) {
  const g = new Graph();
  const model = sequential([layer]).build(g, units, { seed: 5 });
  const x = g.constant(full([rows, units], 1));
  const run = g.compile({ outputs: [model.forward(x, { training: true }), model.forward(x, { training: false })] });
  return [...run(), ...run()].map((t) => Array.from(t.data));
}

describe('dropout: the call says which probability it means', () => {
  it('dropout({ keep: p }) is dropout(p); dropout({ rate: q }) is dropoutRate(q), inverted', () => {
    expect(outputs(dropout({ keep: 0.7, seed: 3 }))).toEqual(outputs(dropout(0.7, { seed: 3 })));
    expect(outputs(dropout({ keep: 0.7, mode: 'inverted', seed: 3 }))).toEqual(outputs(dropout(0.7, { mode: 'inverted', seed: 3 })));
    expect(outputs(dropout({ rate: 0.3, seed: 3 }))).toEqual(outputs(dropoutRate(0.3, { seed: 3 })));
    // a rate of 0.3 keeps about 70% (and scales them by 1/0.7); a keep of 0.3 keeps about 30%
    const kept = (values: number[]) => values.filter((v) => v !== 0).length / values.length;
    expect(kept(outputs(dropout({ rate: 0.3 }))[0]!)).toBeGreaterThan(0.6);
    expect(kept(outputs(dropout({ keep: 0.3 }))[0]!)).toBeLessThan(0.4);
  });

  it('refuses a spec with both or neither, unknown keys, options given twice, and a bare number out of range with a hint', () => {
    expect(() => dropout({ keep: 0.8, rate: 0.2 })).toThrow(/exactly one of keep .* got both/);
    expect(() => dropout({})).toThrow(/got neither/);
    expect(() => dropout({ keep: 0.8, keepProb: 0.8 } as never)).toThrow(/unknown option 'keepProb'/);
    expect(() => dropout({ keep: 0.8 }, { seed: 1 })).toThrow(/inside it/);
    expect(() => dropout({ rate: 1 })).toThrow(/\[0, 1\)/);
    expect(() => dropout(1.5)).toThrow(/dropout\(\{ rate \}\)/);
    expect(() => dropout('0.5' as never)).toThrow(ChainruleError);
    expect(() => dropout(0.5, { mode: 'scaled' as never })).toThrow(/mode/);
  });
});
