import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The tfjs backends the benchmark compares against. */
export type TfBackend = 'cpu' | 'wasm';

/** Contender keys of the tfjs backends, as used in the JSON output. */
export const TF_KEYS: Record<TfBackend, string> = { cpu: 'tfjs_cpu', wasm: 'tfjs_wasm' };

/** What the tfjs side of this run is. */
export interface TfInfo {
  readonly version: string;
  readonly wasmSimd: boolean;
  readonly wasmThreads: boolean;
}

/**
 * Prepares both backends: the wasm backend loads its .wasm binaries from `wasmPrefix` (a folder
 * path under Node, a URL in a page: the default location resolves in neither), then each backend
 * is initialised once.
 *
 * @param wasmPrefix - where tfjs-backend-wasm's .wasm files are, ending with a separator.
 * @returns versions and wasm features in use.
 */
export async function setupTfjs(wasmPrefix: string): Promise<TfInfo> {
  setWasmPaths(wasmPrefix);
  for (const b of ['wasm', 'cpu'] as const) await useBackend(b);
  // The cpu backend's first tensor prints a banner recommending tfjs-node (not a peer here: it is
  // native code); keep it out of the report.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    console.warn = warn;
  }
  return {
    version: tf.version.tfjs,
    wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    wasmThreads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}

/**
 * Makes `backend` the active one. NOTE: a tensor lives on the backend that was active when it was
 * made and is silently copied over when used under another; every tfjs contender therefore makes
 * its own tensors right after switching, and switches again before each timed block.
 *
 * @param backend - the backend to activate.
 */
export async function useBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
  await tf.ready();
}

/**
 * Reads a scalar's value back (forcing the lazy work) and disposes of the tensor.
 *
 * @param t - a one-element tensor.
 * @returns its value.
 */
export function readScalar(t: tf.Tensor): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

export { tf };
