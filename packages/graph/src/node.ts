import type { DType } from './dtype.js';
import type { Graph } from './graph.js';
import type { RawAttrs } from './ops/attrs.js';
import type { Dim, SymbolicShape } from './shape.js';
import { expandDims, logSoftmax, logSumExp, mean, min, softmax, squeeze } from './composites.js';

/** A number operand is lifted to a scalar constant of the other operand's dtype. */
export type Operand = Node | number;

/** Where a node came from when a transform (such as differentiation) created it. */
export interface NodeOrigin {
  /** Id of the node the transform was processing. */
  readonly node: number;
  /** Name of the rule that created this node, e.g. `vjp:mul`. */
  readonly rule: string;
}

/**
 * A symbolic handle for one node of a {@link Graph}: an op applied to earlier nodes, with a static
 * shape and dtype known from the moment it is built. Nodes are immutable; methods build new nodes.
 * (A concrete value is a {@link Tensor}; a run turns nodes into tensors.)
 *
 * @example
 * ```ts
 * const g = new Graph();
 * const x = g.input('x', [4, 2]);
 * const y = x.matmul(g.variable('w', zeros([2, 1]))).sigmoid();
 * y.shape; // [4, 1]
 * ```
 */
export class Node {
  /**
   * @internal Nodes are created by {@link Graph.apply} and the graph's source methods.
   */
  constructor(
    /** The graph this node belongs to. */
    readonly graph: Graph,
    /** Position of the node in its graph (creation order, which is a topological order). */
    readonly id: number,
    /** Name of the primitive op. */
    readonly op: string,
    /** Operand nodes, in order. */
    readonly inputs: readonly Node[],
    /** Validated attributes of the op. */
    readonly attrs: Readonly<RawAttrs>,
    /** Static shape; may contain symbolic dimensions such as `'batch'`. */
    readonly shape: SymbolicShape,
    /** Element type. */
    readonly dtype: DType,
    /** Set when a transform created the node on behalf of another one. */
    readonly origin: NodeOrigin | undefined,
  ) {
    Object.freeze(this);
  }

