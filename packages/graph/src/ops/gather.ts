import { allocate } from '../core/dtype.js';
import { ExecutionError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, type Dim } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { AttrError, noAttrs } from './attrs.js';
import { defineOp } from './op-def.js';

/** Reads an index value, which must be an exact integer in [0, limit). */
function indexAt(indices: Tensor, i: number, limit: number, op: string): number {
  const v = indices.data[i]!;
  if (!Number.isInteger(v) || v < 0 || v >= limit) {
    throw new ExecutionError(`${op}: index ${v} at position ${i} is not an integer in [0, ${limit})`);
  }
  return v;
}

/**
 * Rows of `x` by index: output[i…, :] = x[indices[i…], :]. Index values must be exact integers
 * in range (checked when run); they are carried in a float tensor.
 *
 * @example
 * ```ts
 * embeddings.gather(ids); // a gather node: [vocab, d] by ['batch'] → ['batch', d]
 * ```
 */
export const gatherOp = defineOp<Record<string, never>>({
  name: 'gather',
  arity: 2,
  kind: 'shape',
  differentiable: true,
  summary: 'Rows of x by index: out[i…] = x[indices[i…]] along axis 0 (indices are exact integers).',
  shapeRule: '[...indices.shape, ...x.shape without its first axis]',
  parseAttrs: noAttrs,
  infer([x, indices]) {
    if (x!.shape.length < 1) throw new ShapeError(`gather: x has shape ${formatShape(x!.shape)}; it needs at least one axis`);
    return { shape: [...indices!.shape, ...x!.shape.slice(1)], dtype: x!.dtype };
  },
  kernel([x, indices], _attrs, ctx) {
    const row = sizeOf(x!.shape.slice(1));
    const out = allocate(x!.dtype, sizeOf(ctx.outShape));
    for (let i = 0; i < indices!.size; i++) {
      const r = indexAt(indices!, i, x!.shape[0]!, 'gather');
      out.set(x!.data.subarray(r * row, (r + 1) * row), i * row);
    }
    return new Tensor(out, ctx.outShape);
  },
  linear: { mode: 'jointly', operands: [0] }, // the indices are piecewise constant
});

/**
 * Attributes of scatterAdd: the number of rows of the output.
 *
 * @example
 * ```ts
 * g.apply('scatterAdd', [updates, indices], { rows: 'vocab' }); // same as g.scatterAdd(updates, indices, 'vocab')
 * ```
 */
export interface ScatterAddAttrs {
  /** Rows of the output (a number or a symbolic dimension). */
  readonly rows: Dim;
}

/**
 * Adds rows of `updates` into a zero tensor of `rows` rows at the given indices (repeated indices
 * accumulate): the adjoint of gather.
 *
 * @example
 * ```ts
 * g.scatterAdd(updates, ids, 'vocab'); // a scatterAdd node: ['batch', d] → ['vocab', d]
 * ```
 */
export const scatterAddOp = defineOp<ScatterAddAttrs>({
  name: 'scatterAdd',
  arity: 2,
  kind: 'shape',
  differentiable: true,
  summary: 'Adds rows of updates into zeros of `rows` rows at the given indices (the adjoint of gather).',
  shapeRule: '[rows, ...updates.shape after the indices axes]',
  parseAttrs(r) {
    const attrs = { rows: r.dim('rows') };
    r.done();
    return attrs;
  },
  infer([updates, indices], { rows }) {
    const k = indices!.shape.length;
    const lead = updates!.shape.slice(0, k);
    if (updates!.shape.length < k || lead.some((d, i) => d !== indices!.shape[i])) {
      throw new ShapeError(`scatterAdd: updates ${formatShape(updates!.shape)} must start with the indices' shape ${formatShape(indices!.shape)}`);
    }
    return { shape: [rows, ...updates!.shape.slice(k)], dtype: updates!.dtype };
  },
  kernel([updates, indices], _attrs, ctx) {
    const rows = ctx.outShape[0]!;
    const row = sizeOf(ctx.outShape.slice(1));
    const out = allocate(updates!.dtype, sizeOf(ctx.outShape));
    for (let i = 0; i < indices!.size; i++) {
      const r = indexAt(indices!, i, rows, 'scatterAdd');
      for (let j = 0; j < row; j++) out[r * row + j]! += updates!.data[i * row + j]!;
    }
    return new Tensor(out, ctx.outShape);
  },
  linear: { mode: 'jointly', operands: [0] }, // the indices are piecewise constant
});

/**
 * Attributes of oneHot: the number of classes.
 *
 * @example
 * ```ts
 * g.apply('oneHot', [labels], { depth: 10 }); // labels: ['batch'] → ['batch', 10]
 * ```
 */
export interface OneHotAttrs {
  /** Number of classes: the length of the new last axis. */
  readonly depth: number;
}

/**
 * One-hot encoding: a new last axis of length `depth`, 1 at the index and 0 elsewhere.
 *
 * @example
 * ```ts
 * labels.oneHot(10); // a oneHot node: ['batch'] → ['batch', 10]
 * ```
 */
export const oneHotOp = defineOp<OneHotAttrs>({
  name: 'oneHot',
  arity: 1,
  kind: 'shape',
  differentiable: false,
  summary: 'One-hot encoding along a new last axis of length depth (indices are exact integers).',
  shapeRule: '[...indices.shape, depth]',
  parseAttrs(r) {
    const depth = r.int('depth');
    if (depth < 1) throw new AttrError('depth', `must be ≥ 1, got ${depth}`);
    r.done();
    return { depth };
  },
  infer: ([indices], { depth }) => ({ shape: [...indices!.shape, depth], dtype: indices!.dtype }),
  kernel([indices], { depth }, ctx) {
    const out = allocate(indices!.dtype, sizeOf(ctx.outShape));
    for (let i = 0; i < indices!.size; i++) out[i * depth + indexAt(indices!, i, depth, 'oneHot')] = 1;
    return new Tensor(out, ctx.outShape);
  },
});
