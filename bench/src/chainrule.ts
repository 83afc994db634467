import { Graph, kernelOptions, setKernelOptions, type Executable, type ExecutableOptions, type KernelOptions, type Node, type Tensor } from '@chainrule/graph';
import type { minimize } from '@chainrule/optim';
import type { TrainingContender } from './training.js';

/** Which chainrule executor runs a compiled request. */
export type ExecutorKind = 'interpreter' | 'compiled';

/** Contender keys of the chainrule executors, as used in the JSON output. */
export const EXECUTOR_KEYS: Record<ExecutorKind, string> = {
  interpreter: 'chainrule_interpreter',
  compiled: 'chainrule_compiled',
};

/**
 * The one place the benchmark compiles chainrule graphs.
 *
 * @param graph - the graph.
 * @param options - outputs and updates, as for `graph.compile`.
 * @param kind - the executor wanted.
 * @returns the executable.
 */
export function compileChainrule(graph: Graph, options: ExecutableOptions, kind: ExecutorKind): Executable {
  // Not an object literal, so this also type-checks against a `compile` without the option.
  const withExecutor = { ...options, executor: kind };
  return graph.compile(withExecutor);
}

/**
 * The executors this checkout has, probed on a tiny graph: `'compiled'` counts when compiling and
 * running with it works and gives something other than the interpreter. NOTE: an older `compile`
 * ignores unknown options, so success alone proves nothing; both executables then come from the
 * same closure in the interpreter and have the same source text.
 *
 * @returns `['interpreter']`, plus `'compiled'` when the compiling executor exists.
 */
export function availableExecutors(): { kinds: ExecutorKind[]; note: string } {
  const g = new Graph();
  const options = { outputs: [g.input('p', [2]).neg().exp()] };
  const interpreter = compileChainrule(g, options, 'interpreter');
  try {
    const compiled = compileChainrule(g, options, 'compiled');
    if (String(compiled) === String(interpreter)) return { kinds: ['interpreter'], note: 'graph.compile ignores `executor` in this checkout' };
    return { kinds: ['interpreter', 'compiled'], note: '' };
  } catch (e) {
    return { kinds: ['interpreter'], note: `graph.compile({ executor: 'compiled' }) failed: ${(e as Error).message}` };
  }
}

/**
 * Builds and tries one chainrule contender; a compiled one that fails (at compile time or on its
 * first run, where it specialises) is left out with a printed note instead of ending the benchmark.
 *
 * @param kind - the executor.
 * @param what - the item, for the note.
 * @param build - builds the contender and runs it once.
 * @returns the contender, or `undefined` when the compiled executor failed on it.
 */
export async function tryChainrule<T>(kind: ExecutorKind, what: string, build: () => T | Promise<T>): Promise<T | undefined> {
  if (kind === 'interpreter') return build();
  try {
    return await build();
  } catch (e) {
    console.log(`  NOTE ${EXECUTOR_KEYS[kind]} failed on ${what} and is left out: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * A setting of chainrule's kernels under which a contender runs (applied before each timed block):
 * the plain-JavaScript kernels, the WebAssembly SIMD kernels on one thread, or on every core.
 */
export interface KernelVariant {
  /** Added to the contender key: `js`, `wasm_1t` or `wasm_mt`. */
  readonly suffix: 'js' | 'wasm_1t' | 'wasm_mt';
  /** The settings. */
  readonly options: KernelOptions;
}

/** The kernels' default thread count (the cores, capped; 1 on a page that is not cross-origin isolated): that of `wasm_mt`. */
export const ALL_THREADS = kernelOptions().threads;

/** Every kernel variant this runtime can run (`js` always; the WebAssembly ones when available). */
export function kernelVariants(): KernelVariant[] {
  const variants: KernelVariant[] = [{ suffix: 'js', options: { backend: 'js', threads: 1 } }];
  if (kernelOptions().wasmSimd) {
    variants.push({ suffix: 'wasm_1t', options: { backend: 'wasm', threads: 1 } });
    variants.push({ suffix: 'wasm_mt', options: { backend: 'wasm', threads: ALL_THREADS } });
  }
  return variants;
}

/** chainrule's default kernel settings (WebAssembly where available, every core). */
export const DEFAULT_KERNELS: KernelOptions = { backend: 'auto', threads: ALL_THREADS };

/** A network to train as a chainrule graph: the loss, its optimiser update and the batch to feed. */
export interface TrainingGraph {
  readonly graph: Graph;
  readonly loss: Node;
  readonly update: ReturnType<typeof minimize>;
  readonly feeds: Readonly<Record<string, Tensor>>;
}

/**
 * Snapshots a graph's run state — every variable (the parameters and the optimiser's: Adam's
 * moments and step count) and every random counter — and returns what restores it. The restore
 * writes the saved values into the variables' existing storage, as a run's commit does, so it
 * allocates nothing and leaves each variable where it was (in the kernels' memory, where the
 * compiled executor updates it in place, or in the ordinary memory ONNX Runtime reads without a
 * copy); `setVariable` would allocate new storage each time.
 *
 * @param graph - the graph, before its first run.
 * @returns the restore.
 * @example
 * ```ts
 * const reset = graphReset(graph);
 * step(feeds); // changes the variables
 * reset(); // as before the step
 * ```
 */
export function graphReset(graph: Graph): () => void {
  const saved = new Map(graph.variables.map((v) => [v.name!, graph.getVariable(v.name!).data]));
  const random = graph.randomState();
  return () => {
    graph.state.commit(saved, []);
    graph.setRandomState(random);
  };
}

/**
 * A network trained by one chainrule executor: its step (loss and update) and forward pass (loss
 * alone) compiled, run under the given kernel settings, reset by {@link graphReset}.
 *
 * @param key - the contender key.
 * @param net - the graph, loss, update and feeds.
 * @param kind - the executor.
 * @param kernels - the kernel settings applied before each timed block.
 * @returns the contender.
 * @example
 * ```ts
 * const c = chainruleTraining('chainrule_compiled', mlpGraph(mlpData()), 'compiled');
 * ```
 */
export function chainruleTraining(key: string, net: TrainingGraph, kind: ExecutorKind, kernels: KernelOptions = DEFAULT_KERNELS): TrainingContender {
  const { graph, loss, update, feeds } = net;
  const step = compileChainrule(graph, { outputs: [loss], updates: update }, kind);
  const forward = compileChainrule(graph, { outputs: [loss] }, kind);
  return {
    key,
    enter: async () => {
      setKernelOptions(kernels); // process-wide, so before every timed block
    },
    step: () => step(feeds)[0]!.data[0]!,
    forward: () => forward(feeds)[0]!.data[0]!,
    reset: graphReset(graph),
  };
}
