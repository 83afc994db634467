/**
 * Shared fixtures of the optim tests: random problems (a quadratic and a logistic loss, built both
 * as chainrule graphs and as plain reference losses), random hyperparameters, the table of rules
 * (each a chainrule rule paired with its reference), and the step-by-step comparison.
 */
import fc from 'fast-check';
import { Graph, tensor, type DType, type Node } from '@chainrule/graph';
import * as optim from '@chainrule/optim';
import * as ref from './reference-rules.js';

/**
 * Property runs relative to the global setting (100 by default, more under `pnpm test:props`):
 * `runs(30)` is 30 at the default and scales with FC_NUM_RUNS.
 */
export function runs(atDefault: number): number {
  const global = fc.readConfigureGlobal().numRuns ?? 100;
  return Math.max(1, Math.round((global * atDefault) / 100));
}

/** Attaches a readable description for fast-check's counterexample reports. */
function labelled<T extends object>(value: T, label: string): T {
  return Object.assign(value, { [fc.toStringMethod]: () => label });
}

// ---------------------------------------------------------------------------------------------
// Problems.

export const PARAM_NAMES = ['w', 'U'] as const;

/** The parameters' shapes, with n elements in all. */
const LAYOUTS: Readonly<Record<number, readonly (readonly number[])[][]>> = {
  1: [[[1]], [[]]],
  2: [[[2]], [[1, 2]], [[], [1]]],
  3: [[[3]], [[], [2]], [[1], [1, 2]]],
  4: [[[4]], [[2, 2]], [[1], [3]], [[2], [1, 2]]],
};

export type Problem =
  | { readonly kind: 'quadratic'; readonly shapes: readonly (readonly number[])[]; readonly w0: ref.Vecs; readonly A: number[][]; readonly b: number[] }
  | { readonly kind: 'logistic'; readonly shapes: readonly (readonly number[])[]; readonly w0: ref.Vecs; readonly X: number[][]; readonly c: number };

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);
const number = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** Uniform in [min, max] (2³⁰ evenly spaced values), without fast-check's bias. */
export const uniform = (min: number, max: number): fc.Arbitrary<number> => fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => min + ((max - min) * k) / 2 ** 30);
/**
 * Problem data: uniform in [min, max], or exactly 0 one time in ten. NOTE: not `fc.double`, whose bias
 * towards the bounds and towards tiny numbers makes near-exact cancellations (rows aᵢ ≈ −aⱼ, b ≈ −Aw):
 * there a gradient is a difference of much larger terms, known only to a few ulps of those terms, and
 * two correct implementations differ far beyond 1e-12 of the (tiny) result.
 */
export const value = (min: number, max: number): fc.Arbitrary<number> => fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: uniform(min, max) });
const vector = (n: number, min = -2, max = 2): fc.Arbitrary<number[]> => fc.array(value(min, max), { minLength: n, maxLength: n });
const matrix = (rows: number, cols: number, min: number, max: number): fc.Arbitrary<number[][]> =>
  fc.array(vector(cols, min, max), { minLength: rows, maxLength: rows });

/** w⁽⁰⁾ split into the layout's parameters. */
const initial = (shapes: readonly (readonly number[])[]): fc.Arbitrary<ref.Vecs> => fc.tuple(...shapes.map((s) => vector(sizeOf(s))));

/** f(x) = ½ xᵀAx + bᵀx with A = MᵀM + c·I (so λ(A) ∈ [c, c + ‖M‖²] ⊂ [0.1, 5]). */
export const quadraticProblem = (shapes: readonly (readonly number[])[]): fc.Arbitrary<Problem> => {
  const n = shapes.reduce((a, s) => a + sizeOf(s), 0);
  return fc.record({ w0: initial(shapes), M: matrix(n, n, -0.5, 0.5), c: uniform(0.1, 1), b: vector(n, -1, 1) }).map(({ w0, M, c, b }) => {
    const A = M.map((_, i) => M.map((_, j) => M.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? c : 0)));
    return { kind: 'quadratic', shapes, w0, A, b } as const;
  });
};

/** f(x) = Σᵢ log(1 + exp(aᵢ·x)) + ½c‖x‖² with 1–4 rows aᵢ ∈ [−1, 1]ⁿ (Hessian eigenvalues ≤ 5). */
export const logisticProblem = (shapes: readonly (readonly number[])[]): fc.Arbitrary<Problem> => {
  const n = shapes.reduce((a, s) => a + sizeOf(s), 0);
  return fc
    .record({ w0: initial(shapes), X: fc.integer({ min: 1, max: 4 }).chain((m) => matrix(m, n, -1, 1)), c: uniform(0.1, 1) })
    .map(({ w0, X, c }) => ({ kind: 'logistic', shapes, w0, X, c }) as const);
};

