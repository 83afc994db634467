import { ExecutionError, FeedError } from './errors.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import { getOp } from './ops/registry.js';
import type { KernelContext, OpDef } from './ops/op-def.js';
import { bindShape, formatShape, isConcrete, type Shape } from './shape.js';
import { bindFeeds, describe, drawFor, feedMap, prepareRequest } from './execution.js';
import { Tensor, copyTensor } from './tensor.js';

/**
 * Values for a run's inputs, by input name.
 *
 * @example
 * ```ts
 * const feeds: Feeds = { x: tensor([[1, 2]]), y: tensor([[0]]) };
 * g.run([loss], feeds);
 * ```
 */
export type Feeds = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/**
 * Variable assignments `variable ← value`, applied together after every read of a run: pairs in an
 * array, a `Map`, or any iterable of pairs (such as what `minimize` in `@chainrule/optim` returns).
 *
 * @example
 * ```ts
 * const updates: Updates = [[w, w.sub(dw.mul(0.1))]]; // w ← w − 0.1·∂f/∂w
 * g.run([loss], feeds, { updates });
 * ```
 */
export type Updates = Iterable<readonly [Node, Node]>;

/**
 * Options of a single run.
 *
 * @example
 * ```ts
 * g.run([loss], { x: X, y: Y }, { updates: minimize(loss, [w], sgd()), checkNumerics: true });
 * ```
 */
export interface RunOptions {
  /** Assignments `variable ← value`; all values are computed first, then all are stored at once. */
  readonly updates?: Updates | undefined;
  /** Stop at the first node that produces NaN or ±Infinity and name it. */
  readonly checkNumerics?: boolean | undefined;
}

/**
 * What to prepare for repeated runs.
 *
 * @example
 * ```ts
 * const train = g.compile({ outputs: [loss], updates: minimize(loss, [w], sgd()), executor: 'compiled' });
 * ```
 */
export interface ExecutableOptions extends RunOptions {
  /** Nodes whose values each run returns. */
  readonly outputs: readonly Node[];
  /**
   * `'interpreter'` (default): the readable reference, one kernel call per node. `'compiled'`:
   * specialised per feed shape, with fused elementwise loops and planned buffers.
   */
  readonly executor?: 'interpreter' | 'compiled';
}

/**
 * A prepared run: call it with feeds to get the outputs' values.
 *
 * @example
 * ```ts
 * const run: Executable = g.compile({ outputs: [y] });
 * run.inputs.map((n) => n.name); // ['x']
 * const [value] = run({ x: tensor([1, 2]) });
 * ```
 */
export interface Executable {
  /** Runs once: reads feeds and variables, computes, then commits every assignment together. */
  (feeds?: Feeds): Tensor[];
  /** The nodes each run computes, operands first (the graph pruned to what is needed). */
  readonly schedule: readonly Node[];
  /** The inputs each run needs a feed for. */
  readonly inputs: readonly Node[];
}

/**
 * Prepares the reference interpreter for repeated runs of one request. Each run: check feeds, bind
 * symbolic dimensions, evaluate the pruned schedule node by node with the reference kernels, then
 * commit all assignments and advance the random streams together — so every read in a run sees the
 * values from before it (`a ← b, b ← a` swaps).
 *
 * @param graph - the graph.
 * @param options - outputs, updates and checking mode.
 * @returns the prepared run.
 * @throws ChainruleError when an output or update is not a node of `graph` (see {@link Graph.compile}).
 * @example
 * ```ts
 * const run = compileInterpreter(g, { outputs: [y] });
 * run({ x: tensor([1, 2]) });
 * ```
 */
export function compileInterpreter(graph: Graph, options: ExecutableOptions): Executable {
  const { outputs, updates, order, needed } = prepareRequest(graph, options.outputs, options.updates);
  const defs = order.map((n) => getOp(n.op) as OpDef<unknown>);
  const checkNumerics = options.checkNumerics ?? false;

  const run = (feeds: Feeds = {}): Tensor[] => {
    const fed = feedMap(feeds);
    const bindings = bindFeeds(graph, needed, fed);
    const values = new Map<Node, Tensor>();
    const drew: Node[] = [];
    order.forEach((node, k) => {
      let outShape: Shape;
      try {
        outShape = isConcrete(node.shape) ? node.shape : bindShape(node.shape, bindings);
      } catch (e) {
        throw new FeedError(`${describe(node)} has shape ${formatShape(node.shape)}: ${(e as Error).message}; feed an input that has it`);
      }
      const ctx: KernelContext = {
        outShape,
        random: () => drawFor(node, drew),
        external: () => (node.op === 'input' ? fed.get(node.name!)! : graph.variableValue(node.name!)),
      };
      let out: Tensor;
      try {
        out = defs[k]!.kernel(
          node.inputs.map((m) => values.get(m)!),
          node.attrs,
          ctx,
        );
      } catch (e) {
        throw new ExecutionError(`${describe(node)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (checkNumerics) {
        const bad = out.data.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          throw new ExecutionError(`checkNumerics: ${describe(node)} produced ${out.data[bad]} at flat index ${bad} of ${formatShape(out.shape)}`);
        }
      }
      values.set(node, out);
    });
    // Values may share storage with feeds, constants or variables (reshape, identity): the store
    // and the caller each get their own copy, so nothing the caller does can reach the graph.
    graph.commitRun(new Map(updates.map(([t, v]) => [t.name!, copyTensor(values.get(v)!)])), drew);
    return outputs.map((n) => copyTensor(values.get(n)!));
  };
  return Object.assign(run, { schedule: order, inputs: needed });
}
