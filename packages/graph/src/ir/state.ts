import type { TypedArray } from '../core/dtype.js';
import { ArgumentError, ChainruleError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Everything a run reads besides its feeds, and the one path through which a run's effects land:
 * the values of the variables and the completed runs of each random node. Every executor (the
 * interpreter, the compiled executor, `@chainrule/onnx`) reads and commits through this interface,
 * so a test or a tool can hand an executor a state of its own (`compile({ state })`).
 *
 * @example
 * ```ts
 * const state: RunState = g.state;              // the graph's own store
 * state.variable('w').shape;                     // [2, 1]
 * const run = g.compile({ outputs: [loss], updates, state: otherState }); // same graph, other weights
 * ```
 */
export interface RunState {
  /**
   * The stored value of a variable: the state's own storage, which the caller reads and must not
   * change (assignments go through {@link RunState.commit}).
   *
   * @throws ChainruleError naming the variable when the state has none.
   */
  variable(name: string): Tensor;
  /** How many runs of the random node with this id have completed (0 when it never ran). */
  randomRuns(id: number): number;
  /**
   * Lands one run: stores every assignment `name ← data` and advances each random node drawn by
   * one run. Every value is computed before this is called, and none shares storage with the
   * state's own variables, so the order of the writes cannot matter (`a ← b, b ← a` swaps). The
   * arrays may be the executor's own buffers, reused by its next run: copy what you keep.
   *
   * @param assignments - new element data by variable name, of each variable's size and dtype.
   * @param drew - the random nodes the run drew from.
   */
  commit(assignments: ReadonlyMap<string, TypedArray>, drew: readonly { readonly id: number }[]): void;
}

/**
 * The graph's own {@link RunState}: a map of variable values and one of random-run counters.
 * A commit copies each assignment into the variable's existing storage, so a training loop
 * allocates nothing here. Since that copy is all a commit does, the compiled executor may skip it:
 * where nothing could tell the difference (no later step can fail, nothing reads the old value
 * afterwards, no two names share the storage), its loops write a new value straight into the
 * variable's storage and the commit lands the other assignments. A graph keeps its variables'
 * storage in the kernels' memory (see `Graph.variable`), where the kernels read it in place.
 *
 * @example
 * ```ts
 * const state = new VariableStore();
 * state.declare('w', tensor([1, 2]));
 * state.commit(new Map([['w', new Float64Array([3, 4])]]), []);
 * state.variable('w').toArray(); // [3, 4]
 * ```
 */
export class VariableStore implements RunState {
  private readonly values = new Map<string, Tensor>();
  private readonly runs = new Map<number, number>();

  /**
   * Stores a variable's value (the tensor itself: pass a copy the caller will not change).
   *
   * @param name - the variable's name.
   * @param value - its value from now on.
   */
  declare(name: string, value: Tensor): void {
    this.values.set(name, value);
  }

  /** {@inheritDoc RunState.variable} */
  variable(name: string): Tensor {
    const v = this.values.get(name);
    if (v === undefined) throw new ChainruleError(`no variable named '${name}'`);
    return v;
  }

  /** {@inheritDoc RunState.randomRuns} */
  randomRuns(id: number): number {
    return this.runs.get(id) ?? 0;
  }

  /**
   * Sets the completed runs of one random node (restoring a checkpoint or a saved random state).
   *
   * @param id - the random node's id.
   * @param runs - completed runs, a non-negative integer.
   */
  setRandomRuns(id: number, runs: number): void {
    this.runs.set(id, runs);
  }

  /** {@inheritDoc RunState.commit} */
  commit(assignments: ReadonlyMap<string, TypedArray>, drew: readonly { readonly id: number }[]): void {
    if (!(assignments instanceof Map)) throw new ArgumentError('commit', 'assignments', 'a Map of values by variable name', assignments);
    if (!Array.isArray(drew as unknown)) throw new ArgumentError('commit', 'drew', 'an array of random nodes', drew);
    for (const [name, data] of assignments) {
      if (!(data instanceof Float64Array) && !(data instanceof Float32Array)) throw new ArgumentError('commit', `assignments '${String(name)}'`, 'a Float64Array or Float32Array', data);
      const stored = this.variable(name).data;
      if (data.length !== stored.length) throw new ChainruleError(`commit: variable '${name}' holds ${stored.length} elements, the run assigned ${data.length}`);
    }
    for (const [name, data] of assignments) this.variable(name).data.set(data);
    for (const { id } of drew) this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
}
