import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, ShapeError, tensor, type Dim, type DType, type Node } from '../src/index.js';

type Spec = readonly Dim[] | { readonly shape: readonly Dim[]; readonly dtype: DType };

/** A fresh graph with inputs named a, b, c, … of the given shapes (float64 unless a dtype is given). */
function inputs(...specs: Spec[]): Node[] {
  const g = new Graph();
  return specs.map((s, i) => {
    const { shape, dtype } = 'shape' in s ? s : { shape: s, dtype: 'float64' as const };
    return g.input(String.fromCharCode(97 + i), shape, dtype);
  });
}

/** Runs `build` and returns the ShapeError it throws (failing the test if it throws anything else). */
function shapeError(build: () => unknown): string {
  let err: unknown;
  try {
    build();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a ShapeError').toBeInstanceOf(ShapeError);
  return (err as Error).message;
}

type Case = readonly [title: string, build: () => unknown, fragments: readonly (string | RegExp)[]];

function check([, build, fragments]: Case): void {
  const message = shapeError(build);
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
}

// Each row: what is built, and what the message must name (the op first, then the shapes and rule).
const BUILD_ERRORS: readonly Case[] = [
  // matmul
  ['matmul: inner dimensions differ', () => { const [a, b] = inputs([2, 3], [4, 5]); return a!.matmul(b!); }, [/^matmul:/, '[2,3]', '[4,5]', 'inner']],
  ['matmul: inner dimensions differ after transposing', () => { const [a, b] = inputs([3, 2], [3, 5]); return a!.matmul(b!, { transposeA: true, transposeB: true }); }, [/^matmul:/, '[3,2]', '[3,5]']],
  ['matmul: rank-1 operand A', () => { const [a, b] = inputs([3], [3, 2]); return a!.matmul(b!); }, [/^matmul:/, '[3]', 'rank']],
  ['matmul: rank-0 operand B', () => { const [a, b] = inputs([2, 3], []); return a!.matmul(b!); }, [/^matmul:/, '[]', 'rank']],
  ['matmul: batch axes do not broadcast', () => { const [a, b] = inputs([2, 3, 4], [3, 4, 5]); return a!.matmul(b!); }, [/^matmul/, '[2]', '[3]']],
  ['matmul: symbolic inner dimensions differ', () => { const [a, b] = inputs(['n', 'k'], ['m', 2]); return a!.matmul(b!); }, [/^matmul:/, '[n,k]', '[m,2]']],
  // transpose
  ['transpose: repeated axis', () => { const [x] = inputs([2, 3, 4]); return x!.transpose([0, 0, 1]); }, [/^transpose:/, '[0,0,1]', '[2,3,4]']],
  ['transpose: too few axes', () => { const [x] = inputs([2, 3, 4]); return x!.transpose([1, 0]); }, [/^transpose:/, '[1,0]', '[2,3,4]']],
  ['transpose: axis out of range', () => { const [x] = inputs([2, 3]); return x!.transpose([0, 2]); }, [/^transpose:/, '[0,2]', '[2,3]']],
  // reshape and broadcastTo
  ['reshape: element counts differ', () => { const [x] = inputs([2, 3]); return x!.reshape([4, 2]); }, [/^reshape:/, '[2,3]', '[4,2]', 'number of elements']],
  ['reshape: two -1', () => { const [x] = inputs([2, 3]); return x!.reshape([-1, -1]); }, [/^reshape:/, '[2,3]', '[-1,-1]', 'at most one']],
  ['reshape: -1 does not divide', () => { const [x] = inputs([2, 3]); return x!.reshape([4, -1]); }, [/^reshape:/, '[2,3]', '[4,-1]']],
  ['reshape: a symbol the input lacks', () => { const [x] = inputs(['batch', 3]); return x!.reshape(['n', 3]); }, [/^reshape:/, '[batch,3]', '[n,3]']],
  ['reshape: a symbol dropped', () => { const [x] = inputs(['batch', 3]); return x!.reshape([3]); }, [/^reshape:/, '[batch,3]', '[3]']],
  ['broadcastTo: axis neither equal nor 1', () => { const [x] = inputs([2, 3]); return x!.broadcastTo([4, 3, 3]); }, [/^broadcastTo:/, '[2,3]', '[4,3,3]']],
  ['broadcastTo: lower rank', () => { const [x] = inputs([2, 3]); return x!.broadcastTo([3]); }, [/^broadcastTo:/, '[2,3]', '[3]']],
  // slice and pad
  ['slice: past the end', () => { const [x] = inputs([2, 3]); return x!.slice([0, 2], [1, 2]); }, [/^slice:/, '[2,3]', 'axis 1']],
  ['slice: negative begin', () => { const [x] = inputs([2, 3]); return x!.slice([-1, 0], [1, 1]); }, [/^slice:/, '[2,3]', 'axis 0']],
  ['slice: size below -1', () => { const [x] = inputs([2, 3]); return x!.slice([0, 0], [-2, 1]); }, [/^slice:/, '[2,3]']],
  ['slice: one entry per axis', () => { const [x] = inputs([2, 3]); return x!.slice([0], [1]); }, [/^slice:/, '[2,3]']],
  ['slice: part of a symbolic axis', () => { const [x] = inputs(['batch', 3]); return x!.slice([1, 0], [-1, 3]); }, [/^slice:/, '[batch,3]', 'symbolic']],
  ['pad: one entry per axis', () => { const [x] = inputs([2, 3]); return x!.pad([1], [1]); }, [/^pad:/, '[2,3]']],
  ['pad: a symbolic axis', () => { const [x] = inputs(['batch', 3]); return x!.pad([1, 0], [0, 0]); }, [/^pad:/, '[batch,3]', 'symbolic']],
  // concat
  ['concat: other axes differ', () => { const [a, b] = inputs([2, 3], [2, 4]); return a!.graph.concat([a!, b!], 0); }, [/^concat:/, '[2,3]', '[2,4]', 'axis 0']],
  ['concat: ranks differ', () => { const [a, b] = inputs([2, 3], [2, 3, 1]); return a!.graph.concat([a!, b!], 0); }, [/^concat:/, '[2,3]', '[2,3,1]']],
  ['concat: along a symbolic axis', () => { const [a, b] = inputs(['batch', 3], ['batch', 3]); return a!.graph.concat([a!, b!], 0); }, [/^concat:/, '[batch,3]', 'symbolic']],
  ['concat: axis out of range', () => { const [a, b] = inputs([2, 3], [2, 3]); return a!.graph.concat([a!, b!], 2); }, [/^concat:/, 'axis 2', '[2,3]']],
  // squeeze and expandDims (composites over reshape)
  ['squeeze: axis of size 2', () => { const [x] = inputs([2, 1, 3]); return x!.squeeze(0); }, [/^squeeze:/, '[2,1,3]', 'axis 0', 'not 1']],
  ['squeeze: symbolic axis', () => { const [x] = inputs(['batch', 1]); return x!.squeeze(0); }, [/^squeeze:/, '[batch,1]']],
  ['expandDims: axis out of range', () => { const [x] = inputs([2, 3]); return x!.expandDims(4); }, [/^expandDims:/, '[2,3]', 'axis 4']],
  // reductions
  ['sum: axis out of range', () => { const [x] = inputs([2, 3]); return x!.sum(2); }, [/^sum:/, 'axis 2', '[2,3]']],
  ['max: negative axis out of range', () => { const [x] = inputs([2, 3]); return x!.max(-3); }, [/^max:/, 'axis -3', '[2,3]']],
  ['sum: repeated axis', () => { const [x] = inputs([2, 3]); return x!.sum([0, -2]); }, [/^sum:/, 'repeated', '[2,3]']],
  ['mean: axis out of range', () => { const [x] = inputs([4]); return x!.mean(1); }, [/^mean:/, 'axis 1', '[4]']],
  ['logSumExp: repeated axis', () => { const [x] = inputs([2, 2]); return x!.logSumExp([1, 1]); }, [/^logSumExp:/, 'repeated', '[2,2]']],
  // solve
  ['solve: A not square', () => { const [a, b] = inputs([2, 3], [2, 1]); return a!.graph.solve(a!, b!); }, [/^solve:/, '[2,3]', 'square']],
  ['solve: A of rank 1', () => { const [a, b] = inputs([2], [2, 1]); return a!.graph.solve(a!, b!); }, [/^solve:/, '[2]', 'square']],
  ['solve: B rows differ from A', () => { const [a, b] = inputs([2, 2], [3, 1]); return a!.graph.solve(a!, b!); }, [/^solve:/, '[2,2]', '[3,1]']],
  ['solve: B of rank 1', () => { const [a, b] = inputs([2, 2], [2]); return a!.graph.solve(a!, b!); }, [/^solve:/, '[2,2]', '[2]']],
  // gather and scatterAdd
  ['gather: a scalar has no rows', () => { const [x, i] = inputs([], [2]); return x!.gather(i!); }, [/^gather:/, '[]']],
  ['scatterAdd: updates do not start with the indices shape', () => { const [u, i] = inputs([3, 2], [4]); return u!.graph.scatterAdd(u!, i!, 5); }, [/^scatterAdd:/, '[3,2]', '[4]']],
];

describe('build-time shape errors name the op, the shapes and the rule', () => {
  it.each(BUILD_ERRORS)('%s', (...row) => check(row));
});

describe('dtype mismatches are refused and say to cast', () => {
  const f32 = (shape: readonly Dim[]): Spec => ({ shape, dtype: 'float32' });
  const DTYPE_ERRORS: readonly Case[] = [
    ['add', () => { const [a, b] = inputs(f32([2]), [2]); return a!.add(b!); }, [/^add:/, 'float32', 'float64', 'cast']],
    ['maximum', () => { const [a, b] = inputs([2], f32([2])); return a!.maximum(b!); }, [/^maximum:/, 'float32', 'float64', 'cast']],
    ['where', () => { const [c, a, b] = inputs([2], f32([2]), f32([2])); return c!.graph.where(c!, a!, b!); }, [/^where:/, 'float32', 'float64', 'cast']],
    ['matmul', () => { const [a, b] = inputs(f32([2, 2]), [2, 2]); return a!.matmul(b!); }, [/^matmul:/, 'float32', 'float64', 'cast']],
    ['solve', () => { const [a, b] = inputs([2, 2], f32([2, 1])); return a!.graph.solve(a!, b!); }, [/^solve:/, 'float32', 'float64', 'cast']],
    ['concat', () => { const [a, b] = inputs(f32([2]), [2]); return a!.graph.concat([a!, b!]); }, [/^concat:/, 'float32', 'float64', 'cast']],
  ];
  it.each(DTYPE_ERRORS)('%s', (...row) => check(row));

  it('a number operand takes the dtype of the node, so float32 arithmetic with literals works', () => {
    const [x] = inputs(f32([2]));
    expect(x!.mul(2).add(1).dtype).toBe('float32');
    expect(x!.graph.where(x!.greater(0), x!, 0).dtype).toBe('float32');
  });

  it('cast makes mixed arithmetic explicit', () => {
    const [a, b] = inputs(f32([2]), [2]);
    expect(a!.cast('float64').add(b!).dtype).toBe('float64');
  });
});

describe('attributes are validated by the builder; errors name the op and the attribute', () => {
  const ATTR_ERRORS: readonly Case[] = [
    ['sum axes not integers', () => { const [x] = inputs([2, 3]); return x!.graph.apply('sum', [x!], { axes: ['a'] }); }, [/^sum:/, 'axes']],
    ['sum axes not a list', () => { const [x] = inputs([2, 3]); return x!.graph.apply('sum', [x!], { axes: 1 }); }, [/^sum:/, 'axes']],
    ['max keepDims not a boolean', () => { const [x] = inputs([2, 3]); return x!.graph.apply('max', [x!], { keepDims: 'yes' }); }, [/^max:/, 'keepDims']],
    ['unknown attribute', () => { const [x] = inputs([2]); return x!.graph.apply('neg', [x!], { alpha: 1 }); }, [/^neg:/, 'alpha', 'unknown']],
    ['forbidden key', () => { const [x] = inputs([2]); return x!.graph.apply('neg', [x!], JSON.parse('{"__proto__": 1}') as Record<string, unknown>); }, [/^neg:/, '__proto__']],
    ['matmul transposeA not a boolean', () => { const [a, b] = inputs([2, 2], [2, 2]); return a!.graph.apply('matmul', [a!, b!], { transposeA: 1 }); }, [/^matmul:/, 'transposeA']],
    ['transpose perm not integers', () => { const [x] = inputs([2, 2]); return x!.graph.apply('transpose', [x!], { perm: [0.5, 1] }); }, [/^transpose:/, 'perm']],
    ['reshape shape with a fraction', () => { const [x] = inputs([2, 2]); return x!.graph.apply('reshape', [x!], { shape: [2.5] }); }, [/^reshape:/, 'shape']],
    ['reshape shape with -2', () => { const [x] = inputs([2, 2]); return x!.reshape([-2, -2]); }, [/^reshape:/, 'shape']],
    ['broadcastTo shape with -1', () => { const [x] = inputs([2, 2]); return x!.broadcastTo([-1, 2]); }, [/^broadcastTo:/, 'shape']],
    ['pad before negative', () => { const [x] = inputs([2]); return x!.pad([-1], [0]); }, [/^pad:/, 'before']],
    ['pad after negative', () => { const [x] = inputs([2]); return x!.pad([0], [-1]); }, [/^pad:/, 'after']],
    ['oneHot depth 0', () => { const [x] = inputs([2]); return x!.oneHot(0); }, [/^oneHot:/, 'depth']],
    ['oneHot depth fractional', () => { const [x] = inputs([2]); return x!.oneHot(2.5); }, [/^oneHot:/, 'depth']],
    ['cast to an unknown dtype', () => { const [x] = inputs([2]); return x!.graph.apply('cast', [x!], { dtype: 'int32' }); }, [/^cast:/, 'dtype']],
    ['concat axis not an integer', () => { const [x] = inputs([2]); return x!.graph.apply('concat', [x!], { axis: 'last' }); }, [/^concat:/, 'axis']],
    ['slice without size', () => { const [x] = inputs([2]); return x!.graph.apply('slice', [x!], { begin: [0] }); }, [/^slice:/, 'size']],
    ['dimSize axes not a list', () => { const [x] = inputs([2]); return x!.graph.apply('dimSize', [x!], { axes: 'all' }); }, [/^dimSize:/, 'axes']],
    ['input name starting with a digit', () => new Graph().input('1x', [2]), [/^input:/, 'name', '1x']],
    ['input name with a quote', () => new Graph().input('x"y', [2]), [/^input:/, 'name']],
    ['input shape with a bad symbol', () => new Graph().input('x', ['two words']), ["input 'x'", 'dimension 0']],
    ['input shape with -1', () => new Graph().input('x', [-1]), ["input 'x'", 'dimension 0']],
    ['input dtype unknown', () => new Graph().apply('input', [], { name: 'x', shape: [2], dtype: 'int8' }), [/^input:/, 'dtype']],
    ['variable with a symbolic shape', () => new Graph().apply('variable', [], { name: 'w', shape: ['n'], dtype: 'float64' }), [/^variable:/, 'shape', 'concrete']],
    ['randomUniform low ≥ high', () => new Graph().randomUniform([2], { seed: 1, low: 1, high: 1 }), [/^randomUniform:/, 'high']],
    ['randomNormal negative std', () => new Graph().randomNormal([2], { seed: 1, std: -1 }), [/^randomNormal:/, 'std']],
    ['randomBernoulli p > 1', () => new Graph().randomBernoulli([2], { seed: 1, p: 1.5 }), [/^randomBernoulli:/, "'p'"]],
    ['random seed out of range', () => new Graph().randomUniform([2], { seed: 2 ** 32 }), [/^randomUniform:/, 'seed']],
    ['fill shape with a fraction', () => new Graph().fill([1.5], 0), [/^fill:/, 'shape']],
  ];
  it.each(ATTR_ERRORS)('%s', (...row) => check(row));

  it('the wrong number of operands is a ShapeError naming the op and the arity', () => {
    const [x] = inputs([2]);
    expect(shapeError(() => x!.graph.apply('add', [x!]))).toMatch(/^add: expects 2 input\(s\), got 1/);
    expect(shapeError(() => x!.graph.apply('neg', [x!, x!]))).toMatch(/^neg: expects 1 input\(s\), got 2/);
    expect(shapeError(() => x!.graph.apply('concat', [], { axis: 0 }))).toMatch(/^concat: expects at least one/);
  });

  it('an unknown op, or an operand from another graph, is a ChainruleError', () => {
    const [x] = inputs([2]);
    const other = new Graph().input('y', [2]);
    expect(() => x!.graph.apply('nope', [x!])).toThrow(ChainruleError);
    expect(() => x!.graph.apply('nope', [x!])).toThrow(/unknown op 'nope'/);
    expect(() => x!.add(other)).toThrow(/operand 1 .* belongs to another graph/);
    expect(() => x!.graph.input('a', [3])).toThrow(/'a' is already used/);
  });
});

describe('shape rules that hold', () => {
  const g = new Graph();
  const x = g.input('x', ['batch', 4, 6]);
  const w = g.input('w', [6, 5]);
  const cases: readonly [string, () => Node, readonly Dim[]][] = [
    ['matmul broadcasts a matrix over batch axes', () => x.matmul(w), ['batch', 4, 5]],
    ['matmul with transposeA', () => x.matmul(g.input('v', [4, 3]), { transposeA: true }), ['batch', 6, 3]],
    ['reshape with -1 standing for a symbol', () => x.reshape([-1, 24]), ['batch', 24]],
    ['reshape with -1 standing for a number', () => x.reshape(['batch', 2, -1]), ['batch', 2, 12]],
    ['transpose by default reverses', () => x.transpose(), [6, 4, 'batch']],
    ['transpose by a permutation', () => x.transpose([1, 0, 2]), [4, 'batch', 6]],
    ['slice keeps a whole symbolic axis', () => x.slice([0, 1, 2], [-1, 2, -1]), ['batch', 2, 4]],
    ['pad', () => x.pad([0, 1, 2], [0, 3, 0]), ['batch', 8, 8]],
    ['concat along a concrete axis', () => g.concat([x, x.slice([0, 0, 0], [-1, 1, -1])], 1), ['batch', 5, 6]],
    ['sum keepDims', () => x.sum([0, 2], true), [1, 4, 1]],
    ['max over a negative axis', () => x.max(-1), ['batch', 4]],
    ['mean over a symbolic axis', () => x.mean(0), [4, 6]],
    ['squeeze all size-1 axes', () => x.sum(2, true).squeeze(), ['batch', 4]],
    ['expandDims at the end', () => x.expandDims(-1), ['batch', 4, 6, 1]],
    ['gather keeps the row shape', () => w.gather(g.input('i', ['batch'])), ['batch', 5]],
    ['oneHot adds a last axis', () => g.input('labels', ['batch']).oneHot(10), ['batch', 10]],
    ['solve', () => g.solve(g.input('A', [2, 3, 3]), g.input('B', [3, 1])), [2, 3, 1]],
    ['scatterAdd with symbolic rows', () => g.scatterAdd(g.input('u', [7, 5]), g.input('j', [7]), 'vocab'), ['vocab', 5]],
    ['dimSize is a scalar', () => g.apply('dimSize', [x], { axes: [0, 1] }), []],
    ['logSumExp keepDims', () => x.logSumExp(-1, true), ['batch', 4, 1]],
    ['softmax keeps the shape', () => x.softmax(1), ['batch', 4, 6]],
    ['a constant has the shape of its value', () => g.constant(tensor([[1, 2, 3]])), [1, 3]],
  ];
  it.each(cases)('%s', (_title, build, shape) => {
    expect(build().shape).toEqual(shape);
  });
});
