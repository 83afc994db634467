/**
 * PyTorch as an optional MLP contender: the same step (same initial parameters and batch, written
 * to a temporary folder) in a Python subprocess on one thread (`bench/python/torch_mlp.py`). The
 * subprocess times its own blocks, so no pipe round trip is counted; the bench asks for one block
 * at a time, alternating with the other contenders, and each side idles while the other runs.
 * Skipped with a note when no Python on the machine imports torch (Debian: `apt-get install -y
 * python3-torch`). Debian's torch calls whichever libblas.so.3 the system selects: the reference
 * BLAS (about 5 GFLOP/s) unless an optimised one such as `libopenblas0-pthread` is installed, so the
 * bench prints the library the subprocess loaded.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MLP_LR, type MlpData } from './data.js';
import type { SelfTimedBlock } from './timing.js';
import type { Opening } from './training.js';

/** Contender key of PyTorch on one thread. */
export const PYTORCH_KEY = 'pytorch_1t';

/**
 * Pythons tried in turn: Debian's own first (its `python3-torch` installs there), then whatever
 * `python3` the PATH finds (pyenv's, say).
 */
const PYTHONS = ['/usr/bin/python3', 'python3'];

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'python', 'torch_mlp.py');

/** A Python that imports torch, or why there is none. */
export function findTorch(): { python: string; version: string } | { why: string } {
  const tried: string[] = [];
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    const last = (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() ?? '';
    tried.push(`${python}: ${last || `exit ${r.status}`}`);
  }
  return { why: `no Python here imports torch (${tried.join('; ')}); on Debian: apt-get install -y python3-torch` };
}

/** The PyTorch contender: blocks timed in the subprocess. */
export interface TorchMlp {
  readonly key: string;
  readonly version: string;
  /** The BLAS library the subprocess loaded (its speed decides PyTorch's). */
  readonly blas: string;
  /** The loss at the initial parameters and the losses of the first two steps from them. */
  readonly opening: Opening;
  /** One timed block of steps or forward passes: its rate in calls per second and its first losses. */
  readonly block: (what: 'step' | 'forward', ms: number, minCalls: number) => Promise<SelfTimedBlock>;
  /** Puts the parameters back to the initial ones and starts a fresh Adam (the subprocess's `reset`). */
  readonly reset: () => Promise<void>;
  /** Ends the subprocess and removes the temporary folder. */
  readonly close: () => void;
}

/**
 * Starts the PyTorch subprocess on the shared data.
 *
 * @param python - a Python that imports torch ({@link findTorch}).
 * @param data - the shared initial parameters and batch.
 * @returns the contender, once the subprocess has loaded, run its first forward pass and first two
 * steps, and been reset.
 */
export async function torchMlp(python: string, data: MlpData): Promise<TorchMlp> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'chainrule-bench-torch-'));
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(path.join(folder, 'meta.json'), JSON.stringify({ layers: data.layers, batch: data.batch, lr: MLP_LR }));
  writeFileSync(path.join(folder, 'x.f32'), bytes(data.x));
  writeFileSync(path.join(folder, 'y.f32'), bytes(data.y));
  data.weights.forEach((w, l) => writeFileSync(path.join(folder, `W${l}.f32`), bytes(w)));
  data.biases.forEach((b, l) => writeFileSync(path.join(folder, `b${l}.f32`), bytes(b)));
  // One thread for every pool torch may use, before it starts.
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const child: ChildProcessWithoutNullStreams = spawn(python, ['-u', SCRIPT, folder], { env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`the PyTorch subprocess ended: ${stderr.trim().split('\n').pop() ?? ''}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const close = (): void => {
    child.stdin.end(JSON.stringify({ what: 'quit' }) + '\n');
    rmSync(folder, { recursive: true, force: true });
  };
  const ask = async (request: Record<string, unknown>): Promise<Record<string, unknown>> => {
    child.stdin.write(JSON.stringify(request) + '\n');
    return next();
  };
  const block = async (what: 'step' | 'forward', ms: number, minCalls: number): Promise<SelfTimedBlock> => {
    const answer = await ask({ what, ms, min_calls: minCalls });
    return { perSecond: Number(answer['per_second']), first: (answer['first'] as unknown[]).map(Number) };
  };
  const reset = async (): Promise<void> => {
    await ask({ what: 'reset' });
  };
  try {
    const ready = await next();
    if (ready['threads'] !== 1) throw new Error(`PyTorch runs ${String(ready['threads'])} threads, not 1`);
    const steps = (await block('step', 0, 2)).first;
    await reset();
    return {
      key: PYTORCH_KEY,
      version: String(ready['torch']),
      blas: String(ready['blas']),
      opening: { loss: Number(ready['initial_loss']), steps },
      block,
      reset,
      close,
    };
  } catch (e) {
    close();
    throw e;
  }
}
