/**
 * Item 3: matmul throughput, op(A)·op(B) with op(A) m×k and op(B) k×n, float32, in the three
 * orientations a training step uses: A·B, Aᵀ·B (A stored k×m) and A·Bᵀ (B stored n×k). Every
 * orientation does 2·m·k·n flops; the transposed operand is never materialised by the caller.
 */
import { Graph, setKernelOptions, Tensor } from '@chainrule/graph';
import { compileChainrule, type KernelVariant } from './chainrule.js';
import { uniformArray } from './data.js';
import type { Contender } from './timing.js';
import { tf, TF_KEYS, useBackend, type TfBackend } from './tfjs.js';

/** A product shape: op(A) is m×k, op(B) is k×n. */
export interface MatmulShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** An orientation and its key in the output. */
export interface Orientation {
  readonly key: 'ab' | 'atb' | 'abt';
  readonly label: string;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** The three orientations of a training step. */
export const ORIENTATIONS: readonly Orientation[] = [
  { key: 'ab', label: 'A·B', transposeA: false, transposeB: false },
  { key: 'atb', label: 'Aᵀ·B', transposeA: true, transposeB: false },
  { key: 'abt', label: 'A·Bᵀ', transposeA: false, transposeB: true },
];

/** Cubes, then the MLP's forward products (batch 128): x·W₁, h₁·W₂, h₂·W₃. */
export const MATMUL_SHAPES: readonly MatmulShape[] = [
  { m: 64, k: 64, n: 64 },
  { m: 256, k: 256, n: 256 },
  { m: 512, k: 512, n: 512 },
  { m: 128, k: 784, n: 256 },
  { m: 128, k: 256, n: 128 },
  { m: 128, k: 128, n: 10 },
];

/** The key of a shape, `m x k x n`, e.g. `128x784x256`. */
export function shapeKey(s: MatmulShape): string {
  return `${s.m}x${s.k}x${s.n}`;
}

/** Stored shapes of A and B for an orientation. */
function stored(s: MatmulShape, o: Orientation): { a: [number, number]; b: [number, number] } {
  return { a: o.transposeA ? [s.k, s.m] : [s.m, s.k], b: o.transposeB ? [s.n, s.k] : [s.k, s.n] };
}

function operands(s: MatmulShape): { a: Float32Array; b: Float32Array } {
  return { a: uniformArray(s.m * s.k, 11, -1, 1), b: uniformArray(s.k * s.n, 12, -1, 1) };
}

/**
 * chainrule's matmul with the transpose flags, as a one-node graph on the compiling executor, with
 * one kernel variant (key `chainrule_js`, `chainrule_wasm_1t` or `chainrule_wasm_mt`).
 *
 * @param s - the shape.
 * @param o - the orientation.
 * @param variant - the kernel settings.
 * @returns the contender.
 */
export function chainruleMatmul(s: MatmulShape, o: Orientation, variant: KernelVariant): Contender {
  const { a: sa, b: sb } = stored(s, o);
  const { a, b } = operands(s);
  const g = new Graph();
  const A = g.input('a', sa, 'float32');
  const B = g.input('b', sb, 'float32');
  const exec = compileChainrule(g, { outputs: [A.matmul(B, { transposeA: o.transposeA, transposeB: o.transposeB })] }, 'compiled');
  const feeds = { a: new Tensor(a, sa), b: new Tensor(b, sb) };
  return { key: `chainrule_${variant.suffix}`, enter: () => {
      setKernelOptions(variant.options); // process-wide, so before every timed block
    }, run: () => void exec(feeds) };
}

/**
 * `tf.matMul(a, b, transposeA, transposeB)` on one backend, the result read back.
 *
 * @param s - the shape.
 * @param o - the orientation.
 * @param backend - the tfjs backend; its tensors are made while it is active.
 * @returns the contender and a disposer for its operands.
 */
export async function tfjsMatmul(s: MatmulShape, o: Orientation, backend: TfBackend): Promise<Contender & { dispose: () => void }> {
  await useBackend(backend);
  const { a: sa, b: sb } = stored(s, o);
  const { a, b } = operands(s);
  const A = tf.tensor2d(a, sa);
  const B = tf.tensor2d(b, sb);
  return {
    key: TF_KEYS[backend],
    enter: () => useBackend(backend),
    run: () => {
      const c = tf.matMul(A, B, o.transposeA, o.transposeB);
      c.dataSync();
      c.dispose();
    },
    dispose: () => tf.dispose([A, B]),
  };
}

/**
 * Converts a rate of products per second to GFLOP/s.
 *
 * @param s - the shape.
 * @param perSecond - products per second.
 * @returns 2·m·k·n·rate / 1e9.
 */
export function gflops(s: MatmulShape, perSecond: number): number {
  return (2 * s.m * s.k * s.n * perSecond) / 1e9;
}
