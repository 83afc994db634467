// Measured convergence next to the lecture's bounds, on f(w) = ½ wᵀHw with H = diag(α, …, β),
// α = 0.1, β = 1 (κ = 10), w⁽⁰⁾ = (1, …, 1). Run with `pnpm --filter @chainrule/examples convergence-rates`.
import { Graph, tensor } from '@chainrule/graph';
import { minimize, nesterov, polyak, sgd, sutskever, type UpdateRule } from '@chainrule/optim';

const alpha = 0.1;
const beta = 1;
const kappa = beta / alpha;
const h = [alpha, 0.3, 0.55, 0.8, beta];
const w0 = h.map(() => 1);
const R2 = w0.reduce((s, v) => s + v * v, 0);
const f0 = 0.5 * h.reduce((s, hi, i) => s + hi * w0[i]! ** 2, 0);

function gaps(rule: UpdateRule, steps: number): number[] {
  const g = new Graph();
  const w = g.variable('w', tensor(w0));
  const f = w.square().mul(g.constant(h)).sum().mul(0.5);
  const run = g.compile({ outputs: [f], updates: minimize(f, [w], rule) });
  const out = [f0];
  for (let t = 0; t < steps; t++) {
    run();
    out.push(0.5 * Array.from(g.getVariable('w').data).reduce((s, v, i) => s + h[i]! * v * v, 0)); // f* = 0
  }
  return out;
}

const T = 60;
const eta = 2 / (alpha + beta);
const gd = gaps(sgd({ lr: eta }), T);
const gdSmooth = gaps(sgd({ lr: 1 / beta }), T);
const nag = gaps(nesterov({ lr: 1 / beta }), T);
const sq = Math.sqrt(1 / kappa);
const suts = gaps(sutskever({ lr: 1 / beta, momentum: (1 - sq) / (1 + sq) }), T);
const sk = Math.sqrt(kappa);
const heavy = gaps(polyak({ lr: 4 / (Math.sqrt(beta) + Math.sqrt(alpha)) ** 2, momentum: ((sk - 1) / (sk + 1)) ** 2 }), T);

console.log(`f(w) = ½ wᵀHw, eigenvalues ${h.join(', ')} (α = ${alpha}, β = ${beta}, κ = ${kappa}), R² = ${R2}\n`);
console.log('   t   GD η=1/β  bound 2R²f₀/(2R²+f₀η(2−βη)t)   GD η=2/(α+β)  bound (β/2)R²e^(−4t/(κ+1))   Nesterov η=1/β  bound 2βR²/t²');
for (const t of [1, 2, 5, 10, 20, 40, 60]) {
  const b1 = (2 * R2 * f0) / (2 * R2 + f0 * (1 / beta) * (2 - beta / beta) * t);
  const b2 = (beta / 2) * R2 * Math.exp((-4 * t) / (kappa + 1));
  const b3 = (2 * beta * R2) / t ** 2;
  const cell = (v: number): string => v.toExponential(3).padStart(12);
  console.log(`${String(t).padStart(4)} ${cell(gdSmooth[t]!)} ${cell(b1).padStart(32)} ${cell(gd[t]!).padStart(14)} ${cell(b2).padStart(27)} ${cell(nag[t]!).padStart(16)} ${cell(b3).padStart(14)}`);
}
const rate = (series: number[]): number => Math.sqrt(series[T]! / series[T - 20]!) ** (1 / 20); // ‖w‖ ∝ √f
console.log(`\nasymptotic rate of ‖w⁽ᵗ⁾‖ per step over the last 20 steps:`);
console.log(`  gradient descent η = 2/(α+β):     ${rate(gd).toFixed(4)}  (theory (κ−1)/(κ+1) = ${((kappa - 1) / (kappa + 1)).toFixed(4)})`);
console.log(`  Sutskever momentum (slide's γ):   ${rate(suts).toFixed(4)}  (theory 1 − √(1/κ) = ${(1 - sq).toFixed(4)})`);
console.log(`  Polyak heavy ball (optimal η, γ): ${rate(heavy).toFixed(4)}  (theory (√κ−1)/(√κ+1) = ${((sk - 1) / (sk + 1)).toFixed(4)})`);
console.log('  (at the optimal γ the iteration matrix has a double eigenvalue, so ‖w⁽ᵗ⁾‖ ∝ t·ρᵗ and a finite window reads slightly above ρ)');
