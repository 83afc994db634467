import { ChainruleError, isConcrete, type Node } from '@chainrule/graph';
import { jacobian } from '@chainrule/autodiff';
import { stepSize, type Schedule } from '../schedule.js';
import type { UpdateRule } from '../transform.js';
import { applyArguments, inRange, knownOptions, stepSizeOption } from '../validate.js';

/**
 * Options of {@link newton}.
 *
 * @example
 * ```ts
 * minimize(loss, [w], newton({ lr: 1, damping: 1e-3 }));
 * ```
 */
export interface NewtonOptions {
  /** Step size η (default 1: the pure Newton step). */
  readonly lr?: Schedule;
  /** Damping λ ≥ 0 added to the Hessian's diagonal, (∇²f + λI)⁻¹ (default 0). */
  readonly damping?: number;
}

const sizeOf = (n: Node): number => (n.shape as number[]).reduce((a, d) => a * d, 1);

/**
 * Newton's method, the lecture's update with B⁽ᵗ⁾ = ∇²f(w⁽ᵗ⁾)⁻¹:
 *
 *   w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η (∇²f(w⁽ᵗ⁾) + λI)⁻¹ d,
 *
 * where d is the incoming direction (the gradient ∇f(w⁽ᵗ⁾) when used alone) and the Hessian is the
 * Jacobian of d — the symbolic second derivative of the loss (plus a regulariser added before it in
 * a chain) over all parameters together, one block per pair of parameters. The system is solved
 * with `solve`; no inverse is formed. It costs one reverse
 * pass per parameter element: meant for small models such as logistic regression.
 *
 * @param options - η and the damping λ.
 * @returns the rule (no state).
 * @throws ChainruleError when the damping is negative or the step size not finite; when applied, for
 *   parameters with symbolic shapes.
 * @example
 * ```ts
 * minimize(logLoss, [w], newton({ damping: 1e-6 }));
 * ```
 */
export function newton(options: NewtonOptions = {}): UpdateRule {
  knownOptions('newton', options, ['lr', 'damping']);
  const lr = stepSizeOption('newton', options.lr ?? 1);
  const damping = inRange('newton', 'damping', options.damping ?? 0, '[0, ∞)');
  return {
    name: 'newton',
    apply: (directions, ctx) => {
      applyArguments('newton', directions, ctx);
      const { graph, params } = ctx;
      for (const p of params) if (!isConcrete(p.shape)) throw new ChainruleError(`newton: ${p} needs a concrete shape`);
      const sizes = params.map(sizeOf);
      const total = sizes.reduce((a, b) => a + b, 0);
      // H = [∂dᵢ/∂wⱼ] in blocks: the Jacobian of the incoming directions — ∇f alone, or with what
      // rules before it added (λ∇φ from a regulariser adds λ∇²φ) — so H is the Hessian of what d is
      // the gradient of.
      const rows = directions.map((gi, i) => {
        const blocks = params.map((wj, j) => jacobian(gi, wj).reshape([sizes[i]!, sizes[j]!]));
        return blocks.length === 1 ? blocks[0]! : graph.concat(blocks, 1);
      });
      let H = rows.length === 1 ? rows[0]! : graph.concat(rows, 0);
      if (damping !== 0) {
        const identity = graph.constant(Array.from({ length: total }, (_, r) => Array.from({ length: total }, (_, c) => (r === c ? damping : 0))), H.dtype);
        H = H.add(identity);
      }
      const flat = directions.map((d, i) => d.reshape([sizes[i]!, 1]));
      const rhs = flat.length === 1 ? flat[0]! : graph.concat(flat, 0);
      const step = graph.solve(H, rhs).mul(stepSize(lr, ctx.step)).neg(); // −η (H + λI)⁻¹ d
      let offset = 0;
      const out = params.map((p, i) => {
        const part = step.slice([offset, 0], [sizes[i]!, 1]).reshape(p.shape);
        offset += sizes[i]!;
        return part;
      });
      return { directions: out, assignments: [] };
    },
  };
}
