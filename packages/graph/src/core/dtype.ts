import { ArgumentError, ChainruleError } from './errors.js';

/**
 * Element types a tensor can hold. `float64` is the default everywhere.
 *
 * @example
 * ```ts
 * const dtype: DType = 'float32';
 * g.input('x', ['batch', 784], dtype);
 * ```
 */
export type DType = 'float64' | 'float32';

/**
 * The typed array that stores the elements of a tensor of a given dtype.
 *
 * @example
 * ```ts
 * const data: TypedArray = tensor([1, 2, 3]).data; // a Float64Array
 * ```
 */
export type TypedArray = Float64Array | Float32Array;

/**
 * Every supported dtype, in a fixed order (used to validate input from outside).
 *
 * @example
 * ```ts
 * DTYPES; // ['float64', 'float32']
 * DTYPES.includes('float32'); // true
 * ```
 */
export const DTYPES: readonly DType[] = ['float64', 'float32'];

/**
 * The smallest positive normal number of each dtype: 2⁻¹²⁶ ≈ 1.1754944e-38 in float32 and
 * 2⁻¹⁰²² ≈ 2.2250739e-308 in float64. Non-zero magnitudes below it are subnormal (see the
 * `flushSubnormal` op).
 *
 * @example
 * ```ts
 * SMALLEST_NORMAL.float32 === 2 ** -126; // true
 * ```
 */
export const SMALLEST_NORMAL: Readonly<Record<DType, number>> = { float32: 2 ** -126, float64: 2 ** -1022 };

/**
 * Tells whether a value names a supported dtype.
 *
 * @param value - anything.
 * @returns `true` when `value` is `'float64'` or `'float32'`.
 * @example
 * ```ts
 * isDType('float32'); // true
 * ```
 */
export function isDType(value: unknown): value is DType {
  return value === 'float64' || value === 'float32';
}

/**
 * Allocates a zero-filled typed array for a dtype.
 *
 * @param dtype - element type.
 * @param length - number of elements.
 * @returns a new `Float64Array` or `Float32Array`.
 * @throws ChainruleError on an unknown dtype, a length that is not a non-negative integer, or one
 *   the runtime cannot allocate (more elements than a typed array can hold, or out of memory).
 * @example
 * ```ts
 * allocate('float32', 4); // Float32Array(4) [0, 0, 0, 0]
 * ```
 */
export function allocate(dtype: DType, length: number): TypedArray {
  if (!isDType(dtype)) throw new ArgumentError('allocate', 'dtype', "'float64' or 'float32'", dtype);
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) throw new ArgumentError('allocate', 'length', 'a non-negative integer', length);
  try {
    return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  } catch (e) {
    throw new ChainruleError(`cannot allocate ${length} ${dtype} elements: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
