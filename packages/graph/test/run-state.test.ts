import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, VariableStore, tensor, type RunState, type Tensor, type TypedArray } from '../src/index.js';

const EXECUTORS = ['interpreter', 'compiled'] as const;
const values = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

/** A run state of its own: variables in a map, every read and commit recorded. */
class RecordingState implements RunState {
  readonly reads: string[] = [];
  readonly commits: { assignments: Map<string, number[]>; drew: number[] }[] = [];
  constructor(
    private readonly store: Map<string, Tensor>,
    private readonly runs = new Map<number, number>(),
  ) {}
  variable(name: string): Tensor {
    this.reads.push(name);
    const v = this.store.get(name);
    if (v === undefined) throw new ChainruleError(`fake state: no '${name}'`);
    return v;
  }
  randomRuns(id: number): number {
    return this.runs.get(id) ?? 0;
  }
  commit(assignments: ReadonlyMap<string, TypedArray>, drew: readonly { readonly id: number }[]): void {
    this.commits.push({ assignments: new Map([...assignments].map(([k, v]) => [k, Array.from(v)])), drew: drew.map((n) => n.id) });
    for (const [name, data] of assignments) this.store.get(name)!.data.set(data);
    for (const { id } of drew) this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
}

describe('run state: variables and random counters live outside the graph', () => {
  it.each(EXECUTORS)('%s reads and commits through a state it is handed, leaving the graph’s own untouched', (executor) => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const w = g.variable('w', tensor([1, 2]));
    const y = x.mul(w).sum();
    const state = new RecordingState(new Map([['w', tensor([10, 20])]]));
    const step = g.compile({ outputs: [y], updates: [[w, w.mul(2)]], executor, state });
    expect(step({ x: tensor([1, 1]) })[0]!.item()).toBe(30); // read the fake's w, not the graph's
    expect(step({ x: tensor([1, 1]) })[0]!.item()).toBe(60); // the commit landed in the fake
    expect(state.commits.map((c) => c.assignments.get('w'))).toEqual([[20, 40], [40, 80]]);
    expect(state.reads.length).toBeGreaterThan(0);
    expect(values(g.getVariable('w'))).toEqual([1, 2]);
  });

  it.each(EXECUTORS)('%s draws random values at the state’s counters and reports the nodes it drew from', (executor) => {
    const g = new Graph();
    const noise = g.randomNormal([3], { seed: 7 });
    const reference = g.compile({ outputs: [noise], executor });
    const first = values(reference()[0]!);
    const second = values(reference()[0]!);
    const state = new RecordingState(new Map(), new Map([[noise.id, 1]])); // as if one run had happened
    const run = g.compile({ outputs: [noise], executor, state });
    expect(values(run()[0]!)).toEqual(second);
    expect(state.commits).toEqual([{ assignments: new Map(), drew: [noise.id] }]);
    expect(first).not.toEqual(second);
  });

  it.each(EXECUTORS)('%s commits nothing when a run fails', (executor) => {
    const g = new Graph();
    const w = g.variable('w', tensor([1]));
    const bad = g.constant([7]).oneHot(2); // index 7 ≥ depth 2 fails at run time
    const state = new RecordingState(new Map([['w', tensor([1])]]));
    const run = g.compile({ outputs: [bad], updates: [[w, w.add(1)]], executor, state });
    expect(() => run()).toThrow();
    expect(state.commits).toEqual([]);
  });

  it('the graph’s own store copies assignments into its storage, and refuses a wrong size', () => {
    const store = new VariableStore();
    const w = tensor([1, 2]);
    store.declare('w', w);
    store.commit(new Map([['w', new Float64Array([3, 4])]]), [{ id: 5 }]);
    expect(values(store.variable('w'))).toEqual([3, 4]);
    expect(store.variable('w')).toBe(w); // same storage: a training loop allocates nothing here
    expect(store.randomRuns(5)).toBe(1);
    expect(() => store.commit(new Map([['w', new Float64Array(3)]]), [])).toThrow(/'w' holds 2 elements, the run assigned 3/);
    expect(() => store.variable('v')).toThrow(/no variable named 'v'/);
  });

  it('getVariable, setVariable and the random state go through graph.state', () => {
    const g = new Graph();
    g.variable('w', tensor([1]));
    const noise = g.randomUniform([1], { seed: 1 });
    g.setVariable('w', tensor([5]));
    expect(values(g.state.variable('w'))).toEqual([5]);
    g.setRandomState({ [noise.id]: 3 });
    expect(g.state.randomRuns(noise.id)).toBe(3);
    g.run([noise]);
    expect(g.randomState()[noise.id]).toBe(4);
  });
});
