import { ArgumentError, ChainruleError, describeValue, expectNode, expectNumber, expectOptions, type Node } from '@chainrule/graph';

/**
 * A step size η⁽ᵗ⁾ — or another hyperparameter that may change over the steps, such as Adam's decay
 * rates β⁽ᵗ⁾: a constant, or a function of the step counter t (a scalar node, 1 on the first update)
 * that builds the value as graph nodes — so a schedule runs inside the update graph and prints as part
 * of its formula.
 *
 * @example
 * ```ts
 * const constant: Schedule = 0.01;
 * const decaying: Schedule = (t) => t.reciprocal().mul(0.5); // η⁽ᵗ⁾ = 0.5/t, as inverseTime(0.5)
 * ```
 */
export type Schedule = number | ((t: Node) => Node);

/**
 * η⁽ᵗ⁾ as a node for the current step.
 *
 * @param schedule - a constant or a schedule function.
 * @param t - the step counter node (1 on the first update).
 * @returns a scalar node.
 * @example
 * ```ts
 * stepSize(inverseTime(0.5), t); // 0.5 / t
 * ```
 */
export function stepSize(schedule: Schedule, t: Node): Node {
  expectNode('stepSize', 't', t);
  if (typeof schedule === 'number') return t.graph.scalar(schedule, t.dtype);
  if (typeof schedule !== 'function') throw new ArgumentError('stepSize', 'schedule', 'a number or a schedule function', schedule);
  const eta: unknown = schedule(t);
  expectNode('stepSize', 'the value of the schedule', eta, t.graph);
  return eta as Node;
}

/**
 * η⁽ᵗ⁾ = c/t: decreasing with Σ η⁽ᵗ⁾ = ∞ and Σ (η⁽ᵗ⁾)² < ∞, the lecture's condition for step sizes.
 *
 * @param c - the step size at t = 1.
 * @returns the schedule.
 * @example
 * ```ts
 * sgd({ lr: inverseTime(0.1) });
 * ```
 */
export function inverseTime(c: number): Schedule {
  expectNumber('inverseTime', 'c', c);
  return (t) => t.reciprocal().mul(c);
}

/**
 * η⁽ᵗ⁾ = c/√t: decreasing with Σ η⁽ᵗ⁾ = ∞ (but Σ (η⁽ᵗ⁾)² = ∞ too); the rate in the lecture's SGD
 * and Adam theorems.
 *
 * @param c - the step size at t = 1.
 * @returns the schedule.
 * @example
 * ```ts
 * sgd({ lr: inverseSqrt(0.1) });
 * ```
 */
export function inverseSqrt(c: number): Schedule {
  expectNumber('inverseSqrt', 'c', c);
  return (t) => t.sqrt().reciprocal().mul(c);
}

/**
 * η⁽ᵗ⁾ = c/(t₀ + t)ᵖ with ½ < p ≤ 1: the Robbins–Monro family, Σ η⁽ᵗ⁾ = ∞ and Σ (η⁽ᵗ⁾)² < ∞.
 *
 * @param c - scale.
 * @param t0 - offset that keeps early steps small (≥ 0).
 * @param p - decay power in (½, 1].
 * @returns the schedule.
 * @throws ChainruleError when p is outside (½, 1].
 * @example
 * ```ts
 * sgd({ lr: robbinsMonro(1, 10, 0.75) });
 * ```
 */
export function robbinsMonro(c: number, t0: number, p: number): Schedule {
  expectNumber('robbinsMonro', 'c', c);
  expectNumber('robbinsMonro', 't0', t0, { min: 0 });
  if (typeof p !== 'number' || !(p > 0.5 && p <= 1)) throw new ChainruleError(`robbinsMonro: p must be in (1/2, 1] for Σ η = ∞ and Σ η² < ∞, got ${describeValue(p)}`);
  return (t) => t.add(t0).pow(-p).mul(c);
}

/**
 * η⁽ᵗ⁾ = η₀ · r^((t − 1)/k): exponential decay by a factor r every k steps (η⁽¹⁾ = η₀). As a decay
 * rate, `exponentialDecay(β₁, λ)` is the lecture's discounting β₁⁽ᵗ⁾ = β₁λ^(t−1) of Adam's regret theorem.
 *
 * @param eta0 - the first step size.
 * @param rate - the factor r per k steps, in (0, 1].
 * @param every - k, the number of steps per factor (default 1).
 * @returns the schedule.
 * @example
 * ```ts
 * adam({ lr: exponentialDecay(1e-3, 0.5, 1000) });
 * adam({ lr: inverseSqrt(0.1), beta1: exponentialDecay(0.9, 0.99) }); // β₁⁽ᵗ⁾ = 0.9·0.99^(t−1)
 * ```
 */
