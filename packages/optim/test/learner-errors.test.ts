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

describe('rule options are checked when the rule is built', () => {
  it('an unknown option is named, with what was probably meant', async () => {
    const optim = await import('@chainrule/optim');
    expect(() => optim.sgd({ learningRate: 0.5 } as never)).toThrow(/sgd: unknown option learningRate; did you mean lr\? \(sgd takes lr\)/);
    expect(() => optim.adam({ eps: 1e-7 } as never)).toThrow(/did you mean epsilon\?/);
    expect(() => optim.adam({ beta_1: 0.8 } as never)).toThrow(/did you mean beta1\?/);
    expect(() => optim.polyak({ momentun: 0.9 } as never)).toThrow(/did you mean momentum\?/);
    expect(() => optim.rmsprop({ decay: 0.9 } as never)).toThrow(/did you mean beta\?/);
    expect(() => optim.sgd({ weight_decay: 1e-4 } as never)).toThrow(/did you mean addRegularization/);
    expect(() => optim.adam({ weightDecay: 1e-4 } as never)).toThrow(/adam: unknown option weightDecay; did you mean addRegularization\(l2Squared, λ\) \(or adamw for decoupled decay\)\?/);
    expect(() => optim.adamw({ weight_decay: 1e-4 } as never)).toThrow(/adamw: unknown option weight_decay; did you mean weightDecay\?/);
    expect(() => optim.adamw({ stepSize: 1e-3 } as never)).toThrow(/adamw: unknown option stepSize; did you mean lr\?/);
    expect(() => optim.nesterov({ zzz: 1 } as never)).toThrow(/unknown option zzz \(nesterov takes lr\)/);
    expect(() => optim.sgd(0.1 as never)).toThrow(/options must be an object such as \{ lr: … \}, got number 0.1/);
  });

  it('wrong types are refused by name, not later as a TypeError', async () => {
    const optim = await import('@chainrule/optim');
    expect(() => optim.sgd({ lr: '0.5' as never })).toThrow(/sgd: lr must be a number or a schedule .*got the string '0.5'/);
    expect(() => optim.adam({ beta1: '0.9' as never })).toThrow(/adam: beta1 must be a number in \[0, 1\) or a schedule .*got the string '0.9'/);
    expect(() => optim.polyak({ momentum: ((t: never) => t) as never })).toThrow(/polyak: momentum takes a number in \[0, 1\], not a schedule/);
  });

  it('a step size ≤ 0 and a negative decay rate are errors', async () => {
    const optim = await import('@chainrule/optim');
    for (const lr of [0, -0.1, Number.NaN, Infinity]) expect(() => optim.sgd({ lr })).toThrow(/sgd: lr must be a finite number > 0/);
    expect(() => optim.rmsprop({ beta: -0.1 })).toThrow(/rmsprop: beta must be in \[0, 1\)/);
    expect(() => optim.adagrad({ epsilon: -1 })).toThrow(/adagrad: epsilon must be in \[0, ∞\)/);
    expect(() => optim.sgd({ lr: (t) => t.mul(0.1) })).not.toThrow();
  });
});
