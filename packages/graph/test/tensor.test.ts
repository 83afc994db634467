import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor, full, ones, tensor, zeros } from '@chainrule/graph';

describe('Tensor', () => {
  it('reads nested arrays row-major and converts back', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.get(1, 0)).toBe(4);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('takes a flat list with a shape, a typed array, or a scalar', () => {
    expect(tensor([1, 2, 3, 4], [2, 2]).get(1, 1)).toBe(4);
    expect(tensor(new Float32Array([1.5, 2])).dtype).toBe('float32');
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
    expect(tensor([0.1], [1], 'float32').data[0]).toBe(Math.fround(0.1));
  });

  it('copies its input so later changes to the source do not leak in', () => {
    const src = new Float64Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    expect(t.data[0]).toBe(1);
  });

  it('rejects a data length that does not match the shape, naming both', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/\[2,2\] holds 4 elements but 3 values/);
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(/holds 4 elements but data has 3/);
  });

  it('rejects non-integer and negative dimensions', () => {
    expect(() => zeros([2.5])).toThrow(/dimension 0 must be a non-negative integer, got 2.5/);
    expect(() => new Tensor(new Float64Array(0), [-1])).toThrow(ShapeError);
    expect(() => ones([NaN])).toThrow(ShapeError);
  });

  it('rejects ragged nesting and non-numbers', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1, 'a' as unknown as number], [2])).toThrow(/element 1 is "a", not a number/);
  });

  it('bounds-checks get and item', () => {
    const t = full([2, 2], 7);
    expect(() => t.get(2, 0)).toThrow(/out of range/);
    expect(() => t.get(0)).toThrow(/expected 2 indices/);
    expect(() => t.item()).toThrow(/4 elements, not 1/);
  });
});

describe('Tensor.toString', () => {
  it('prints NaN and ±Infinity as themselves', () => {
    expect(String(tensor([NaN, Infinity, -Infinity, 1.5]))).toBe('Tensor float64 [4] [NaN,Infinity,-Infinity,1.5]');
    expect(String(tensor([[1], [2]]))).toBe('Tensor float64 [2,1] [[1],[2]]');
    expect(String(tensor(3))).toBe('Tensor float64 [] 3');
  });
});