export function exponentialDecay(eta0: number, rate: number, every = 1): Schedule {
  expectNumber('exponentialDecay', 'eta0', eta0);
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) throw new ArgumentError('exponentialDecay', 'rate', 'a number in (0, 1]', rate);
  if (typeof every !== 'number' || !(every > 0 && Number.isFinite(every))) throw new ArgumentError('exponentialDecay', 'every', 'a positive number', every);
  return (t) => t.graph.scalar(rate, t.dtype).pow(t.sub(1).div(every)).mul(eta0);
}

/**
 * Options of {@link warmupCosineDecay}.
 *
 * @example
 * ```ts
 * const options: WarmupCosineOptions = { peak: 1e-3, warmupSteps: 500, decaySteps: 10000, floor: 1e-5 };
 * ```
 */
export interface WarmupCosineOptions {
  /** η_peak > 0, the step size at the end of the warm-up. */
  readonly peak: number;
  /** W, the number of warm-up steps (an integer ≥ 0; 0 for none). */
  readonly warmupSteps: number;
  /** T, the step at which the decay ends, counting the warm-up (an integer > W), as optax's `decay_steps`. */
  readonly decaySteps: number;
  /** η_floor ∈ [0, η_peak], the step size from step T on (default 0). */
  readonly floor?: number;
}

/**
 * Linear warm-up to a peak, then cosine decay to a floor (Loshchilov and Hutter's SGDR without
 * restarts; the warm-up as in Goyal et al.), for t = 1, 2, …:
 *
 *   η⁽ᵗ⁾ = η_peak · t/W                                              for t ≤ W,
 *   η⁽ᵗ⁾ = η_floor + (η_peak − η_floor) · ½(1 + cos(π · min(1, (t − W)/(T − W))))   for t > W,
 *
 * so η⁽ᵂ⁾ = η_peak, η⁽ᵀ⁾ = η_floor, and η stays at η_floor after T. NOTE on the convention: these
 * are the values of optax's `warmup_cosine_decay_schedule(init_value=0, peak, W, T, floor)` at
 * count = t. Optax's first update reads count 0, a step of size 0; chainrule's counter is 1 on the
 * first update, so the first step is η_peak/W and the warm-up has no wasted step.
 *
 * @param options - η_peak, W, T and η_floor.
 * @returns the schedule.
 * @throws ArgumentError when a value is not a number of its kind (peak > 0, W ≥ 0 and T integers, floor ≥ 0).
 * @throws ChainruleError when T ≤ W or the floor is above the peak.
 * @example
 * ```ts
 * adamw({ lr: warmupCosineDecay({ peak: 1e-3, warmupSteps: 100, decaySteps: 2000 }) });
 * ```
 */
export function warmupCosineDecay(options: WarmupCosineOptions): Schedule {
  const fn = 'warmupCosineDecay';
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { peak, warmupSteps, decaySteps, floor? }', options);
  const o = expectOptions(fn, 'options', options);
  for (const key of Object.keys(o)) {
    if (!['peak', 'warmupSteps', 'decaySteps', 'floor'].includes(key)) throw new ChainruleError(`${fn}: unknown option ${key} (it takes peak, warmupSteps, decaySteps, floor)`);
  }
  const peak = o['peak'];
  if (typeof peak !== 'number' || !Number.isFinite(peak) || peak <= 0) throw new ArgumentError(fn, 'options.peak', 'a finite number > 0', peak);
  const warmup = expectNumber(fn, 'options.warmupSteps', o['warmupSteps'], { kind: 'integer', min: 0 });
  const total = expectNumber(fn, 'options.decaySteps', o['decaySteps'], { kind: 'integer', min: 1 });
  const floor = expectNumber(fn, 'options.floor', o['floor'] ?? 0, { min: 0 });
  if (total <= warmup) throw new ChainruleError(`${fn}: decaySteps (${total}) must be greater than warmupSteps (${warmup}); decaySteps counts the warm-up, as optax's decay_steps`);
  if (floor > peak) throw new ChainruleError(`${fn}: floor (${floor}) must not be above peak (${peak})`);
  return (t) => {
    const progress = t.sub(warmup).div(total - warmup).minimum(1); // (t − W)/(T − W), at most 1
    const cosine = progress.mul(Math.PI).cos().add(1).mul((peak - floor) / 2).add(floor);
    return warmup === 0 ? cosine : t.graph.where(t.greater(warmup), cosine, t.div(warmup).mul(peak));
  };
}