/** A random problem of 1–4 unknowns in one or two parameters, quadratic or logistic. */
export const problem = (kinds: readonly Problem['kind'][] = ['quadratic', 'logistic'], layouts?: readonly (readonly number[])[][]): fc.Arbitrary<Problem> =>
  (layouts === undefined ? fc.integer({ min: 1, max: 4 }).chain((n) => fc.constantFrom(...LAYOUTS[n]!)) : fc.constantFrom(...layouts)).chain((shapes) =>
    fc.oneof(...kinds.map((k) => (k === 'quadratic' ? quadraticProblem(shapes) : logisticProblem(shapes)))),
  );

/** The plain-number loss of a problem. */
export function referenceLoss(p: Problem): ref.RefLoss {
  return p.kind === 'quadratic' ? ref.quadraticLoss(p.A, p.b) : ref.logisticLoss(p.X, p.c);
}

export interface Built {
  readonly graph: Graph;
  readonly params: Node[];
  readonly loss: Node;
}

/** The problem as a chainrule graph: the parameters are variables, the loss is built from graph ops. */
export function buildProblem(p: Problem, dtype: DType = 'float64'): Built {
  const g = new Graph();
  const data = (v: readonly number[]): Float64Array | Float32Array => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
  const params = p.shapes.map((shape, i) => g.variable(PARAM_NAMES[i]!, tensor(data(p.w0[i]!), shape)));
  const n = p.shapes.reduce((a, s) => a + sizeOf(s), 0);
  const flat = params.map((w, i) => w.reshape([sizeOf(p.shapes[i]!)]));
  const x = flat.length === 1 ? flat[0]! : g.concat(flat, 0);
  const column = x.reshape([n, 1]);
  const loss =
    p.kind === 'quadratic'
      ? column.mul(g.constant(p.A, dtype).matmul(column)).sum().mul(0.5).add(g.constant(p.b, dtype).mul(x).sum())
      : g.constant(p.X, dtype).matmul(column).softplus().sum().add(x.square().sum().mul(p.c / 2)); // softplus(z) = log(1 + eᶻ), without overflow
  return { graph: g, params, loss };
}

// ---------------------------------------------------------------------------------------------
// Hyperparameters.

/** 10^u for u uniform in [log₁₀ lo, log₁₀ hi]. */
export const logUniform = (lo: number, hi: number): fc.Arbitrary<number> => number(Math.log10(lo), Math.log10(hi)).map((u) => 10 ** u);

export interface SchedulePair {
  readonly schedule: optim.Schedule;
  readonly ref: ref.RefSchedule;
  readonly label: string;
}

const lr = logUniform(1e-3, 0.3);

export const schedules = {
  constant: lr.map((c): SchedulePair => ({ schedule: c, ref: ref.constantLr(c), label: `${c}` })),
  inverseTime: lr.map((c): SchedulePair => ({ schedule: optim.inverseTime(c), ref: ref.inverseTime(c), label: `inverseTime(${c})` })),
  inverseSqrt: lr.map((c): SchedulePair => ({ schedule: optim.inverseSqrt(c), ref: ref.inverseSqrt(c), label: `inverseSqrt(${c})` })),
  robbinsMonro: fc
    .tuple(lr, value(0, 20), uniform(0.5, 1).filter((p) => p > 0.5))
    .map(([c, t0, p]): SchedulePair => ({ schedule: optim.robbinsMonro(c, t0, p), ref: ref.robbinsMonro(c, t0, p), label: `robbinsMonro(${c}, ${t0}, ${p})` })),
  exponentialDecay: fc
    .tuple(lr, uniform(0.3, 1), uniform(0.5, 10))
    .map(([c, r, k]): SchedulePair => ({ schedule: optim.exponentialDecay(c, r, k), ref: ref.exponentialDecay(c, r, k), label: `exponentialDecay(${c}, ${r}, ${k})` })),
  warmupCosineDecay: fc
    .tuple(lr, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 16 }), uniform(0, 1))
    .map(([peak, w, extra, f]): SchedulePair => ({
      schedule: optim.warmupCosineDecay({ peak, warmupSteps: w, decaySteps: w + extra, floor: f * peak }),
      ref: ref.warmupCosineDecay(peak, w, w + extra, f * peak),
      label: `warmupCosineDecay({ peak: ${peak}, warmupSteps: ${w}, decaySteps: ${w + extra}, floor: ${f * peak} })`,
    })),
};

/** Any step size: a constant or one of the schedules. */
export const anySchedule: fc.Arbitrary<SchedulePair> = fc.oneof(...Object.values(schedules));

