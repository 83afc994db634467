import { ArgumentError, ChainruleError, Tensor, allocate, describeValue, expectArray, expectNumber, expectOptions, expectTensor, randomStream } from '@chainrule/graph';

/**
 * Examples as two tensors whose first axis indexes the example.
 *
 * @example
 * ```ts
 * const xor: Dataset = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[0], [1], [1], [0]]) };
 * exampleCount(xor); // 4
 * ```
 */
export interface Dataset {
  /** Inputs, [m, …]. */
  readonly x: Tensor;
  /** Targets, [m, …]. */
  readonly y: Tensor;
}

/**
 * Checks a data set argument: an object of two tensors `x` and `y` (their first axes are checked by {@link exampleCount}).
 *
 * @param fn - the function, for the message.
 * @param argument - the argument's name.
 * @param data - what was passed.
 * @returns the data set.
 * @throws ArgumentError naming the field at fault.
 */
export function expectDataset(fn: string, argument: string, data: unknown): Dataset {
  const d = expectOptions(fn, argument, data);
  if (data === undefined) throw new ArgumentError(fn, argument, 'a data set { x, y }', data);
  for (const key of ['x', 'y'] as const) expectTensor(fn, `${argument}.${key}`, d[key]);
  return data as Dataset;
}

/**
 * Number of examples of a data set, checking that inputs and targets agree.
 *
 * @param data - the examples.
 * @returns m, the length of the first axis of both tensors.
 * @throws ChainruleError when `x` or `y` is a scalar or their first axes differ.
 * @example
 * ```ts
 * exampleCount({ x: zeros([100, 784]), y: zeros([100, 10]) }); // 100
 * ```
 */
export function exampleCount(data: Dataset): number {
  expectDataset('dataset', 'data', data);
  const m = data.x.shape[0];
  if (m === undefined || data.y.shape[0] !== m) {
    throw new ChainruleError(`dataset: inputs [${data.x.shape.join(',')}] and targets [${data.y.shape.join(',')}] must have the same first axis`);
  }
  return m;
}

/**
 * The rows `indices` of a tensor, in that order.
 *
 * @param t - a tensor with at least one axis.
 * @param indices - row indices into the first axis (repeats allowed).
 * @returns a new tensor of shape `[indices.length, ...t.shape.slice(1)]`.
 * @example
 * ```ts
 * takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]); // [[5, 6], [1, 2]]
 * ```
 */
export function takeRows(t: Tensor, indices: readonly number[]): Tensor {
  expectTensor('takeRows', 't', t);
  if (t.rank === 0) throw new ChainruleError('takeRows: t is a scalar; it has no rows');
  expectArray('takeRows', 'indices', indices, 'row indices').forEach((r, i) => expectNumber('takeRows', `indices[${i}]`, r, { kind: 'integer', min: 0, max: t.shape[0]! - 1 }));
  const row = t.size / (t.shape[0] || 1);
  const out = allocate(t.dtype, indices.length * row);
  indices.forEach((r, i) => out.set(t.data.subarray(r * row, (r + 1) * row), i * row));
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

const SHUFFLE_STREAMS = 2 ** 32;

/**
 * A seeded permutation of 0..n−1 (Fisher–Yates on a `pure-rand` stream): the same (seed, stream)
 * always gives the same order.
 *
 * @param n - the length.
 * @param seed - the seed.
 * @param stream - which permutation of that seed (e.g. the epoch).
 * @returns the permutation.
 * @example
 * ```ts
 * permutation(5, 1, 0); // e.g. [3, 0, 4, 1, 2]
 * ```
 */
export function permutation(n: number, seed: number, stream: number): number[] {
  expectNumber('permutation', 'n', n, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectNumber('permutation', 'seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectNumber('permutation', 'stream', stream, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  // NOTE: streams from 2³² on, so that shuffling never replays the draws of an initializer with the
  // same seed (initializers use stream 0).
  const rng = randomStream(seed, SHUFFLE_STREAMS + stream);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = (rng.next() >>> 0) % (i + 1); // modulo bias below 2⁻³² · n: negligible for data sets
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Options of {@link batches}.
 *
 * @example
 * ```ts
 * batches(train, { batchSize: 32, seed: 1, epoch: 3 }); // the fourth epoch's shuffled batches
 * ```
 */
export interface BatchOptions {
  /** Examples per batch: 1 is stochastic gradient descent, m is batch gradient descent. */
  readonly batchSize: number;
  /** Shuffle with this seed (the order changes with `epoch`); no shuffling when absent. */
  readonly seed?: number;
  /** Which epoch's order to use (default 0). */
  readonly epoch?: number;
}

/**
 * Splits a data set into mini-batches, the last one smaller when the batch size does not divide the
 * number of examples.
 *
 * @param data - the examples.
 * @param options - batch size, shuffling seed and epoch.
 * @returns the batches, in order.
 * @throws ChainruleError when the batch size is not a positive integer or `x` and `y` disagree.
 * @example
 * ```ts
 * for (const b of batches(train, { batchSize: 128, seed: 1, epoch })) step({ x: b.x, y: b.y });
 * ```
 */
export function batches(data: Dataset, options: BatchOptions): Dataset[] {
  const m = exampleCount(data);
  if (options === undefined) throw new ArgumentError('batches', 'options', 'an object such as { batchSize: 32 }', options);
  const { batchSize, seed, epoch = 0 } = expectOptions('batches', 'options', options) as unknown as BatchOptions;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new ChainruleError(`batches: batchSize must be a positive integer, got ${describeValue(batchSize)}`);
  const order = seed === undefined ? Array.from({ length: m }, (_, i) => i) : permutation(m, seed, epoch);
  const out: Dataset[] = [];
  for (let start = 0; start < m; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    out.push({ x: takeRows(data.x, idx), y: takeRows(data.y, idx) });
  }
  return out;
}

/**
 * A seeded train/validation split.
 *
 * @param data - the examples.
 * @param validationFraction - share of examples held out, in [0, 1).
 * @param seed - the shuffling seed.
 * @returns the two parts.
 * @throws ChainruleError when the fraction is outside [0, 1) or `x` and `y` disagree.
 * @example
 * ```ts
 * const { train, validation } = trainValidationSplit(all, 0.1, 7);
 * ```
 */
export function trainValidationSplit(data: Dataset, validationFraction: number, seed: number): { train: Dataset; validation: Dataset } {
  if (typeof validationFraction !== 'number' || !(validationFraction >= 0 && validationFraction < 1)) {
    throw new ChainruleError(`trainValidationSplit: fraction must be in [0, 1), got ${describeValue(validationFraction)}`);
  }
  const m = exampleCount(data);
  const order = permutation(m, seed, 0);
  const k = Math.round(m * validationFraction);
  const pick = (idx: number[]): Dataset => ({ x: takeRows(data.x, idx), y: takeRows(data.y, idx) });
  return { validation: pick(order.slice(0, k)), train: pick(order.slice(k)) };
}
