/**
 * Updates written in place: where it cannot be told apart from the commit, the compiled executor's
 * loop writes an update's new value straight into the variable's storage, and the commit copies
 * only the rest. Each case compares a twin graph run by the interpreter, bit for bit, and checks
 * which variables the commit still received.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChainruleError, ExecutionError, Graph, kernelOptions, setKernelOptions, Tensor, type Node } from '../src/index.js';
import { setVectoriseAll } from '../src/kernels/wasm/elementwise.js';

const initial = kernelOptions();
afterEach(() => {
  setKernelOptions({ backend: 'auto', threads: initial.threads });
  setVectoriseAll(false);
});

const N = 4096;

function ramp(scale: number, size = N): Tensor {
  return new Tensor(new Float32Array(size).map((_, i) => scale * Math.sin(i + scale)), [size]);
}

type Build = (g: Graph) => { outputs: Node[]; updates: [Node, Node][] };

/**
 * Runs `build` twice on the compiled executor and on the interpreter (twin graphs), comparing
 * outputs and every variable bit for bit; returns the names the compiled run's commit received.
 */
function agree(build: Build, names: readonly string[]): string[] {
  const make = (executor: 'compiled' | 'interpreter') => {
    const g = new Graph();
    for (const [k, name] of names.entries()) g.variable(name, ramp(k + 1));
    const { outputs, updates } = build(g);
    return { g, run: g.compile({ outputs, updates, executor }) };
  };
  const compiled = make('compiled');
  const reference = make('interpreter');
  const commit = vi.spyOn(compiled.g.state, 'commit');
  for (let step = 0; step < 2; step++) {
    const got = compiled.run();
    const want = reference.run();
    got.forEach((t, i) => expect(Array.from(t.data), `step ${step}, output ${i}`).toEqual(Array.from(want[i]!.data)));
    for (const name of names) {
      expect(Array.from(compiled.g.state.variable(name).data), `step ${step}, ${name}`).toEqual(Array.from(reference.g.state.variable(name).data));
    }
  }
  return [...commit.mock.calls[1]![0].keys()].sort();
}

const v = (g: Graph, name: string): Node => g.nodes.find((n) => n.op === 'variable' && n.name === name)!;

