import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';

/**
 * Options of {@link nesterov}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], nesterov({ lr: 0.05 }));
 * ```
 */
export interface NesterovOptions {
  /** Step size η⁽ᵗ⁾ (default 0.01; the lecture's theorem takes η = 1/β). */
  readonly lr?: Schedule;
}

/**
 * Nesterov's accelerated gradient descent with the lecture's ρ-sequence:
 *
 *   v⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾ ∇f(w⁽ᵗ⁾),
 *   w⁽ᵗ⁺¹⁾ = (1 − γ⁽ᵗ⁾) v⁽ᵗ⁺¹⁾ + γ⁽ᵗ⁾ v⁽ᵗ⁾,   γ⁽ᵗ⁾ = (1 − ρ⁽ᵗ⁾)/ρ⁽ᵗ⁺¹⁾,
 *   ρ⁽ᵗ⁺¹⁾ = (1 + √(1 + 4 (ρ⁽ᵗ⁾)²))/2,   v⁽⁰⁾ = w⁽⁰⁾.
 *
 * NOTE: the slide starts from ρ⁽⁰⁾ = 0, which gives γ⁽⁰⁾ = 1 and w⁽¹⁾ = v⁽⁰⁾ = w⁽⁰⁾: the first step
 * would stand still. As in Nesterov's and Bubeck's texts, the sequence used by the first update is
 * ρ = 1, ρ' = (1 + √5)/2, so γ = 0 and the first step is a plain gradient step; then γ⁽ᵗ⁾ < 0 grows
 * towards −1 (the momentum coefficient −γ⁽ᵗ⁾ = (ρ⁽ᵗ⁾ − 1)/ρ⁽ᵗ⁺¹⁾ → 1).
 *
 * @param options - η⁽ᵗ⁾.
 * @returns the rule (state: `nesterov.v` per parameter and the scalar `nesterov.rho`).
 * @throws ChainruleError when a constant step size is not finite.
 * @example
 * ```ts
 * minimize(f, [w], nesterov({ lr: 1 / beta }));
 * ```
 */
export function nesterov(options: NesterovOptions = {}): UpdateRule {
  knownOptions('nesterov', options, ['lr']);
  const lr = stepSizeOption('nesterov', options.lr ?? 0.01);
  return {
    name: 'nesterov',
    apply: (g, ctx) => {
      applyArguments('nesterov', g, ctx);
      const eta = stepSize(lr, ctx.step);
      const v = ctx.state('nesterov.v', 'param'); // v⁽⁰⁾ = w⁽⁰⁾
      const rho = ctx.scalarState('nesterov.rho', 1); // ρ of the current step; 1 for the first
      const rhoNext = rho.square().mul(4).add(1).sqrt().add(1).div(2); // ρ' = (1 + √(1 + 4ρ²))/2
      const gamma = rho.neg().add(1).div(rhoNext); // γ = (1 − ρ)/ρ'
      const vNext = ctx.params.map((w, i) => w.sub(g[i]!.mul(eta))); // v⁽ᵗ⁺¹⁾ = w − η g
      const wNext = vNext.map((vn, i) => vn.mul(gamma.neg().add(1)).add(v[i]!.mul(gamma))); // (1 − γ)v⁽ᵗ⁺¹⁾ + γ v⁽ᵗ⁾
      return {
        directions: wNext.map((wn, i) => wn.sub(ctx.params[i]!)),
        assignments: [...v.map((vi, i) => [vi, vNext[i]!] as const), [rho, rhoNext] as const],
      };
    },
  };
}
