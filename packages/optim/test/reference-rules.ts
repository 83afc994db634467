/**
 * An independent float64 reference for the update rules of `@chainrule/optim`: plain JS numbers,
 * arrays and loops, written from the formulas in the rules' doc comments and the lecture — never
 * chainrule code. Tests run a rule in both and compare after every step.
 *
 * A list of parameters is `Vecs`: one flat (row-major) array per parameter. A rule is an
 * init/update pair in the same shape as chainrule's: it maps the incoming directions d (∇f(w⁽ᵗ⁾) for
 * the first rule of a chain) to outgoing ones, and the parameters then move by w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ + d.
 * State keys are chainrule's `<rule>.<quantity>` names: a `Vecs` value is one tensor per parameter
 * (`optim/<key>/<param>`), a number is a scalar state (`optim/<key>`).
 */

export type Vecs = number[][];
export type RefState = Record<string, Vecs | number>;

/** A loss over the parameters with its hand-derived gradient and Hessian (over all elements, concatenated). */
export interface RefLoss {
  value(w: Vecs): number;
  grad(w: Vecs): Vecs;
  hessian(w: Vecs): number[][];
}

export interface RefContext {
  /** The parameters w⁽ᵗ⁾. */
  readonly w: Vecs;
  /** The step counter, 1 during the first update. */
  readonly t: number;
  readonly loss: RefLoss;
}

export interface RefRule {
  init(w: Vecs): RefState;
  update(d: Vecs, state: RefState, ctx: RefContext): { d: Vecs; state: RefState };
}

/** η⁽ᵗ⁾. */
export type RefSchedule = (t: number) => number;

// ---------------------------------------------------------------------------------------------
// Small helpers on Vecs.

export const map = (a: Vecs, f: (x: number) => number): Vecs => a.map((p) => p.map(f));
export const map2 = (a: Vecs, b: Vecs, f: (x: number, y: number) => number): Vecs => a.map((p, i) => p.map((x, j) => f(x, b[i]![j]!)));
export const zerosLike = (a: Vecs): Vecs => map(a, () => 0);
export const flatten = (a: Vecs): number[] => a.flat();
export const unflatten = (flat: readonly number[], like: Vecs): Vecs => {
  let k = 0;
  return like.map((p) => p.map(() => flat[k++]!));
};
const vecs = (s: RefState, key: string): Vecs => {
  const v = s[key];
  if (!Array.isArray(v)) throw new Error(`reference: state ${key} is not per-parameter`);
  return v;
};
const num = (s: RefState, key: string): number => {
  const v = s[key];
  if (typeof v !== 'number') throw new Error(`reference: state ${key} is not a scalar`);
  return v;
};

