import { ArgumentError, ChainruleError, Tensor, expectOptions, expectTensor, type RandomStream } from '@chainrule/graph';
import { exampleCount, type Dataset } from './data.js';

/**
 * A data augmentation: a seeded transform of a batch (or of the whole training set, once per epoch)
 * into a new one of the same shape. It must draw all its randomness from `random`, so that a run,
 * and a run resumed from a checkpoint, is the same bit for bit.
 *
 * @example
 * ```ts
 * // every input value moved by up to ±0.01, uniformly
 * const jitter: Augmentation = (batch, { random }) => ({ x: new Tensor(batch.x.data.map((v) => v + (random.next() / 2 ** 31) * 0.01), batch.x.shape), y: batch.y });
 * ```
 */
export type Augmentation = (batch: Dataset, context: AugmentationContext) => Dataset;

/**
 * What an {@link Augmentation} is given besides the examples.
 *
 * @example
 * ```ts
 * const logged: Augmentation = (batch, { epoch, batch: index }) => (console.log(epoch, index), batch);
 * ```
 */
export interface AugmentationContext {
  /** The epoch being trained, from 1. */
  readonly epoch: number;
  /** The batch's index in the epoch, from 0 (0 for a per-epoch augmentation). */
  readonly batch: number;
  /** The random stream of this epoch and batch: from the trainer's seed, the epoch and the index. */
  readonly random: RandomStream;
}

/**
 * Options of {@link randomShift}.
 *
 * @example
 * ```ts
 * randomShift({ height: 28, width: 28, maxShift: 2 });
 * ```
 */
export interface ShiftOptions {
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Largest shift in pixels along each axis (default 2). */
  readonly maxShift?: number;
  /** Channels per pixel, interleaved last (default 1). */
  readonly channels?: number;
  /** The value of the pixels moved in from outside the frame (default 0, a black background). */
  readonly fill?: number;
}

/**
 * Data augmentation by translation: every image of the batch moved by its own offset
 * (dx, dy) ∈ {−s, …, s}², uniform, drawn from the augmentation's stream; pixels moved in from
 * outside the frame take the fill value. Targets are unchanged. Images are rows of
 * height × width × channels values (row-major, channels last).
 *
 * @param options - image size, largest shift, channels, fill.
 * @returns the augmentation.
 * @throws ChainruleError when a size is not a positive integer or the shift is negative or not smaller than the image.
 * @example
 * ```ts
 * trainer.fit(train, { epochs: 20, batchSize: 64, augmentation: { apply: randomShift({ height: 28, width: 28 }) } });
 * ```
 */
export function randomShift(options: ShiftOptions): Augmentation {
  if (options === undefined) throw new ArgumentError('randomShift', 'options', 'an object { height, width, maxShift?, channels?, fill? }', options);
  const { height, width, maxShift = 2, channels = 1, fill = 0 } = expectOptions('randomShift', 'options', options) as unknown as ShiftOptions;
  if (typeof fill !== 'number') throw new ArgumentError('randomShift', 'options.fill', 'a number', fill);
  for (const [name, v] of [['height', height], ['width', width], ['channels', channels]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ChainruleError(`randomShift: ${name} must be a positive integer, got ${String(v)}`);
  }
  if (!Number.isSafeInteger(maxShift) || maxShift < 0 || maxShift >= Math.min(height, width)) {
    throw new ChainruleError(`randomShift: maxShift must be an integer in [0, ${Math.min(height, width)}), got ${String(maxShift)}`);
  }
  const span = 2 * maxShift + 1;
  const size = height * width * channels;
  return (batch, context) => {
    const b = expectOptions('randomShift', 'batch', batch);
    expectTensor('randomShift', 'batch.x', b['x']);
    const random = (expectOptions('randomShift', 'context', context) as Partial<AugmentationContext>).random;
    if (typeof random?.next !== 'function') throw new ArgumentError('randomShift', 'context.random', 'a random stream', random);
    const m = exampleCount(batch);
    if (batch.x.size !== m * size) throw new ChainruleError(`randomShift: examples of ${batch.x.size / Math.max(m, 1)} values, expected ${height}×${width}×${channels} = ${size}`);
    const src = batch.x.data;
    const out = new Float64Array(src.length).fill(fill);
    for (let i = 0; i < m; i++) {
      const r = random.next() >>> 0;
      const dx = (r % span) - maxShift;
      const dy = (Math.floor(r / span) % span) - maxShift;
      const o = i * size;
      for (let row = Math.max(0, dy); row < Math.min(height, height + dy); row++) {
        const to = o + (row * width + Math.max(0, dx)) * channels;
        const from = o + ((row - dy) * width + Math.max(0, dx) - dx) * channels;
        const count = (Math.min(width, width + dx) - Math.max(0, dx)) * channels;
        for (let k = 0; k < count; k++) out[to + k] = src[from + k]!;
      }
    }
    return { x: new Tensor(batch.x.dtype === 'float32' ? Float32Array.from(out) : out, batch.x.shape), y: batch.y };
  };
}