  /** The name of an input or variable node; `undefined` for other nodes. */
  get name(): string | undefined {
    return this.op === 'input' || this.op === 'variable' ? (this.attrs['name'] as string) : undefined;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** A short label for messages, e.g. `#12 matmul` or `#0 input 'x'`. */
  toString(): string {
    return `#${this.id} ${this.op}${this.name !== undefined ? ` '${this.name}'` : ''}`;
  }

  private lift(v: Operand): Node {
    return typeof v === 'number' ? this.graph.scalar(v, this.dtype) : v;
  }

  private unary(op: string, attrs: RawAttrs = {}): Node {
    return this.graph.apply(op, [this], attrs);
  }

  private binary(op: string, other: Operand): Node {
    return this.graph.apply(op, [this, this.lift(other)], {});
  }

  /** Elementwise `this + other` (broadcasting). */
  add(other: Operand): Node {
    return this.binary('add', other);
  }
  /** Elementwise `this − other` (broadcasting). */
  sub(other: Operand): Node {
    return this.binary('sub', other);
  }
  /** Elementwise `this · other` (broadcasting). */
  mul(other: Operand): Node {
    return this.binary('mul', other);
  }
  /** Elementwise `this / other` (broadcasting). */
  div(other: Operand): Node {
    return this.binary('div', other);
  }
  /** Elementwise `this ^ other` (broadcasting). */
  pow(other: Operand): Node {
    return this.binary('pow', other);
  }
  /** Elementwise maximum (broadcasting). */
  maximum(other: Operand): Node {
    return this.binary('maximum', other);
  }
  /** Elementwise minimum (broadcasting). */
  minimum(other: Operand): Node {
    return this.binary('minimum', other);
  }
  /** 1 where `this > other`, else 0 (broadcasting). */
  greater(other: Operand): Node {
    return this.binary('greater', other);
  }
  /** 1 where `this < other`, else 0 (broadcasting). */
  less(other: Operand): Node {
    return this.binary('less', other);
  }
  /** 1 where `this = other`, else 0 (broadcasting). */
  equal(other: Operand): Node {
    return this.binary('equal', other);
  }

  /** −x. */
  neg(): Node {
    return this.unary('neg');
  }
  /** |x|. */
  abs(): Node {
    return this.unary('abs');
  }
  /** sign(x) ∈ {−1, 0, 1}. */
  sign(): Node {
    return this.unary('sign');
  }
  /** eˣ. */
  exp(): Node {
    return this.unary('exp');
  }
  /** ln x. */
  log(): Node {
    return this.unary('log');
  }
  /** ln(1 + x). */
  log1p(): Node {
    return this.unary('log1p');
  }
  /** √x. */
  sqrt(): Node {
    return this.unary('sqrt');
  }
  /** x². */
  square(): Node {
    return this.unary('square');
  }
  /** 1/x. */
  reciprocal(): Node {
    return this.unary('reciprocal');
  }
  /** sin x. */
  sin(): Node {
    return this.unary('sin');
  }
  /** cos x. */
  cos(): Node {
    return this.unary('cos');
  }
  /** tanh x. */
  tanh(): Node {
    return this.unary('tanh');
  }
  /** σ(x) = 1/(1 + e⁻ˣ). */
  sigmoid(): Node {
    return this.unary('sigmoid');
  }
  /** max(x, 0). */
  relu(): Node {
    return this.unary('relu');
  }
  /** ln(1 + eˣ). */
  softplus(): Node {
    return this.unary('softplus');
  }

  /** Σ over `axes` (all by default). */
  sum(axes?: number | readonly number[], keepDims = false): Node {
    return this.unary('sum', { axes: axes === undefined ? undefined : typeof axes === 'number' ? [axes] : axes, keepDims });
  }
  /** Maximum over `axes` (all by default). */
  max(axes?: number | readonly number[], keepDims = false): Node {
    return this.unary('max', { axes: axes === undefined ? undefined : typeof axes === 'number' ? [axes] : axes, keepDims });
  }
  /** Minimum over `axes` (all by default), as −max(−x). */
  min(axes?: number | readonly number[], keepDims = false): Node {
    return min(this, axes, keepDims);
  }
  /** Arithmetic mean over `axes` (all by default). */
  mean(axes?: number | readonly number[], keepDims = false): Node {
    return mean(this, axes, keepDims);
  }
  /** ln Σ eˣ over `axes`, computed stably. */
  logSumExp(axes?: number | readonly number[], keepDims = false): Node {
    return logSumExp(this, axes, keepDims);
  }
  /** Softmax along `axis` (last by default). */
  softmax(axis = -1): Node {
    return softmax(this, axis);
  }
  /** Log-softmax along `axis` (last by default), computed stably. */
  logSoftmax(axis = -1): Node {
    return logSoftmax(this, axis);
  }

  /** Matrix product with `other` over the last two axes; either side may be used transposed. */
  matmul(other: Node, options: { transposeA?: boolean; transposeB?: boolean } = {}): Node {
    return this.graph.apply('matmul', [this, other], { transposeA: options.transposeA ?? false, transposeB: options.transposeB ?? false });
  }
  /** Permutes axes (reverses them by default). */
  transpose(perm?: readonly number[]): Node {
    return this.unary('transpose', perm === undefined ? {} : { perm });
  }
  /** Same elements under a new shape (one entry may be −1). */
  reshape(shape: readonly Dim[]): Node {
    return this.unary('reshape', { shape });
  }
  /** Broadcasts to `shape` by NumPy rules. */
  broadcastTo(shape: readonly Dim[]): Node {
    return this.unary('broadcastTo', { shape });
  }
  /** Inserts an axis of size 1 at `axis`. */
  expandDims(axis: number): Node {
    return expandDims(this, axis);
  }
  /** Removes axes of size 1 (the given ones, or all). */
  squeeze(axes?: number | readonly number[]): Node {
    return squeeze(this, axes);
  }
  /** A box: per axis, `size` elements from `begin` (size −1: to the end). */
  slice(begin: readonly number[], size: readonly number[]): Node {
    return this.unary('slice', { begin, size });
  }
  /** Surrounds with `value`: `before[i]`/`after[i]` elements along axis i. */
  pad(before: readonly number[], after: readonly number[], value = 0): Node {
    return this.unary('pad', { before, after, value });
  }
  /** Rows of this node (axis 0) picked by `indices`. */
  gather(indices: Node): Node {
    return this.graph.apply('gather', [this, indices], {});
  }
  /** One-hot encoding of these integer indices along a new last axis. */
  oneHot(depth: number): Node {
    return this.unary('oneHot', { depth });
  }
  /** Converts to another dtype. */
  cast(dtype: DType): Node {
    return this.unary('cast', { dtype });
  }
  /** Same value; differentiation treats it as a constant. */
  stopGradient(): Node {
    return this.unary('stopGradient');
  }
  /** Same value, as a new node. */
  identity(): Node {
    return this.unary('identity');
  }
}
