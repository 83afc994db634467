import type { DType } from '../core/dtype.js';
import { ChainruleError, LimitError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';
import { getOp } from '../ops/registry.js';

/** What the checks read of a node (structurally, so this module stays below the node class). */
interface Sized {
  readonly op: string;
  readonly dtype: DType;
}

/**
 * Resource limits for graphs from elsewhere: checked before anything is allocated, by
 * `graphFromJSON` (on the shapes a document declares) and by every executor a graph compiles (on
 * the shapes of each run). A field left out is not limited.
 *
 * @example
 * ```ts
 * const g = graphFromJSON(text, { limits: { maxElements: 2 ** 20, maxBytes: 2 ** 28 } });
 * g.compile({ outputs: [g.node(5)], limits: { maxBytes: 2 ** 26 } });
 * ```
 */
export interface GraphLimits {
  /** Most elements any one computed value may have. */
  readonly maxElements?: number;
  /**
   * Most bytes the values of one run may take together: every computed value for the interpreter;
   * the planned buffers, fixed sources, staging copies and returned outputs for the compiled executor.
   */
  readonly maxBytes?: number;
  /** Most nodes: in a document (`graphFromJSON`), in a run's schedule (`compile`). */
  readonly maxNodes?: number;
}

/**
 * The limits `graphFromJSON` applies unless told otherwise, and hands on to the graph it returns:
 * 2²⁴ elements per value (128 MiB of float64), 1 GiB for a run's values, 100,000 nodes. Raise them
 * for large models from sources you trust.
 *
 * @example
 * ```ts
 * graphFromJSON(text, { limits: { ...JSON_DEFAULT_LIMITS, maxElements: 2 ** 26 } });
 * ```
 */
export const JSON_DEFAULT_LIMITS: Readonly<Required<GraphLimits>> = Object.freeze({ maxElements: 2 ** 24, maxBytes: 2 ** 30, maxNodes: 100_000 });

const KEYS = ['maxElements', 'maxBytes', 'maxNodes'] as const;

/**
 * Checks limits given by a caller and lays them over `base` (a field given replaces the base's).
 *
 * @param limits - the caller's value (anything, checked at run time).
 * @param base - the limits in force without them.
 * @param what - the function and argument, for messages (e.g. `compile: limits`).
 * @returns the merged limits.
 * @throws ChainruleError when `limits` is not an object of positive integers (or Infinity) under known keys.
 */
export function mergeLimits(limits: unknown, base: Readonly<GraphLimits>, what: string): Readonly<GraphLimits> {
  if (limits === undefined) return base;
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) throw new ChainruleError(`${what} must be an object such as { maxElements: ${2 ** 24} }`);
  const merged: Record<string, number> = { ...base } as Record<string, number>;
  for (const key of Object.keys(limits)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new ChainruleError(`${what}: unknown limit '${key}' (known: ${KEYS.join(', ')})`);
    const v = (limits as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v === Infinity || (Number.isSafeInteger(v) && v > 0))) {
      throw new ChainruleError(`${what}.${key} must be a positive integer or Infinity, got ${typeof v === 'number' ? v : typeof v}`);
    }
    merged[key] = v;
  }
  return merged;
}

/** Bytes of one element. */
export const bytesPerElement = (dtype: DType): number => (dtype === 'float64' ? 8 : 4);

/** An integer with thousands separators, for messages. */
const figure = (n: number): string => (Number.isFinite(n) ? Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n));

/** Where a figure belongs, for a message: text, or a function making it (called only on failure). */
type Where = string | (() => string);
const named = (where: Where): string => (typeof where === 'string' ? where : where());

/** Bytes in binary units, for messages. */
const bytes = (n: number): string => {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let k = 0;
  while (n >= 1024 && k < units.length - 1) {
    n /= 1024;
    k++;
  }
  return k === 0 ? `${n} bytes` : `${n.toPrecision(3)} ${units[k]}`;
};

/**
 * Refuses more nodes than the limit allows.
 *
 * @param limits - the limits in force.
 * @param count - the number of nodes.
 * @param where - what holds them, for the message (or a function making it, called only on failure).
 * @throws LimitError naming the figure.
 */
export function checkNodeCount(limits: Readonly<GraphLimits>, count: number, where: Where): void {
  const max = limits.maxNodes;
  if (max !== undefined && count > max) throw new LimitError(`${named(where)}: ${figure(count)} nodes, over the limit of ${figure(max)} (limits.maxNodes)`, 'maxNodes', count, max);
}

/**
 * Refuses a value with more elements than the limit allows.
 *
 * @param limits - the limits in force.
 * @param shape - the value's concrete shape.
 * @param dtype - its element type.
 * @param where - the node, for the message (or a function making it, called only on failure).
 * @returns the number of elements.
 * @throws LimitError naming the node and the figure.
 */
export function checkElements(limits: Readonly<GraphLimits>, shape: Shape, dtype: DType, where: Where): number {
  const size = sizeOf(shape);
  const max = limits.maxElements;
  if (max !== undefined && size > max) {
    throw new LimitError(
      `${named(where)}: a ${dtype} value of shape ${formatShape(shape)} holds ${figure(size)} elements (${bytes(size * bytesPerElement(dtype))}), over the limit of ${figure(max)} elements per value (limits.maxElements)`,
      'maxElements',
      size,
      max,
    );
  }
  return size;
}

/**
 * Refuses a total of bytes over the limit.
 *
 * @param limits - the limits in force.
 * @param total - the bytes of a run's values.
 * @param where - the node at which the total passes the limit, for the message (or a function making it).
 * @throws LimitError naming the figure.
 */
export function checkBytes(limits: Readonly<GraphLimits>, total: number, where: Where): void {
  const max = limits.maxBytes;
  if (max !== undefined && total > max) {
    throw new LimitError(`${named(where)}: the values of a run would take ${figure(total)} bytes (${bytes(total)}), over the limit of ${figure(max)} bytes (limits.maxBytes)`, 'maxBytes', total, max);
  }
}

/**
 * Checks every computed value of a run against the limits: its elements, and the running total of
 * their bytes (what the interpreter holds by the end of a run). Inputs and variables are the
 * caller's and the graph's own, allocated already, and are not counted.
 *
 * @param limits - the limits in force.
 * @param values - the nodes computed, with their concrete shapes.
 * @param describe - how messages name a node.
 * @throws LimitError naming the first node over a limit.
 */
export function checkValues<N extends Sized>(limits: Readonly<GraphLimits>, values: Iterable<readonly [N, Shape]>, describe: (node: N) => string): void {
  if (limits.maxElements === undefined && limits.maxBytes === undefined) return;
  let total = 0;
  for (const [node, shape] of values) {
    if (getOp(node.op)?.external !== undefined) continue;
    total += checkElements(limits, shape, node.dtype, () => describe(node)) * bytesPerElement(node.dtype);
    checkBytes(limits, total, () => `${describe(node)} and the values before it`);
  }
}
