/**
 * Item 2: value and gradient of a scalar function f(x, y) built from 100 elementwise ops. One
 * seeded program (a list of instructions) is turned into a chainrule graph, a tfjs function under
 * `tf.valueAndGrads`, and a closure: straight-line JavaScript of the forward sweep and of the
 * hand-derived reverse sweep, written out from the same program — the limit for plain JS.
 */
import { valueAndGrad } from '@chainrule/autodiff';
import { Graph, tensor, type Node } from '@chainrule/graph';
import { compileChainrule, EXECUTOR_KEYS, type ExecutorKind } from './chainrule.js';
import { rng } from './data.js';
import { tf, TF_KEYS, useBackend, type TfBackend } from './tfjs.js';

const UNARY = ['sin', 'cos', 'tanh', 'sigmoid', 'exp', 'square', 'neg'] as const;
const BINARY = ['add', 'sub', 'mul'] as const;
type Op = (typeof UNARY)[number] | (typeof BINARY)[number];

/** One instruction: value[k] = op(value[a], value[b]); values 0 and 1 are the inputs x and y. */
interface Instr {
  readonly op: Op;
  readonly a: number;
  readonly b: number;
}

/** The point every contender evaluates at. */
export const SMALL_POINT = { x: 0.3, y: -0.7 } as const;

/**
 * A seeded program of `ops` instructions alternating binary and unary ops. A binary op combines
 * the previous value with an earlier unary result or input (so values fan out); bounds on |value|
 * are tracked so that exp and square are only used where nothing can overflow.
 *
 * @param ops - number of instructions (even).
 * @param seed - seed of the draw.
 * @returns the program; its last value is f.
 */
export function smallProgram(ops = 100, seed = 42): Instr[] {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const bound = [1, 1];
  const leaves = [0, 1];
  const prog: Instr[] = [];
  for (let i = 0; i < ops; i += 2) {
    const a = bound.length - 1;
    const b = pick(leaves.filter((k) => k !== a));
    const bin = pick(BINARY);
    prog.push({ op: bin, a, b });
    bound.push(bin === 'mul' ? bound[a]! * bound[b]! : bound[a]! + bound[b]!);
    const c = bound.length - 1;
    const allowed = UNARY.filter((u) => (u === 'exp' ? bound[c]! <= 1.38 : u === 'square' ? bound[c]! <= 2 : u === 'neg' ? bound[c]! <= 4 : true));
    const un = pick(allowed);
    prog.push({ op: un, a: c, b: -1 });
    bound.push(un === 'exp' ? Math.exp(bound[c]!) : un === 'square' ? bound[c]! ** 2 : un === 'neg' ? bound[c]! : 1);
    leaves.push(bound.length - 1);
  }
  return prog;
}

/** Evaluates f and ∇f at {@link SMALL_POINT}: returns [f, ∂f/∂x, ∂f/∂y]. */
export type SmallEval = () => readonly [number, number, number];

/**
 * The closure: forward and reverse sweeps written out as straight-line code (generated from the
 * program, which is this file's own data, never from a graph).
 *
 * @param prog - the program.
 * @returns f and its gradient at {@link SMALL_POINT}.
 */
