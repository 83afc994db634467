import { ShapeError } from '../core/errors.js';
import { formatShape, type Dim, type SymbolicShape } from '../core/shape.js';
import type { Padding2d } from '../kernels/window.js';
import { AttrError, type AttrReader } from './attrs.js';

// Reading the attributes of convolution and pooling, and the checks their shape rules share.

/** Reads a pair of integers ≥ 1 (strides, dilations, a window's shape), or the fallback. */
export function readPair(r: AttrReader, key: string, fallback?: readonly [number, number]): [number, number] {
  const v = r.intList(key, fallback);
  if (v.length !== 2) throw new AttrError(key, `expected two integers [height, width], got ${v.length}`);
  v.forEach((n, i) => {
    if (n < 1) throw new AttrError(`${key}[${i}]`, `must be ≥ 1, got ${n}`);
  });
  return [v[0]!, v[1]!];
}

/** Reads `padding`: 'same', 'valid' (the default) or [[top, bottom], [left, right]] of integers ≥ 0. */
export function readPadding(r: AttrReader): Padding2d {
  const v = r.value('padding');
  if (v === undefined || v === 'valid') return 'valid';
  if (v === 'same') return 'same';
  const bad = (): never => {
    throw new AttrError('padding', `expected 'same', 'valid' or [[top, bottom], [left, right]] of integers ≥ 0, got ${JSON.stringify(v) ?? String(v)}`);
  };
  if (!Array.isArray(v) || v.length !== 2) return bad();
  const pairs = v.map((p: unknown) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return bad();
    return [(p[0] as number) + 0, (p[1] as number) + 0] as const; // + 0 turns −0 into 0
  });
  return [pairs[0]!, pairs[1]!];
}

/** The [height, width] of an NHWC operand, checked concrete (rank 4 is checked by the caller). */
export function spatialSize(op: string, which: string, shape: SymbolicShape): [number, number] {
  const [h, w] = [shape[1]!, shape[2]!];
  if (typeof h !== 'number' || typeof w !== 'number') {
    throw new ShapeError(`${op}: ${which} has shape ${formatShape(shape)}; its height and width must be concrete (only the batch axis may be symbolic)`);
  }
  return [h, w];
}

/** Checks an operand is rank 4, naming its layout. */
export function expectRank4(op: string, which: string, shape: SymbolicShape, layout: string): void {
  if (shape.length !== 4) throw new ShapeError(`${op}: ${which} has shape ${formatShape(shape)}; it must be rank 4, ${layout}`);
}

/** Checks one dimension is concrete (channels, filter sizes), naming it. */
export function concreteDim(op: string, which: string, shape: SymbolicShape, axis: number, what: string): number {
  const d: Dim = shape[axis]!;
  if (typeof d !== 'number') throw new ShapeError(`${op}: ${which} has shape ${formatShape(shape)}; its ${what} (axis ${axis}) must be concrete`);
  return d;
}
