import { describe, expect, it } from 'vitest';
import { ChainruleError, Tensor, randomStream, uniformInit } from '@chainrule/graph';
import { adam } from '@chainrule/optim';
import { Trainer, checkpointToText, crossEntropyFromLogits, dense, dropout, gaussianNoise, randomShift, restoreCheckpoint, sequential, type AugmentationContext, type Dataset } from '@chainrule/nn';
import { expectSameState, snapshot } from './helpers.js';

/** m images of h × w, each pixel a distinct positive value, with one-hot targets of 3 classes. */
function images(m: number, h: number, w: number, channels = 1): Dataset {
  const x = Float64Array.from({ length: m * h * w * channels }, (_, i) => 1 + i);
  const y = Float64Array.from({ length: m * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  return { x: new Tensor(x, [m, h * w * channels]), y: new Tensor(y, [m, 3]) };
}

const context = (seed = 1): AugmentationContext => ({ epoch: 1, batch: 0, random: randomStream(seed, 0) });

/** The image shifted by (dx, dy), with zeros moved in. */
function shiftBy(src: ArrayLike<number>, h: number, w: number, c: number, dx: number, dy: number): number[] {
  const out = new Array<number>(h * w * c).fill(0);
  for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) {
    const sr = r - dy;
    const sc = col - dx;
    if (sr >= 0 && sr < h && sc >= 0 && sc < w) for (let k = 0; k < c; k++) out[(r * w + col) * c + k] = src[(sr * w + sc) * c + k]!;
  }
  return out;
}

describe('randomShift', () => {
  it('moves every image by its own offset in {−s, …, s}², filling with the background, targets unchanged', () => {
    for (const [h, w, c, s] of [[6, 5, 1, 2], [4, 4, 3, 1]] as const) {
      const data = images(300, h, w, c);
      const out = randomShift({ height: h, width: w, channels: c, maxShift: s })(data, context());
      expect(out.y).toBe(data.y);
      const seen = new Set<string>();
      const size = h * w * c;
      for (let i = 0; i < 300; i++) {
        const got = Array.from(out.x.data.subarray(i * size, (i + 1) * size));
        const src = data.x.data.subarray(i * size, (i + 1) * size);
        const offsets: string[] = [];
        for (let dy = -s; dy <= s; dy++) for (let dx = -s; dx <= s; dx++) if (shiftBy(src, h, w, c, dx, dy).every((v, k) => v === got[k])) offsets.push(`${dx},${dy}`);
        expect(offsets, `image ${i}`).toHaveLength(1); // pixels are distinct, so the offset is unique
        seen.add(offsets[0]!);
      }
      expect(seen.size).toBe((2 * s + 1) ** 2); // every offset occurs
    }
  });

  it('is a function of its stream: the same stream, the same shifts; float32 stays float32', () => {
    const data = images(20, 5, 5);
    const shift = randomShift({ height: 5, width: 5 });
    expect(Array.from(shift(data, context(4)).x.data)).toEqual(Array.from(shift(data, context(4)).x.data));
    expect(Array.from(shift(data, context(4)).x.data)).not.toEqual(Array.from(shift(data, context(5)).x.data));
    const f32 = { x: new Tensor(Float32Array.from(data.x.data), data.x.shape), y: data.y };
    expect(shift(f32, context()).x.dtype).toBe('float32');
  });

  it('refuses bad sizes and examples of the wrong size', () => {
    expect(() => randomShift({ height: 0, width: 5 })).toThrow(ChainruleError);
    expect(() => randomShift({ height: 5, width: 5, maxShift: 5 })).toThrow(/maxShift/);
    expect(() => randomShift({ height: 5, width: 5, maxShift: -1 })).toThrow(/maxShift/);
    expect(() => randomShift({ height: 4, width: 4 })(images(2, 5, 5), context())).toThrow(/expected 4×4×1 = 16/);
  });
});

describe('Trainer.fit with an augmentation', () => {
  const make = () => new Trainer({
    model: sequential([gaussianNoise(0.05), dense(8, { activation: 'tanh' }), dropout(0.8), dense(3)]),
    inputUnits: 25, targetUnits: 3, loss: crossEntropyFromLogits, rule: adam({ lr: 0.01 }), seed: 9,
  });
  const data = (): Dataset => {
    const x = uniformInit(0, 1, 2)([40, 25], 'float64');
    return { x, y: images(40, 5, 5).y };
  };

  it('applies it to every batch, or once per epoch, with the epoch and batch index', () => {
    const calls: [number, number, number][] = [];
    const spy = (b: Dataset, c: AugmentationContext) => (calls.push([c.epoch, c.batch, b.x.shape[0]!]), b);
    make().fit(data(), { epochs: 2, batchSize: 16, progress: 'none', augmentation: { apply: spy } });
    expect(calls).toEqual([[1, 0, 16], [1, 1, 16], [1, 2, 8], [2, 0, 16], [2, 1, 16], [2, 2, 8]]);
    calls.length = 0;
    make().fit(data(), { epochs: 2, batchSize: 16, progress: 'none', augmentation: { apply: spy, per: 'epoch' } });
    expect(calls).toEqual([[1, 0, 40], [2, 0, 40]]);
  });

  it('trains on what the augmentation returns', () => {
    const zeroed = (b: Dataset) => ({ x: new Tensor(new Float64Array(b.x.size), b.x.shape), y: b.y });
    const a = make();
    const b = make();
    a.fit(data(), { epochs: 1, batchSize: 16, progress: 'none', augmentation: { apply: zeroed } });
    b.fit({ x: new Tensor(new Float64Array(40 * 25), [40, 25]), y: data().y }, { epochs: 1, batchSize: 16, progress: 'none' });
    expectSameState(snapshot(a.graph), snapshot(b.graph));
  });

  it('resumes bit for bit: 2 + 2 epochs through a checkpoint equal 4 epochs straight', () => {
    const augmentation = { apply: randomShift({ height: 5, width: 5, maxShift: 1 }) };
    const straight = make();
    straight.fit(data(), { epochs: 4, batchSize: 16, progress: 'none', augmentation });
    const first = make();
    first.fit(data(), { epochs: 2, batchSize: 16, progress: 'none', augmentation });
    const resumed = make();
    resumed.epoch = restoreCheckpoint(resumed.graph, checkpointToText(first.graph, { epoch: first.epoch }))['epoch']!;
    resumed.fit(data(), { epochs: 4, batchSize: 16, progress: 'none', augmentation });
    expectSameState(snapshot(resumed.graph), snapshot(straight.graph));
    // and the augmentation mattered
    const plain = make();
    plain.fit(data(), { epochs: 4, batchSize: 16, progress: 'none' });
    expect(plain.graph.getVariable('dense1/W').data).not.toEqual(straight.graph.getVariable('dense1/W').data);
  });

  it('refuses an augmentation that changes the shapes, or is not one', () => {
    const drop = (b: Dataset) => ({ x: new Tensor(b.x.data.subarray(0, 25), [1, 25]), y: b.y });
    expect(() => make().fit(data(), { epochs: 1, batchSize: 16, progress: 'none', augmentation: { apply: drop } })).toThrow(/changed the shapes/);
    expect(() => make().fit(data(), { epochs: 1, batchSize: 16, progress: 'none', augmentation: { apply: 5 as never } })).toThrow(ChainruleError);
    expect(() => make().fit(data(), { epochs: 1, batchSize: 16, progress: 'none', augmentation: { apply: (b: Dataset) => b, per: 'step' as never } })).toThrow(/per/);
  });
});
