import { ArgumentError, ShapeError, describeValue } from './errors.js';

/** Checks that a shape argument is an array (its dimensions are the caller's to check). */
function listOfDims(fn: string, argument: string, shape: unknown): readonly unknown[] {
  if (!Array.isArray(shape)) throw new ArgumentError(fn, argument, 'a shape (an array of dimensions)', shape);
  return shape;
}

/**
 * One dimension of a node's static shape: a non-negative integer, or the name of a symbolic size
 * (e.g. `'batch'`) that is bound when a run feeds an input declared with that name.
 *
 * @example
 * ```ts
 * const dims: Dim[] = ['batch', 784];
 * g.input('x', dims);
 * ```
 */
export type Dim = number | string;

/**
 * A concrete shape: the dimensions of a tensor value, outermost first (row-major).
 *
 * @example
 * ```ts
 * const shape: Shape = [2, 3];
 * zeros(shape).size; // 6
 * ```
 */
export type Shape = readonly number[];

/**
 * A static shape of a graph node; symbolic dimensions are bound per run.
 *
 * @example
 * ```ts
 * const shape: SymbolicShape = g.input('x', ['batch', 784]).shape; // ['batch', 784]
 * ```
 */
export type SymbolicShape = readonly Dim[];

/**
 * Values of symbolic dimensions for one run, e.g. `{ batch: 128 }`.
 *
 * @example
 * ```ts
 * const bindings: DimBindings = new Map([['batch', 128]]);
 * bindShape(['batch', 784], bindings); // [128, 784]
 * ```
 */
export type DimBindings = ReadonlyMap<string, number>;

/**
 * The spelling of a symbolic dimension's name.
 *
 * @example
 * ```ts
 * SYMBOL_PATTERN.test('batch'); // true
 * SYMBOL_PATTERN.test('2d'); // false
 * ```
 */
export const SYMBOL_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Object keys that JavaScript treats specially: refused as names and as keys of graph files.
 *
 * @example
 * ```ts
 * RESERVED_KEYS.has('__proto__'); // true
 * RESERVED_KEYS.has('x'); // false
 * ```
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether two shapes (concrete or symbolic) are the same, dimension by dimension.
 *
 * @param a - a shape.
 * @param b - another shape.
 * @returns `true` when they have the same rank and equal dimensions.
 * @example
 * ```ts
 * sameShape(['batch', 3], ['batch', 3]); // true
 * ```
 */
export function sameShape(a: SymbolicShape, b: SymbolicShape): boolean {
  listOfDims('sameShape', 'a', a);
  listOfDims('sameShape', 'b', b);
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The most axes a shape may have (NumPy's limit too). Every walk over the axes of a value is then
 * bounded, and a nested array a hundred thousand levels deep is refused, not recursed into.
 *
 * @example
 * ```ts
 * checkShape(new Array(65).fill(1), 'tensor'); // ShapeError: … 65 dimensions, more than 64
 * ```
 */
export const MAX_RANK = 64;

/** Shapes `checkShape` has returned: frozen, so they stay valid, and need no second check. */
const CHECKED = new WeakSet<readonly unknown[]>();

/**
 * Formats a shape the way error messages print it, e.g. `[batch,784]`.
 *
 * @param shape - a concrete or symbolic shape.
 * @returns the bracketed, comma-separated dimensions.
 * @example
 * ```ts
 * formatShape([2, 'batch']); // "[2,batch]"
 * ```
 */
export function formatShape(shape: SymbolicShape): string {
  listOfDims('formatShape', 'shape', shape);
  return `[${shape.join(',')}]`;
}

/**
 * Checks a user-supplied concrete shape: an array of non-negative safe integers.
 *
 * @param shape - the candidate shape.
 * @param what - names the thing being shaped in the error message.
 * @returns the same shape, frozen.
 * @throws ShapeError naming `what` and the first bad dimension.
 * @example
 * ```ts
 * checkShape([2, 3], 'tensor'); // [2, 3]
 * ```
 */
export function checkShape(shape: readonly unknown[], what: string): Shape {
  if (CHECKED.has(shape)) return shape as Shape; // already checked, and frozen since
  if (!Array.isArray(shape)) throw new ShapeError(`${String(what)}: the shape must be an array of dimensions, got ${describeValue(shape)}`);
  if (shape.length > MAX_RANK) throw new ShapeError(`${String(what)}: the shape has ${shape.length} dimensions, more than ${MAX_RANK}`);
  const checked = Object.freeze(
    shape.map((d: unknown, i) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw new ShapeError(`${String(what)}: dimension ${i} must be a non-negative integer, got ${describeValue(d)}`);
      }
      return d;
    }),
  );
  CHECKED.add(checked);
  return checked;
}

/**
 * Checks a static node shape whose entries may be symbolic names.
 *
 * @param shape - the candidate shape.
 * @param what - names the thing being shaped in the error message.
 * @returns the same shape, frozen.
 * @throws ShapeError naming `what` and the first bad dimension.
 * @example
 * ```ts
 * checkSymbolicShape(['batch', 784], "input 'x'");
 * ```
 */