// ---------------------------------------------------------------------------------------------
// The table of rules.

/** A chainrule rule and its reference, built from the same hyperparameters. */
export interface RulePair {
  readonly rule: optim.UpdateRule;
  readonly ref: ref.RefRule;
  /**
   * How much the rule amplifies rounding errors at one step (≥ 1), from the values of the variables
   * then (by chainrule name); comparisons widen their tolerance with it (see {@link runTolerance}).
   * Left out where the rule is as well conditioned as plain arithmetic.
   */
  readonly conditioning?: (values: ReadonlyMap<string, readonly number[]>) => number;
}

/** Relative error a comparison allows per step and per unit of the rule's conditioning κ. */
const PER_STEP_AND_CONDITIONING = 1e-12;

/**
 * The tolerance of a comparison along a run: the case's own, or, where the rule's conditioning κ
 * gets large at some step, 1e-12·κ per step of the run. Rounding errors amplified κ-fold at a step
 * stay in the state and the parameters, so they add up over the steps (1e-12 is about 10⁴ ulps: a
 * few dozen operations per step, and a momentum of up to 0.99 summing the steps' errors).
 */
export function runTolerance(base: number, rule: RulePair, steps: readonly ReadonlyMap<string, readonly number[]>[]): number {
  if (rule.conditioning === undefined) return base;
  const kappa = Math.max(1, ...steps.map(rule.conditioning));
  return Math.max(base, PER_STEP_AND_CONDITIONING * steps.length * kappa);
}

export interface RuleCase {
  readonly name: string;
  readonly pair: fc.Arbitrary<RulePair>;
  /**
   * Relative tolerance of the comparison with the reference (default 1e-12). Chainrule and the
   * reference do the same float64 operations up to association (and the gradient comes from autodiff
   * on one side and a hand-derived formula on the other), so they agree to a few ulps.
   */
  readonly tolerance?: number;
}

const pair = (rule: optim.UpdateRule, reference: ref.RefRule, label: string, conditioning?: RulePair['conditioning']): RulePair =>
  labelled({ rule, ref: reference, ...(conditioning === undefined ? {} : { conditioning }) }, label);
const momentum = value(0, 0.99);
const beta = value(0, 0.999);

export const sgdCases: RuleCase[] = Object.entries(schedules).map(([name, s]) => ({
  name: `sgd, ${name}`,
  pair: s.map((lr) => pair(optim.sgd({ lr: lr.schedule }), ref.sgd(lr.ref), `sgd({ lr: ${lr.label} })`)),
}));

export const polyakCase: RuleCase = {
  name: 'polyak',
  pair: fc.tuple(anySchedule, momentum).map(([lr, m]) => pair(optim.polyak({ lr: lr.schedule, momentum: m }), ref.polyak(lr.ref, m), `polyak({ lr: ${lr.label}, momentum: ${m} })`)),
};

export const bufferCase: RuleCase = {
  name: 'bufferMomentum',
  pair: fc
    .tuple(anySchedule, momentum)
    .map(([lr, m]) => pair(optim.bufferMomentum({ lr: lr.schedule, momentum: m }), ref.bufferMomentum(lr.ref, m), `bufferMomentum({ lr: ${lr.label}, momentum: ${m} })`)),
};

export const nesterovCase: RuleCase = {
  name: 'nesterov',
  pair: anySchedule.map((lr) => pair(optim.nesterov({ lr: lr.schedule }), ref.nesterov(lr.ref), `nesterov({ lr: ${lr.label} })`)),
};

export const sutskeverCase: RuleCase = {
  name: 'sutskever',
  pair: fc
    .tuple(anySchedule, momentum)
    .map(([lr, m]) => pair(optim.sutskever({ lr: lr.schedule, momentum: m }), ref.sutskever(lr.ref, m), `sutskever({ lr: ${lr.label}, momentum: ${m} })`)),
};

export const adagradCase: RuleCase = {
  name: 'adagrad',
  pair: fc
    .tuple(anySchedule, fc.oneof(fc.constant(0), logUniform(1e-12, 1e-2)))
    .map(([lr, e]) => pair(optim.adagrad({ lr: lr.schedule, epsilon: e }), ref.adagrad(lr.ref, e), `adagrad({ lr: ${lr.label}, epsilon: ${e} })`)),
};

/**
 * NOTE: RMSProp and Adam are scale-invariant in the gradient: where a coordinate's recent gradients
 * are all small, d ≈ −η g/√(g² + ε) is nearly ±η whatever |g| is, so the few-ulp difference between
 * autodiff's ∇f and the hand-derived one (relative to the terms of ∇f, not to a small ∇f) passes into
 * w undamped. Over thousands of random runs this reaches a few 1e-12; hence 1e-10 for them.
 */
