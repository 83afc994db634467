import { isDType, type DType } from '../core/dtype.js';
import { ArgumentError, ChainruleError, GraphFormatError, describeValue } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { decodeNumber, decodeTensor } from '../core/tensor-json.js';
import { RESERVED_KEYS, SYMBOL_PATTERN, type Dim } from '../core/shape.js';

/**
 * Raw attributes of a node, as written by a builder or read from JSON (validated before use).
 *
 * @example
 * ```ts
 * const attrs: RawAttrs = { axes: [1], keepDims: true };
 * g.apply('sum', [x], attrs);
 * ```
 */
export type RawAttrs = Readonly<Record<string, unknown>>;

/**
 * An attribute failed validation. `key` is the attribute's name (and index path inside it); the
 * graph builder reports it as a {@link ShapeError} naming the op, the JSON loader as a
 * {@link GraphFormatError} with the full path.
 */
export class AttrError extends ChainruleError {
  /** Attribute name, with an index suffix for list entries, e.g. `axes[2]`. */
  readonly key: string;
  /** What is wrong with it. */
  readonly problem: string;

  /**
   * @param key - attribute name (and index path inside it).
   * @param problem - what is wrong with it.
   */
  constructor(key: string, problem: string) {
    super(`attribute '${key}': ${problem}`);
    this.key = key;
    this.problem = problem;
  }
}


const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? describeValue(v);
  } catch {
    return describeValue(v);
  }
};

/**
 * Reads and validates the attributes of one node, key by key; {@link AttrReader.done} rejects keys
 * that were not read, so nothing in a graph file is silently ignored.
 */
export class AttrReader {
  private readonly seen = new Set<string>();

  /** @param raw - the attributes to read. */
  constructor(private readonly raw: RawAttrs) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AttrError('', 'attributes must be an object');
    for (const key of Object.keys(raw)) {
      if (RESERVED_KEYS.has(key)) throw new AttrError(key, 'this key is not allowed');
    }
  }

  private take(key: string): unknown {
    this.seen.add(key);
    return Object.hasOwn(this.raw, key) ? this.raw[key] : undefined;
  }

  /** Whether the attribute is present (an explicit `undefined` counts as absent). */
  has(key: string): boolean {
    return Object.hasOwn(this.raw, key) && this.raw[key] !== undefined;
  }

  /** A finite or infinite number (NaN refused); JSON's string spellings of ±Infinity and −0 are accepted. */
  number(key: string, fallback?: number): number {
    const v = this.take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    const n = decodeNumber(v);
    if (n === undefined || Number.isNaN(n)) throw new AttrError(key, `expected a number, got ${show(v)}`);
    return n;
  }

  /** Any number including NaN and ±Infinity, also accepted in their JSON string spellings. */
  anyNumber(key: string): number {
    const v = this.take(key);
    const n = decodeNumber(v);
    if (n === undefined) throw new AttrError(key, `expected a number, got ${show(v)}`);
    return n;
  }

  /** An integer within [min, max]. */
  int(key: string, fallback?: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    const n = decodeNumber(v);
    if (n === undefined || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new AttrError(key, `expected an integer in [${min}, ${max}], got ${show(v)}`);
    }
    return n === 0 ? 0 : n; // −0 is the integer 0
  }

  /** A list of integers. */
  intList(key: string, fallback?: readonly number[]): number[] {
    const v = this.take(key);
    if (fallback !== undefined && !Array.isArray(fallback as unknown)) throw new ArgumentError('AttrReader.intList', 'fallback', 'an array of integers', fallback);
    if (v === undefined && fallback !== undefined) return [...fallback];
    if (!Array.isArray(v)) throw new AttrError(key, `expected a list of integers, got ${show(v)}`);
    return v.map((x, i) => {
      const n = decodeNumber(x);
      if (n === undefined || !Number.isSafeInteger(n)) throw new AttrError(`${key}[${i}]`, `expected an integer, got ${show(x)}`);
      return n === 0 ? 0 : n;
    });
  }

  /** A list of integers, or absent (`undefined`). */
  optionalIntList(key: string): number[] | undefined {
    return this.has(key) ? this.intList(key) : (this.take(key), undefined);
  }

  /** A boolean. */
  bool(key: string, fallback?: boolean): boolean {
    const v = this.take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') throw new AttrError(key, `expected true or false, got ${show(v)}`);
    return v;
  }

  /** A dtype name. */
  dtype(key: string, fallback?: DType): DType {
    const v = this.take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!isDType(v)) throw new AttrError(key, `expected 'float64' or 'float32', got ${show(v)}`);
    return v;
  }

  /** A non-empty string. */
  string(key: string): string {
    const v = this.take(key);
    if (typeof v !== 'string' || v.length === 0) throw new AttrError(key, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  /** A static shape: non-negative integers or symbolic names; `allowInfer` also admits one -1. */
  shape(key: string, allowInfer = false): Dim[] {
    const v = this.take(key);
    if (!Array.isArray(v)) throw new AttrError(key, `expected a shape (a list of dimensions), got ${show(v)}`);
    if (v.length > 32) throw new AttrError(key, `rank ${v.length} exceeds the maximum of 32`);
    return v.map((d, i) => {
      if (typeof d === 'string' && SYMBOL_PATTERN.test(d)) return d;
      if (typeof d === 'number' && Number.isSafeInteger(d) && (d >= 0 || (allowInfer && d === -1))) return d;
      throw new AttrError(`${key}[${i}]`, `expected a non-negative integer${allowInfer ? ', -1' : ''} or a symbolic name, got ${show(d)}`);
    });
  }

  /** A tensor value: a {@link Tensor} or its JSON form `{ dtype, shape, data }`. */
  tensor(key: string): Tensor {
    const v = this.take(key);
    if (v instanceof Tensor) return v;
    try {
      return decodeTensor(v, key);
    } catch (e) {
      if (e instanceof GraphFormatError) throw new AttrError(e.path, e.problem);
      throw e;
    }
  }

  /** One dimension: a non-negative integer or a symbolic name. */
  dim(key: string): Dim {
    const v = this.take(key);
    if (typeof v === 'string' && SYMBOL_PATTERN.test(v)) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    throw new AttrError(key, `expected a non-negative integer or a symbolic name, got ${show(v)}`);
  }

  /** The raw value of an attribute, for op-specific validation. */
  value(key: string): unknown {
    return this.take(key);
  }

  /** Rejects any attribute that was not read. */
  done(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key)) throw new AttrError(key, 'unknown attribute for this op');
    }
  }
}


/**
 * The attribute parser of ops that take no attributes: accepts only an empty set.
 *
 * @param reader - the node's attributes.
 * @returns no attributes.
 * @example
 * ```ts
 * defineOp({ name: 'myOp', parseAttrs: noAttrs, ... });
 * ```
 */
export function noAttrs(reader: AttrReader): Record<string, never> {
  reader.done();
  return {};
}
