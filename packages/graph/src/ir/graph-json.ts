import type { DType } from '../core/dtype.js';
import type { Dim } from '../core/shape.js';
import type { TensorJSON } from '../core/tensor-json.js';

/**
 * One node of {@link GraphJSON}: its op, operands by id, attributes and the static type it must have.
 *
 * @example
 * ```ts
 * const node: NodeJSON = { id: 2, op: 'sum', inputs: [1], attrs: { axes: [1], keepDims: false }, shape: ['batch'], dtype: 'float64' };
 * ```
 */
export interface NodeJSON {
  /** Unique non-negative integer; `inputs` of other nodes and the keys of `random` refer to it. */
  readonly id: number;
  /** Primitive op name (see `PRIMITIVES`). */
  readonly op: string;
  /** Ids of the operand nodes, in order; any order of `nodes` is accepted, cycles are not. */
  readonly inputs: readonly number[];
  /** The op's attributes: tensors as {@link TensorJSON}, NaN/±Infinity/−0 as strings. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Static shape; must equal the shape the op infers from its inputs. */
  readonly shape: readonly Dim[];
  /** Element type; must equal the dtype the op infers. */
  readonly dtype: DType;
  /** Provenance: the node and rule a transform made this node for (see `Node.origin`). */
  readonly origin?: { readonly node: number; readonly rule: string };
}

/**
 * The JSON form of a whole {@link Graph}: its nodes plus everything a run reads besides its feeds.
 *
 * - `nodes`: every node, written in id order.
 * - `variables`: the current value of every variable, by name (exactly one entry per variable node).
 * - `random`: completed runs of random nodes, by node id (what {@link Graph.randomState} returns); a
 *   random node without an entry has run 0 times.
 *
 * @example
 * ```ts
 * const json: GraphJSON = {
 *   format: 'chainrule.graph',
 *   version: 1,
 *   nodes: [
 *     { id: 0, op: 'input', inputs: [], attrs: { name: 'x', shape: [2], dtype: 'float64' }, shape: [2], dtype: 'float64' },
 *     { id: 1, op: 'variable', inputs: [], attrs: { name: 'w', shape: [2], dtype: 'float64' }, shape: [2], dtype: 'float64' },
 *     { id: 2, op: 'mul', inputs: [0, 1], attrs: {}, shape: [2], dtype: 'float64' },
 *   ],
 *   variables: { w: { dtype: 'float64', shape: [2], data: [3, 'NaN'] } },
 *   random: {},
 * };
 * ```
 */
export interface GraphJSON {
  /** Always `'chainrule.graph'`. */
  readonly format: 'chainrule.graph';
  /** Format version, currently 1. */
  readonly version: 1;
  /** The nodes, in id order when written by {@link graphToJSON}. */
  readonly nodes: readonly NodeJSON[];
  /** Variable name → current value. */
  readonly variables: Readonly<Record<string, TensorJSON>>;
  /** Random node id → completed runs. */
  readonly random: Readonly<Record<string, number>>;
}