export function checkSymbolicShape(shape: readonly unknown[], what: string): SymbolicShape {
  if (!Array.isArray(shape)) throw new ShapeError(`${String(what)}: the shape must be an array of dimensions, got ${describeValue(shape)}`);
  if (shape.length > MAX_RANK) throw new ShapeError(`${String(what)}: the shape has ${shape.length} dimensions, more than ${MAX_RANK}`);
  return Object.freeze(
    shape.map((d: unknown, i) => {
      if (typeof d === 'string' && SYMBOL_PATTERN.test(d)) return d;
      if (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) return d;
      throw new ShapeError(
        `${String(what)}: dimension ${i} must be a non-negative integer or a symbolic name like 'batch', got ${describeValue(d)}`,
      );
    }),
  );
}

/**
 * Number of elements of a concrete shape (1 for a scalar).
 *
 * @param shape - a concrete shape.
 * @returns the product of the dimensions.
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: Shape): number {
  listOfDims('sizeOf', 'shape', shape);
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a concrete shape: how far to step in the flat data per step along each axis.
 *
 * @param shape - a concrete shape.
 * @returns one stride per axis.
 * @example
 * ```ts
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  listOfDims('stridesOf', 'shape', shape);
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * Tells whether a static shape has no symbolic dimension.
 *
 * @param shape - a static shape.
 * @returns `true` when every dimension is a number.
 * @example
 * ```ts
 * isConcrete([2, 'batch']); // false
 * ```
 */
export function isConcrete(shape: SymbolicShape): shape is Shape {
  listOfDims('isConcrete', 'shape', shape);
  return shape.every((d) => typeof d === 'number');
}

/**
 * Substitutes the values of symbolic dimensions.
 *
 * @param shape - a static shape.
 * @param bindings - values of the symbols of this run.
 * @returns the concrete shape.
 * @throws ShapeError when a symbol has no value.
 * @example
 * ```ts
 * bindShape(['batch', 10], new Map([['batch', 32]])); // [32, 10]
 * ```
 */
export function bindShape(shape: SymbolicShape, bindings: DimBindings): Shape {
  listOfDims('bindShape', 'shape', shape);
  if (!(bindings instanceof Map)) throw new ArgumentError('bindShape', 'bindings', 'a Map from symbolic names to sizes', bindings);
  return shape.map((d) => {
    if (typeof d === 'number') return d;
    const v = bindings.get(d);
    if (v === undefined) throw new ShapeError(`symbolic dimension '${d}' has no value in this run`);
    return v;
  });
}

/**
 * NumPy broadcasting of two static shapes: align on the right; two dimensions agree when they are
 * equal or one of them is 1. A symbolic dimension agrees with itself and with 1 only.
 *
 * @param op - the op being built, named in the error.
 * @param a - the first operand's shape.
 * @param b - the second operand's shape.
 * @returns the broadcast shape.
 * @throws ShapeError naming the op, both shapes and the axis that disagrees.
 * @example
 * ```ts
 * broadcastShapes('add', [4, 1, 3], [2, 1]); // [4, 2, 3]
 * ```
 */
export function broadcastShapes(op: string, a: SymbolicShape, b: SymbolicShape): SymbolicShape {
  listOfDims(String(op), 'the first shape', a);
  listOfDims(String(op), 'the second shape', b);
  const rank = Math.max(a.length, b.length);
  const out = new Array<Dim>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = i <= a.length ? a[a.length - i]! : 1;
    const db = i <= b.length ? b[b.length - i]! : 1;
    if (da === db || db === 1) out[rank - i] = da;
    else if (da === 1) out[rank - i] = db;
    else {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast: ` +
          `axis ${-i} has ${da} vs ${db} (dimensions must be equal or one of them 1)`,
      );
    }
  }
  return out;
}

/**
 * Turns axis arguments (negative counts from the end) into sorted, distinct, non-negative axes.
 *
 * @param op - the op being built, named in the error.
 * @param axes - the axes given, or `undefined` for all axes.
 * @param rank - the operand's rank.
 * @param shape - the operand's shape, named in the error when given.
 * @returns the normalised axes in increasing order.
 * @throws ShapeError on an axis out of range or repeated.
 * @example
 * ```ts
 * normalizeAxes('sum', [-1], 3); // [2]
 * ```
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number, shape?: SymbolicShape): number[] {
  if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank < 0) throw new ArgumentError(String(op), 'rank', 'a non-negative integer', rank);
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes)) throw new ShapeError(`${String(op)}: axes must be an axis or an array of axes, got ${describeValue(axes)}`);
  const list: readonly unknown[] = typeof axes === 'number' ? [axes] : axes;
  const operand = shape === undefined ? `rank ${rank}` : `shape ${formatShape(shape)} (rank ${rank})`;
  const seen = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new ShapeError(`${String(op)}: axis ${describeValue(a)} is out of range for ${operand} (allowed ${-rank}..${rank - 1})`);
    }
    const n = a < 0 ? a + rank : a;
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${a} is repeated in [${list.join(',')}] for ${operand}`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}
