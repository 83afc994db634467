import { ArgumentError, ChainruleError } from '../core/errors.js';
import { expectNumber, expectOptions } from '../core/arguments.js';
import { expectNodes } from '../ir/arguments.js';
import type { Node } from '../ir/node.js';
import { contextWithoutRun } from '../ops/op-def.js';
import { getOp, type Primitive } from '../ops/registry.js';
import { isConcrete, sizeOf } from '../core/shape.js';
import { schedule } from '../ir/structure.js';
import { Tensor } from '../core/tensor.js';
import { encodeTensor } from '../core/tensor-json.js';
import { IDENTITIES } from './identities.js';

/**
 * Which passes {@link simplify} runs; all are on by default.
 *
 * @example
 * ```ts
 * const [loss2] = simplify([loss], { fold: true, maxFoldSize: 64, identities: false });
 * ```
 */
export interface SimplifyOptions {
  /** Common-subexpression elimination: one node per distinct (op, attributes, operands). */
  readonly cse?: boolean;
  /** Constant folding: evaluate ops whose operands are all constants. */
  readonly fold?: boolean;
  /** Algebraic identities (x·1, x+0, −(−x), transpose of transpose, …). */
  readonly identities?: boolean;
  /** Fold only results with at most this many elements, so graphs do not fill with big constants. */
  readonly maxFoldSize?: number;
}

/** A source fixed by its attributes (a constant or a fill, not an input, variable or random draw), of concrete shape. */
const constantLike = (n: Node): boolean => {
  const def = getOp(n.op);
  return def?.kind === 'source' && def.external === undefined && isConcrete(n.shape);
};

/** The value of a constant-like node: its kernel needs nothing but its attributes and shape. */
function valueOf(n: Node): Tensor {
  return getOp(n.op)!.kernel([], n.attrs, contextWithoutRun(n.shape as number[], `simplify: ${n}`));
}

function keyOf(op: string, attrs: Readonly<Record<string, unknown>>, inputs: readonly Node[]): string {
  const attrText = JSON.stringify(attrs, (_k, v: unknown) => {
    if (v instanceof Tensor) return encodeTensor(v);
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return Object.is(v, -0) ? '-0' : v;
  });
  return `${op}|${attrText}|${inputs.map((i) => i.id).join(',')}`;
}

/**
 * Rewrites the subgraph that `outputs` need into a simpler, equal one in the same graph, and returns
 * the new outputs: common subexpressions are shared, constant subexpressions folded, algebraic
 * identities applied, and whatever the outputs no longer need is left behind (dead-code
 * elimination: runs only ever compute what their outputs need). Inputs, variables and random ops
 * are kept as they are, so feeds, assignments and random streams are unaffected; rewritten nodes
 * keep the provenance (`origin`) of the nodes they replace. Every value is preserved, NaN and ±∞
 * included.
 *
 * @param outputs - nodes of one graph.
 * @param options - which passes to run.
 * @returns equal nodes, in the same order.
 * @example
 * ```ts
 * const [dw2] = simplify([dw]);
 * schedule([dw2]).length <= schedule([dw]).length; // true
 * ```
 */
export function simplify(outputs: readonly Node[], options: SimplifyOptions = {}): Node[] {
  expectNodes('simplify', 'outputs', outputs);
  const { cse = true, fold = true, identities = true, maxFoldSize = 64 } = expectOptions('simplify', 'options', options) as SimplifyOptions;
  for (const [key, v] of Object.entries({ cse, fold, identities })) if (typeof v !== 'boolean') throw new ArgumentError('simplify', `options.${key}`, 'true or false', v);
  expectNumber('simplify', 'options.maxFoldSize', maxFoldSize, { kind: 'integer', min: 0 });
  if (outputs.length === 0) return [];
  const graph = outputs[0]!.graph;
  const mapped = new Map<Node, Node>();
  const seen = new Map<string, Node>();

  const simplest = (n: Node): Node => {
    let current = n;
    for (let changed = identities; changed; ) {
      changed = false;
      for (const identity of IDENTITIES[current.op as Primitive] ?? []) {
        const next = identity(current);
        if (next !== undefined && next !== current) {
          current = next;
          changed = true;
          break;
        }
      }
    }
    return current;
  };

  const tryFold = (n: Node, inputs: readonly Node[]): Node | undefined => {
    const def = getOp(n.op)!;
    if (!fold || def.kind === 'source' || def.kind === 'random' || !inputs.every(constantLike)) return undefined;
    if (!isConcrete(n.shape) || sizeOf(n.shape) > maxFoldSize) return undefined;
    try {
      const value = def.kernel(inputs.map(valueOf), n.attrs, contextWithoutRun(n.shape as number[], `simplify: ${n}`));
      return graph.constant(value);
    } catch (e) {
      if (e instanceof ChainruleError) return undefined; // it fails at run time too, where it is reported
      throw e;
    }
  };

  for (const node of schedule(outputs)) {
    const def = getOp(node.op)!;
    if (def.kind === 'source' || def.kind === 'random') {
      if (cse && def.external === undefined && def.kind !== 'random') {
        const key = keyOf(node.op, node.attrs, []);
        const prior = seen.get(key);
        if (prior !== undefined && prior.dtype === node.dtype) {
          mapped.set(node, prior);
          continue;
        }
        seen.set(key, node);
      }
      mapped.set(node, node);
      continue;
    }
    const inputs = node.inputs.map((m) => mapped.get(m)!);
    const build = (): Node => {
      const folded = tryFold(node, inputs);
      if (folded !== undefined) return folded;
      const key = keyOf(node.op, node.attrs, inputs);
      const prior = cse ? seen.get(key) : undefined;
      if (prior !== undefined) return prior;
      const same = inputs.every((m, i) => m === node.inputs[i]);
      const made = simplest(same ? node : graph.apply(node.op, inputs, node.attrs));
      if (cse) seen.set(key, made); // later equal nodes reuse the simplified node
      return made;
    };
    mapped.set(node, node.origin ? graph.withOrigin(node.origin, build) : build());
  }
  return outputs.map((o) => mapped.get(o)!);
}
