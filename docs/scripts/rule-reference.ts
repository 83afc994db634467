// The rule reference, generated from the rules themselves: each rule's update printed by
// `ruleFormulas` from the graph nodes it builds, so that it cannot drift from the code:
// `pnpm --filter @chainrule/examples rule-reference` rewrites docs/rule-reference.md, and
// test/rule-reference.test.ts fails when the committed file differs.
import * as optim from '@chainrule/optim';

/** One rule of the reference: what it is, how it is made, the state it keeps. */
interface Entry {
  readonly call: string;
  readonly rule: optim.UpdateRule;
  readonly what: string;
  readonly state: string;
}

/** Every rule and transform of `@chainrule/optim`, with the hyperparameters the formulas show. */
const ENTRIES: readonly Entry[] = [
  { call: 'sgd({ lr: 0.1 })', rule: optim.sgd({ lr: 0.1 }), what: 'gradient descent, w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η⁽ᵗ⁾∇f(w⁽ᵗ⁾)', state: 'none' },
  { call: 'sgd({ lr: inverseTime(0.5) })', rule: optim.sgd({ lr: optim.inverseTime(0.5) }), what: 'with a schedule η⁽ᵗ⁾ = 0.5/t', state: 'none' },
  { call: 'scaleBy(-0.1)', rule: optim.scaleBy(-0.1), what: 'd ← η⁽ᵗ⁾d, the step size as a chain step', state: 'none' },
  { call: 'polyak({ lr: 0.1, momentum: 0.9 })', rule: optim.polyak({ lr: 0.1, momentum: 0.9 }), what: "Polyak's heavy ball", state: '`polyak.v`' },
  { call: 'bufferMomentum({ lr: 0.1, momentum: 0.9 })', rule: optim.bufferMomentum({ lr: 0.1, momentum: 0.9 }), what: 'momentum with η outside the buffer', state: '`buffer.b`' },
  { call: 'nesterov({ lr: 0.1 })', rule: optim.nesterov({ lr: 0.1 }), what: "Nesterov's accelerated gradient, the lecture's ρ-sequence", state: '`nesterov.v` (from w⁽⁰⁾), `nesterov.rho`' },
  { call: 'sutskever({ lr: 0.1, momentum: 0.9 })', rule: optim.sutskever({ lr: 0.1, momentum: 0.9 }), what: 'momentum with the gradient at the look-ahead point', state: '`sutskever.v`' },
  { call: 'adagrad({ lr: 0.1 })', rule: optim.adagrad({ lr: 0.1 }), what: 'AdaGrad, diagonal', state: '`adagrad.Q`' },
  { call: 'rmsprop({ lr: 0.001 })', rule: optim.rmsprop({ lr: 0.001 }), what: 'RMSProp', state: '`rmsprop.q`' },
  { call: 'rmspropGraves()', rule: optim.rmspropGraves(), what: 'RMSProp as in Graves (centred, with momentum)', state: '`graves.g`, `graves.q`, `graves.v`' },
  { call: 'adam()', rule: optim.adam(), what: 'Adam with bias correction, ε inside the root', state: '`adam.g`, `adam.q`' },
  {
    call: 'adam({ lr: inverseSqrt(0.1), beta1: exponentialDecay(0.9, 0.99) })',
    rule: optim.adam({ lr: optim.inverseSqrt(0.1), beta1: optim.exponentialDecay(0.9, 0.99) }),
    what: "the regret theorem's Adam: η⁽ᵗ⁾ = η/√t, β₁⁽ᵗ⁾ = β₁λ^(t−1); the bias correction divides by 1 − Πₛ β₁⁽ˢ⁾",
    state: '`adam.g`, `adam.q`, `adam.beta1Product`',
  },
  {
    call: 'adamw({ weightDecay: 0.01 })',
    rule: optim.adamw({ weightDecay: 0.01 }),
    what: 'AdamW: Adam with decoupled weight decay, w ← w − η(ĝ/√(q̂ + ε) + λw)',
    state: '`adamw.g`, `adamw.q`',
  },
  {
    call: 'sgd({ lr: warmupCosineDecay({ peak: 0.1, warmupSteps: 10, decaySteps: 100 }) })',
    rule: optim.sgd({ lr: optim.warmupCosineDecay({ peak: 0.1, warmupSteps: 10, decaySteps: 100 }) }),
    what: 'with a linear warm-up to 0.1 over 10 steps, then a cosine decay to 0 at step 100',
    state: 'none',
  },
  { call: 'amsgrad()', rule: optim.amsgrad(), what: 'AMSGrad: Adam with a non-decreasing second moment', state: '`amsgrad.g`, `amsgrad.q`, `amsgrad.qmax`' },
  { call: 'newton({ damping: 0.001 })', rule: optim.newton({ damping: 0.001 }), what: "damped Newton's method (the formulas see f(w) = ½·h·w²)", state: 'none' },
  { call: 'addRegularization(l2Squared, 0.01)', rule: optim.addRegularization(optim.l2Squared, 0.01), what: 'adds λ∇φ(w) to the directions', state: 'none' },
  { call: 'clipByGlobalNorm(1)', rule: optim.clipByGlobalNorm(1), what: 'rescales the directions to ‖d‖₂ ≤ 1', state: 'none' },
  { call: 'clipByValue(1)', rule: optim.clipByValue(1), what: 'clips every direction element to [−1, 1]', state: 'none' },
  {
    call: 'chain(sgd({ lr: 0.1 }), projectOntoBall(2))',
    rule: optim.chain(optim.sgd({ lr: 0.1 }), optim.projectOntoBall(2)),
    what: 'projected SGD: the iterates kept in the ball ‖w − w⁽⁰⁾‖₂ ≤ 2',
    state: '`ball.center` (w⁽⁰⁾, never reassigned)',
  },
  {
    call: 'chain(sgd({ lr: 0.1 }), projectOntoBox(-1, 1))',
    rule: optim.chain(optim.sgd({ lr: 0.1 }), optim.projectOntoBox(-1, 1)),
    what: 'projected SGD: every element kept in [−1, 1]',
    state: 'none',
  },
  {
    call: 'averageIterates(sgd({ lr: 0.1 }))',
    rule: optim.averageIterates(optim.sgd({ lr: 0.1 })),
    what: 'Polyak–Ruppert: the running mean w̄ of the iterates, read with `Minimization.atAverage`',
    state: '`average.wbar` (from w⁽⁰⁾)',
  },
  {
    call: 'emaIterates(sgd({ lr: 0.1 }), { decay: 0.99 })',
    rule: optim.emaIterates(optim.sgd({ lr: 0.1 }), { decay: 0.99 }),
    what: 'the exponential moving average w̃ of the iterates',
    state: '`ema.wtilde` (from w⁽⁰⁾)',
  },
];