const SCALE_INVARIANT_TOLERANCE = 1e-10;

export const rmspropCase: RuleCase = {
  name: 'rmsprop',
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc
    .tuple(anySchedule, beta, logUniform(1e-10, 1e-2))
    .map(([lr, b, e]) => pair(optim.rmsprop({ lr: lr.schedule, beta: b, epsilon: e }), ref.rmsprop(lr.ref, b, e), `rmsprop({ lr: ${lr.label}, beta: ${b}, epsilon: ${e} })`)),
};

/**
 * The conditioning of Graves's denominator √(q − ḡ² + ε): it subtracts ḡ² from q, two numbers of
 * the size of ∇f², to get a variance that can be far smaller (β near 0, where ḡ² ≈ q; steady
 * gradients), so rounding errors of q and ḡ² (relative size u) become errors of relative size
 * u·(q + ḡ²)/(q − ḡ² + ε) in the denominator, and so in the step.
 */
const centredConditioning =
  (epsilon: number) =>
  (values: ReadonlyMap<string, readonly number[]>): number => {
    let kappa = 1;
    for (const [name, q] of values) {
      const param = /^optim\/graves\.q\/(.+)$/.exec(name)?.[1];
      const g = param === undefined ? undefined : values.get(`optim/graves.g/${param}`);
      if (g === undefined) continue;
      q.forEach((qi, i) => {
        const g2 = g[i]! ** 2;
        const variance = qi - g2 + epsilon;
        if (variance > 0) kappa = Math.max(kappa, (qi + g2) / variance);
      });
    }
    return kappa;
  };

/** rmspropGraves and its reference, with its conditioning. */
export const gravesPair = (lr: SchedulePair, beta: number, momentum: number, epsilon: number): RulePair =>
  pair(
    optim.rmspropGraves({ lr: lr.schedule, beta, momentum, epsilon }),
    ref.rmspropGraves(lr.ref, beta, momentum, epsilon),
    `rmspropGraves({ lr: ${lr.label}, beta: ${beta}, momentum: ${momentum}, epsilon: ${epsilon} })`,
    centredConditioning(epsilon),
  );

export const gravesCase: RuleCase = {
  name: 'rmspropGraves',
  // NOTE: scale-invariant like RMSProp (see above), and ill-conditioned where the centred variance
  // q − ḡ² is a small difference of large numbers: the tolerance follows that (centredConditioning,
  // runTolerance). E.g. β ≈ 0.0012, ε ≈ 1.5e-4, steady gradients: κ ≈ 400, and after 18 steps
  // chainrule and the reference differ by 1.3e-10 relative.
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc.tuple(anySchedule, beta, momentum, logUniform(1e-4, 1e-1)).map(([lr, b, m, e]) => gravesPair(lr, b, m, e)),
};

// β₂ ≥ ½: at β₂ = 0 Adam is sign descent, η·g/√(g² + ε), whose iterates near a minimiser depend
// discontinuously on the sign of tiny gradients (the equivalence tests cover β₂ = 0).
const adamCase = (placement: 'inside' | 'outside'): RuleCase => ({
  name: `adam, ε ${placement}`,
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc
    .tuple(anySchedule, value(0, 0.99), uniform(0.5, 0.9999), logUniform(1e-10, 1e-2))
    .map(([lr, b1, b2, e]) =>
      pair(
        optim.adam({ lr: lr.schedule, beta1: b1, beta2: b2, epsilon: e, ...(placement === 'outside' ? { epsilonPlacement: 'outside' as const } : {}) }),
        ref.adam(lr.ref, b1, b2, e, placement),
        `adam({ lr: ${lr.label}, beta1: ${b1}, beta2: ${b2}, epsilon: ${e}, epsilonPlacement: '${placement}' })`,
      ),
    ),
});
export const adamInsideCase = adamCase('inside');
export const adamOutsideCase = adamCase('outside');

/** A decay rate for both sides: a constant, or the lecture's discounting β·λ^(t−1) = `exponentialDecay(β, λ)`. */
interface RatePair {
  readonly rate: optim.Schedule;
  readonly ref: ref.RefRate;
  readonly label: string;
}
const constantRate = (b: fc.Arbitrary<number>): fc.Arbitrary<RatePair> => b.map((v) => ({ rate: v, ref: v, label: `${v}` }));
const decayingRate = (b: fc.Arbitrary<number>, lambda: fc.Arbitrary<number>): fc.Arbitrary<RatePair> =>
  fc.tuple(b, lambda).map(([v, l]) => ({ rate: optim.exponentialDecay(v, l), ref: ref.exponentialDecay(v, l, 1), label: `exponentialDecay(${v}, ${l})` }));
