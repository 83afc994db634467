// The update rules of the race: every rule of the lecture, each with its hyper-parameters as sliders
// and defaults scaled to the surface. To add one, append an entry to RULES (docs/playground.md).
import { adagrad, adam, nesterov, newton, polyak, rmsprop, rmspropGraves, robbinsMonro, sgd, sutskever, type UpdateRule } from '@chainrule/optim';
import type { SliderSpec } from '../shared/controls.js';
import type { Surface, SurfaceParams } from './surfaces.js';

/** Hyper-parameter values of a rule, by key: numbers from sliders, strings from menus. */
export type RuleValues = Readonly<Record<string, number | string>>;

/** A menu among a rule's hyper-parameters. */
export interface RuleChoice {
  /** Key of the value. */
  readonly key: string;
  /** Label. */
  readonly label: string;
  /** Value and text of each option; the first is the default. */
  readonly options: readonly (readonly [string, string])[];
}

/** A rule in the race. */
export interface RaceRule {
  /** Stable id. */
  readonly id: string;
  /** Name in the legend. */
  readonly label: string;
  /** Its colour in both plots. */
  readonly color: string;
  /** Where the lecture has it. */
  readonly lecture: string;
  /** Running at first. */
  readonly on: boolean;
  /** Numeric hyper-parameters. */
  readonly sliders: readonly SliderSpec[];
  /** Hyper-parameters chosen from a menu. */
  readonly choices?: readonly RuleChoice[];
  /** Default values on a surface (step sizes follow its smoothness β). */
  defaults(surface: Surface, p: SurfaceParams): Readonly<Record<string, number>>;
  /** The chainrule rule for these values. */
  make(v: RuleValues): UpdateRule;
  /** The gradient is made stochastic: ∇f(w) + σξ with ξ ~ N(0, I) drawn by the graph each step (`sigma`). */
  readonly noisy?: boolean;
}

const LR: SliderSpec = { key: 'lr', label: 'η (step size)', min: 1e-4, max: 10, log: true };
const MOMENTUM: SliderSpec = { key: 'momentum', label: 'γ (momentum)', min: 0, max: 0.99, step: 0.01 };
const EPSILON: SliderSpec = { key: 'epsilon', label: 'ε', min: 1e-10, max: 1, log: true };
const num = (v: RuleValues, key: string): number => v[key] as number;

