import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChainruleError,
  Graph,
  GraphFormatError,
  PRIMITIVES,
  graphFromJSON,
  graphToJSON,
  tensor,
  type GraphJSON,
  type Tensor,
} from '@chainrule/graph';
import { arbitraryGraph } from './arbitraries.js';

/** Same dtype, shape and elements, compared with Object.is (so NaN equals NaN and −0 ≠ 0). */
function expectSameBits(actual: Tensor, expected: Tensor): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect(actual.shape).toEqual(expected.shape);
  const differs = Array.from(expected.data).findIndex((v, i) => !Object.is(actual.data[i], v));
  expect(differs, `first differing element: ${actual.data[differs]} vs ${expected.data[differs]}`).toBe(-1);
}

/** The error graphFromJSON throws for `doc`; fails the test if it loads or throws anything else. */
function formatError(doc: unknown): GraphFormatError {
  try {
    graphFromJSON(doc);
  } catch (e) {
    if (e instanceof GraphFormatError) return e;
    throw e;
  }
  throw new Error('the document loaded without error');
}

const pathOf = (doc: unknown): string => formatError(doc).path;

/** Loads or throws a ChainruleError; anything else (TypeError, RangeError, …) is a bug. */
function loadsOrRefuses(doc: unknown): void {
  try {
    graphFromJSON(doc);
  } catch (e) {
    if (!(e instanceof ChainruleError)) throw e;
  }
}

