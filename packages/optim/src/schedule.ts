import { ArgumentError, ChainruleError, describeValue, expectNode, expectNumber, type Node } from '@chainrule/graph';

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