/** β₁: a constant or β₁λ^(t−1) with λ ∈ [0.3, 1]. */
const beta1Rate = fc.oneof(constantRate(value(0, 0.99)), decayingRate(value(0, 0.99), uniform(0.3, 1)));
/** β₂: a constant or β₂r^(t−1), r ∈ [0.98, 1], so that β₂⁽ᵗ⁾ stays above ⅓ over the runs (see adamCase). */
const beta2Rate = fc.oneof(constantRate(uniform(0.5, 0.9999)), decayingRate(uniform(0.5, 0.9999), uniform(0.98, 1)));

export const adamScheduledCase: RuleCase = {
  name: 'adam, β₁ and β₂ schedules',
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc
    .tuple(anySchedule, decayingRate(value(0, 0.99), uniform(0.3, 1)), beta2Rate, logUniform(1e-10, 1e-2))
    .map(([lr, b1, b2, e]) =>
      pair(optim.adam({ lr: lr.schedule, beta1: b1.rate, beta2: b2.rate, epsilon: e }), ref.adam(lr.ref, b1.ref, b2.ref, e), `adam({ lr: ${lr.label}, beta1: ${b1.label}, beta2: ${b2.label}, epsilon: ${e} })`),
    ),
};

const amsgradCase = (placement: 'inside' | 'outside'): RuleCase => ({
  name: `amsgrad, ε ${placement}`,
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc
    .tuple(anySchedule, beta1Rate, beta2Rate, logUniform(1e-10, 1e-2))
    .map(([lr, b1, b2, e]) =>
      pair(
        optim.amsgrad({ lr: lr.schedule, beta1: b1.rate, beta2: b2.rate, epsilon: e, ...(placement === 'outside' ? { epsilonPlacement: 'outside' as const } : {}) }),
        ref.amsgrad(lr.ref, b1.ref, b2.ref, e, placement),
        `amsgrad({ lr: ${lr.label}, beta1: ${b1.label}, beta2: ${b2.label}, epsilon: ${e}, epsilonPlacement: '${placement}' })`,
      ),
    ),
});
export const amsgradInsideCase = amsgradCase('inside');
export const amsgradOutsideCase = amsgradCase('outside');

/** AdamW with either ε placement, constant or scheduled β₁ and β₂, and λ sometimes 0 (then it is Adam). */
export const adamwCase: RuleCase = {
  name: 'adamw',
  tolerance: SCALE_INVARIANT_TOLERANCE,
  pair: fc
    .tuple(anySchedule, beta1Rate, beta2Rate, logUniform(1e-10, 1e-2), fc.oneof(fc.constant(0), logUniform(1e-4, 1)), fc.constantFrom<'inside' | 'outside'>('inside', 'outside'))
    .map(([lr, b1, b2, e, l, placement]) =>
      pair(
        optim.adamw({ lr: lr.schedule, beta1: b1.rate, beta2: b2.rate, epsilon: e, weightDecay: l, epsilonPlacement: placement }),
        ref.adamw(lr.ref, b1.ref, b2.ref, e, l, placement),
        `adamw({ lr: ${lr.label}, beta1: ${b1.label}, beta2: ${b2.label}, epsilon: ${e}, weightDecay: ${l}, epsilonPlacement: '${placement}' })`,
      ),
    ),
};

const newtonLr = fc.oneof(fc.constant(1), uniform(0.05, 1));
export const newtonCase: RuleCase = {
  name: 'newton',
  pair: newtonLr.map((lr) => pair(optim.newton({ lr }), ref.newton(ref.constantLr(lr), 0), `newton({ lr: ${lr} })`)),
};
export const newtonDampedCase: RuleCase = {
  name: 'newton, damped',
  pair: fc.tuple(newtonLr, logUniform(1e-3, 1)).map(([lr, l]) => pair(optim.newton({ lr, damping: l }), ref.newton(ref.constantLr(lr), l), `newton({ lr: ${lr}, damping: ${l} })`)),
};

export const REGULARIZERS = [
  ['l2Squared', optim.l2Squared, ref.l2Squared],
  ['l1Norm', optim.l1Norm, ref.l1Norm],
  ['l2Norm', optim.l2Norm, ref.l2Norm],
] as const;

