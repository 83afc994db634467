/**
 * Shared fixtures of the nn tests: property-run scaling, plain-JS reference arithmetic, snapshots
 * of a graph's whole state (every variable and the random counters) for bit-for-bit comparisons,
 * and small synthetic data sets.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Tensor, tensor, type Graph, type Node } from '@chainrule/graph';
import type { Dataset } from '@chainrule/nn';

/**
 * Property runs relative to the global setting (100 by default, more under `pnpm test:props`):
 * `runs(30)` is 30 at the default and scales with FC_NUM_RUNS.
 */
export function runs(atDefault: number): number {
  const global = fc.readConfigureGlobal().numRuns ?? 100;
  return Math.max(1, Math.round((global * atDefault) / 100));
}

/** A finite double in [min, max]. */
export const real = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** A [rows, cols] matrix of reals in [min, max], as nested arrays. */
export const matrix = (rows: number, cols: number, min = -3, max = 3): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(real(min, max), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

/** |a − b| ≤ abs + rel·|b|, treating equal infinities as equal. */
export function close(a: number, b: number, rel = 1e-12, abs = 1e-12): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= abs + rel * Math.abs(b);
}

/** Asserts two arrays of numbers are elementwise close, naming the first index that is not. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-12, abs = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i]!, expected[i]!, rel, abs)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (rel ${rel}, abs ${abs})`);
    }
  }
}

/** The rows of a rank-2 tensor as plain arrays. */
export function rows(t: Tensor): number[][] {
  const [m, n] = [t.shape[0]!, t.shape[1]!];
  return Array.from({ length: m }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
}

/** Everything a run reads besides its feeds: every variable's value and the random counters. */
export interface GraphState {
  readonly variables: ReadonlyMap<string, Tensor>;
  readonly random: Readonly<Record<number, number>>;
}

/** A snapshot (copies) of a graph's state. */
export function snapshot(graph: Graph): GraphState {
  return {
    variables: new Map(graph.variables.map((v) => [v.name!, graph.getVariable(v.name!)] as const)),
    random: graph.randomState(),
  };
}

/**
 * Asserts two graph states are identical bit for bit: the same variables, shapes and dtypes, every
 * element equal by `Object.is` (so −0 ≠ 0 and NaN = NaN), and the same random counters.
 */
export function expectSameState(actual: GraphState, expected: GraphState): void {
  expect([...actual.variables.keys()]).toEqual([...expected.variables.keys()]);
  for (const [name, want] of expected.variables) {
    const got = actual.variables.get(name)!;
    expect(got.dtype, name).toBe(want.dtype);
    expect(got.shape, name).toEqual(want.shape);
    for (let i = 0; i < want.size; i++) {
      if (!Object.is(got.data[i], want.data[i])) expect.fail(`variable '${name}' element ${i}: ${got.data[i]} vs ${want.data[i]}`);
    }
  }
  expect(actual.random).toEqual(expected.random);
}

/** Whether two tensors are identical element by element (`Object.is`). */
export function identical(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.size === b.size && a.shape.join() === b.shape.join() && a.data.every((v, i) => Object.is(v, b.data[i]));
}

/** The variable nodes a node depends on (its ancestors that are variables). */
export function variablesUnder(node: Node): Set<Node> {
  const seen = new Set<Node>();
  const found = new Set<Node>();
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.op === 'variable') found.add(n);
    stack.push(...n.inputs);
  }
  return found;
}

/** A data set from plain rows. */
export function dataset(x: readonly (readonly number[])[], y: readonly (readonly number[])[]): Dataset {
  return { x: tensor(x as number[][]), y: tensor(y as number[][]) };
}

/** Mean and (population) variance of an array. */
export function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  const mean = s / values.length;
  let q = 0;
  for (let i = 0; i < values.length; i++) q += (values[i]! - mean) ** 2;
  return { mean, variance: q / values.length };
}
