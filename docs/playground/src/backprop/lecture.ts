// The lecture's backpropagation, computed in plain JavaScript from the forward values alone, so that
// the page can set its numbers beside those of chainrule's backward graph:
//   δ⁽ᴸ⁾ = J_y(ℓ_L),   δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ diag(a′_{l+1}(h⁽ˡ⁺¹⁾)) W⁽ˡ⁾,
//   ∂ℓ/∂w⁽ˡ⁻¹⁾ᵢⱼ = δᵢ⁽ˡ⁾ a′_l(hᵢ⁽ˡ⁾) yⱼ⁽ˡ⁻¹⁾,   ∂ℓ/∂b⁽ˡ⁻¹⁾ᵢ = δᵢ⁽ˡ⁾ a′_l(hᵢ⁽ˡ⁾).
import type { Activation, NetworkSpec } from './network.js';

/** The forward values of the lecture's recursion: y⁽⁰⁾ = x, h⁽ˡ⁾, y⁽ˡ⁾. */
export interface ForwardValues {
  /** y⁽⁰⁾, …, y⁽ᴸ⁾. */
  readonly y: readonly number[][];
  /** h⁽¹⁾, …, h⁽ᴸ⁾ (index l − 1). */
  readonly h: readonly number[][];
  /** ℓ. */
  readonly loss: number;
}

/** What the recursion gives. */
export interface LectureGradients {
  /** δ⁽¹⁾, …, δ⁽ᴸ⁾ (index l − 1), as row vectors J_{y⁽ˡ⁾}(ℓ_l). */
  readonly delta: readonly number[][];
  /** ∂ℓ/∂W⁽ˡ⁾ for l = 0, …, L − 1, each n_{l+1} × n_l. */
  readonly dW: readonly number[][][];
  /** ∂ℓ/∂b⁽ˡ⁾ (when the network has biases). */
  readonly db: readonly number[][];
}

const value = (a: Activation, h: number): number => (a === 'sigmoid' ? 1 / (1 + Math.exp(-h)) : a === 'tanh' ? Math.tanh(h) : h);

/** a′(h): σ(h)(1 − σ(h)), 1 − tanh²(h), or 1. */
export function derivative(a: Activation, h: number): number {
  if (a === 'sigmoid') {
    const s = value(a, h);
    return s * (1 - s);
  }
  return a === 'tanh' ? 1 - Math.tanh(h) ** 2 : 1;
}

/**
 * The forward pass by the lecture's formulas.
 *
 * @param spec - the network.
 * @returns y⁽ˡ⁾, h⁽ˡ⁾ and ℓ.
 */
export function forwardPass(spec: NetworkSpec): ForwardValues {
  const y: number[][] = [[...spec.x]];
  const h: number[][] = [];
  spec.activations.forEach((a, l) => {
    const W = spec.weights[l]!;
    const hl = W.map((row, i) => row.reduce((s, w, j) => s + w * y[l]![j]!, spec.biases ? spec.biasValues[l]![i]! : 0));
    h.push(hl);
    y.push(hl.map((v) => value(a, v)));
  });
  const out = y.at(-1)!;
  return { y, h, loss: spec.lossScale * out.reduce((s, v, i) => s + (v - spec.y[i]!) ** 2, 0) };
}

/**
 * The backward recursion of the lecture.
 *
 * @param spec - the network.
 * @param f - its forward values.
 * @returns δ⁽ˡ⁾, ∂ℓ/∂W⁽ˡ⁾ and ∂ℓ/∂b⁽ˡ⁾.
 */
export function backwardPass(spec: NetworkSpec, f: ForwardValues): LectureGradients {
  const L = spec.activations.length;
  const delta: number[][] = Array.from({ length: L });
  // δ⁽ᴸ⁾ = J_y(ℓ) with ℓ = c‖y − t‖²: 2c(y⁽ᴸ⁾ − t).
  delta[L - 1] = f.y[L]!.map((v, i) => 2 * spec.lossScale * (v - spec.y[i]!));
  for (let l = L - 1; l >= 1; l--) {
    // δ⁽ˡ⁾ⱼ = Σᵢ δᵢ⁽ˡ⁺¹⁾ a′(hᵢ⁽ˡ⁺¹⁾) W⁽ˡ⁾ᵢⱼ
    const W = spec.weights[l]!;
    delta[l - 1] = W[0]!.map((_, j) => W.reduce((s, row, i) => s + delta[l]![i]! * derivative(spec.activations[l]!, f.h[l]![i]!) * row[j]!, 0));
  }
  const local = (l: number): number[] => delta[l]!.map((d, i) => d * derivative(spec.activations[l]!, f.h[l]![i]!));
  const dW = spec.activations.map((_, l) => local(l).map((e) => f.y[l]!.map((yj) => e * yj)));
  const db = spec.biases ? spec.activations.map((_, l) => local(l)) : [];
  return { delta, dW, db };
}
