import { allocate, isDType, type DType, type TypedArray } from './dtype.js';
import { ArgumentError, ChainruleError, ShapeError, describeValue } from './errors.js';
import { checkShape, formatShape, sizeOf, stridesOf, type Shape } from './shape.js';

/**
 * Nested JavaScript arrays of numbers, as accepted by {@link tensor} and returned by {@link Tensor.toArray}.
 *
 * @example
 * ```ts
 * const rows: NestedArray = [[1, 2, 3], [4, 5, 6]];
 * tensor(rows).shape; // [2, 3]
 * ```
 */
export type NestedArray = number | readonly NestedArray[];

/**
 * A concrete, dense, row-major n-d array: what feeds, results and variable values are. Not a graph
 * node (that is {@link Node}). Treat `data` as read-only: the library copies values it keeps.
 *
 * @example
 * ```ts
 * const t = new Tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * t.get(1, 2); // 6
 * ```
 */
export class Tensor {
  /** Element type, from the storage array. */
  readonly dtype: DType;
  /** Dimensions, outermost first. */
  readonly shape: Shape;
  /** Flat row-major storage; `data.length` equals the product of `shape`. */
  readonly data: TypedArray;

  /**
   * Wraps existing storage; the dtype follows the typed array. Prefer {@link tensor}, which copies.
   *
   * @param data - flat row-major storage (not copied).
   * @param shape - dimensions; their product must equal `data.length`.
   * @throws ShapeError on a non-integer or negative dimension, or a length that does not match.
   * @throws ChainruleError when `data` is not a `Float64Array` or `Float32Array`.
   */
  constructor(data: TypedArray, shape: readonly number[]) {
    const checked = checkShape(shape, 'Tensor');
    if (!(data instanceof Float64Array) && !(data instanceof Float32Array)) {
      throw new ChainruleError('Tensor: data must be a Float64Array or a Float32Array');
    }
    if (sizeOf(checked) !== data.length) {
      throw new ShapeError(`Tensor: shape ${formatShape(checked)} holds ${sizeOf(checked)} elements but data has ${data.length}`);
    }
    this.data = data;
    this.shape = checked;
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
  }

  /**
   * Number of elements.
   *
   * @example
   * ```ts
   * zeros([2, 3]).size; // 6
   * ```
   */
  get size(): number {
    return this.data.length;
  }

  /**
   * Number of axes (0 for a scalar).
   *
   * @example
   * ```ts
   * tensor(5).rank; // 0
   * ```
   */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * Reads one element.
   *
   * @param index - one integer per axis (none for a scalar).
   * @returns the element.
   * @throws ShapeError when the index has the wrong length or is out of range.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).get(1, 0); // 3
   * ```
   */
  get(...index: number[]): number {
    if (index.length !== this.rank) {
      throw new ShapeError(`Tensor.get: expected ${this.rank} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    }
    const strides = stridesOf(this.shape);
    let offset = 0;
    for (let i = 0; i < index.length; i++) {
      const k: unknown = index[i];
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= this.shape[i]!) {
        throw new ShapeError(`Tensor.get: index ${describeValue(k)} out of range for axis ${i} of shape ${formatShape(this.shape)}`);
      }
      offset += k * strides[i]!;
    }
    return this.data[offset]!;
  }

  /**
   * The value of a tensor with exactly one element.
   *
   * @returns that element.
   * @throws ShapeError when the tensor has more or fewer than one element.
   * @example
   * ```ts
   * tensor(3).item(); // 3
   * ```
   */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`Tensor.item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0]!;
  }

  /**
   * Converts to nested JavaScript arrays (a plain number for a scalar).
   *
   * @returns the values, nested by axis.
   * @example
   * ```ts
   * tensor([1, 2, 3, 4], [2, 2]).toArray(); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.rank) return this.data[offset]!;
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /**
   * A readable rendering: dtype, shape and the nested values.
   *
   * @returns e.g. `Tensor float64 [2] [1,2]`.
   * @example
   * ```ts
   * String(tensor([1, 2])); // "Tensor float64 [2] [1,2]"
   * ```
   */
  toString(): string {
    // String(v), not JSON: NaN and ±Infinity must print as themselves, not as null
    const format = (v: NestedArray): string => (typeof v === 'number' ? String(v) : `[${v.map(format).join(',')}]`);
    return `Tensor ${this.dtype} ${formatShape(this.shape)} ${format(this.toArray())}`;
  }
}

function nestedShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = (v as readonly NestedArray[])[0]!;
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: Shape, axis: number, out: TypedArray, offset: { i: number }): void {
  if (axis === shape.length) {
    if (typeof values !== 'number') throw new ShapeError(`tensor: expected a number at depth ${axis}, got ${describeValue(values)}`);
    out[offset.i++] = values;
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new ShapeError(`tensor: ragged nested array: axis ${axis} should have length ${shape[axis]}`);
  }
  for (const v of values as readonly NestedArray[]) flattenInto(v, shape, axis + 1, out, offset);
}

