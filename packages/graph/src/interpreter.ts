import { ChainruleError, ExecutionError, FeedError, ShapeError } from './errors.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import { getOp } from './ops/registry.js';
import type { KernelContext, OpDef } from './ops/op-def.js';
import { randomStream } from './random.js';
import { bindShape, formatShape, isConcrete, type Shape } from './shape.js';
import { schedule } from './structure.js';
import { Tensor, copyTensor } from './tensor.js';

/** Values for a run's inputs, by input name. */
export type Feeds = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/**
 * Variable assignments `variable ← value`, applied together after every read of a run: pairs in an
 * array, a `Map`, or any iterable of pairs (such as what `minimize` in `@chainrule/optim` returns).
 */
export type Updates = Iterable<readonly [Node, Node]>;

/** Options of a single run. */
export interface RunOptions {
  /** Assignments `variable ← value`; all values are computed first, then all are stored at once. */
  readonly updates?: Updates | undefined;
  /** Stop at the first node that produces NaN or ±Infinity and name it. */
  readonly checkNumerics?: boolean | undefined;
}

/** What to prepare for repeated runs. */
export interface ExecutableOptions extends RunOptions {
  /** Nodes whose values each run returns. */
  readonly outputs: readonly Node[];
}

/** A prepared run: call it with feeds to get the outputs' values. */
export interface Executable {
  /** Runs once: reads feeds and variables, computes, then commits every assignment together. */
  (feeds?: Feeds): Tensor[];
  /** The nodes each run computes, operands first (the graph pruned to what is needed). */
  readonly schedule: readonly Node[];
  /** The inputs each run needs a feed for. */
  readonly inputs: readonly Node[];
}

function describe(node: Node): string {
  const origin = node.origin ? ` (made by rule ${node.origin.rule} for ${node.graph.node(node.origin.node)})` : '';
  return `${node}${origin}`;
}

/** Checks the updates once: each target a variable of this graph, each value of its exact type. */
function checkUpdates(graph: Graph, updates: Updates | undefined): [Node, Node][] {
  const pairs = updates === undefined ? [] : [...updates];
  const seen = new Set<Node>();
  return pairs.map(([target, value]) => {
    if (target?.graph !== graph || value?.graph !== graph) throw new ChainruleError('updates: every target and value must be a node of this graph');
    if (target.op !== 'variable') throw new ChainruleError(`updates: ${target} is not a variable; only variables can be assigned`);
    if (seen.has(target)) throw new ChainruleError(`updates: ${target} is assigned twice in one run`);
    seen.add(target);
    if (value.dtype !== target.dtype || formatShape(value.shape) !== formatShape(target.shape)) {
      throw new ShapeError(
        `updates: ${target} is ${target.dtype} ${formatShape(target.shape)} but the value ${value} is ${value.dtype} ${formatShape(value.shape)}`,
      );
    }
    return [target, value];
  });
}

function feedMap(feeds: Feeds): Map<string, Tensor> {
  if (feeds instanceof Map) return new Map(feeds);
  if (typeof feeds !== 'object' || feeds === null) throw new FeedError('feeds must be an object mapping input names to tensors');
  return new Map(Object.entries(feeds));
}

/** Checks every feed against its input and binds symbolic dimensions from the fed shapes. */
function bindFeeds(graph: Graph, needed: readonly Node[], feeds: Map<string, Tensor>): Map<string, number> {
  for (const name of feeds.keys()) {
    if (graph.byName(name)?.op !== 'input') {
      const known = graph.inputs.map((n) => `'${n.name}'`).join(', ') || 'none';
      throw new FeedError(`feed '${name}' matches no input of the graph (inputs: ${known})`);
    }
  }
  const bindings = new Map<string, number>();
  const boundBy = new Map<string, string>();
  for (const input of needed) {
    const name = input.name!;
    const value = feeds.get(name);
    if (value === undefined) throw new FeedError(`missing feed for input '${name}' (${input.dtype} ${formatShape(input.shape)})`);
    if (!(value instanceof Tensor)) throw new FeedError(`feed for input '${name}' must be a Tensor, got ${typeof value}`);
    if (value.dtype !== input.dtype) throw new FeedError(`feed for input '${name}' has dtype ${value.dtype}, expected ${input.dtype}`);
    const mismatch = (): never => {
      throw new FeedError(`feed for input '${name}' has shape ${formatShape(value.shape)}, expected ${formatShape(input.shape)}`);
    };
    if (value.rank !== input.rank) mismatch();
    input.shape.forEach((d, i) => {
      const got = value.shape[i]!;
      if (typeof d === 'number') {
        if (d !== got) mismatch();
      } else if (!bindings.has(d)) {
        bindings.set(d, got);
        boundBy.set(d, name);
      } else if (bindings.get(d) !== got) {
        throw new FeedError(
          `feed for input '${name}' has shape ${formatShape(value.shape)}: dimension '${d}' is ${got} here but ${bindings.get(d)} in the feed for '${boundBy.get(d)}'`,
        );
      }
    });
  }
  return bindings;
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
 * @example
 * ```ts
 * const run = compileInterpreter(g, { outputs: [y] });
 * run({ x: tensor([1, 2]) });
 * ```
 */
export function compileInterpreter(graph: Graph, options: ExecutableOptions): Executable {
  const outputs = [...options.outputs];
  outputs.forEach((n, i) => {
    if (n?.graph !== graph) throw new ChainruleError(`outputs[${i}] is not a node of this graph`);
  });
  const updates = checkUpdates(graph, options.updates);
  const order = schedule([...outputs, ...updates.map(([, v]) => v)]);
  const defs = order.map((n) => getOp(n.op) as OpDef<unknown>);
  const needed = order.filter((n) => n.op === 'input');
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
        random: () => {
          drew.push(node);
          return randomStream(node.attrs['seed'] as number, graph.randomRunsOf(node));
        },
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
        if (e instanceof ChainruleError) throw new ExecutionError(`${describe(node)}: ${e.message}`);
        throw new ExecutionError(`${describe(node)}: ${(e as Error).message ?? String(e)}`);
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