export const clipRegularizePolyakCases: RuleCase[] = REGULARIZERS.map(([name, phi, refPhi]) => ({
  name: `chain(clipByGlobalNorm, addRegularization(${name}), polyak)`,
  pair: fc
    .tuple(logUniform(0.1, 5), value(0, 1), anySchedule, momentum)
    .map(([c, l, lr, m]) =>
      pair(
        optim.chain(optim.clipByGlobalNorm(c), optim.addRegularization(phi, l), optim.polyak({ lr: lr.schedule, momentum: m })),
        ref.chain(ref.clipByGlobalNorm(c), ref.addRegularization(refPhi, l), ref.polyak(lr.ref, m)),
        `chain(clipByGlobalNorm(${c}), addRegularization(${name}, ${l}), polyak({ lr: ${lr.label}, momentum: ${m} }))`,
      ),
    ),
}));

export const clipValueSgdCase: RuleCase = {
  name: 'chain(clipByValue, sgd)',
  pair: fc
    .tuple(logUniform(0.05, 3), anySchedule)
    .map(([l, lr]) => pair(optim.chain(optim.clipByValue(l), optim.sgd({ lr: lr.schedule })), ref.chain(ref.clipByValue(l), ref.sgd(lr.ref)), `chain(clipByValue(${l}), sgd({ lr: ${lr.label} }))`)),
};

/** A ball radius that is sometimes active: the start w⁽⁰⁾ has entries in [−2, 2]. */
const radius = logUniform(0.05, 3);
const center = fc.constantFrom<'initial' | 'origin'>('initial', 'origin');
/** A box [low, high] around 0, each side sometimes infinite. */
const box = fc.tuple(fc.oneof(uniform(-2, 0), fc.constant(-Infinity)), fc.oneof(uniform(0, 2), fc.constant(Infinity)));

export const projectedCases: RuleCase[] = [
  {
    name: 'chain(sgd, projectOntoBall)',
    pair: fc
      .tuple(anySchedule, radius, center)
      .map(([lr, r, c]) =>
        pair(optim.chain(optim.sgd({ lr: lr.schedule }), optim.projectOntoBall(r, { center: c })), ref.chain(ref.sgd(lr.ref), ref.projectOntoBall(r, c)), `chain(sgd({ lr: ${lr.label} }), projectOntoBall(${r}, { center: '${c}' }))`),
      ),
  },
  {
    name: 'chain(polyak, projectOntoBox)',
    pair: fc
      .tuple(anySchedule, momentum, box)
      .map(([lr, m, [lo, hi]]) =>
        pair(
          optim.chain(optim.polyak({ lr: lr.schedule, momentum: m }), optim.projectOntoBox(lo, hi)),
          ref.chain(ref.polyak(lr.ref, m), ref.projectOntoBox(lo, hi)),
          `chain(polyak({ lr: ${lr.label}, momentum: ${m} }), projectOntoBox(${lo}, ${hi}))`,
        ),
      ),
  },
  {
    name: 'chain(amsgrad, projectOntoBox)',
    tolerance: SCALE_INVARIANT_TOLERANCE,
    pair: fc
      .tuple(anySchedule, beta1Rate, beta2Rate, box)
      .map(([lr, b1, b2, [lo, hi]]) =>
        pair(
          optim.chain(optim.amsgrad({ lr: lr.schedule, beta1: b1.rate, beta2: b2.rate }), optim.projectOntoBox(lo, hi)),
          ref.chain(ref.amsgrad(lr.ref, b1.ref, b2.ref, 1e-8), ref.projectOntoBox(lo, hi)),
          `chain(amsgrad({ lr: ${lr.label}, beta1: ${b1.label}, beta2: ${b2.label} }), projectOntoBox(${lo}, ${hi}))`,
        ),
      ),
  },
];

/** EMA decay: a constant, or TensorFlow's warm-up min(d, (1 + t)/(10 + t)). */
const emaDecay = fc.oneof(
  value(0, 1).map((d) => ({ rate: d as optim.Schedule, ref: d as ref.RefRate, label: `${d}` })),
  uniform(0.5, 0.999).map((d) => ({
    rate: ((t) => t.add(1).div(t.add(10)).minimum(d)) as optim.Schedule,
    ref: ((t: number) => Math.min((1 + t) / (10 + t), d)) as ref.RefRate,
    label: `(t) => min((1 + t)/(10 + t), ${d})`,
  })),
);