/** Solves A x = b by Gaussian elimination with partial pivoting (A is copied). */
export function solve(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Schedules η⁽ᵗ⁾.

export const constantLr = (eta: number): RefSchedule => () => eta;
/** c/t. */
export const inverseTime = (c: number): RefSchedule => (t) => c / t;
/** c/√t. */
export const inverseSqrt = (c: number): RefSchedule => (t) => c / Math.sqrt(t);
/** c/(t₀ + t)ᵖ. */
export const robbinsMonro = (c: number, t0: number, p: number): RefSchedule => (t) => c / (t0 + t) ** p;
/** η₀ · r^((t − 1)/k). */
export const exponentialDecay = (eta0: number, r: number, k: number): RefSchedule => (t) => eta0 * r ** ((t - 1) / k);

// ---------------------------------------------------------------------------------------------
// The rules, one small function each. `d` is the incoming direction (the gradient g for a rule used
// alone); every rule returns the direction added to w.

/** Gradient descent: w ← w − η⁽ᵗ⁾ g. */
export function sgd(lr: RefSchedule): RefRule {
  return { init: () => ({}), update: (g, _s, { t }) => ({ d: map(g, (x) => -lr(t) * x), state: {} }) };
}

/** d ← k⁽ᵗ⁾ d. */
export function scaleBy(k: RefSchedule): RefRule {
  return { init: () => ({}), update: (d, _s, { t }) => ({ d: map(d, (x) => k(t) * x), state: {} }) };
}

/** Polyak: v ← γv − η⁽ᵗ⁾ g, w ← w + v; v⁽⁰⁾ = 0. */
export function polyak(lr: RefSchedule, gamma: number): RefRule {
  return {
    init: (w) => ({ 'polyak.v': zerosLike(w) }),
    update: (g, s, { t }) => {
      const v = map2(vecs(s, 'polyak.v'), g, (v, g) => gamma * v - lr(t) * g);
      return { d: v, state: { 'polyak.v': v } };
    },
  };
}

/** Buffer momentum: b ← γb + g, w ← w − η⁽ᵗ⁾ b; b⁽⁰⁾ = 0. */
export function bufferMomentum(lr: RefSchedule, gamma: number): RefRule {
  return {
    init: (w) => ({ 'buffer.b': zerosLike(w) }),
    update: (g, s, { t }) => {
      const b = map2(vecs(s, 'buffer.b'), g, (b, g) => gamma * b + g);
      return { d: map(b, (b) => -lr(t) * b), state: { 'buffer.b': b } };
    },
  };
}

/**
 * Nesterov: v' = w − η g, ρ' = (1 + √(1 + 4ρ²))/2, γ = (1 − ρ)/ρ', w' = (1 − γ)v' + γv;
 * v⁽⁰⁾ = w⁽⁰⁾ and ρ = 1 for the first update (so its γ is 0: a plain gradient step).
 */
export function nesterov(lr: RefSchedule): RefRule {
  return {
    init: (w) => ({ 'nesterov.v': map(w, (x) => x), 'nesterov.rho': 1 }),
    update: (g, s, { w, t }) => {
      const rho = num(s, 'nesterov.rho');
      const rhoNext = (1 + Math.sqrt(1 + 4 * rho * rho)) / 2;
      const gamma = (1 - rho) / rhoNext;
      const vNext = map2(w, g, (w, g) => w - lr(t) * g);
      const wNext = map2(vNext, vecs(s, 'nesterov.v'), (vn, v) => (1 - gamma) * vn + gamma * v);
      return { d: map2(wNext, w, (a, b) => a - b), state: { 'nesterov.v': vNext, 'nesterov.rho': rhoNext } };
    },
  };
}

/** Sutskever: v ← γv − η⁽ᵗ⁾ ∇f(w + γv), w ← w + v; v⁽⁰⁾ = 0. */
export function sutskever(lr: RefSchedule, gamma: number): RefRule {
  return {
    init: (w) => ({ 'sutskever.v': zerosLike(w) }),
    update: (_d, s, { w, t, loss }) => {
      const v0 = vecs(s, 'sutskever.v');
      const ahead = loss.grad(map2(w, v0, (w, v) => w + gamma * v));
      const v = map2(v0, ahead, (v, g) => gamma * v - lr(t) * g);
      return { d: v, state: { 'sutskever.v': v } };
    },
  };
}

/** AdaGrad: Q ← Q + g², w ← w − η g/√(Q + ε) (the current gradient included, ε inside the root). */
export function adagrad(lr: RefSchedule, epsilon: number): RefRule {
  return {
    init: (w) => ({ 'adagrad.Q': zerosLike(w) }),
    update: (g, s, { t }) => {
      const Q = map2(vecs(s, 'adagrad.Q'), g, (q, g) => q + g * g);
      return { d: map2(g, Q, (g, q) => (-lr(t) * g) / Math.sqrt(q + epsilon)), state: { 'adagrad.Q': Q } };
    },
  };
}

/** RMSProp: q ← βq + (1 − β)g², w ← w − η g/√(q + ε) (the new q). */
export function rmsprop(lr: RefSchedule, beta: number, epsilon: number): RefRule {
  return {
    init: (w) => ({ 'rmsprop.q': zerosLike(w) }),
    update: (g, s, { t }) => {
      const q = map2(vecs(s, 'rmsprop.q'), g, (q, g) => beta * q + (1 - beta) * g * g);
      return { d: map2(g, q, (g, q) => (-lr(t) * g) / Math.sqrt(q + epsilon)), state: { 'rmsprop.q': q } };
    },
  };
}

/**
 * Graves's centred RMSProp with momentum: g ← βg + (1 − β)∇, q ← βq + (1 − β)∇²,
 * v ← μv − η∇/√(q − g² + ε) (new g and q), w ← w + v.
 */
export function rmspropGraves(lr: RefSchedule, beta: number, mu: number, epsilon: number): RefRule {
  return {
    init: (w) => ({ 'graves.g': zerosLike(w), 'graves.q': zerosLike(w), 'graves.v': zerosLike(w) }),
    update: (grad, s, { t }) => {
      const g = map2(vecs(s, 'graves.g'), grad, (g, x) => beta * g + (1 - beta) * x);
      const q = map2(vecs(s, 'graves.q'), grad, (q, x) => beta * q + (1 - beta) * x * x);
      const v = vecs(s, 'graves.v').map((p, i) => p.map((v, j) => {
        const [x, gj, qj] = [grad[i]![j]!, g[i]![j]!, q[i]![j]!];
        return mu * v - (lr(t) * x) / Math.sqrt(qj - gj * gj + epsilon);
      }));
      return { d: v, state: { 'graves.g': g, 'graves.q': q, 'graves.v': v } };
    },
  };
}

/** A decay rate: a constant β or a schedule β⁽ᵗ⁾. */
export type RefRate = number | RefSchedule;

/**
 * β⁽ᵗ⁾ and the bias-correction divisor 1 − Πₛ₌₁ᵗ β⁽ˢ⁾ of one moving average. A constant uses 1 − βᵗ
 * and no state; a schedule carries the product in the scalar state `key` (1 at the start).
 */
function rate(beta: RefRate, key: string, s: RefState, t: number): { b: number; correction: number; state: RefState } {
  if (typeof beta === 'number') return { b: beta, correction: 1 - beta ** t, state: {} };
  const product = num(s, key) * beta(t);
  return { b: beta(t), correction: 1 - product, state: { [key]: product } };
}
const rateInit = (beta: RefRate, key: string): RefState => (typeof beta === 'number' ? {} : { [key]: 1 });

/**
 * Adam: g ← β₁g + (1 − β₁)∇, q ← β₂q + (1 − β₂)∇², ĝ = g/(1 − Πβ₁), q̂ = q/(1 − Πβ₂),
 * w ← w − η ĝ/√(q̂ + ε) (inside), or w ← w − η ĝ/(√q̂ + ε) (outside). With constants Πβ = βᵗ; a
 * scheduled β uses β⁽ᵗ⁾ at step t and keeps Πₛ β⁽ˢ⁾ as `adam.beta1Product` / `adam.beta2Product`.
 */
export function adam(lr: RefSchedule, beta1: RefRate, beta2: RefRate, epsilon: number, placement: 'inside' | 'outside' = 'inside'): RefRule {
  return {
    init: (w) => ({ 'adam.g': zerosLike(w), 'adam.q': zerosLike(w), ...rateInit(beta1, 'adam.beta1Product'), ...rateInit(beta2, 'adam.beta2Product') }),
    update: (grad, s, { t }) => {
      const r1 = rate(beta1, 'adam.beta1Product', s, t);
      const r2 = rate(beta2, 'adam.beta2Product', s, t);
      const g = map2(vecs(s, 'adam.g'), grad, (g, x) => r1.b * g + (1 - r1.b) * x);
      const q = map2(vecs(s, 'adam.q'), grad, (q, x) => r2.b * q + (1 - r2.b) * x * x);
      const d = map2(g, q, (g, q) => {
        const gHat = g / r1.correction;
        const qHat = q / r2.correction;
        return (-lr(t) * gHat) / (placement === 'inside' ? Math.sqrt(qHat + epsilon) : Math.sqrt(qHat) + epsilon);
      });
      return { d, state: { 'adam.g': g, 'adam.q': q, ...r1.state, ...r2.state } };
    },
  };
}

/**
 * AdamW: Adam's moments and corrections from the gradient alone, and
 * w ← w − η(ĝ/√(q̂ + ε) + λw) (inside) or w ← w − η(ĝ/(√q̂ + ε) + λw) (outside): the decay is not
 * divided by the adaptive denominator, and is scaled by η⁽ᵗ⁾ (PyTorch's and optax's convention).
 */
export function adamw(lr: RefSchedule, beta1: RefRate, beta2: RefRate, epsilon: number, lambda: number, placement: 'inside' | 'outside' = 'inside'): RefRule {
  return {
    init: (w) => ({ 'adamw.g': zerosLike(w), 'adamw.q': zerosLike(w), ...rateInit(beta1, 'adamw.beta1Product'), ...rateInit(beta2, 'adamw.beta2Product') }),
    update: (grad, s, { w, t }) => {
      const r1 = rate(beta1, 'adamw.beta1Product', s, t);
      const r2 = rate(beta2, 'adamw.beta2Product', s, t);
      const g = map2(vecs(s, 'adamw.g'), grad, (g, x) => r1.b * g + (1 - r1.b) * x);
      const q = map2(vecs(s, 'adamw.q'), grad, (q, x) => r2.b * q + (1 - r2.b) * x * x);
      const d = g.map((p, i) => p.map((gj, j) => {
        const qHat = q[i]![j]! / r2.correction;
        const adaptive = gj / r1.correction / (placement === 'inside' ? Math.sqrt(qHat + epsilon) : Math.sqrt(qHat) + epsilon);
        return -lr(t) * (adaptive + lambda * w[i]![j]!);
      }));
      return { d, state: { 'adamw.g': g, 'adamw.q': q, ...r1.state, ...r2.state } };
    },
  };
}

/** η⁽ᵗ⁾ = peak·t/W for t ≤ W, then floor + (peak − floor)·½(1 + cos(π·min(1, (t − W)/(T − W)))). */
export const warmupCosineDecay =
  (peak: number, W: number, T: number, floor: number): RefSchedule =>
  (t) =>
    t <= W ? (peak * t) / W : floor + ((peak - floor) * (1 + Math.cos(Math.PI * Math.min(1, (t - W) / (T - W))))) / 2;

/**
 * AMSGrad: Adam's moments and corrections, q̂ₘₐₓ ← max(q̂ₘₐₓ, q̂) (q̂ₘₐₓ⁽⁰⁾ = 0), and
 * w ← w − η ĝ/√(q̂ₘₐₓ + ε) (inside) or w ← w − η ĝ/(√q̂ₘₐₓ + ε) (outside).
 */
export function amsgrad(lr: RefSchedule, beta1: RefRate, beta2: RefRate, epsilon: number, placement: 'inside' | 'outside' = 'inside'): RefRule {
  return {
    init: (w) => ({
      'amsgrad.g': zerosLike(w),
      'amsgrad.q': zerosLike(w),
      'amsgrad.qmax': zerosLike(w),
      ...rateInit(beta1, 'amsgrad.beta1Product'),
      ...rateInit(beta2, 'amsgrad.beta2Product'),
    }),
    update: (grad, s, { t }) => {
      const r1 = rate(beta1, 'amsgrad.beta1Product', s, t);
      const r2 = rate(beta2, 'amsgrad.beta2Product', s, t);
      const g = map2(vecs(s, 'amsgrad.g'), grad, (g, x) => r1.b * g + (1 - r1.b) * x);
      const q = map2(vecs(s, 'amsgrad.q'), grad, (q, x) => r2.b * q + (1 - r2.b) * x * x);
      const qmax = map2(vecs(s, 'amsgrad.qmax'), q, (m, q) => Math.max(m, q / r2.correction));
      const d = map2(g, qmax, (g, m) => (-lr(t) * (g / r1.correction)) / (placement === 'inside' ? Math.sqrt(m + epsilon) : Math.sqrt(m) + epsilon));
      return { d, state: { 'amsgrad.g': g, 'amsgrad.q': q, 'amsgrad.qmax': qmax, ...r1.state, ...r2.state } };
    },
  };
}

/** Newton: d ← −η (∇²f(w) + λI)⁻¹ d, the Hessian over all parameters together. */
export function newton(lr: RefSchedule, damping: number): RefRule {
  return {
    init: () => ({}),
    update: (d, _s, { w, t, loss }) => {
      const H = loss.hessian(w).map((row, i) => row.map((h, j) => (i === j ? h + damping : h)));
      const x = solve(H, flatten(d));
      return { d: unflatten(x.map((x) => -lr(t) * x), d), state: {} };
    },
  };
}

/** d ← d · min(1, c/‖d‖₂), the norm over all parameters together. */
export function clipByGlobalNorm(maxNorm: number): RefRule {
  return {
    init: () => ({}),
    update: (d) => {
      const norm = Math.sqrt(flatten(d).reduce((a, x) => a + x * x, 0));
      const scale = norm > maxNorm ? maxNorm / norm : 1;
      return { d: map(d, (x) => x * scale), state: {} };
    },
  };
}

/** d ← clamp(d, −l, l) elementwise. */
export function clipByValue(limit: number): RefRule {
  return { init: () => ({}), update: (d) => ({ d: map(d, (x) => Math.min(Math.max(x, -limit), limit)), state: {} }) };
}

/**
 * Projection onto the ball ‖w − c‖₂ ≤ R over all parameters together, c = w⁽⁰⁾ (`ball.center`, never
 * updated) or 0: u = w + d; if ‖u − c‖ > R then u ← c + (u − c)·R/‖u − c‖; d ← u − w.
 */
export function projectOntoBall(radius: number, center: 'initial' | 'origin'): RefRule {
  return {
    init: (w): RefState => (center === 'initial' ? { 'ball.center': map(w, (x) => x) } : {}),
    update: (d, s, { w }) => {
      const c = center === 'initial' ? vecs(s, 'ball.center') : zerosLike(w);
      const u = map2(w, d, (w, d) => w + d);
      const norm = Math.sqrt(flatten(map2(u, c, (u, c) => (u - c) ** 2)).reduce((a, x) => a + x, 0));
      const projected = norm > radius ? map2(u, c, (u, c) => c + ((u - c) * radius) / norm) : u;
      return { d: map2(projected, w, (p, w) => p - w), state: {} };
    },
  };
}

/** Projection onto the box [low, high]: d ← clamp(w + d, low, high) − w. */
export function projectOntoBox(low: number, high: number): RefRule {
  return {
    init: () => ({}),
    update: (d, _s, { w }) => ({ d: map2(w, d, (w, d) => Math.min(Math.max(w + d, low), high) - w), state: {} }),
  };
}

/** Polyak–Ruppert averaging around `inner`: w̄⁽ᵗ⁾ = (1/t)(w⁽¹⁾ + … + w⁽ᵗ⁾) (`average.wbar`, w⁽⁰⁾ before the first step). */
export function averageIterates(inner: RefRule): RefRule {
  return {
    init: (w) => ({ ...inner.init(w), 'average.wbar': map(w, (x) => x) }),
    update: (g, s, ctx) => {
      const out = inner.update(g, s, ctx);
      const next = map2(ctx.w, out.d, (w, d) => w + d);
      const wbar = map2(vecs(s, 'average.wbar'), next, (m, x) => ((ctx.t - 1) * m + x) / ctx.t);
      return { d: out.d, state: { ...out.state, 'average.wbar': wbar } };
    },
  };
}

/** The exponential moving average around `inner`: w̃ ← β⁽ᵗ⁾ w̃ + (1 − β⁽ᵗ⁾) w⁽ᵗ⁾ (`ema.wtilde`, w⁽⁰⁾ at the start). */
export function emaIterates(inner: RefRule, decay: RefRate): RefRule {
  return {
    init: (w) => ({ ...inner.init(w), 'ema.wtilde': map(w, (x) => x) }),
    update: (g, s, ctx) => {
      const out = inner.update(g, s, ctx);
      const beta = typeof decay === 'number' ? decay : decay(ctx.t);
      const wbar = map2(vecs(s, 'ema.wtilde'), map2(ctx.w, out.d, (w, d) => w + d), (m, x) => beta * m + (1 - beta) * x);
      return { d: out.d, state: { ...out.state, 'ema.wtilde': wbar } };
    },
  };
}

/** A regulariser's gradient ∇φ(w) (subgradient 0 at the kinks, as documented). */
export type RefRegularizer = (w: Vecs) => Vecs;
/** φ = ½‖w‖², ∇φ = w. */
export const l2Squared: RefRegularizer = (w) => map(w, (x) => x);
/** φ = ‖w‖₁, ∇φ = sign(w), 0 at 0. */
export const l1Norm: RefRegularizer = (w) => map(w, (x) => Math.sign(x));
/** φ = ‖w‖₂ (all parameters together), ∇φ = w/‖w‖, 0 at w = 0. */
export const l2Norm: RefRegularizer = (w) => {
  const norm = Math.sqrt(flatten(w).reduce((a, x) => a + x * x, 0));
  return map(w, (x) => (norm > 0 ? x / norm : 0));
};

/** d ← d + λ∇φ(w). */
export function addRegularization(phi: RefRegularizer, lambda: number): RefRule {
  return { init: () => ({}), update: (d, _s, { w }) => ({ d: map2(d, phi(w), (d, p) => d + lambda * p), state: {} }) };
}

/** The rules applied left to right, each to the previous one's directions. */
export function chain(...rules: RefRule[]): RefRule {
  return {
    init: (w) => Object.assign({}, ...rules.map((r) => r.init(w))) as RefState,
    update: (d0, s, ctx) => {
      let d = d0;
      const state: RefState = {};
      for (const rule of rules) {
        const out = rule.update(d, s, ctx);
        d = out.d;
        Object.assign(state, out.state);
      }
      return { d, state };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Losses, over the parameters concatenated into one vector x.

/** f(x) = ½ xᵀAx + bᵀx for a symmetric A: ∇f = Ax + b, ∇²f = A. */
export function quadraticLoss(A: number[][], b: number[]): RefLoss {
  const Ax = (x: number[]): number[] => A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
  return {
    value: (w) => {
      const x = flatten(w);
      const y = Ax(x);
      return 0.5 * x.reduce((s, xi, i) => s + xi * y[i]!, 0) + x.reduce((s, xi, i) => s + b[i]! * xi, 0);
    },
    grad: (w) => unflatten(Ax(flatten(w)).map((y, i) => y + b[i]!), w),
    hessian: () => A.map((row) => [...row]),
  };
}

/**
 * f(x) = Σᵢ log(1 + exp(aᵢ·x)) + ½c‖x‖² (a logistic loss with a ridge, so that Newton's step exists):
 * ∇f = Σᵢ σ(aᵢ·x) aᵢ + c x,  ∇²f = Σᵢ σ(1 − σ) aᵢaᵢᵀ + c I.
 */
export function logisticLoss(a: number[][], c: number): RefLoss {
  const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
  const z = (x: number[]): number[] => a.map((ai) => ai.reduce((s, aij, j) => s + aij * x[j]!, 0));
  return {
    value: (w) => {
      const x = flatten(w);
      return z(x).reduce((s, zi) => s + Math.log(1 + Math.exp(zi)), 0) + 0.5 * c * x.reduce((s, xi) => s + xi * xi, 0);
    },
    grad: (w) => {
      const x = flatten(w);
      const s = z(x).map(sigma);
      return unflatten(x.map((xj, j) => a.reduce((acc, ai, i) => acc + s[i]! * ai[j]!, 0) + c * xj), w);
    },
    hessian: (w) => {
      const x = flatten(w);
      const s = z(x).map(sigma);
      return x.map((_, j) => x.map((_, k) => a.reduce((acc, ai, i) => acc + s[i]! * (1 - s[i]!) * ai[j]! * ai[k]!, 0) + (j === k ? c : 0)));
    },
  };
}

/** f(u) = ½ h u² for one scalar parameter, the loss `ruleFormulas` prints rules against. */
export function scalarQuadratic(h: number): RefLoss {
  return { value: (w) => 0.5 * h * w[0]![0]! ** 2, grad: (w) => [[h * w[0]![0]!]], hessian: () => [[h]] };
}

/** A loss plus λφ, for the regularisation equivalence (∇ only; φ's Hessian is not needed there). */
export function withRegularizer(loss: RefLoss, phi: RefRegularizer, lambda: number): RefLoss {
  return { ...loss, grad: (w) => map2(loss.grad(w), phi(w), (g, p) => g + lambda * p) };
}

// ---------------------------------------------------------------------------------------------
// The driver.

export interface RefTrace {
  /** Parameters after each step (index 0: the initial ones). */
  readonly w: Vecs[];
  /** State after each step (index 0: the initial state). */
  readonly state: RefState[];
}

/** Runs `steps` updates of `rule` on `loss` from w⁽⁰⁾: d = update(∇f(w)), w ← w + d, t = 1, 2, … */
export function runReference(rule: RefRule, loss: RefLoss, w0: Vecs, steps: number): RefTrace {
  let w = map(w0, (x) => x);
  let state = rule.init(w);
  const trace: RefTrace = { w: [w], state: [state] };
  for (let t = 1; t <= steps; t++) {
    const out = rule.update(loss.grad(w), state, { w, t, loss });
    w = map2(w, out.d, (w, d) => w + d);
    state = { ...state, ...out.state };
    trace.w.push(w);
    trace.state.push(state);
  }
  return trace;
}
