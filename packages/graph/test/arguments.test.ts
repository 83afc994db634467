/**
 * JavaScript misuse is a ChainruleError naming the function and the argument, never a TypeError
 * from inside (the cases of the report; test/fuzz-api.test.ts calls every public function with
 * anything at all).
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, ChainruleError, Graph, ShapeError, describeValue, expectNumber, full, tensor, zeros } from '@chainrule/graph';

describe('compile', () => {
  const g = new Graph();
  const x = g.input('x', [2]);
  const y = x.mul(2);

  it('outputs that are not an array of nodes', () => {
    expect(() => g.compile({ outputs: 5 } as never)).toThrow(new ArgumentError('compile', 'options.outputs', 'an array of nodes', 5));
    expect(() => g.compile({ outputs: 5 } as never)).toThrow('compile: options.outputs must be an array of nodes, got 5');
    expect(() => g.compile({ outputs: [y, 'y'] } as never)).toThrow("outputs[1] is not a node of this graph");
  });

  it('updates that are not pairs', () => {
    expect(() => g.compile({ outputs: [], updates: 5 } as never)).toThrow('compile: updates must be pairs [variable, value] (an array, a Map or another iterable), got 5');
    expect(() => g.compile({ outputs: [], updates: [y] } as never)).toThrow('compile: updates[0] must be a pair [variable, value], got a Node');
  });

  it('the other options, and no options at all', () => {
    expect(() => g.compile(undefined as never)).toThrow(ArgumentError);
    expect(() => g.compile({ outputs: [y], executor: 'fast' } as never)).toThrow(`compile: options.executor must be 'interpreter' or 'compiled', got "fast"`);
    expect(() => g.compile({ outputs: [y], checkNumerics: 1 } as never)).toThrow('compile: options.checkNumerics must be true or false, got 1');
    expect(() => g.compile({ outputs: [y], state: {} } as never)).toThrow('compile: options.state must be a RunState (such as graph.state), got an object');
    expect(() => g.run([y], { x: tensor([1, 2]) }, null as never)).toThrow('run: options must be an object, got null');
  });
});

describe('argument errors', () => {
  it('name the function and the argument, and carry the argument', () => {
    const e = new ArgumentError('dense', 'units', 'a positive integer', '3');
    expect(e).toBeInstanceOf(ChainruleError);
    expect(e.name).toBe('ArgumentError');
    expect(e.argument).toBe('units');
    expect(e.message).toBe('dense: units must be a positive integer, got "3"');
  });

  it('describe any value without throwing', () => {
    const values: [unknown, string][] = [
      [undefined, 'undefined'],
      [null, 'null'],
      [-0, '-0'],
      [NaN, 'NaN'],
      [12n, '12n'],
      ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
      [Symbol('s'), 'a symbol'],
      [() => 1, 'a function'],
      [[1, 2, 3], 'an array of 3'],
      [{ a: 1 }, 'an object'],
      [Object.create(null), 'an object'],
      [new Map(), 'a Map'],
      [zeros([2]), 'a Tensor'],
      [new Proxy({}, { getPrototypeOf: () => { throw new Error('no'); } }), 'a value that cannot be inspected'],
    ];
    for (const [v, shown] of values) expect(describeValue(v)).toBe(shown);
  });

  it('the number check states the kind and the range', () => {
    expect(() => expectNumber('f', 'n', 2.5, { kind: 'integer', min: 1 })).toThrow('f: n must be an integer ≥ 1, got 2.5');
    expect(() => expectNumber('f', 'p', 2, { min: 0, max: 1 })).toThrow('f: p must be a finite number from 0 to 1, got 2');
    expect(expectNumber('f', 'x', NaN, { kind: 'any' })).toBeNaN();
  });
});

describe('values that would have been coerced are refused', () => {
  it('full with a value that is not a number', () => {
    expect(() => full([2], '7' as never)).toThrow('full: value must be a number, got "7"'); // it filled NaN
    expect(() => tensor('12' as never, [2])).toThrow('tensor: values must be an array of numbers (with a shape), got "12"');
    expect(() => zeros(null as never)).toThrow(ShapeError);
    expect(() => new Graph().scalar('2' as never)).toThrow('scalar: value must be a number, got "2"');
  });

  it('a nested array deeper than any shape is refused, not recursed into', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => tensor(deep as never)).toThrow('tensor: the shape has 100000 dimensions, more than 64');
  });

  it('sizes no typed array can hold are a ChainruleError', () => {
    expect(() => zeros([2 ** 40])).toThrow(/^cannot allocate 1099511627776 float64 elements/);
  });
});
