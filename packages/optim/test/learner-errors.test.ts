import { describe, expect, it } from 'vitest';
import { DTypeError, Graph, ShapeError, tensor } from '@chainrule/graph';
import { minimize, sgd } from '@chainrule/optim';

describe('minimize catches a learner’s mistakes where they are made', () => {
  it('a loss that is not a scalar: the message suggests .mean() or .sum()', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([[1], [2]]));
    const perExample = g.input('x', ['batch', 2]).matmul(w).square();
    expect(() => minimize(perExample, [w], sgd({ lr: 0.1 }))).toThrow(ShapeError);
    expect(() => minimize(perExample, [w], sgd({ lr: 0.1 }))).toThrow(/loss must be a scalar, got shape \[batch,1\]; reduce it first: loss\.mean\(\).*loss\.sum\(\)/);
    expect(() => minimize(perExample.mean(), [w], sgd({ lr: 0.1 }))).not.toThrow();
  });

  it('dtypes that differ are a DTypeError, not a bare ShapeError', () => {
    const g = new Graph();
    const w64 = g.variable('w64', tensor([1]));
    const w32 = g.variable('w32', [1], 1, 'float32');
    expect(() => minimize(w64.square().sum(), [w64, w32], sgd())).toThrow(DTypeError);
    expect(() => minimize(w32.square().sum(), [w64], sgd())).toThrow(/the loss is float32 but the parameters are float64/);
    const e = (() => {
      try {
        w64.add(w32);
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(DTypeError);
    expect(e?.name).toBe('DTypeError');
    expect(e?.message).toMatch(/add: operands have dtypes float64 and float32; cast one of them explicitly/);
  });
});
