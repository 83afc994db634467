/**
 * A fused elementwise loop as the WebAssembly side runs it: the evaluator
 * (packages/graph/wasm/elementwise.ts, driven by elementwise.ts) and the loop compiler
 * (loop-compiler.ts) both take this form.
 */
import type { DType } from '../../core/dtype.js';

/** One instruction: op name, and its operands as leaf (`leaf`) or earlier member (`member`) indices. */
export interface ClusterMember {
  readonly op: string;
  readonly inputs: readonly ({ readonly leaf: number } | { readonly member: number })[];
}

/** A fused cluster in the evaluator's terms; the last member is the root. */
export interface ClusterProgram {
  readonly dtype: DType;
  /** Elements of the result (and of every whole-array leaf; a repeated row has `period`). */
  readonly n: number;
  /** Per leaf: whether it is a scalar (one element, spread over the result) rather than an array. */
  readonly scalar: readonly boolean[];
  /**
   * Per leaf, for an array of fewer than n elements repeated along the result (element o of the
   * result reads element o mod period, as a bias row broadcast over a batch does): its element
   * count; 0 or absent for a scalar or a whole array.
   */
  readonly period?: readonly number[];
  readonly members: readonly ClusterMember[];
  /** Members stored besides the root (indices into `members`), each into an array of n elements. */
  readonly stored?: readonly number[];
}
