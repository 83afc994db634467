import type ort from 'onnxruntime-node';
import {
  ArgumentError,
  ExecutionError,
  Tensor,
  bindFeeds,
  bindShape,
  describeNode,
  drawFor,
  expectArray,
  expectNumber,
  expectString,
  feedMap,
  getOp,
  type Feeds,
  type Graph,
  type KernelContext,
  type Node,
  type RunState,
} from '@chainrule/graph';
import type { External } from './builder.js';
import { exportModel, onnxOutputName, onnxUpdateName, type ToOnnxOptions } from './export.js';
import { onnxRuntime, type OnnxRuntime } from './runtime.js';

/**
 * An ONNX Runtime execution provider: its name (`'cpu'`, `'cuda'`, …) or its name with options, as
 * onnxruntime-node's `InferenceSession` takes them.
 *
 * @example
 * ```ts
 * const providers: OnnxExecutionProvider[] = [{ name: 'cuda', deviceId: 0 }, 'cpu'];
 * ```
 */
export type OnnxExecutionProvider = string | { readonly name: string; readonly [option: string]: unknown };

/**
 * How to run a request on ONNX Runtime.
 *
 * @example
 * ```ts
 * const options: OnnxExecutableOptions = { outputs: [loss], updates: step, intraOpNumThreads: 2 };
 * ```
 */
export interface OnnxExecutableOptions extends ToOnnxOptions {
  /** Threads ONNX Runtime uses inside one op (its `intraOpNumThreads`); default: its own choice (the cores). */
  readonly intraOpNumThreads?: number | undefined;
  /**
   * ONNX Runtime execution providers in order of preference (default `['cpu']`). `'cuda'` needs
   * onnxruntime-node's CUDA binaries (see the guide "When one process is not enough").
   */
  readonly executionProviders?: readonly OnnxExecutionProvider[] | undefined;
  /**
   * ONNX Runtime's graph optimisations (default `'basic'`: constant folding and removal of redundant
   * nodes, which change no value). `'extended'` and `'all'` add fusions, some of which fold a
   * constant factor into a 32-bit float attribute of a fused op (a scaled matrix product), so that
   * float64 results lose precision (seen as 1e-8 relative errors in an SGD-with-momentum step); on
   * the MLP of `pnpm bench` they were not faster.
   */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all' | undefined;
  /** Where runs read variables and random counters and commit their effects (the graph's own `state` by default). */
  readonly state?: RunState | undefined;
}

/**
 * A request prepared on ONNX Runtime: call it with feeds to get a promise of the outputs' values.
 * Runs are queued, so each sees the variables as the previous one left them.
 *
 * @example
 * ```ts
 * const train = await compileOnnx(g, { outputs: [loss], updates: step });
 * const [value] = await train({ x: X, y: Y });
 * await train.release();
 * ```
 */
export interface OnnxExecutable {
  /** Runs once: reads feeds and variables, runs the model, then commits every assignment together. */
  (feeds?: Feeds): Promise<Tensor[]>;
  /** The nodes the model computes, operands first (the graph pruned to what is needed). */
  readonly schedule: readonly Node[];
  /** The inputs each run needs a feed for. */
  readonly inputs: readonly Node[];
  /** The exported model that the session runs. */
  readonly model: Uint8Array;
  /**
   * Frees ONNX Runtime's session; the executable cannot run afterwards.
   *
   * @returns a promise that settles when the session is released.
   */
  release(): Promise<void>;
}

/** A random node's draw for this run, from its own seeded stream (exactly the interpreter's values). */
function draw(node: Node, bindings: ReadonlyMap<string, number>, drew: Node[], state: RunState): Tensor {
  const ctx: KernelContext = {
    outShape: bindShape(node.shape, bindings),
    random: () => drawFor(node, drew, state),
    external: () => {
      throw new ExecutionError(`${node} is not an input or variable`);
    },
  };
  return getOp(node.op)!.kernel([], node.attrs, ctx);
}

/**
 * A chainrule tensor as ONNX Runtime's. Its Node binding refuses arrays over shared memory, where a
 * graph keeps its variables (the WebAssembly kernels' memory): those are copied.
 */
const asOrt = (runtime: OnnxRuntime, t: Tensor): ort.Tensor =>
  new runtime.Tensor(t.dtype, t.data.buffer instanceof SharedArrayBuffer ? t.data.slice() : t.data, t.shape);
const fromOrt = (t: ort.Tensor): Tensor => new Tensor((t.data as Float64Array | Float32Array).slice(), t.dims);

