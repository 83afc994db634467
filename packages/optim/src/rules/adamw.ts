import { stepSize } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';
import { adamHyperparameters, adamMoments, type AdamOptions } from './adam.js';

/**
 * Options of {@link adamw}: those of `adam` and the weight decay λ.
 *
 * @example
 * ```ts
 * minimize(loss, params, adamw({ lr: 1e-3, weightDecay: 0.01, epsilonPlacement: 'outside' }));
 * ```
 */
export interface AdamwOptions extends AdamOptions {
  /** The decoupled weight decay λ ≥ 0 (default 0.01, as PyTorch's `AdamW`). */
  readonly weightDecay?: number;
}

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled weight decay
 * regularization", ICLR 2019). Adam's moments see only ∇fₜ; the decay acts on the parameters beside
 * the adaptive step (t = 1, 2, …):
 *
 *   g⁽ᵗ⁾, q⁽ᵗ⁾, ĝ⁽ᵗ⁾, q̂⁽ᵗ⁾ as in `adam`,
 *   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾ (ĝ⁽ᵗ⁾/√(q̂⁽ᵗ⁾ + ε) + λ w⁽ᵗ⁾).
 *
 * Adding ½λ‖w‖² to the loss instead (`chain(addRegularization(l2Squared, λ), adam())`) puts λw into
 * ĝ and q̂, so the decay is divided by √q̂ like the gradient: weights whose gradients are large are
 * decayed less. Here every weight shrinks by the factor 1 − η⁽ᵗ⁾λ per step whatever its gradients.
 *
 * NOTE on the convention: λ is multiplied by the whole step size η⁽ᵗ⁾, schedule included, as in
 * PyTorch's `AdamW` and optax's `adamw`. The paper writes w ← w − ηₜ(α ĝ/(√q̂ + ε) + λw) with a
 * schedule multiplier ηₜ and a separate α, so its λ is this λ times α: for a constant α, the paper's
 * (α, λ_paper) is `adamw({ lr: α·ηₜ, weightDecay: λ_paper/α })`. Either way the decay follows the
 * schedule, which is the paper's point. The decay applies to every parameter given to `minimize`.
 *
 * In float32 the statistics it accumulates from gradients are stored flushed to zero below 2⁻¹²⁶
 * (`flushSubnormal`), so that they never linger as slow subnormal numbers (see
 * docs/design-decisions.md).
 *
 * @param options - η (a constant or a schedule), β₁, β₂, ε and its placement as for `adam`, and λ.
 * @returns the rule (state: `adamw.g`, `adamw.q` per parameter; for a scheduled β₁ or β₂ also the
 *   scalar `adamw.beta1Product` or `adamw.beta2Product`).
 * @throws ChainruleError when a hyperparameter is out of range or the step size is not finite (the message names both).
 * @example
 * ```ts
 * minimize(loss, params, adamw({ lr: warmupCosineDecay({ peak: 1e-3, warmupSteps: 100, decaySteps: 5000 }), weightDecay: 0.05 }));
 * ```
 */
export function adamw(options: AdamwOptions = {}): UpdateRule {
  knownOptions('adamw', options, ['lr', 'beta1', 'beta2', 'epsilon', 'epsilonPlacement', 'weightDecay']);
  const lr = stepSizeOption('adamw', options.lr ?? 0.001);
  const hyper = adamHyperparameters('adamw', options);
  const lambda = inRange('adamw', 'weightDecay', options.weightDecay ?? 0.01, '[0, ∞)');
  return {
    name: 'adamw',
    apply: (grads, ctx) => {
      applyArguments('adamw', grads, ctx);
      const eta = stepSize(lr, ctx.step);
      const { gHat, denominator, assignments } = adamMoments(ctx, 'adamw', grads, hyper);
      const directions = gHat.map((gh, i) => gh.div(denominator[i]!).add(ctx.params[i]!.mul(lambda)).mul(eta).neg()); // −η(ĝ/√(q̂ + ε) + λw)
      return { directions, assignments };
    },
  };
}