export function closureSmall(prog: readonly Instr[]): SmallEval {
  const n = prog.length + 2;
  const fwd: string[] = ['const v0 = x, v1 = y;'];
  const rev: string[] = [];
  const js: Record<Op, (a: string, b: string) => string> = {
    add: (a, b) => `${a} + ${b}`,
    sub: (a, b) => `${a} - ${b}`,
    mul: (a, b) => `${a} * ${b}`,
    sin: (a) => `Math.sin(${a})`,
    cos: (a) => `Math.cos(${a})`,
    tanh: (a) => `Math.tanh(${a})`,
    sigmoid: (a) => `1 / (1 + Math.exp(-${a}))`,
    exp: (a) => `Math.exp(${a})`,
    square: (a) => `${a} * ${a}`,
    neg: (a) => `-${a}`,
  };
  // d f / d operands, given the adjoint g of value k = op(a, b)
  const vjp: Record<Op, (g: string, k: string, a: string, b: string) => [string, string?]> = {
    add: (g) => [g, g],
    sub: (g) => [g, `-${g}`],
    mul: (g, _k, a, b) => [`${g} * ${b}`, `${g} * ${a}`],
    sin: (g, _k, a) => [`${g} * Math.cos(${a})`],
    cos: (g, _k, a) => [`-${g} * Math.sin(${a})`],
    tanh: (g, k) => [`${g} * (1 - ${k} * ${k})`],
    sigmoid: (g, k) => [`${g} * ${k} * (1 - ${k})`],
    exp: (g, k) => [`${g} * ${k}`],
    square: (g, _k, a) => [`2 * ${g} * ${a}`],
    neg: (g) => [`-${g}`],
  };
  prog.forEach(({ op, a, b }, i) => fwd.push(`const v${i + 2} = ${js[op](`v${a}`, `v${b}`)};`));
  for (let k = 0; k < n - 1; k++) rev.push(`let g${k} = 0;`);
  rev.push(`const g${n - 1} = 1;`);
  for (let i = prog.length - 1; i >= 0; i--) {
    const { op, a, b } = prog[i]!;
    const [da, db] = vjp[op](`g${i + 2}`, `v${i + 2}`, `v${a}`, `v${b}`);
    rev.push(`g${a} += ${da};`);
    if (db !== undefined) rev.push(`g${b} += ${db};`);
  }
  const body = [...fwd, ...rev, `out[0] = v${n - 1}; out[1] = g0; out[2] = g1;`].join('\n');
  const f = new Function('x', 'y', 'out', body) as (x: number, y: number, out: Float64Array) => void;
  const out = new Float64Array(3);
  return () => {
    f(SMALL_POINT.x, SMALL_POINT.y, out);
    return [out[0]!, out[1]!, out[2]!];
  };
}

/**
 * The program as a chainrule graph (float64, scalar inputs) with `valueAndGrad`, compiled once.
 *
 * @param prog - the program.
 * @param kind - the executor.
 * @returns the evaluation.
 */
export function chainruleSmall(prog: readonly Instr[], kind: ExecutorKind): { key: string; run: SmallEval } {
  const g = new Graph();
  const vals: Node[] = [g.input('x', []), g.input('y', [])];
  for (const { op, a, b } of prog) {
    const u = vals[a]!;
    const v = vals[b];
    const binary = op === 'add' || op === 'sub' || op === 'mul';
    vals.push(binary ? u[op](v!) : u[op]());
  }
  const [value, [gx, gy]] = valueAndGrad(vals[vals.length - 1]!, [vals[0]!, vals[1]!]);
  const exec = compileChainrule(g, { outputs: [value, gx!, gy!] }, kind);
  const feeds = { x: tensor(SMALL_POINT.x), y: tensor(SMALL_POINT.y) };
  return {
    key: EXECUTOR_KEYS[kind],
    run: () => {
      const [v, dx, dy] = exec(feeds);
      return [v!.data[0]!, dx!.data[0]!, dy!.data[0]!];
    },
  };
}

/**
 * The program in tfjs (float32 scalars, its only float type) under `tf.valueAndGrads`.
 *
 * @param prog - the program.
 * @param backend - the tfjs backend; its tensors are made while it is active.
 * @returns the evaluation and the backend switch to run before timing it.
 */
export async function tfjsSmall(prog: readonly Instr[], backend: TfBackend): Promise<{ key: string; enter: () => Promise<void>; run: SmallEval }> {
  await useBackend(backend);
  const ops: Record<Op, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
    add: tf.add,
    sub: tf.sub,
    mul: tf.mul,
    sin: tf.sin,
    cos: tf.cos,
    tanh: tf.tanh,
    sigmoid: tf.sigmoid,
    exp: tf.exp,
    square: tf.square,
    neg: tf.neg,
  };
  const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => {
    const vals = [x, y];
    for (const { op, a, b } of prog) vals.push(ops[op](vals[a]!, vals[b]!));
    return vals[vals.length - 1]!;
  };
  const vg = tf.valueAndGrads(f);
  const x = tf.scalar(SMALL_POINT.x);
  const y = tf.scalar(SMALL_POINT.y);
  return {
    key: TF_KEYS[backend],
    enter: () => useBackend(backend),
    run: () => {
      const outs = tf.tidy(() => {
        const { value, grads } = vg([x, y]);
        return [value, ...grads];
      });
      const r = outs.map((t) => t.dataSync()[0]!);
      tf.dispose(outs);
      return [r[0]!, r[1]!, r[2]!];
    },
  };
}
