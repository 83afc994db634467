import { describe, expect, it } from 'vitest';
import { ExecutionError, FeedError, Graph, OPS, PRIMITIVES, graphFromJSON, graphToJSON, tensor, type Node } from '@chainrule/graph';

const values = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('the compiling executor', () => {
  it('can fuse every elementwise primitive: each has an expression template', () => {
    const missing = PRIMITIVES.filter((p) => OPS[p].kind === 'elementwise' && (OPS[p] as { fuse?: unknown }).fuse === undefined);
    expect(missing).toEqual([]);
  });

  it('gives the interpreter\'s bits on long scalar chains whose values are read again many steps later, across generated functions (float32 and float64)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const g = new Graph();
      const x = g.input('x', [], dtype);
      const y = g.input('y', [], dtype);
      const nodes: Node[] = [x, y];
      let seed = 7;
      const next = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      // 700 fused scalar steps (more than one generated function holds), each reading the last value
      // and one from anywhere earlier, so that stored values are read both soon and far later
      for (let i = 0; i < 700; i++) {
        const a = nodes[nodes.length - 1]!;
        const b = nodes[next(nodes.length)]!;
        const op = next(4);
        nodes.push(op === 0 ? a.add(b).mul(0.5) : op === 1 ? a.mul(b).sin() : op === 2 ? a.sub(b).tanh() : a.add(b.mul(1.1)).cos());
      }
      const outputs = [nodes[nodes.length - 1]!, nodes[300]!, nodes[5]!];
      const feeds = { x: tensor([0.3], [], dtype), y: tensor([-1.7], [], dtype) };
      const want = g.compile({ outputs, executor: 'interpreter' })(feeds);
      const got = g.compile({ outputs, executor: 'compiled' })(feeds);
      expect(got.map(values), dtype).toEqual(want.map(values));
    }
  });

  it('stores a one-element value wherever its buffer is read: by a kernel through a view, a wider loop, an output, an update', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const g = new Graph();
      const x = g.input('x', [], dtype);
      const y = g.input('y', [], dtype);
      const c = g.variable('c', tensor([0.25], [], dtype));
      // one fused scalar per kind of reader, each also read by a fused scalar step (which reads the local)
      const scalar = (k: number): Node => x.mul(y).add(x.mul(k).sin());
      const [s1, s2, s3, s4] = [scalar(1), scalar(2), scalar(3), scalar(4)];
      const viaKernel = s1.reshape([1, 1]).matmul(g.constant(tensor([2, 3], [1, 2], dtype), dtype)).sum();
      const viaLoop = s2.broadcastTo([5]).mul(g.constant(tensor([1, 2, 3, 4, 5], [5], dtype), dtype)).sum();
      const others = s1.mul(s2).add(s3.mul(s4)).sub(y);
      const outputs = [others.add(viaKernel).add(viaLoop), s4];
      const run = (executor: 'interpreter' | 'compiled'): number[][] => {
        g.setVariable('c', tensor([0.25], [], dtype));
        const step = g.compile({ outputs, updates: [[c, s3]], executor });
        const feeds = { x: tensor([0.7], [], dtype), y: tensor([-1.3], [], dtype) };
        const first = step(feeds).map(values);
        return [...first, ...step(feeds).map(values), values(g.getVariable('c'))];
      };
      expect(run('compiled'), dtype).toEqual(run('interpreter'));
    }
  });

  it('applies a ← b, b ← a as a swap, like the interpreter', () => {
    const g = new Graph();
    const a = g.variable('a', tensor([1, 2]));
    const b = g.variable('b', tensor([3, 4]));
    const swap = g.compile({ outputs: [a], updates: [[a, b], [b, a]], executor: 'compiled' });
    expect(values(swap()[0]!)).toEqual([1, 2]);
    expect(values(g.getVariable('a'))).toEqual([3, 4]);
    expect(values(g.getVariable('b'))).toEqual([1, 2]);
    swap();
    expect(values(g.getVariable('a'))).toEqual([1, 2]);
  });

  it('assigns values that are views of other buffers: a reshape of a computed value, of a variable, of a feed', () => {
    const g = new Graph();
    const x = g.input('x', [2, 2]);
    const m = g.variable('m', tensor([[1, 2], [3, 4]]));
    const flat = g.variable('flat', tensor([0, 0, 0, 0]));
    const copy = g.variable('copy', tensor([0, 0, 0, 0]));
    const fed = g.variable('fed', tensor([0, 0, 0, 0]));
    const updates: [Node, Node][] = [[flat, m.mul(2).reshape([4])], [copy, m.reshape([4])], [fed, x.reshape([4])], [m, m.add(1)]];
    for (const executor of ['interpreter', 'compiled'] as const) {
      g.setVariable('m', tensor([[1, 2], [3, 4]]));
      const step = g.compile({ outputs: [], updates, executor });
      step({ x: tensor([[5, 6], [7, 8]]) });
      expect(values(g.getVariable('flat')), executor).toEqual([2, 4, 6, 8]);
      expect(values(g.getVariable('copy')), executor).toEqual([1, 2, 3, 4]); // m before its own update
      expect(values(g.getVariable('fed')), executor).toEqual([5, 6, 7, 8]);
      step({ x: tensor([[9, 9], [9, 9]]) });
      expect(values(g.getVariable('flat')), executor).toEqual([4, 6, 8, 10]);
      expect(values(g.getVariable('fed')), executor).toEqual([9, 9, 9, 9]);
    }
  });

  it('keeps variables between runs and sees setVariable', () => {
    const g = new Graph();
    const c = g.variable('c', tensor(0));
    const step = g.compile({ outputs: [c], updates: [[c, c.add(1)]], executor: 'compiled' });
    expect([step(), step(), step()].map((t) => t[0]!.item())).toEqual([0, 1, 2]);
    g.setVariable('c', tensor(10));
    expect(step()[0]!.item()).toBe(10);
  });

  it('specialises per feed shape and caches each specialisation', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const y = x.mul(2).sum(1).mean();
    const run = g.compile({ outputs: [y], executor: 'compiled' });
    expect(run({ x: tensor([[1, 2]]) })[0]!.item()).toBe(6);
    expect(run({ x: tensor([[1, 2], [3, 4], [0, 0]]) })[0]!.item()).toBe((6 + 14) / 3);
    expect(run({ x: tensor([[1, 1]]) })[0]!.item()).toBe(4);
    expect(() => run({ x: tensor([1, 2]) })).toThrow(FeedError);
    // after a run, feeds of the same shapes take a fast path that must still refuse bad feeds
    expect(() => run({ x: tensor([[1, 1]]), extra: tensor(1) })).toThrow(/feed 'extra' matches no input/);
    expect(() => run({ x: tensor([[1, 1]], undefined, 'float32') })).toThrow(/dtype float32/);
    expect(() => run(new Map([['x', tensor([[1, 1]])], ['y', tensor(0)]]))).toThrow(FeedError);
    expect(run(new Map([['x', tensor([[2, 2]])]]))[0]!.item()).toBe(8);
  });

  it('draws random values that advance per run exactly as the interpreter does', () => {
    const draws = (executor: 'interpreter' | 'compiled'): number[][] => {
      const g = new Graph();
      const r = g.randomNormal([3], { seed: 4 });
      const run = g.compile({ outputs: [r.mul(2)], executor });
      return [run(), run()].map((t) => values(t[0]!));
    };
    expect(draws('compiled')).toEqual(draws('interpreter'));
  });

  it('returns fresh outputs that the caller may change without reaching the graph', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const run = g.compile({ outputs: [w.reshape([2, 1]), w.mul(1)], executor: 'compiled' });
    const [a, b] = run();
    a!.data[0] = 99;
    b!.data[1] = 99;
    expect(values(g.getVariable('w'))).toEqual([1, 2]);
    expect(values(run()[0]!)).toEqual([1, 2]);
  });

  it('names the node when a kernel fails', () => {
    const g = new Graph();
    const i = g.input('i', [1]);
    const run = g.compile({ outputs: [i.oneHot(2)], executor: 'compiled' });
    expect(() => run({ i: tensor([5]) })).toThrow(ExecutionError);
    expect(() => run({ i: tensor([5]) })).toThrow(/#\d+ oneHot/);
  });

  it('never executes text from a graph: hostile names and attributes stay data', () => {
    const hostile = ['constructor', '__proto__', "x'); globalThis.pwned = 1; ('", '${globalThis.pwned=1}', 'a\nglobalThis.pwned=1'];
    const g = new Graph();
    const x = g.input('x', [2]);
    const y = g.withOrigin({ node: x.id, rule: "'); globalThis.pwned = 1; ('" }, () => x.mul(3).add(1).exp().log());
    const json = graphToJSON(g) as unknown as { nodes: { attrs: Record<string, unknown> }[] };
    for (const name of hostile) {
      const doc = structuredClone(json);
      doc.nodes[0]!.attrs['name'] = name;
      let loaded: Graph | undefined;
      try {
        loaded = graphFromJSON(doc);
      } catch {
        continue; // refused at load: nothing ran
      }
      const input = loaded.nodes[0]!;
      const out = loaded.node(y.id) as Node;
      const [v] = loaded.compile({ outputs: [out], executor: 'compiled' })({ [input.name!]: tensor([1, 2]) });
      expect(values(v!)).toEqual([4, 7].map((t) => Math.log(Math.exp(t))));
    }
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});
