// The lecture's formulas as chainrule prints them: each built with the API, printed with
// toExpression / toTex, and compared with the text and TeX written out by hand from the lecture.
import { describe, expect, it } from 'vitest';
import { Graph, simplify, tensor, toExpression, toTex, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { crossEntropyFromLogits, squaredLoss } from '@chainrule/nn';
import { adagrad, adam, amsgrad, nesterov, newton, polyak, rmsprop, rmspropGraves, ruleFormulas, sgd, sutskever } from '@chainrule/optim';

interface Case {
  readonly name: string;
  readonly node: () => Node;
  readonly text: string;
  readonly tex: string;
}

/** The README's first model. */
function readme() {
  const g = new Graph();
  const x = g.input('x', ['batch', 2]);
  const y = g.input('y', ['batch', 1]);
  const w = g.variable('w', [2, 1], 0.1);
  const loss = x.matmul(w).sigmoid().sub(y).square().mean();
  return { loss, dw: grad(loss, [w])[0]! };
}

/** The lecture's 2-2-1 network without biases: ℓ = (y⁽²⁾ − y)², its gradients simplified. */
function lecture221() {
  const g = new Graph();
  const x = g.input('x', [2, 1]);
  const t = g.input('y', [1, 1]);
  const W0 = g.variable('W0', tensor([[0.6, -0.4], [-0.3, 0.9]]));
  const W1 = g.variable('W1', tensor([[1.5, -0.8]]));
  const y1 = W0.matmul(x).sigmoid();
  const loss = W1.matmul(y1).sigmoid().sub(t).square().sum();
  const [dW0, dW1, delta1] = simplify(grad(loss, [W0, W1, y1]));
  return { loss, dW0: dW0!, dW1: dW1!, delta1: delta1! };
}

/** A dense layer in the lecture's column form: h⁽¹⁾ = W⁽⁰⁾x + b⁽⁰⁾, y⁽¹⁾ = tanh(h⁽¹⁾), ℓ = ½‖W⁽¹⁾y⁽¹⁾ − y‖². */
function dense() {
  const g = new Graph();
  const x = g.input('x', [3, 1]);
  const t = g.input('y', [2, 1]);
  const W0 = g.variable('W0', [4, 3], 0.1);
  const b0 = g.variable('b0', [4, 1], 0);
  const W1 = g.variable('W1', [2, 4], 0.1);
  const y1 = W0.matmul(x).add(b0).tanh();
  const loss = W1.matmul(y1).sub(t).square().sum().mul(0.5);
  const [dW0, delta1] = simplify(grad(loss, [W0, y1]));
  return { dW0: dW0!, delta1: delta1! };
}

const logits = () => {
  const g = new Graph();
  return { z: g.input('z', ['batch', 3]), y: g.input('y', ['batch', 3]) };
};

const CASES: readonly Case[] = [
  {
    name: 'the README model’s loss (1/n)Σ(σ(x·w) − y)²',
    node: () => readme().loss,
    text: 'mean((sigmoid(x · w) - y) ^ 2)',
    tex: '\\frac{1}{n}\\sum {\\left(\\operatorname{sigmoid}\\left(x \\cdot w\\right) - y\\right)}^{2}',
  },
  {
    name: 'its gradient xᵀ·((2/n)(σ − y) ⊙ σ ⊙ (1 − σ)), with σ named once and the transpose kept',
    node: () => readme().dw,
    text: 'σ = sigmoid(x · w)\nxᵀ · (1 / n * ((σ - y) * 2) * (σ * (-σ + 1)))',
    tex: 'x^{\\top} \\cdot \\left(\\frac{1}{n} \\, \\left(\\left(\\sigma - y\\right) \\, 2\\right) \\odot \\left(\\sigma \\odot \\left(-\\sigma + 1\\right)\\right)\\right), \\quad \\text{where } \\sigma = \\operatorname{sigmoid}\\left(x \\cdot w\\right)',
  },
  {
    name: 'the squared loss ‖ŷ − y‖² per example',
    node: () => {
      const { z, y } = logits();
      return squaredLoss(z, y);
    },
    text: 'Σ[axis 1]((z - y) ^ 2)',
    tex: '\\sum_{\\text{axis 1}} {\\left(z - y\\right)}^{2}',
  },
  {
    name: 'the cross-entropy from logits −Σ y ⊙ log softmax(z), with log softmax z = z − log Σ exp z',
    node: () => {
      const { z, y } = logits();
      return crossEntropyFromLogits(z, y).mean();
    },
    text: 'mean(Σ[axis 1](-((z - logSumExp[axis 1](z)) * y)))',
    tex: '\\frac{1}{n}\\sum \\sum_{\\text{axis 1}} -\\left(\\left(z - \\log\\sum_{\\text{axis 1}} \\exp\\left(z\\right)\\right) \\odot y\\right)',
  },
  {
    name: 'δ⁽¹⁾ of a dense layer: W⁽¹⁾ᵀ·ℓ′ (the transpose of the lecture’s row δ⁽¹⁾ = δ⁽²⁾W⁽¹⁾)',
    node: () => dense().delta1,
    text: 'W1ᵀ · (0.5 * ((W1 · tanh(W0 · x + b0) - y) * 2))',
    tex: 'W_{1}^{\\top} \\cdot \\left(0.5 \\, \\left(\\left(W_{1} \\cdot \\tanh\\left(W_{0} \\cdot x + b_{0}\\right) - y\\right) \\, 2\\right)\\right)',
  },
  {
    name: '∂ℓ/∂W⁽⁰⁾ of a dense layer: (δ ⊙ a′(h⁽¹⁾))·xᵀ with a′ = 1 − tanh²',
    node: () => dense().dW0,
    text: 'τ = tanh(W0 · x + b0)\nW1ᵀ · (0.5 * ((W1 · τ - y) * 2)) * (-τ ^ 2 + 1) · xᵀ',
    tex: 'W_{1}^{\\top} \\cdot \\left(0.5 \\, \\left(\\left(W_{1} \\cdot \\tau - y\\right) \\, 2\\right)\\right) \\odot \\left(-{\\tau}^{2} + 1\\right) \\cdot x^{\\top}, \\quad \\text{where } \\tau = \\tanh\\left(W_{0} \\cdot x + b_{0}\\right)',
  },
  {
    name: 'the 2-2-1 example’s ℓ = (y⁽²⁾ − y)²',
    node: () => lecture221().loss,
    text: 'Σ((sigmoid(W1 · sigmoid(W0 · x)) - y) ^ 2)',
    tex: '\\sum {\\left(\\operatorname{sigmoid}\\left(W_{1} \\cdot \\operatorname{sigmoid}\\left(W_{0} \\cdot x\\right)\\right) - y\\right)}^{2}',
  },
  {
    name: 'its ∂ℓ/∂W⁽¹⁾ = ℓ′(y⁽²⁾) a′(h⁽²⁾) y⁽¹⁾ᵀ',
    node: () => lecture221().dW1,
    text: 'σ = sigmoid(W0 · x)\nσ_2 = sigmoid(W1 · σ)\n(σ_2 - y) * 2 * (σ_2 * (-σ_2 + 1)) · σᵀ',
    tex: '\\left(\\sigma_{2} - y\\right) \\, 2 \\odot \\left(\\sigma_{2} \\odot \\left(-\\sigma_{2} + 1\\right)\\right) \\cdot \\sigma^{\\top}, \\quad \\text{where } \\sigma = \\operatorname{sigmoid}\\left(W_{0} \\cdot x\\right),\\; \\sigma_{2} = \\operatorname{sigmoid}\\left(W_{1} \\cdot \\sigma\\right)',
  },
  {
    name: 'its ∂ℓ/∂W⁽⁰⁾ = (W⁽¹⁾ᵀ ℓ′ a′(h⁽²⁾)) ⊙ a′(h⁽¹⁾) · xᵀ (the factor w⁽¹⁾ the slide drops is there)',
    node: () => lecture221().dW0,
    text: 'σ = sigmoid(W0 · x)\nσ_2 = sigmoid(W1 · σ)\nW1ᵀ · ((σ_2 - y) * 2 * (σ_2 * (-σ_2 + 1))) * (σ * (-σ + 1)) · xᵀ',
    tex: 'W_{1}^{\\top} \\cdot \\left(\\left(\\sigma_{2} - y\\right) \\, 2 \\odot \\left(\\sigma_{2} \\odot \\left(-\\sigma_{2} + 1\\right)\\right)\\right) \\odot \\left(\\sigma \\odot \\left(-\\sigma + 1\\right)\\right) \\cdot x^{\\top}, \\quad \\text{where } \\sigma = \\operatorname{sigmoid}\\left(W_{0} \\cdot x\\right),\\; \\sigma_{2} = \\operatorname{sigmoid}\\left(W_{1} \\cdot \\sigma\\right)',
  },
];

describe('the lecture’s formulas, printed', () => {
  it.each(CASES)('$name', ({ node, text, tex }) => {
    const n = node();
    expect(toExpression(n)).toBe(text);
    expect(toTex(n)).toBe(tex);
  });

  it('every update rule’s TeX, as the lecture writes the rule', () => {
    const tex = (rule: Parameters<typeof ruleFormulas>[0]) => Object.fromEntries(ruleFormulas(rule).map((f) => [f.variable, f.tex]));
    expect(tex(sgd({ lr: 0.1 }))).toEqual({ w: 'w + -\\left(\\mathrm{grad} \\, 0.1\\right)' });
    expect(tex(polyak({ lr: 0.1, momentum: 0.9 }))).toEqual({ w: 'w + \\left(v \\, 0.9 - \\mathrm{grad} \\, 0.1\\right)', v: 'v \\, 0.9 - \\mathrm{grad} \\, 0.1' });
    expect(tex(nesterov({ lr: 0.1 }))['rho']).toBe('\\frac{\\sqrt{{\\mathrm{rho}}^{2} \\, 4 + 1} + 1}{2}');
    expect(tex(adam({ lr: 0.1 }))).toMatchObject({ g: 'g \\, 0.9 + \\mathrm{grad} \\, 0.1', q: 'q \\, 0.999 + {\\mathrm{grad}}^{2} \\, 0.001' });
    // AdaGrad: Q ← Q + g², w ← w − η g / √(Q + g² + ε)
    expect(tex(adagrad({ lr: 0.1 }))).toEqual({ w: 'w + -\\left(\\frac{\\mathrm{grad} \\, 0.1}{\\sqrt{Q + {\\mathrm{grad}}^{2} + 10^{-10}}}\\right)', Q: 'Q + {\\mathrm{grad}}^{2}' });
    // RMSProp: q ← βq + (1 − β)g², w ← w − η g / √(q + ε)
    expect(tex(rmsprop({ lr: 0.1 }))).toEqual({ w: 'w + -\\left(\\frac{\\mathrm{grad} \\, 0.1}{\\sqrt{q \\, 0.9 + {\\mathrm{grad}}^{2} \\, 0.1 + 10^{-8}}}\\right)', q: 'q \\, 0.9 + {\\mathrm{grad}}^{2} \\, 0.1' });
    // Graves: centred second moment q − ḡ², with momentum
    expect(tex(rmspropGraves({ lr: 0.1 }))['v']).toBe('v \\, 0.9 - \\frac{\\mathrm{grad} \\, 0.1}{\\sqrt{q \\, 0.95 + {\\mathrm{grad}}^{2} \\, 0.05 - {\\left(g \\, 0.95 + \\mathrm{grad} \\, 0.05\\right)}^{2} + 0.0001}}');
    // Sutskever: the gradient at the look-ahead point w + γv (f = ½hw², so ∇f(u) = hu)
    expect(tex(sutskever({ lr: 0.1, momentum: 0.9 }))['v']).toBe('v \\, 0.9 - 0.5 \\, h \\, \\left(\\left(w + v \\, 0.9\\right) \\, 2\\right) \\, 0.1');
    // Newton: w ← w − η H⁻¹∇f, H = ∇²f = h, solved (no inverse formed)
    expect(tex(newton({ lr: 1 }))['w']).toBe('w + \\operatorname{slice}\\left(-\\operatorname{solve}\\left(0.5 \\, h \\, 2, \\mathrm{grad}\\right)\\right)');
    // AMSGrad: the largest bias-corrected second moment so far
    expect(tex(amsgrad({ lr: 0.1 }))['qmax']).toBe('\\max\\left(\\mathrm{qmax}, \\frac{q \\, 0.999 + {\\mathrm{grad}}^{2} \\, 0.001}{-{0.999}^{t} + 1}\\right)');
  });
});