describe('updates written in place by the compiled executor', () => {
  for (const vectorised of [false, true]) {
    const how = vectorised ? 'WebAssembly loops' : 'JavaScript loops';
    it(`writes an Adam-like step's weight and moments in place, and the commit copies none of them (${how})`, () => {
      setVectoriseAll(vectorised);
      const committed = agree((g) => {
        const [w, m] = [v(g, 'w'), v(g, 'm')];
        const grad = w.mul(w);
        const mNext = m.mul(0.9).add(grad.mul(0.1));
        return { outputs: [], updates: [[m, mNext], [w, w.sub(mNext.mul(0.01))]] };
      }, ['w', 'm']);
      expect(committed).toEqual([]);
    });

    it(`leaves the commit a variable whose old value is still read: by a later step, an output, another update, a later member of the same loop (${how})`, () => {
      setVectoriseAll(vectorised);
      // a's old value is read by b's loop, which the schedule puts after a's
      expect(agree((g) => {
        const [a, b] = [v(g, 'a'), v(g, 'b')];
        return { outputs: [], updates: [[a, a.mul(2)], [b, b.add(a.mul(3))]] };
      }, ['a', 'b'])).toEqual(['a']);
      // a's old value is an output
      expect(agree((g) => ({ outputs: [v(g, 'a')], updates: [[v(g, 'a'), v(g, 'a').mul(2)]] }), ['a'])).toEqual(['a']);
      // a's old value is b's new value
      expect(agree((g) => ({ outputs: [], updates: [[v(g, 'a'), v(g, 'a').mul(2)], [v(g, 'b'), v(g, 'a')]] }), ['a', 'b'])).toEqual(['a', 'b']);
      // m's new value is carried into w's loop, which reads the old m again after computing it
      expect(agree((g) => {
        const [w, m] = [v(g, 'w'), v(g, 'm')];
        const mNext = m.mul(0.9).add(w);
        return { outputs: [], updates: [[m, mNext], [w, w.sub(mNext.mul(m))]] };
      }, ['w', 'm'])).toEqual(['m']);
    });
  }

  it('writes nothing when a kernel after the loop fails: the run leaves every variable as it was', () => {
    const g = new Graph();
    const a = g.variable('a', ramp(1));
    const c = g.variable('c', new Tensor(new Float64Array(2), [1, 2]));
    const i = g.input('i', [1]);
    const run = g.compile({ outputs: [], updates: [[a, a.mul(2)], [c, i.oneHot(2)]], executor: 'compiled' });
    const before = Array.from(g.state.variable('a').data);
    expect(() => run({ i: new Tensor(new Float64Array([5]), [1]) })).toThrow(ExecutionError);
    expect(Array.from(g.state.variable('a').data)).toEqual(before);
    run({ i: new Tensor(new Float64Array([1]), [1]) });
    expect(Array.from(g.state.variable('a').data)).toEqual(before.map((x) => Math.fround(2 * x)));
    expect(Array.from(g.state.variable('c').data)).toEqual([0, 1]);
  });

  it('commits as usual when the storage written in place is also another variable’s or a feed', () => {
    for (const executor of ['compiled', 'interpreter'] as const) {
      // one tensor under two names: a ← 2a, b ← 3b land as two copies, the last one winning
      const g = new Graph();
      const a = g.variable('a', ramp(1));
      const b = g.variable('b', ramp(2));
      g.state.declare('b', g.state.variable('a'));
      const commit = vi.spyOn(g.state, 'commit');
      g.compile({ outputs: [], updates: [[a, a.mul(2)], [b, b.mul(3)]], executor })();
      expect(Array.from(g.state.variable('a').data), executor).toEqual(Array.from(ramp(1).data).map((x) => Math.fround(3 * x)));
      expect([...commit.mock.calls[0]![0].keys()].sort()).toEqual(['a', 'b']);
      // a feed that is a's own storage, read after a's loop
      const h = new Graph();
      const c = h.variable('c', ramp(1));
      const d = h.variable('d', ramp(2));
      const x = h.input('x', [N], 'float32');
      h.compile({ outputs: [], updates: [[c, c.mul(2)], [d, x.mul(3)]], executor })({ x: h.state.variable('c') });
      expect(Array.from(h.state.variable('d').data), executor).toEqual(Array.from(ramp(1).data).map((v) => Math.fround(3 * v)));
    }
  });

  it('commits as usual when the storage is part of a heap block, where the evaluator’s whole vectors would overrun it', () => {
    setVectoriseAll(true);
    const g = new Graph();
    g.variable('w', ramp(1));
    const a = g.variable('a', ramp(2, 5));
    const w = g.state.variable('w').data;
    g.state.declare('a', new Tensor(w.subarray(1, 6), [5])); // elements 1..5 of w's storage
    const before = Array.from(w);
    g.compile({ outputs: [], updates: [[a, a.mul(2)]], executor: 'compiled' })();
    expect(Array.from(w)).toEqual(before.map((x, i) => (i >= 1 && i <= 5 ? Math.fround(2 * x) : x)));
  });

  it('follows setVariable to the new storage, and refuses storage of another size with nothing written', () => {
    const g = new Graph();
    const a = g.variable('a', ramp(1));
    const b = g.variable('b', ramp(2));
    const run = g.compile({ outputs: [], updates: [[a, a.mul(2)], [b, b.mul(3)]], executor: 'compiled' });
    run();
    g.setVariable('a', ramp(5));
    const storage = g.state.variable('a').data;
    run();
    expect(g.state.variable('a').data).toBe(storage);
    expect(Array.from(storage)).toEqual(Array.from(ramp(5).data).map((x) => Math.fround(2 * x)));
    g.state.declare('b', ramp(2, 8)); // the store itself takes any tensor; the run must refuse it as the commit did
    const a0 = Array.from(g.state.variable('a').data);
    expect(() => run()).toThrow(ChainruleError);
    expect(() => run()).toThrow(/'b' holds 8 elements, the run assigned 4096/);
    expect(Array.from(g.state.variable('a').data)).toEqual(a0);
  });
});