export const averagedCases: RuleCase[] = [
  {
    name: 'averageIterates(chain(sgd, projectOntoBall))',
    pair: fc
      .tuple(anySchedule, radius, center)
      .map(([lr, r, c]) =>
        pair(
          optim.averageIterates(optim.chain(optim.sgd({ lr: lr.schedule }), optim.projectOntoBall(r, { center: c }))),
          ref.averageIterates(ref.chain(ref.sgd(lr.ref), ref.projectOntoBall(r, c))),
          `averageIterates(chain(sgd({ lr: ${lr.label} }), projectOntoBall(${r}, { center: '${c}' })))`,
        ),
      ),
  },
  {
    name: 'averageIterates(polyak)',
    pair: fc
      .tuple(anySchedule, momentum)
      .map(([lr, m]) => pair(optim.averageIterates(optim.polyak({ lr: lr.schedule, momentum: m })), ref.averageIterates(ref.polyak(lr.ref, m)), `averageIterates(polyak({ lr: ${lr.label}, momentum: ${m} }))`)),
  },
  {
    name: 'emaIterates(adam)',
    tolerance: SCALE_INVARIANT_TOLERANCE,
    pair: fc
      .tuple(anySchedule, emaDecay)
      .map(([lr, d]) =>
        pair(optim.emaIterates(optim.adam({ lr: lr.schedule }), { decay: d.rate }), ref.emaIterates(ref.adam(lr.ref, 0.9, 0.999, 1e-8), d.ref), `emaIterates(adam({ lr: ${lr.label} }), { decay: ${d.label} })`),
      ),
  },
  {
    name: 'emaIterates(averageIterates(sgd))',
    pair: fc
      .tuple(anySchedule, emaDecay)
      .map(([lr, d]) =>
        pair(
          optim.emaIterates(optim.averageIterates(optim.sgd({ lr: lr.schedule })), { decay: d.rate }),
          ref.emaIterates(ref.averageIterates(ref.sgd(lr.ref)), d.ref),
          `emaIterates(averageIterates(sgd({ lr: ${lr.label} })), { decay: ${d.label} })`,
        ),
      ),
  },
];

/** The named rules, each alone. */
export const SINGLE_RULES: RuleCase[] = [
  ...sgdCases,
  polyakCase,
  bufferCase,
  nesterovCase,
  sutskeverCase,
  adagradCase,
  rmspropCase,
  gravesCase,
  adamInsideCase,
  adamOutsideCase,
  adamScheduledCase,
  amsgradInsideCase,
  amsgradOutsideCase,
  adamwCase,
  newtonCase,
  newtonDampedCase,
];

/** Every case: the rules alone, the chains, projected and averaged rules. */
export const ALL_RULES: RuleCase[] = [...SINGLE_RULES, ...clipRegularizePolyakCases, clipValueSgdCase, ...projectedCases, ...averagedCases];

// ---------------------------------------------------------------------------------------------
// Comparison.

/** max |x| over a list, NaN skipped. */
export const maxAbs = (xs: ArrayLike<number>): number => Array.from(xs).reduce((m, x) => (Number.isNaN(x) ? m : Math.max(m, Math.abs(x))), 0);

/**
 * Throws unless ‖actual − expected‖∞ ≤ tol · scale, where scale defaults to ‖expected‖∞ (a relative
 * tolerance over the whole tensor, so a component near 0 is judged on the tensor's scale). NaN must
 * be at the same places in both (AdaGrad with ε = 0 divides 0 by 0 on a coordinate whose gradients
 * were all 0, as documented) and is otherwise a failure.
 */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string, scale = maxAbs(expected)): void {
  const a = Array.from(actual);
  if (a.length !== expected.length) throw new Error(`${what}: ${a.length} elements, the reference has ${expected.length}`);
  const nanMismatch = a.some((x, i) => Number.isNaN(x) !== Number.isNaN(expected[i]!));
  const err = maxAbs(a.map((x, i) => (Number.isNaN(x) && Number.isNaN(expected[i]!) ? 0 : x - expected[i]!)));
  if (nanMismatch || !(err <= tol * scale)) {
    throw new Error(`${what}: max |Δ| = ${err} > ${tol} · ${scale}\n  chainrule: [${a.join(', ')}]\n  reference: [${expected.join(', ')}]`);
  }
}

/** The chainrule names of a reference state: `<prefix><key>/<param>` per parameter, `<prefix><key>` for scalars. */
export function stateNames(state: ref.RefState, params: readonly string[], prefix = 'optim/'): string[] {
  return Object.entries(state).flatMap(([key, v]) => (typeof v === 'number' ? [`${prefix}${key}`] : params.map((p) => `${prefix}${key}/${p}`)));
}

/** Every variable to compare: chainrule name → the reference's value, for parameters and state. */
function referenceValues(b: Built, w: ref.Vecs, state: ref.RefState): Map<string, number[]> {
  const out = new Map<string, number[]>(b.params.map((p, i) => [p.name!, w[i]!]));
  for (const [key, v] of Object.entries(state)) {
    if (typeof v === 'number') out.set(`optim/${key}`, [v]);
    else b.params.forEach((p, i) => out.set(`optim/${key}/${p.name}`, v[i]!));
  }
  return out;
}