/**
 * The rule reference as Markdown: per rule, how it is made, what it keeps, and its update as the
 * formulas `ruleFormulas` prints.
 *
 * @returns the whole document.
 */
export function ruleReference(): string {
  const sections = ENTRIES.map(({ call, rule, what, state }) => {
    const lines = optim.ruleFormulas(rule).map((f) => `- \`${f.variable} ← ${f.text}\``);
    return `## \`${call}\`\n\n${what.charAt(0).toUpperCase()}${what.slice(1)}. State: ${state}.\n\n${lines.join('\n')}\n`;
  });
  return `---
title: Rule reference
---

# Rule reference

Every update rule and transform of \`@chainrule/optim\`, each with the update it builds, printed by
\`ruleFormulas\` from the very graph nodes the rule adds (so what is printed is what runs). Generated by
\`docs/scripts/rule-reference.ts\`; do not edit by hand (\`pnpm --filter @chainrule/examples
rule-reference\` rewrites it, and a test fails when it is stale).

The rule is applied to one scalar parameter \`w\` with incoming direction \`grad\` at step \`t\`; rules
that need the loss see f(w) = ½·h·w². State variables appear by their short names (\`v\`, \`q\`, …);
\`reduceSum(…)\` sums over all elements. Hyperparameters are those of the call shown (defaults where
none are given). How the formulas map to the lecture: [lecture-to-code.md](lecture-to-code.md).

${sections.join('\n')}`;
}
