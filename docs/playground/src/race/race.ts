// Runs one rule of the race on one surface: the graph f(w), `minimize` with the rule, and T runs of
// the compiled step, recording w⁽ᵗ⁾ and f(w⁽ᵗ⁾).
import { Graph, tensor, type Node } from '@chainrule/graph';
import { minimize } from '@chainrule/optim';
import type { RaceRule, RuleValues } from './rules.js';
import type { Surface, SurfaceParams } from './surfaces.js';

/** What a rule did on a surface. */
export interface Trajectory {
  /** w⁽⁰⁾, …, w⁽ᵀ⁾ (fewer when it diverged). */
  readonly points: readonly (readonly [number, number])[];
  /** f(w⁽ᵗ⁾) for the same t. */
  readonly values: readonly number[];
  /** The step at which w or f stopped being finite (or left |w| < 10⁶), if it did. */
  readonly divergedAt?: number;
}

/** Seed of the gradient noise of the noisy rules (the same stream on every run, so the race is repeatable). */
export const NOISE_SEED = 2024;

/** w₁ and w₂ as scalar nodes of a parameter w of shape [2]. */
export function coordinates(w: Node): [Node, Node] {
  return [w.slice([0], [1]).reshape([]), w.slice([1], [1]).reshape([])];
}

/**
 * Runs `steps` updates of a rule from the surface's start.
 *
 * @param surface - f and w⁽⁰⁾.
 * @param params - the surface's slider values.
 * @param rule - the rule and its values.
 * @param values - hyper-parameters.
 * @param steps - T.
 * @returns the trajectory.
 * @throws ExpressionError when a typed surface does not parse; ChainruleError for values a rule refuses.
 */
export function runRule(surface: Surface, params: SurfaceParams, rule: RaceRule, values: RuleValues, steps: number): Trajectory {
  const g = new Graph();
  const w = g.variable('w', tensor([...surface.start]));
  const [w1, w2] = coordinates(w);
  const f = surface.build(g, w1, w2, params);
  // A noisy rule minimises f(w) + σ ξᵀw with ξ ~ N(0, I) new each step: its gradient ∇f(w) + σξ is an
  // unbiased estimate of ∇f(w) with covariance σ²I, and its value is not what is plotted.
  const objective = rule.noisy ? f.add(g.randomNormal([2], { seed: NOISE_SEED }).mul(values['sigma'] as number).mul(w).sum()) : f;
  const step = g.compile({ outputs: [], updates: minimize(objective, [w], rule.make(values)) });
  const value = g.compile({ outputs: [f] });
  const points: [number, number][] = [[surface.start[0], surface.start[1]]];
  const fs: number[] = [value()[0]!.item()];
  for (let t = 1; t <= steps; t++) {
    step();
    const [a, b] = g.getVariable('w').data;
    const v = value()[0]!.item();
    if (!(Math.abs(a!) < 1e6 && Math.abs(b!) < 1e6 && Number.isFinite(v))) return { points, values: fs, divergedAt: t };
    points.push([a!, b!]);
    fs.push(v);
  }
  return { points, values: fs };
}

/**
 * f on a grid of cell centres, by one compiled graph with w₁ and w₂ as inputs.
 *
 * @param surface - f.
 * @param params - its slider values.
 * @param xs - w₁ at each column.
 * @param ys - w₂ at each row, top row first.
 * @returns rows × columns values, row-major.
 */
export function sampleSurface(surface: Surface, params: SurfaceParams, xs: readonly number[], ys: readonly number[]): Float64Array {
  const g = new Graph();
  const f = surface.build(g, g.input('w1', []), g.input('w2', []), params);
  const run = g.compile({ outputs: [f] });
  const out = new Float64Array(xs.length * ys.length);
  ys.forEach((y, row) => {
    const w2 = tensor(y);
    xs.forEach((x, col) => {
      out[row * xs.length + col] = run({ w1: tensor(x), w2 })[0]!.item();
    });
  });
  return out;
}