/** The rules, in legend order. */
export const RULES: readonly RaceRule[] = [
  {
    id: 'gd',
    label: 'gradient descent',
    color: '#1f77b4',
    lecture: 'gradient descent, constant step',
    on: true,
    sliders: [LR],
    defaults: (s, p) => ({ lr: 1 / s.smoothness(p) }),
    make: (v) => sgd({ lr: num(v, 'lr') }),
  },
  {
    id: 'gd-decreasing',
    label: 'GD, decreasing step',
    color: '#aec7e8',
    lecture: 'step sizes η⁽ᵗ⁾ = c/tᵖ with Σ η⁽ᵗ⁾ = ∞, Σ (η⁽ᵗ⁾)² < ∞',
    on: false,
    sliders: [{ key: 'lr', label: 'c (η⁽¹⁾)', min: 1e-4, max: 10, log: true }, { key: 'power', label: 'p (decay power)', min: 0.51, max: 1, step: 0.01 }],
    defaults: (s, p) => ({ lr: 1 / s.smoothness(p), power: 0.6 }),
    make: (v) => sgd({ lr: robbinsMonro(num(v, 'lr'), 0, num(v, 'power')) }),
  },
  {
    id: 'sgd',
    label: 'SGD (noisy gradient)',
    color: '#7f7f7f',
    lecture: 'stochastic gradient descent: an unbiased gradient estimate',
    on: false,
    noisy: true,
    sliders: [LR, { key: 'sigma', label: 'σ (gradient noise)', min: 0, max: 2, step: 0.02 }],
    defaults: (s, p) => ({ lr: 0.5 / s.smoothness(p), sigma: 0.3 * Math.sqrt(s.smoothness(p)) }),
    make: (v) => sgd({ lr: num(v, 'lr') }),
  },
  {
    id: 'polyak',
    label: 'Polyak momentum',
    color: '#ff7f0e',
    lecture: 'heavy ball: w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η∇f(w⁽ᵗ⁾) + γ(w⁽ᵗ⁾ − w⁽ᵗ⁻¹⁾)',
    on: true,
    sliders: [LR, MOMENTUM],
    defaults: (s, p) => ({ lr: 1 / s.smoothness(p), momentum: 0.9 }),
    make: (v) => polyak({ lr: num(v, 'lr'), momentum: num(v, 'momentum') }),
  },
  {
    id: 'nesterov',
    label: 'Nesterov (ρ-sequence)',
    color: '#2ca02c',
    lecture: 'Nesterov’s accelerated gradient with ρ⁽ᵗ⁺¹⁾ = (1 + √(1 + 4ρ⁽ᵗ⁾²))/2',
    on: true,
    sliders: [LR],
    defaults: (s, p) => ({ lr: 1 / s.smoothness(p) }),
    make: (v) => nesterov({ lr: num(v, 'lr') }),
  },
  {
    id: 'sutskever',
    label: 'Sutskever momentum',
    color: '#98df8a',
    lecture: 'momentum with the gradient at the look-ahead point',
    on: false,
    sliders: [LR, MOMENTUM],
    defaults: (s, p) => ({ lr: 1 / s.smoothness(p), momentum: 0.9 }),
    make: (v) => sutskever({ lr: num(v, 'lr'), momentum: num(v, 'momentum') }),
  },
  {
    id: 'adagrad',
    label: 'AdaGrad',
    color: '#9467bd',
    lecture: 'per-coordinate steps η/√(Σ gradients²)',
    on: false,
    sliders: [LR, EPSILON],
    defaults: () => ({ lr: 0.5, epsilon: 1e-8 }),
    make: (v) => adagrad({ lr: num(v, 'lr'), epsilon: num(v, 'epsilon') }),
  },
  {
    id: 'rmsprop',
    label: 'RMSProp',
    color: '#c5b0d5',
    lecture: 'AdaGrad with a moving average of squared gradients',
    on: false,
    sliders: [LR, { key: 'beta', label: 'β (decay)', min: 0, max: 0.999, step: 0.001 }, EPSILON],
    defaults: () => ({ lr: 0.02, beta: 0.9, epsilon: 1e-8 }),
    make: (v) => rmsprop({ lr: num(v, 'lr'), beta: num(v, 'beta'), epsilon: num(v, 'epsilon') }),
  },
  {
    id: 'graves',
    label: 'RMSProp (Graves)',
    color: '#8c564b',
    lecture: 'centred second moment, with momentum',
    on: false,
    sliders: [LR, { key: 'beta', label: 'β (decay)', min: 0, max: 0.999, step: 0.001 }, MOMENTUM, EPSILON],
    defaults: () => ({ lr: 0.01, beta: 0.95, momentum: 0.9, epsilon: 1e-4 }),
    make: (v) => rmspropGraves({ lr: num(v, 'lr'), beta: num(v, 'beta'), momentum: num(v, 'momentum'), epsilon: num(v, 'epsilon') }),
  },
  {
    id: 'adam',
    label: 'Adam',
    color: '#d62728',
    lecture: 'bias-corrected first and second moments',
    on: true,
    sliders: [LR, { key: 'beta1', label: 'β₁', min: 0, max: 0.999, step: 0.001 }, { key: 'beta2', label: 'β₂', min: 0.5, max: 0.9999, step: 0.0001 }, EPSILON],
    choices: [{ key: 'epsilonPlacement', label: 'ε placement', options: [['inside', 'inside the root (lecture)'], ['outside', 'outside the root (paper)']] }],
    defaults: () => ({ lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }),
    make: (v) => adam({ lr: num(v, 'lr'), beta1: num(v, 'beta1'), beta2: num(v, 'beta2'), epsilon: num(v, 'epsilon'), epsilonPlacement: v['epsilonPlacement'] as 'inside' | 'outside' }),
  },
  {
    id: 'newton',
    label: 'Newton',
    color: '#e377c2',
    lecture: 'w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ − η(∇²f(w⁽ᵗ⁾) + λI)⁻¹∇f(w⁽ᵗ⁾)',
    on: false,
    sliders: [{ key: 'lr', label: 'η (step size)', min: 0.01, max: 1, log: true }, { key: 'damping', label: 'λ (damping)', min: 0, max: 10, step: 0.05 }],
    defaults: () => ({ lr: 1, damping: 0 }),
    make: (v) => newton({ lr: num(v, 'lr'), damping: num(v, 'damping') }),
  },
];
