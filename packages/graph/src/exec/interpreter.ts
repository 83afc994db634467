import { ExecutionError, FeedError } from '../core/errors.js';
import type { Executable, ExecutableOptions, Feeds, GraphCore } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { getOp } from '../ops/registry.js';
import type { KernelContext, OpDef } from '../ops/op-def.js';
import { bindShape, formatShape, isConcrete, type Shape } from '../core/shape.js';
import { bindFeeds, describe, drawFor, executableOptions, feedMap, prepareRequest } from './request.js';
import { checkNodeCount, checkValues, mergeLimits } from '../ir/limits.js';
import { Tensor, copyTensor } from '../core/tensor.js';

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
 * @throws LimitError when the run is over the limits (`options.limits`, else the graph's): at
 *   once for concrete shapes, else at the run whose feeds make it so, before anything is computed.
 * @example
 * ```ts
 * const run = compileInterpreter(g, { outputs: [y] });
 * run({ x: tensor([1, 2]) });
 * ```
 */
export function compileInterpreter(graph: GraphCore, options: ExecutableOptions): Executable {
  executableOptions('compile', graph, options);
  const { outputs, updates, order, needed } = prepareRequest(graph, options.outputs, options.updates);
  const defs = order.map((n) => getOp(n.op) as OpDef<unknown>);
  const checkNumerics = options.checkNumerics ?? false;
  const state = options.state ?? graph.state;
  const limits = mergeLimits(options.limits, graph.limits, 'compile: limits');
  checkNodeCount(limits, order.length, 'compile: the run');
  // Every value is kept until the end of a run: with concrete shapes the limits are checked once, here.
  const concrete = order.every((n) => isConcrete(n.shape));
  const sized = limits.maxElements !== undefined || limits.maxBytes !== undefined;
  if (sized && concrete) checkValues(limits, order.map((n) => [n, n.shape as Shape] as const), describe);

  const run = (feeds: Feeds = {}): Tensor[] => {
    const fed = feedMap(feeds);
    const bindings = bindFeeds(graph, needed, fed);
    const shapes = order.map((node): Shape => {
      try {
        return isConcrete(node.shape) ? node.shape : bindShape(node.shape, bindings);
      } catch (e) {
        throw new FeedError(`${describe(node)} has shape ${formatShape(node.shape)}: ${(e as Error).message}; feed an input that has it`);
      }
    });
    if (sized && !concrete) checkValues(limits, order.map((n, k) => [n, shapes[k]!] as const), describe);
    const values = new Map<Node, Tensor>();
    const drew: Node[] = [];
    order.forEach((node, k) => {
      const ctx: KernelContext = {
        outShape: shapes[k]!,
        random: () => drawFor(node, drew, state),
        external: () => (defs[k]!.external === 'feed' ? fed.get(node.name!)! : state.variable(node.name!)),
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
    // Values may share storage with feeds, constants or variables (reshape, identity): the caller
    // gets copies taken before the commit, and the state is handed copies, so that no write of the
    // commit can change a value still to be read (`a ← b, b ← a` swaps).
    const results = outputs.map((n) => copyTensor(values.get(n)!));
    state.commit(new Map(updates.map(([t, v]) => [t.name!, values.get(v)!.data.slice()])), drew);
    return results;
  };
  return Object.assign(run, { schedule: order, inputs: needed });
}