/** Sets an own enumerable property, even `__proto__` (as JSON.parse does). */
function setOwn(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A small graph exercising inputs, variables, attributes, a symbolic dimension and a random op:
 * #0 x, #1 w, #2 matmul, #3 b, #4 add, #5 sum, #6 randomNormal, #7 add.
 */
function smallGraph(): Graph {
  const g = new Graph();
  const x = g.input('x', ['batch', 2]);
  const h = x.matmul(g.variable('w', tensor([[1, 2], [3, 4]])));
  const y = h.add(g.variable('b', tensor([0.5, -0.5])));
  y.sum([1]).add(g.randomNormal(['batch'], { seed: 7 }));
  return g;
}

// Plain mutable JSON data (what JSON.parse returns), for editing documents in tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const smallDoc = (): Doc => JSON.parse(JSON.stringify(graphToJSON(smallGraph())));
const edit = (change: (doc: Doc) => void): Doc => {
  const doc = smallDoc();
  change(doc);
  return doc;
};

describe('graphToJSON / graphFromJSON round trip', () => {
  it('writes the documented format', () => {
    const json = graphToJSON(smallGraph());
    expect(json.format).toBe('chainrule.graph');
    expect(json.version).toBe(1);
    expect(json.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(json.nodes[2]).toEqual({ id: 2, op: 'matmul', inputs: [0, 1], attrs: { transposeA: false, transposeB: false }, shape: ['batch', 2], dtype: 'float64' });
    expect(json.nodes[5]!.attrs).toEqual({ axes: [1], keepDims: false });
    expect(json.variables).toEqual({ w: { dtype: 'float64', shape: [2, 2], data: [1, 2, 3, 4] }, b: { dtype: 'float64', shape: [2], data: [0.5, -0.5] } });
    expect(json.random).toEqual({ 6: 0 });
  });

  it('omits undefined attributes', () => {
    const g = new Graph();
    g.input('x', [2, 3]).sum().transpose();
    const json = graphToJSON(g);
    expect(json.nodes[1]!.attrs).toEqual({ keepDims: false });
    expect(json.nodes[2]!.attrs).toEqual({});
  });

  it('round-trips random graphs: same document, bit-identical runs, same random draws', () => {
    fc.assert(
      fc.property(arbitraryGraph(), fc.nat(2), ({ graph, outputs, feeds }, advance) => {
        for (let i = 0; i < advance; i++) graph.run(outputs, feeds);
        const json = graphToJSON(graph);
        const loaded = graphFromJSON(JSON.parse(JSON.stringify(json)));
        expect(graphToJSON(loaded)).toStrictEqual(json);
        const twins = outputs.map((n) => loaded.node(n.id));
        for (let run = 0; run < 2; run++) {
          const expected = graph.run(outputs, feeds);
          const actual = loaded.run(twins, feeds);
          actual.forEach((t, i) => expectSameBits(t, expected[i]!));
        }
        expect(loaded.randomState()).toEqual(graph.randomState());
      }),
    );
  });

  it('also accepts the JSON text', () => {
    const g = smallGraph();
    const text = JSON.stringify(graphToJSON(g));
    expect(graphToJSON(graphFromJSON(text))).toStrictEqual(graphToJSON(g));
  });

  it('keeps the random state: the next draw after loading is the next draw of the original', () => {
    const g = new Graph();
    const r = g.randomUniform([3], { seed: 11 });
    g.run([r]);
    g.run([r]);
    const loaded = graphFromJSON(JSON.stringify(graphToJSON(g)));
    expect(loaded.randomState()).toEqual({ 0: 2 });
    expectSameBits(loaded.run([loaded.node(0)])[0]!, g.run([r])[0]!);
  });

  it('round-trips NaN, ±Infinity and −0 in variables, constants and attributes bit for bit', () => {
    const specials = [NaN, Infinity, -Infinity, -0, 0, 1.5, -2.25, Number.MIN_VALUE, Number.MAX_VALUE];
    const g = new Graph();
    const w = g.variable('w', tensor(specials));
    const c = g.constant(tensor([-0, NaN, -Infinity]));
    const f = g.fill([2], -0);
    const p = g.input('x', [1]).pad([1], [1], -Infinity);
    const nan = g.fill([1], NaN);
    const loaded = graphFromJSON(JSON.parse(JSON.stringify(graphToJSON(g))));
    expectSameBits(loaded.getVariable('w'), tensor(specials));
    const outputs = [w, c, f, p, nan];
    const feeds = { x: tensor([-0]) };
    const expected = g.run(outputs, feeds);
    loaded.run(outputs.map((n) => loaded.node(n.id)), feeds).forEach((t, i) => expectSameBits(t, expected[i]!));
  });

  it('round-trips float32 variables and values changed after building', () => {
    const values = [Math.fround(0.1), NaN, -0, Math.fround(-3.4e38), Infinity];
    const g = new Graph();
    const v = g.variable('v', tensor(values, [5], 'float32'));
    g.variable('m', [2, 2], 0, 'float32');
    g.setVariable('m', tensor([1, 2, 3, Math.fround(1 / 3)], [2, 2], 'float32'));
    v.cast('float64');
    const loaded = graphFromJSON(JSON.stringify(graphToJSON(g)));
    expectSameBits(loaded.getVariable('v'), g.getVariable('v'));
    expectSameBits(loaded.getVariable('m'), g.getVariable('m'));
    expect(loaded.getVariable('m').dtype).toBe('float32');
  });

  it('loads nodes in any order that is acyclic, rebuilding operands first', () => {
    const doc = smallDoc();
    doc.nodes.reverse();
    const loaded = graphFromJSON(doc);
    expect(graphToJSON(loaded)).toStrictEqual(graphToJSON(smallGraph()));
  });

  it('maps random state to the new ids when the document uses other ids', () => {
    const doc = edit((d) => {
      for (const n of d.nodes) {
        n.id += 100;
        n.inputs = n.inputs.map((i: number) => i + 100);
      }
      d.random = { 106: 5 };
    });
    expect(graphFromJSON(doc).randomState()).toEqual({ 6: 5 });
  });

  it('loads chains deeper than a recursive traversal could handle', () => {
    const g = new Graph();
    let x = g.input('x', [1]);
    for (let i = 0; i < 20_000; i++) x = x.neg();
    const json = graphToJSON(g);
    expect(graphToJSON(graphFromJSON(json))).toStrictEqual(json);
  });

  it('refuses to build a variable named __proto__, constructor or prototype', () => {
    const g = new Graph();
    for (const name of ['__proto__', 'constructor', 'prototype']) expect(() => g.variable(name, tensor([1]))).toThrow(ChainruleError);
  });

  it('round-trips provenance', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const y = x.sin();
    g.withOrigin({ node: y.id, rule: 'vjp:sin' }, () => x.cos());
    const json = graphToJSON(g);
    const copy = graphFromJSON(JSON.stringify(json));
    expect(copy.node(2).origin).toEqual({ node: y.id, rule: 'vjp:sin' });
    expect(graphToJSON(copy)).toStrictEqual(json);
  });

  it('round-trips scatterAdd', () => {
    const g = new Graph();
    g.scatterAdd(g.input('u', [2, 3]), g.input('i', [2]), 4);
    const json = graphToJSON(g);
    expect(graphToJSON(graphFromJSON(JSON.stringify(json)))).toStrictEqual(json);
  });

  it('round-trips integer attributes equal to −0', () => {
    const g = new Graph();
    g.concat([g.input('a', [2]), g.input('b', [3])], -0);
    const json = graphToJSON(g);
    expect(graphToJSON(graphFromJSON(JSON.stringify(json)))).toStrictEqual(json);
  });
});

describe('graphFromJSON refuses malformed documents with the path of the fault', () => {
  it('accepts the unedited document', () => {
    expect(() => graphFromJSON(smallDoc())).not.toThrow();
  });

  it('refuses text that is not JSON, and documents that are not objects', () => {
    expect(pathOf('{"format": ')).toBe('$');
    expect(pathOf(42)).toBe('$');
    expect(pathOf(null)).toBe('$');
    expect(pathOf([])).toBe('$');
    expect(pathOf('"chainrule.graph"')).toBe('$');
  });

  it('refuses unknown and missing top-level fields, a wrong format or version', () => {
    expect(pathOf(edit((d) => (d.extra = 1)))).toBe('$.extra');
    expect(pathOf(edit((d) => delete d.random))).toBe('$.random');
    expect(pathOf(edit((d) => (d.format = 'onnx')))).toBe('$.format');
    expect(pathOf(edit((d) => (d.version = 2)))).toBe('$.version');
    expect(pathOf(edit((d) => (d.version = '1')))).toBe('$.version');
    expect(pathOf(edit((d) => (d.nodes = {})))).toBe('$.nodes');
  });

  it('refuses unknown and missing node fields', () => {
    expect(pathOf(edit((d) => (d.nodes[3].name = 'b')))).toBe('$.nodes[3].name');
    expect(pathOf(edit((d) => delete d.nodes[0].dtype))).toBe('$.nodes[0].dtype');
    expect(pathOf(edit((d) => (d.nodes[4] = [])))).toBe('$.nodes[4]');
  });

  it('refuses an unknown op', () => {
    expect(pathOf(edit((d) => (d.nodes[5].op = 'frobnicate')))).toBe('$.nodes[5].op');
    expect(pathOf(edit((d) => (d.nodes[5].op = 'toString')))).toBe('$.nodes[5].op');
    expect(formatError(edit((d) => (d.nodes[5].op = 'frobnicate'))).problem).toBe('unknown op "frobnicate"');
  });

  it('refuses a wrong number of inputs', () => {
    expect(pathOf(edit((d) => (d.nodes[4].inputs = [2])))).toBe('$.nodes[4].inputs');
    expect(pathOf(edit((d) => (d.nodes[0].inputs = [1])))).toBe('$.nodes[0].inputs');
    expect(pathOf(edit((d) => d.nodes.push({ id: 8, op: 'concat', inputs: [], attrs: { axis: 0 }, shape: [], dtype: 'float64' })))).toBe('$.nodes[8].inputs');
  });

  it('refuses input ids that are not ids, and dangling references', () => {
    expect(pathOf(edit((d) => (d.nodes[4].inputs[1] = 99)))).toBe('$.nodes[4].inputs[1]');
    expect(pathOf(edit((d) => (d.nodes[4].inputs[1] = -1)))).toBe('$.nodes[4].inputs[1]');
    expect(pathOf(edit((d) => (d.nodes[4].inputs[1] = '3')))).toBe('$.nodes[4].inputs[1]');
  });

  it('refuses cycles, naming the edge that closes one', () => {
    const cycle = formatError(edit((d) => (d.nodes[2].inputs[0] = 4)));
    expect(cycle.path).toBe('$.nodes[4].inputs[0]');
    expect(cycle.problem).toBe('closes a cycle: #2 → #4 → #2');
    expect(pathOf(edit((d) => (d.nodes[5].inputs[0] = 5)))).toBe('$.nodes[5].inputs[0]');
  });

  it('refuses long cycles without overflowing the stack', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => ({ id: i, op: 'neg', inputs: [(i + 1) % 20_000], attrs: {}, shape: [], dtype: 'float64' }));
    expect(pathOf({ format: 'chainrule.graph', version: 1, nodes, variables: {}, random: {} })).toBe('$.nodes[19999].inputs[0]');
  });

  it('refuses a declared shape or dtype that differs from the inferred one', () => {
    expect(pathOf(edit((d) => (d.nodes[5].shape = [3])))).toBe('$.nodes[5].shape');
    expect(pathOf(edit((d) => (d.nodes[5].shape = ['batch', 1])))).toBe('$.nodes[5].shape');
    expect(pathOf(edit((d) => (d.nodes[5].dtype = 'float32')))).toBe('$.nodes[5].dtype');
    expect(pathOf(edit((d) => (d.nodes[5].shape = ['9lives'])))).toBe('$.nodes[5].shape[0]');
    expect(pathOf(edit((d) => (d.nodes[5].dtype = 'int32')))).toBe('$.nodes[5].dtype');
  });

  it('refuses nodes that break a shape or dtype rule', () => {
    const mismatch = edit((d) => {
      d.nodes[0].attrs.shape = ['batch', 3];
      d.nodes[0].shape = ['batch', 3];
    });
    expect(pathOf(mismatch)).toBe('$.nodes[2]');
    expect(formatError(mismatch).problem).toMatch(/^matmul: inner dimensions differ/);
    const dtypes = edit((d) => {
      d.nodes[0].attrs.dtype = 'float32';
      d.nodes[0].dtype = 'float32';
    });
    expect(pathOf(dtypes)).toBe('$.nodes[2]');
  });

  it('refuses bad attributes with the path inside the attributes', () => {
    expect(pathOf(edit((d) => (d.nodes[5].attrs.axes = ['a'])))).toBe('$.nodes[5].attrs.axes[0]');
    expect(pathOf(edit((d) => (d.nodes[5].attrs.axes = 1)))).toBe('$.nodes[5].attrs.axes');
    expect(pathOf(edit((d) => (d.nodes[6].attrs.seed = -1)))).toBe('$.nodes[6].attrs.seed');
    expect(pathOf(edit((d) => (d.nodes[6].attrs.seed = 2 ** 32)))).toBe('$.nodes[6].attrs.seed');
    expect(pathOf(edit((d) => (d.nodes[5].attrs.bogus = 1)))).toBe('$.nodes[5].attrs.bogus');
    expect(pathOf(edit((d) => (d.nodes[5].attrs['not ident'] = 1)))).toBe('$.nodes[5].attrs["not ident"]');
    expect(pathOf(edit((d) => (d.nodes[5].attrs = [])))).toBe('$.nodes[5].attrs');
    expect(pathOf(edit((d) => (d.nodes[0].attrs.name = '1x')))).toBe('$.nodes[0].attrs.name');
    const constant = edit((d) => d.nodes.push({ id: 8, op: 'constant', inputs: [], attrs: { value: { dtype: 'float64', shape: [2], data: [1, 'one'] } }, shape: [2], dtype: 'float64' }));
    expect(pathOf(constant)).toBe('$.nodes[8].attrs.value.data[1]');
  });

  it('refuses __proto__, constructor and prototype as keys anywhere', () => {
    const top = JSON.stringify(smallDoc()).replace('{"format"', '{"__proto__":{"polluted":true},"format"');
    expect(pathOf(top)).toBe('$.__proto__');
    expect(pathOf(edit((d) => setOwn(d, '__proto__', {})))).toBe('$.__proto__');
    expect(pathOf(edit((d) => setOwn(d.nodes[3], '__proto__', 1)))).toBe('$.nodes[3].__proto__');
    expect(pathOf(edit((d) => setOwn(d.nodes[5].attrs, '__proto__', { keepDims: true })))).toBe('$.nodes[5].attrs.__proto__');
    expect(pathOf(edit((d) => setOwn(d.variables, '__proto__', d.variables.w)))).toBe('$.variables.__proto__');
    expect(pathOf(edit((d) => setOwn(d.variables.w, '__proto__', null)))).toBe('$.variables.w.__proto__');
    expect(pathOf(edit((d) => (d.nodes[5].attrs.constructor = 1)))).toBe('$.nodes[5].attrs.constructor');
    expect(pathOf(edit((d) => (d.random.prototype = 0)))).toBe('$.random.prototype');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses duplicate ids and duplicate names', () => {
    expect(pathOf(edit((d) => (d.nodes[3].id = 1)))).toBe('$.nodes[3].id');
    expect(pathOf(edit((d) => (d.nodes[3].id = 1.5)))).toBe('$.nodes[3].id');
    expect(pathOf(edit((d) => (d.nodes[3].attrs.name = 'w')))).toBe('$.nodes[3].attrs.name');
    expect(pathOf(edit((d) => (d.nodes[3].attrs.name = 'x')))).toBe('$.nodes[3].attrs.name');
  });

  it('refuses missing, unknown and ill-fitting variable values', () => {
    expect(pathOf(edit((d) => delete d.variables.b))).toBe('$.variables.b');
    expect(pathOf(edit((d) => (d.variables.x = d.variables.b)))).toBe('$.variables.x');
    expect(pathOf(edit((d) => (d.variables.w = { dtype: 'float64', shape: [4], data: [1, 2, 3, 4] })))).toBe('$.variables.w.shape');
    expect(pathOf(edit((d) => (d.variables.w.dtype = 'float32')))).toBe('$.variables.w.dtype');
    expect(pathOf(edit((d) => d.variables.w.data.pop()))).toBe('$.variables.w.data');
    expect(pathOf(edit((d) => (d.variables.w.data[3] = 'four')))).toBe('$.variables.w.data[3]');
    expect(pathOf(edit((d) => (d.variables.w.extra = 1)))).toBe('$.variables.w.extra');
    expect(pathOf(edit((d) => (d.variables = [])))).toBe('$.variables');
  });

  it('refuses random state for nodes that are not random ops, and counts that are not counts', () => {
    expect(pathOf(edit((d) => (d.random['2'] = 0)))).toBe('$.random["2"]');
    expect(pathOf(edit((d) => (d.random['99'] = 0)))).toBe('$.random["99"]');
    expect(pathOf(edit((d) => (d.random['06'] = 0)))).toBe('$.random["06"]');
    expect(pathOf(edit((d) => (d.random['6'] = -1)))).toBe('$.random["6"]');
    expect(pathOf(edit((d) => (d.random['6'] = 0.5)))).toBe('$.random["6"]');
  });

  it('refuses values that are not JSON data when given objects', () => {
    expect(pathOf(edit((d) => (d.nodes[5].attrs.f = () => 1)))).toBe('$.nodes[5].attrs.f');
    expect(pathOf(edit((d) => (d.variables.w.data[0] = NaN)))).toBe('$.variables.w.data[0]');
    expect(pathOf(edit((d) => (d.nodes[4].inputs = [2, undefined])))).toBe('$.nodes[4].inputs[1]');
    expect(pathOf(edit((d) => (d.nodes[5].attrs = new Map())))).toBe('$.nodes[5].attrs');
    expect(pathOf(edit((d) => (d.nodes[5].attrs.self = d.nodes[5].attrs)))).toBe('$.nodes[5].attrs.self');
    expect(pathOf(edit((d) => (d.nodes[5].attrs.value = tensor([1]))))).toBe('$.nodes[5].attrs.value');
  });

  it('refuses documents beyond the limits', () => {
    // (how many nodes is a resource limit of the caller's: see limits.test.ts)
    expect(() => graphFromJSON({ format: 'chainrule.graph', version: 1, nodes: new Array(1_000_001).fill(0), variables: {}, random: {} })).toThrow(/^\$\.nodes: 1,000,001 nodes, over the limit of 100,000/);
    const wide = edit((d) => d.nodes.push({ id: 8, op: 'concat', inputs: new Array(5000).fill(7), attrs: { axis: 0 }, shape: [5000], dtype: 'float64' }));
    expect(pathOf(wide)).toBe('$.nodes[8].inputs');
    const deep = `{"format":"chainrule.graph","version":1,"nodes":${'['.repeat(100_000)}${']'.repeat(100_000)},"variables":{},"random":{}}`;
    expect(pathOf(deep)).toMatch(/^\$\.nodes(\[0\]){15}$/);
  });
});