/**
 * Prepares a request to run on ONNX Runtime (`onnxruntime-node`): exports it with {@link toONNX} and
 * opens an inference session. Runs have the meaning of `graph.compile`'s executables — feeds are
 * checked by name, shape and dtype; variables are read from the run state (the graph's own unless `state` is given) and every assignment
 * is committed together after the run; random ops draw from their seeded streams and advance them —
 * so the same graph, feeds and updates give the same results as the interpreter (to rounding: ONNX
 * Runtime's kernels sum in their own order).
 *
 * It is asynchronous because ONNX Runtime's runs are: `graph.compile` returns a synchronous
 * executable and cannot wrap it, so this executor lives here rather than behind `executor:`. Runs of
 * one executable are queued; ONNX Runtime reads the variables' storage when the run actually starts,
 * so do not run another executable that assigns the same variables while a run is pending.
 *
 * @param graph - the graph.
 * @param options - outputs, updates, and ONNX Runtime's thread count, execution providers and graph
 * optimisation level.
 * @returns a promise of the prepared run.
 * @throws OnnxExportError (as a rejection) when the request cannot be exported; ChainruleError for an
 * output or update that is not a node of `graph`. A run rejects with FeedError for feeds that do
 * not fit (naming the input) and ExecutionError when ONNX Runtime fails.
 * @example
 * ```ts
 * const step = minimize(loss, params, adam({ lr: 1e-3 }));
 * const train = await compileOnnx(g, { outputs: [loss], updates: step, intraOpNumThreads: 2 });
 * for (const batch of batches) await train({ x: batch.x, y: batch.y });
 * await train.release();
 * ```
 */
export async function compileOnnx(graph: Graph, options: OnnxExecutableOptions): Promise<OnnxExecutable> {
  const { bytes, request, externals } = exportModel(graph, options, 'compileOnnx');
  checkSessionOptions(options);
  const runtime = await onnxRuntime();
  const session = await runtime.InferenceSession.create(bytes, {
    executionProviders: (options.executionProviders ?? ['cpu']) as ort.InferenceSession.ExecutionProviderConfig[],
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'basic',
    logSeverityLevel: 4, // fatal only: a failed run is reported once, by the ExecutionError it rejects with
  });
  const { outputs, updates, needed } = request;
  const state = options.state ?? graph.state;

  const once = async (feeds: Feeds): Promise<Tensor[]> => {
    const fed = feedMap(feeds);
    const bindings = bindFeeds(graph, needed, fed);
    const drew: Node[] = [];
    const value = ({ node, kind }: External): Tensor =>
      kind === 'feed' ? fed.get(node.name!)! : kind === 'variable' ? state.variable(node.name!) : draw(node, bindings, drew, state);
    const ortFeeds = Object.fromEntries(externals.map((e) => [e.name, asOrt(runtime, value(e))]));
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(ortFeeds);
    } catch (e) {
      // ONNX node names are `#n<node id>.<k>`: name the chainrule node the failing ONNX node belongs to.
      const message = e instanceof Error ? e.message : String(e);
      const id = /Name:'#n(\d+)\./.exec(message)?.[1];
      const where = id === undefined ? '' : ` in ${describeNode(graph.node(Number(id)))}`;
      throw new ExecutionError(`ONNX Runtime failed${where}: ${message}`, { cause: e });
    }
    const read = (name: string): Tensor => fromOrt(results[name] as ort.Tensor);
    const values = outputs.map((_, i) => read(onnxOutputName(i)));
    state.commit(new Map(updates.map(([target]) => [target.name!, read(onnxUpdateName(target.name!)).data])), drew);
    return values;
  };

  let queue: Promise<unknown> = Promise.resolve();
  const run = (feeds: Feeds = {}): Promise<Tensor[]> => {
    const result = queue.then(() => once(feeds));
    queue = result.catch(() => undefined); // a failed run does not stop the ones after it
    return result;
  };
  return Object.assign(run, {
    schedule: request.order,
    inputs: needed,
    model: bytes,
    release: () => session.release(),
  });
}

/** Checks the options compileOnnx passes on to ONNX Runtime, for JavaScript callers. */
function checkSessionOptions(options: OnnxExecutableOptions): void {
  const fn = 'compileOnnx';
  const { intraOpNumThreads, executionProviders, graphOptimizationLevel, state } = options;
  if (intraOpNumThreads !== undefined) expectNumber(fn, 'options.intraOpNumThreads', intraOpNumThreads, { kind: 'integer', min: 0 });
  if (executionProviders !== undefined) expectArray(fn, 'options.executionProviders', executionProviders, 'execution providers');
  if (graphOptimizationLevel !== undefined) expectString(fn, 'options.graphOptimizationLevel', graphOptimizationLevel, ['disabled', 'basic', 'extended', 'all']);
  const s = state as Partial<RunState> | null | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.variable !== 'function' || typeof s.commit !== 'function' || typeof s.randomRuns !== 'function')) {
    throw new ArgumentError(fn, 'options.state', 'a RunState (such as graph.state)', state);
  }
}
