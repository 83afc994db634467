/**
 * Resource limits for graphs from elsewhere: a small document can declare values of any size, so
 * graphFromJSON checks declared shapes against limits (safe defaults) before it decodes or builds
 * anything, the graph keeps the limits, and every executor checks each run's shapes before it
 * allocates. A refusal is a LimitError naming the node and the figure.
 */
import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, JSON_DEFAULT_LIMITS, LimitError, graphFromJSON, graphToJSON, tensor, type GraphLimits } from '@chainrule/graph';

/** The error `f` throws; fails the test when it returns or throws something else. */
function limitError(f: () => unknown): LimitError {
  try {
    f();
  } catch (e) {
    if (e instanceof LimitError) return e;
    throw e;
  }
  throw new Error('no LimitError');
}

const node = (id: number, op: string, inputs: number[], attrs: object, shape: (number | string)[]) => ({ id, op, inputs, attrs, shape, dtype: 'float64' });
const doc = (...nodes: object[]) => JSON.stringify({ format: 'chainrule.graph', version: 1, nodes, variables: {}, random: {} });

// The two documents of the report: a few hundred bytes each.
const BILLION = doc(node(0, 'fill', [], { shape: [1e9, 0], dtype: 'float64', value: 1 }, [1e9, 0]), node(1, 'sum', [0], { axes: [1], keepDims: false }, [1e9]));
const GIBIBYTE = doc(node(0, 'fill', [], { shape: [16384, 8192], dtype: 'float64', value: 1 }, [16384, 8192]), node(1, 'sum', [0], { axes: [1], keepDims: false }, [16384]));

