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
  readonly initialLoss: number;
  /** One timed block of steps or forward passes; its rate in calls per second. */
  readonly block: (what: 'step' | 'forward', ms: number, minCalls: number) => Promise<number>;
  /** Ends the subprocess and removes the temporary folder. */
  readonly close: () => void;
}

/**
 * Starts the PyTorch subprocess on the shared data.
 *
 * @param python - a Python that imports torch ({@link findTorch}).
 * @param data - the shared initial parameters and batch.
 * @returns the contender, once the subprocess has loaded and run its first forward pass.
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
  try {
    const ready = await next();
    if (ready['threads'] !== 1) throw new Error(`PyTorch runs ${String(ready['threads'])} threads, not 1`);
    return {
      key: PYTORCH_KEY,
      version: String(ready['torch']),
      blas: String(ready['blas']),
      initialLoss: Number(ready['initial_loss']),
      block: async (what, ms, minCalls) => {
        child.stdin.write(JSON.stringify({ what, ms, min_calls: minCalls }) + '\n');
        return Number((await next())['per_second']);
      },
      close,
    };
  } catch (e) {
    close();
    throw e;
  }
}
