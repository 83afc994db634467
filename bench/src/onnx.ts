/**
 * The MLP on ONNX Runtime: the very graph chainrule's executors run (`mlpGraph`), exported with
 * `@chainrule/onnx` and run by onnxruntime-node's CPU execution provider with a fixed number of
 * intra-op threads.
 */
import { copyTensor } from '@chainrule/graph';
import { compileOnnx } from '@chainrule/onnx';
import { graphReset } from './chainrule.js';
import type { MlpData } from './data.js';
import { mlpGraph } from './mlp.js';
import type { TrainingContender } from './training.js';

/** The thread counts the bench gives ONNX Runtime. */
export const ORT_THREADS = [1, 2] as const;

/** Contender key of ONNX Runtime with a thread count. */
export const ortKey = (threads: number): string => `onnxruntime_${threads}t`;

/**
 * The MLP step and forward pass as two ONNX Runtime sessions. compileOnnx keeps no state of its own
 * between runs: each run reads the variables (parameters, Adam's moments and step count) from the
 * graph's store and commits the new values there, so the reset restores that store.
 *
 * @param threads - ONNX Runtime's `intraOpNumThreads`.
 * @param data - initial parameters and the batch.
 * @returns the contender (its step and forward return promises).
 */
export async function onnxMlp(threads: number, data: MlpData): Promise<TrainingContender> {
  const { graph, loss, update, feeds } = mlpGraph(data);
  // The variables in ordinary memory, which ONNX Runtime reads without a copy (it refuses the
  // kernels' shared memory, where a graph keeps them, and compileOnnx copies from there).
  for (const node of graph.nodes) if (node.op === 'variable') graph.state.declare(node.name!, copyTensor(graph.state.variable(node.name!)));
  const step = await compileOnnx(graph, { outputs: [loss], updates: update, intraOpNumThreads: threads });
  const forward = await compileOnnx(graph, { outputs: [loss], intraOpNumThreads: threads });
  return {
    key: ortKey(threads),
    enter: async () => {},
    step: async () => (await step(feeds))[0]!.data[0]!,
    forward: async () => (await forward(feeds))[0]!.data[0]!,
    reset: graphReset(graph),
  };
}