/**
 * Minimises the problem with the chainrule rule and runs the reference next to it: after every step
 * the parameters, every state variable and the step counter must agree. Also checks that the rule
 * created exactly the reference's state variables, with their names.
 *
 * The error of each variable is measured relative to the largest magnitude it has had so far in the
 * run. NOTE: not relative to its current value: near a minimiser a gradient is a cancellation of
 * terms much larger than itself (Ax against −b, σ(a·w)a against −cw), so the moments built from it
 * (adam.g, graves.g, polyak.v, …) carry rounding errors of the size of those terms, not of their
 * small sum. The terms are at most as large as the gradients seen earlier in the run.
 */
export function checkAgainstReference(p: Problem, rulePair: RulePair, steps: number, tol = 1e-12, dtype: DType = 'float64'): void {
  const built = buildProblem(p, dtype);
  const m = optim.minimize(built.loss, built.params, rulePair.rule);
  const trace = ref.runReference(rulePair.ref, referenceLoss(p), p.w0, steps);
  const names = stateNames(trace.state[0]!, built.params.map((q) => q.name!));
  const created = m.state.map((n) => n.name!);
  if ([...created].sort().join() !== [...names].sort().join()) throw new Error(`state variables: chainrule made [${created}], the reference has [${names}]`);
  const update = built.graph.compile({ outputs: [], updates: m });
  const scales = new Map<string, number>();
  const expectedSteps = trace.w.map((w, s) => referenceValues(built, w, trace.state[s]!));
  const within = runTolerance(tol, rulePair, expectedSteps);
  for (let s = 0; s <= steps; s++) {
    if (s > 0) update();
    const when = s === 0 ? 'before the first step' : `after step ${s}`;
    for (const [name, expected] of expectedSteps[s]!) {
      const scale = Math.max(scales.get(name) ?? 0, maxAbs(expected));
      scales.set(name, scale);
      expectClose(built.graph.getVariable(name).data, expected, within, `${when}: ${name}`, scale);
    }
    const t = built.graph.getVariable('optim/step').item();
    if (t !== s) throw new Error(`${when}: optim/step is ${t}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Chainrule against chainrule.

/** Every variable's value (parameters, state, step counter) by name, after each step (index 0: before the first). */
export type Trajectory = Map<string, number[]>[];

/**
 * Runs `steps` updates of a chainrule rule on the problem and records every variable of the graph.
 *
 * @param extendLoss - to minimise another loss built from the problem's (e.g. loss + λφ).
 */
export function trajectory(p: Problem, rule: optim.UpdateRule, steps: number, extendLoss?: (loss: Node, params: Node[]) => Node, dtype: DType = 'float64'): Trajectory {
  const built = buildProblem(p, dtype);
  const loss = extendLoss === undefined ? built.loss : extendLoss(built.loss, built.params);
  const m = optim.minimize(loss, built.params, rule);
  const update = built.graph.compile({ outputs: [], updates: m });
  const read = (): Map<string, number[]> => new Map(built.graph.variables.map((v) => [v.name!, Array.from(built.graph.getVariable(v.name!).data)]));
  const out = [read()];
  for (let s = 1; s <= steps; s++) {
    update();
    out.push(read());
  }
  return out;
}

/** The parameters' values along a trajectory, one `Vecs` per step. */
export const paramsOf = (tr: Trajectory, names: readonly string[] = PARAM_NAMES.slice()): number[][][] =>
  tr.map((step) => names.filter((n) => step.has(n)).map((n) => step.get(n)!));

/**
 * Throws unless the named variables agree along two trajectories, each error relative to the largest
 * magnitude the variable has had so far (see {@link checkAgainstReference}).
 */
export function expectSameTrajectory(actual: Trajectory, expected: Trajectory, names: readonly string[], tol: number, what = ''): void {
  names.forEach((name, k) => {
    let scale = 0;
    expected.forEach((step, s) => {
      const e = step.get(name);
      const a = actual[s]?.get(name);
      if (e === undefined || a === undefined) throw new Error(`${what}: no variable ${name} at step ${s}`);
      scale = Math.max(scale, maxAbs(e));
      expectClose(a, e, tol, `${what} step ${s}: ${names[k]}`, scale);
    });
  });
}

/** The largest elementwise difference of the named variables along two trajectories (NaN against a number: ∞). */
export function maxDifference(a: Trajectory, b: Trajectory, names: readonly string[]): number {
  const diff = (x: number, y: number): number => (Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x - y) ? Infinity : Math.abs(x - y));
  return Math.max(...a.flatMap((step, s) => names.map((n) => Math.max(0, ...step.get(n)!.map((x, i) => diff(x, b[s]!.get(n)![i]!))))));
}