describe('graphFromJSON on arbitrary input loads or throws a ChainruleError, never anything else', () => {
  it('for any JSON value or text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        loadsOrRefuses(v);
        loadsOrRefuses(JSON.stringify(v));
      }),
    );
  });

  it('for any JavaScript value', () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withMap: true, withTypedArray: true, withSparseArray: true }), loadsOrRefuses));
  });

  it('for documents of the right skeleton with arbitrary nodes and attributes', () => {
    const attrKeys = ['name', 'shape', 'dtype', 'value', 'seed', 'p', 'mean', 'std', 'low', 'high', 'axes', 'keepDims', 'perm', 'begin', 'size', 'before', 'after', 'axis', 'depth', 'rows', 'transposeA', 'transposeB', 'x'];
    const attrValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom('batch', -0)), { maxLength: 4 }),
      fc.record({ dtype: fc.constantFrom('float64', 'float32'), shape: fc.array(fc.nat(3), { maxLength: 2 }), data: fc.array(fc.oneof(fc.double(), fc.constantFrom('NaN', '-0')), { maxLength: 9 }) }),
    );
    const node = fc.record({
      id: fc.oneof(fc.nat(6), fc.jsonValue()),
      op: fc.oneof(fc.constantFrom(...PRIMITIVES), fc.string()),
      inputs: fc.array(fc.oneof(fc.nat(6), fc.jsonValue()), { maxLength: 3 }),
      attrs: fc.dictionary(fc.constantFrom(...attrKeys), attrValue, { maxKeys: 4 }),
      shape: fc.array(fc.oneof(fc.nat(4), fc.constantFrom('batch', -1)), { maxLength: 3 }),
      dtype: fc.constantFrom('float64', 'float32', 'int8'),
    });
    const doc = fc.record({
      format: fc.constant('chainrule.graph'),
      version: fc.constant(1),
      nodes: fc.array(node, { maxLength: 6 }),
      variables: fc.dictionary(fc.constantFrom('x', 'w', 'v0'), attrValue, { maxKeys: 2 }),
      random: fc.dictionary(fc.constantFrom('0', '1', '2', '3'), fc.oneof(fc.nat(3), fc.jsonValue()), { maxKeys: 2 }),
    });
    fc.assert(fc.property(doc, loadsOrRefuses));
  });

  it('for valid documents after one to three random mutations, each load finishing quickly', () => {
    const mutation = fc.record({ kind: fc.nat(5), at: fc.nat(), other: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }), delta: fc.integer({ min: -3, max: 3 }) });
    fc.assert(
      fc.property(arbitraryGraph({ maxSteps: 12 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ graph }, mutations) => {
        const doc: Doc = JSON.parse(JSON.stringify(graphToJSON(graph)));
        for (const m of mutations) mutate(doc, m);
        const start = performance.now();
        loadsOrRefuses(doc);
        // A hang guard, not a benchmark: these documents load in milliseconds.
        expect(performance.now() - start).toBeLessThan(2000);
      }),
    );
  });
});

