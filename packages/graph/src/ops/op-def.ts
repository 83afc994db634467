import type { DType, TypedArray } from '../core/dtype.js';
import type { RandomStream } from '../core/random.js';
import type { Shape, SymbolicShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ChainruleError } from '../core/errors.js';
import type { AttrReader } from './attrs.js';

/**
 * The static type of a node: its shape (possibly with symbolic dimensions) and dtype.
 *
 * @example
 * ```ts
 * const t: NodeType = { shape: ['batch', 10], dtype: 'float64' };
 * OPS.relu.infer([t], {}); // { shape: ['batch', 10], dtype: 'float64' }
 * ```
 */
export interface NodeType {
  /** Static shape; symbolic names are bound per run. */
  readonly shape: SymbolicShape;
  /** Element type. */
  readonly dtype: DType;
}

/**
 * What a kernel knows about the run it is part of.
 *
 * @example
 * ```ts
 * // The kernel of a custom source op fills its output shape for this run.
 * const kernel = (_inputs: readonly Tensor[], _attrs: unknown, ctx: KernelContext): Tensor => full(ctx.outShape, 1);
 * ```
 */
export interface KernelContext {
  /** Concrete shape of the output for this run (symbolic dimensions bound). */
  readonly outShape: Shape;
  /** The random stream of this node for this run (random ops only). */
  random(): RandomStream;
  /** The fed value of an input, or the stored value of a variable (those two ops only). */
  external(): Tensor;
}

/**
 * The context of a kernel evaluated outside any run (a constant or a fill computed once, a folded
 * value): it has an output shape, and reading a feed, a variable or a random stream is an error.
 *
 * @param outShape - the concrete output shape.
 * @param what - what is evaluating, for the error.
 * @returns the context.
 * @example
 * ```ts
 * OPS.fill.kernel([], { shape: [2], value: 1, dtype: 'float64' }, contextWithoutRun([2], 'simplify')); // [1, 1]
 * ```
 */
export function contextWithoutRun(outShape: Shape, what: string): KernelContext {
  const none = (): never => {
    throw new ChainruleError(`${what}: the kernel asked for run-time values outside a run`);
  };
  return { outShape, random: none, external: none };
}

/**
 * A kernel prepared once for fixed shapes: writes the output's elements into `out` (a buffer the
 * executor planned, never shared with an input) from the inputs' flat row-major data.
 *
 * @example
 * ```ts
 * const product: PlannedKernel = OPS.matmul.plan!([[2, 3], [3, 4]], { transposeA: false, transposeB: false }, [2, 4]);
 * product(out, [a.data, b.data]);
 * ```
 */
export type PlannedKernel = (out: TypedArray, inputs: readonly TypedArray[]) => void;

/**
 * How an op's output depends on its operands, for forward-mode differentiation (J·t): the op is
 * linear in the listed operands, `jointly` (f(t₀, t₁, …) is the tangent, as for sum or concat) or
 * `separately` (Σᵢ f(…, tᵢ, …) with the other operands at their values, as for matmul). Operands not
 * listed are held at their values (integer indices). An affine op gives the attributes of its
 * linear part (pad's constant border becomes 0).
 *
 * @example
 * ```ts
 * const gatherLinearity: Linearity<unknown> = { mode: 'jointly', operands: [0] }; // the indices stay
 * ```
 */
export interface Linearity<A> {
  /** `jointly`: the tangent is the op applied to every listed operand's tangent; `separately`: the sum over operands. */
  readonly mode: 'jointly' | 'separately';
  /** The operands the op is linear in; every operand when absent. */
  readonly operands?: readonly number[];
  /** The attributes of the linear part of an affine op; the op's own when absent. */
  readonly tangentAttrs?: (attrs: A) => A;
}

/**
 * Families of ops, used by passes that treat a family alike (fusion, rendering to formulas).
 *
 * @example
 * ```ts
 * const kind: OpKind | undefined = getOp('matmul')?.kind; // 'linalg'
 * ```
 */
export type OpKind = 'source' | 'random' | 'elementwise' | 'reduction' | 'linalg' | 'shape' | 'normalization' | 'other';

/**
 * The definition of one primitive op: arity, attribute schema, shape/dtype rule and the reference
 * kernel. Derivatives live in `@chainrule/autodiff`.
 *
 * @example
 * ```ts
 * const def: OpDef | undefined = getOp('concat');
 * def?.arity; // 'variadic'
 * def?.differentiable; // true
 * ```
 */
export interface OpDef<A = unknown> {
  /** The op's name as it appears in graphs and JSON. */
  readonly name: string;
  /** Number of inputs, or `'variadic'` (one or more). */
  readonly arity: number | 'variadic';
  /** Family of the op. */
  readonly kind: OpKind;
  /** Whether gradients flow through the op (autodiff must then have a rule for it). */
  readonly differentiable: boolean;
  /** One-line description, used by the generated op reference. */
  readonly summary: string;
  /** The output's shape in words, for the generated op reference (`infer` is the rule itself). */
  readonly shapeRule: string;
  /** Validates raw attributes (from a builder or JSON); must call `reader.done()`. */
  parseAttrs(reader: AttrReader): A;
  /** Shape and dtype rule; throws `ShapeError` naming the op, shapes and rule broken. */
  infer(inputs: readonly NodeType[], attrs: A): NodeType;
  /** Reference kernel: computes the output from concrete input values. */
  kernel(inputs: readonly Tensor[], attrs: A, ctx: KernelContext): Tensor;
  /**
   * Elementwise ops: a JavaScript expression computing exactly what the kernel computes for one
   * element, from the names of its operands' values — the compiler fuses chains of such ops into
   * one loop. Arguments are names the code generator makes, never text from a graph; `dtype` is the
   * node's element type, for the few ops whose formula depends on it (flushSubnormal's threshold).
   */
  readonly fuse?: (args: readonly string[], dtype: DType) => string;
  /**
   * Source ops whose value comes from outside the graph at run time: `'feed'` (inputs, fed by name
   * at each run) or `'stored'` (variables, read from the run state, changed only by assignments). Every
   * other source is fixed by its attributes and the run's shapes, so executors compute it once.
   */
  readonly external?: 'feed' | 'stored';
  /**
   * The output is the first operand's elements in the same row-major order (a view such as
   * reshape), so an executor may let it share the operand's buffer instead of copying.
   */
  readonly alias?: boolean;
  /**
   * A kernel prepared for fixed concrete shapes, which the compiled executor calls on buffers it
   * planned (matrix products, reductions, transposes): the per-shape work (offsets, strides,
   * dispatch) is done once here instead of at every run.
   */
  readonly plan?: (inShapes: readonly Shape[], attrs: A, outShape: Shape) => PlannedKernel;
  /**
   * The function by which formulas in mathjs syntax write this op, as `name(x)` or `name(a, b)`
   * (the mathjs bridge parses and prints it); absent for ops written as operators or not at all.
   */
  readonly mathFunction?: string;
  /** Linearity for forward-mode differentiation; see {@link Linearity}. */
  readonly linear?: Linearity<A>;
}

/**
 * Identity helper that fixes the attribute type of an op definition while keeping it literal.
 *
 * @param def - the op definition.
 * @returns the same object.
 * @example
 * ```ts
 * const myOp = defineOp<{ k: number }>({ name: 'my', ... });
 * ```
 */
export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  return def;
}