describe('graphFromJSON refuses, before building anything, what is over its limits', () => {
  it('the report: a 322-byte document asking for a value of 10⁹ elements (8 GB)', () => {
    expect(BILLION.length).toBeLessThan(400);
    const e = limitError(() => graphFromJSON(BILLION));
    expect(e.message).toBe(
      '$.nodes[1] (#1 sum): a float64 value of shape [1000000000] holds 1,000,000,000 elements (7.45 GiB), over the limit of 16,777,216 elements per value (limits.maxElements)',
    );
    expect([e.limit, e.figure, e.allowed]).toEqual(['maxElements', 1e9, 2 ** 24]);
  });

  it('the report: a 297-byte document asking for 1 GiB', () => {
    const e = limitError(() => graphFromJSON(GIBIBYTE));
    expect(e.message).toMatch(/^\$\.nodes\[0\] \(#0 fill\): a float64 value of shape \[16384,8192\] holds 134,217,728 elements \(1\.00 GiB\), over the limit of 16,777,216 elements per value/);
  });

  it('the total of a run: many values each within the limit', () => {
    const many = Array.from({ length: 10 }, (_, i) => node(i, 'fill', [], { shape: [2 ** 24], dtype: 'float64', value: i }, [2 ** 24]));
    const e = limitError(() => graphFromJSON(doc(...many)));
    // eight values of 128 MiB are 1 GiB, within the limit; the ninth is over it
    expect(e.message).toBe('$.nodes[8] (#8 fill) and the nodes before it: the values of a run would take 1,207,959,552 bytes (1.13 GiB), over the limit of 1,073,741,824 bytes (limits.maxBytes)');
    expect(e.limit).toBe('maxBytes');
  });

  it('nodes', () => {
    const chain = [node(0, 'input', [], { name: 'x', shape: [1], dtype: 'float64' }, [1]), ...Array.from({ length: 10 }, (_, i) => node(i + 1, 'neg', [i], {}, [1]))];
    expect(() => graphFromJSON(doc(...chain))).not.toThrow();
    const e = limitError(() => graphFromJSON(doc(...chain), { limits: { maxNodes: 10 } }));
    expect(e.message).toBe('$.nodes: 11 nodes, over the limit of 10 (limits.maxNodes)');
    expect(limitError(() => graphFromJSON({ format: 'chainrule.graph', version: 1, nodes: new Array(100_001).fill(0), variables: {}, random: {} })).limit).toBe('maxNodes');
  });

  it('variables are checked before their values are decoded', () => {
    const g = new Graph();
    g.variable('w', tensor([1, 2, 3]));
    const e = limitError(() => graphFromJSON(JSON.stringify(g), { limits: { maxElements: 2 } }));
    expect(e.message).toMatch(/^\$\.nodes\[0\] \(#0 variable\): a float64 value of shape \[3\] holds 3 elements/);
  });

  it('limits a caller raises or lifts; the defaults are documented', () => {
    expect(JSON_DEFAULT_LIMITS).toEqual({ maxElements: 16_777_216, maxBytes: 1_073_741_824, maxNodes: 100_000 });
    const g = graphFromJSON(GIBIBYTE, { limits: { maxElements: 2 ** 27, maxBytes: Infinity } });
    expect(g.nodes.map((n) => n.op)).toEqual(['fill', 'sum']);
    expect(g.limits).toEqual({ maxElements: 2 ** 27, maxBytes: Infinity, maxNodes: 100_000 });
  });

  it('refuses limits that are not limits', () => {
    for (const limits of [5, 'big', [], { maxElements: 0 }, { maxElements: -1 }, { maxBytes: 1.5 }, { maxNodes: NaN }, { maxNodes: '10' }, { maxMemory: 1 }]) {
      expect(() => graphFromJSON(doc(), { limits } as never), JSON.stringify(limits)).toThrow(ChainruleError);
    }
    expect(() => graphFromJSON(doc(), 7 as never)).toThrow(new ChainruleError('graphFromJSON: options must be an object such as { limits: { maxElements: 2 ** 24 } }'));
    expect(() => graphFromJSON(doc(), { limits: { maxMemory: 1 } } as never)).toThrow(new ChainruleError('graphFromJSON: options.limits: unknown limit \'maxMemory\' (known: maxElements, maxBytes, maxNodes)'));
  });
});

describe('the limits travel with the graph: its runs are checked before they allocate', () => {
  /** A document whose value sizes depend on the fed batch: x [batch, 1024] → x · 2 → sum. */
  const batched = (): string => {
    const g = new Graph();
    g.input('x', ['batch', 1024]).mul(2).sum();
    return JSON.stringify(g);
  };

  for (const executor of ['interpreter', 'compiled'] as const) {
    it(`${executor}: a feed that makes a value too large is refused, naming the node, before anything runs`, () => {
      const g = graphFromJSON(batched(), { limits: { maxElements: 4096 } });
      const [x, y, sum] = [g.node(0), g.node(2), g.node(3)];
      const run = g.compile({ outputs: [sum!], executor });
      expect(run({ x: tensor(new Float64Array(4 * 1024), [4, 1024]) })[0]!.item()).toBe(0);
      const e = limitError(() => run({ x: tensor(new Float64Array(5 * 1024), [5, 1024]) }));
      expect(e.message).toBe(`#${y!.id} mul: a float64 value of shape [5,1024] holds 5,120 elements (40.0 KiB), over the limit of 4,096 elements per value (limits.maxElements)`);
      expect(x!.op).toBe('input');
    });
  }

  it('a graph built by hand has no limits; compile takes them', () => {
    const g = new Graph();
    const big = g.fill([4096, 4096], 1).sum();
    expect(g.limits).toEqual({});
    for (const executor of ['interpreter', 'compiled'] as const) {
      const limits: GraphLimits = { maxElements: 1 << 20 };
      const e = limitError(() => g.compile({ outputs: [big], executor, limits }));
      expect(e.message).toBe('#0 fill: a float64 value of shape [4096,4096] holds 16,777,216 elements (128 MiB), over the limit of 1,048,576 elements per value (limits.maxElements)');
    }
  });

  it('compiled: the planned buffers, counted before any is allocated', () => {
    const g = new Graph();
    const x = g.input('x', [1 << 16]);
    const outputs = [x.mul(2).sin(), x.mul(3).cos(), x.exp()];
    // three outputs, each in a planned buffer and returned as a copy: 6 values of 512 KiB, and the
    // scalar constants 2 and 3, computed once (8 bytes each)
    const planned = 6 * 2 ** 19 + 16;
    expect(() => g.compile({ outputs, executor: 'compiled', limits: { maxBytes: planned } })({ x: tensor(new Float64Array(1 << 16)) })).not.toThrow();
    const e = limitError(() => g.compile({ outputs, executor: 'compiled', limits: { maxBytes: planned - 1 } })({ x: tensor(new Float64Array(1 << 16)) }));
    expect([e.limit, e.figure, e.allowed]).toEqual(['maxBytes', planned, planned - 1]);
    expect(e.message).toBe(`${outputs[2]} and the buffers planned before it: the values of a run would take 3,145,744 bytes (3.00 MiB), over the limit of 3,145,743 bytes (limits.maxBytes)`);
  });

  it('nodes in a run', () => {
    const g = new Graph();
    let y = g.input('x', [1]);
    for (let i = 0; i < 20; i++) y = y.neg();
    expect(limitError(() => g.compile({ outputs: [y], limits: { maxNodes: 20 } })).message).toBe('compile: the run: 21 nodes, over the limit of 20 (limits.maxNodes)');
  });

  it('setLimits replaces a graph\'s limits; a compile\'s limits replace them field by field', () => {
    const g = graphFromJSON(GIBIBYTE, { limits: { maxElements: Infinity, maxBytes: Infinity } });
    g.setLimits({ maxElements: 100 });
    expect(g.limits).toEqual({ maxElements: 100 });
    const sum = g.node(1);
    expect(limitError(() => g.compile({ outputs: [sum] })).limit).toBe('maxElements');
    expect(() => g.compile({ outputs: [sum], limits: { maxElements: Infinity } })).not.toThrow();
    expect(() => g.setLimits({ maxElements: 0 })).toThrow(ChainruleError);
    expect(graphToJSON(g).nodes.length).toBe(2);
  });
});