/**
 * Makes a tensor from nested arrays, a flat array with a shape, a typed array, or a number.
 *
 * @param values - nested arrays (the shape is read from the nesting), a flat list (then `shape` is
 *   required unless it is 1-D), a `Float64Array`/`Float32Array`, or a single number (a scalar).
 * @param shape - dimensions for flat input; must match the element count.
 * @param dtype - element type; defaults to `float64` (or the typed array's own type).
 * @returns a new tensor owning a copy of the values.
 * @throws ShapeError on ragged nesting, non-numbers, or a shape that does not match the data length.
 * @throws ChainruleError on an unknown dtype.
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);            // float64 [2,2]
 * tensor([1, 2, 3, 4, 5, 6], [2, 3]);  // float64 [2,3]
 * tensor(0.5, [], 'float32');          // float32 scalar
 * ```
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: readonly number[], dtype?: DType): Tensor {
  if (dtype !== undefined && !isDType(dtype)) throw new ChainruleError(`tensor: unknown dtype ${describeValue(dtype)}`);
  if (shape !== undefined && !Array.isArray(shape)) throw new ArgumentError('tensor', 'shape', 'an array of dimensions (or left out)', shape);
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const type = dtype ?? (values instanceof Float32Array ? 'float32' : 'float64');
    const data = allocate(type, values.length);
    data.set(values);
    return new Tensor(data, shape ?? [values.length]);
  }
  const type = dtype ?? 'float64';
  if (typeof values === 'number') {
    const data = allocate(type, 1);
    data[0] = values;
    return new Tensor(data, shape ?? []);
  }
  const nested = values as NestedArray;
  const inferred = nestedShape(nested);
  if (shape !== undefined && inferred.length > 1) {
    throw new ShapeError('tensor: give either nested arrays or a flat list with a shape, not both');
  }
  const target = shape ?? inferred;
  const checked = checkShape(target, 'tensor');
  if (shape !== undefined && !Array.isArray(values)) throw new ArgumentError('tensor', 'values', 'an array of numbers (with a shape)', values);
  const data = allocate(type, sizeOf(checked));
  if (shape !== undefined) {
    const flat = values as ArrayLike<number>;
    if (flat.length !== data.length) {
      throw new ShapeError(`tensor: shape ${formatShape(checked)} holds ${data.length} elements but ${flat.length} values were given`);
    }
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw new ShapeError(`tensor: element ${i} is ${describeValue(v)}, not a number`);
      data[i] = v;
    }
  } else {
    flattenInto(nested, checked, 0, data, { i: 0 });
  }
  return new Tensor(data, checked);
}

/**
 * A tensor with every element equal to `value`.
 *
 * @param shape - dimensions.
 * @param value - the fill value.
 * @param dtype - element type, `float64` by default.
 * @returns a new tensor.
 * @throws ShapeError on a negative or non-integer dimension.
 * @throws ArgumentError when `value` is not a number or `dtype` is unknown.
 * @example
 * ```ts
 * full([2, 2], 7); // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: readonly number[], value: number, dtype: DType = 'float64'): Tensor {
  const checked = checkShape(shape, 'full');
  if (typeof value !== 'number') throw new ArgumentError('full', 'value', 'a number', value);
  if (!isDType(dtype)) throw new ArgumentError('full', 'dtype', "'float64' or 'float32'", dtype);
  const data = allocate(dtype, sizeOf(checked));
  data.fill(value);
  return new Tensor(data, checked);
}

/**
 * A tensor of zeros.
 *
 * @param shape - dimensions.
 * @param dtype - element type, `float64` by default.
 * @returns a new tensor.
 * @example
 * ```ts
 * zeros([3]); // [0, 0, 0]
 * ```
 */
export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return full(shape, 0, dtype);
}

/**
 * A tensor of ones.
 *
 * @param shape - dimensions.
 * @param dtype - element type, `float64` by default.
 * @returns a new tensor.
 * @example
 * ```ts
 * ones([2]); // [1, 1]
 * ```
 */
export function ones(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return full(shape, 1, dtype);
}

/**
 * A tensor with its own copy of the data.
 *
 * @param t - the tensor to copy.
 * @returns an equal tensor that shares no storage with `t`.
 * @example
 * ```ts
 * const mine = copyTensor(result);
 * ```
 */
export function copyTensor(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError('copyTensor', 't', 'a Tensor', t);
  return new Tensor(t.data.slice(), t.shape);
}
