import { allocate, isDType, type DType } from './dtype.js';
import { ArgumentError, GraphFormatError } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * The JSON form of a tensor: dtype, shape and flat row-major data.
 *
 * @example
 * ```ts
 * const json: TensorJSON = { dtype: 'float64', shape: [2, 2], data: [1, 0, 'NaN', '-0'] };
 * decodeTensor(json, 'weights').get(1, 0); // NaN
 * ```
 */
export interface TensorJSON {
  /** Element type. */
  readonly dtype: DType;
  /** Dimensions. */
  readonly shape: readonly number[];
  /** Elements in row-major order; NaN, ±Infinity and −0 are written as strings. */
  readonly data: readonly (number | string)[];
}

/**
 * The largest number of elements a tensor read from JSON may declare.
 *
 * @example
 * ```ts
 * MAX_JSON_TENSOR_SIZE; // 268435456 (2²⁸ elements)
 * ```
 */
export const MAX_JSON_TENSOR_SIZE = 2 ** 28;

/**
 * Decodes a number as stored in graph JSON: a JSON number, or one of the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"`, `"-0"` for values JSON numbers cannot carry.
 *
 * @param v - the stored value.
 * @returns the number, or `undefined` when `v` is neither.
 * @example
 * ```ts
 * decodeNumber('-Infinity'); // -Infinity
 * ```
 */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return undefined;
  }
}

/**
 * Encodes a number for graph JSON so that it survives the round trip bit for bit (NaN, ±Infinity
 * and -0 become strings).
 *
 * @param v - any number.
 * @returns a JSON-safe number or string.
 * @example
 * ```ts
 * encodeNumber(-0); // "-0"
 * ```
 */
export function encodeNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

/**
 * Writes a tensor as JSON that reads back bit for bit (float32 values are exact in float64).
 *
 * @param t - the tensor.
 * @returns its JSON form.
 * @example
 * ```ts
 * encodeTensor(tensor([1, -0])); // { dtype: 'float64', shape: [2], data: [1, '-0'] }
 * ```
 */
export function encodeTensor(t: Tensor): TensorJSON {
  if (!(t instanceof Tensor)) throw new ArgumentError('encodeTensor', 't', 'a Tensor', t);
  return { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data, encodeNumber) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a tensor from its JSON form, checking every field.
 *
 * @param raw - the parsed JSON value.
 * @param path - where `raw` sits in the document, for error messages.
 * @returns the tensor.
 * @throws GraphFormatError with the path of the offending field.
 * @example
 * ```ts
 * decodeTensor({ dtype: 'float32', shape: [2], data: [1, 2] }, '$.value');
 * ```
 */
export function decodeTensor(raw: unknown, path: string): Tensor {
  if (!isPlainObject(raw)) throw new GraphFormatError(path, 'expected a tensor object { dtype, shape, data }');
  for (const key of Object.keys(raw)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data') throw new GraphFormatError(`${path}.${key}`, 'unknown field of a tensor');
  }
  const dtype = raw['dtype'];
  if (!isDType(dtype)) throw new GraphFormatError(`${path}.dtype`, `expected 'float64' or 'float32', got ${JSON.stringify(dtype) ?? String(dtype)}`);
  const shape = raw['shape'];
  if (!Array.isArray(shape) || shape.length > 32) throw new GraphFormatError(`${path}.shape`, 'expected a list of at most 32 dimensions');
  let size = 1;
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new GraphFormatError(`${path}.shape[${i}]`, `expected a non-negative integer, got ${JSON.stringify(d) ?? String(d)}`);
    }
    size *= d;
  });
  if (size > MAX_JSON_TENSOR_SIZE) throw new GraphFormatError(`${path}.shape`, `declares ${size} elements, more than ${MAX_JSON_TENSOR_SIZE}`);
  const data = raw['data'];
  if (!Array.isArray(data)) throw new GraphFormatError(`${path}.data`, 'expected a list of numbers');
  if (data.length !== size) {
    throw new GraphFormatError(`${path}.data`, `shape [${shape.join(',')}] holds ${size} elements but data has ${data.length}`);
  }
  const out = allocate(dtype, size);
  data.forEach((v: unknown, i) => {
    const n = decodeNumber(v);
    if (n === undefined) throw new GraphFormatError(`${path}.data[${i}]`, `expected a number, got ${JSON.stringify(v) ?? String(v)}`);
    if (dtype === 'float32' && !Number.isNaN(n) && Math.fround(n) !== n) {
      throw new GraphFormatError(`${path}.data[${i}]`, `${n} is not exactly representable in float32`);
    }
    out[i] = n;
  });
  return new Tensor(out, shape as number[]);
}