interface Mutation {
  readonly kind: number;
  readonly at: number;
  readonly other: number;
  readonly value: unknown;
  readonly delta: number;
}

/** Every (container, key) position in a JSON document. */
function positions(doc: Doc): [Doc, string | number][] {
  const out: [Doc, string | number][] = [];
  const walk = (v: Doc): void => {
    if (typeof v !== 'object' || v === null) return;
    for (const key of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      out.push([v, key]);
      walk(v[key]);
    }
  };
  walk(doc);
  return out;
}

/** Applies one mutation: replace a sub-value, delete a key, change a number, swap or copy ids. */
function mutate(doc: Doc, m: Mutation): void {
  const all = positions(doc);
  if (all.length === 0) return;
  const [parent, key] = all[m.at % all.length]!;
  switch (m.kind) {
    case 0:
      parent[key] = m.value;
      break;
    case 1:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 2: {
      const numbers = all.filter(([p, k]) => typeof p[k] === 'number');
      if (numbers.length === 0) return;
      const [p, k] = numbers[m.at % numbers.length]!;
      p[k] = [p[k] + m.delta, -p[k], p[k] / 2, 2 ** 53, -1][m.other % 5];
      break;
    }
    case 3: {
      const nodes: Doc[] = Array.isArray(doc.nodes) ? doc.nodes.filter((n: Doc) => typeof n === 'object' && n !== null) : [];
      if (nodes.length < 2) return;
      const a = nodes[m.at % nodes.length];
      const b = nodes[m.other % nodes.length];
      [a.id, b.id] = m.delta >= 0 ? [b.id, a.id] : [b.id, b.id];
      break;
    }
    default:
      if (!Array.isArray(parent) && typeof parent[key] === 'object' && parent[key] !== null && !Array.isArray(parent[key])) {
        setOwn(parent[key], ['__proto__', 'extra', 'constructor', 'shape'][m.other % 4]!, m.value);
      } else parent[key] = m.value;
  }
}

describe('Graph.toJSON and Graph.fromJSON', () => {
  it('are JSON.stringify-compatible and equal to the free functions', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    g.variable('w', tensor([[1], [2]]));
    x.sum();
    const text = JSON.stringify(g);
    expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(graphToJSON(g))));
    expect(graphToJSON(Graph.fromJSON(text))).toStrictEqual(JSON.parse(text));
  });
});
