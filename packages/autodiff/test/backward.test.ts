import { describe, expect, it } from 'vitest';
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { grad, hessian, hvp, jacobian, jvp, valueAndGrad, vjp } from '@chainrule/autodiff';

const values = (t: Tensor): number[] => Array.from(t.data);

/** Central differences of a scalar function of one input, elementwise. */
function numericGrad(f: (x: Tensor) => number, x: Tensor, h = 1e-6): number[] {
  return Array.from(x.data, (_, i) => {
    const plus = tensor(x.data);
    const minus = tensor(x.data);
    plus.data[i]! += h;
    minus.data[i]! -= h;
    return (f(tensor(plus.data, x.shape)) - f(tensor(minus.data, x.shape))) / (2 * h);
  });
}

function check(build: (x: Node) => Node, x0: Tensor, tol = 1e-7): void {
  const g = new Graph();
  const x = g.input('x', x0.shape);
  const y = build(x);
  const [dx] = grad(y, [x]);
  const [analytic] = g.run([dx!], { x: x0 });
  const numeric = numericGrad((v) => g.run([y], { x: v })[0]!.item(), x0);
  values(analytic!).forEach((a, i) => expect(a).toBeCloseTo(numeric[i]!, -Math.log10(tol)));
}

describe('grad', () => {
  const x0 = tensor([[0.3, -0.7, 1.2], [0.5, 0.9, -1.1]]);
  const pos = tensor([[0.3, 0.7, 1.2], [0.5, 0.9, 1.1]]);
  const cases: [string, (x: Node) => Node, Tensor][] = [
    ['neg', (x) => x.neg().sum(), x0],
    ['abs', (x) => x.abs().sum(), x0],
    ['exp', (x) => x.exp().sum(), x0],
    ['log', (x) => x.log().sum(), pos],
    ['log1p', (x) => x.log1p().sum(), pos],
    ['sqrt', (x) => x.sqrt().sum(), pos],
    ['square', (x) => x.square().sum(), x0],
    ['reciprocal', (x) => x.reciprocal().sum(), x0],
    ['sin/cos', (x) => x.sin().mul(x.cos()).sum(), x0],
    ['tanh', (x) => x.tanh().sum(), x0],
    ['sigmoid', (x) => x.sigmoid().sum(), x0],
    ['relu', (x) => x.relu().mul(x).sum(), x0],
    ['softplus', (x) => x.softplus().sum(), x0],
    ['div', (x) => x.div(x.square().add(1)).sum(), x0],
    ['pow', (x) => x.pow(x.abs().add(0.5)).sum(), pos],
    ['maximum/minimum', (x) => x.maximum(x.sin()).add(x.minimum(0.2)).sum(), x0],
    ['sum/max axes', (x) => x.max(1).mul(x.sum(0).sum()).sum(), x0],
    ['mean/logSumExp/softmax', (x) => x.logSumExp(1).add(x.softmax(0).mul(x).mean()).sum(), x0],
    ['matmul with transposes', (x) => x.matmul(x, { transposeB: true }).add(x.matmul(x, { transposeA: true }).sum()).sum(), x0],
    ['transpose/reshape', (x) => x.transpose().reshape([6]).mul(x.reshape([6]).sin()).sum(), x0],
    ['slice/pad/concat', (x) => x.graph.concat([x.slice([0, 1], [2, 2]).square(), x.pad([0, 0], [0, 1])], 1).sum(), x0],
    ['broadcasting', (x) => x.mul(x.sum(0)).add(x.sum(1, true).exp()).sum(), x0],
    ['where', (x) => x.graph.where(x.greater(0), x.square(), x.mul(3)).sum(), x0],
    ['gather', (x) => x.gather(x.graph.constant([1, 0, 1])).square().sum(), x0],
    ['solve', (x) => x.graph.solve(x.matmul(x, { transposeB: true }).add(x.graph.constant([[3, 0], [0, 3]])), x.slice([0, 0], [2, 1])).sum(), x0],
  ];
  for (const [name, build, at] of cases) {
    it(`matches central differences: ${name}`, () => check(build, at));
  }

  it('gives zeros of the right shape when the output does not depend on x', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const y = g.input('y', [2]).sum();
    const [dx] = grad(y, [x]);
    const [v] = g.run([dx!], { x: tensor(new Float64Array(6), [2, 3]), y: tensor([1, 2]) });
    expect(v!.shape).toEqual([2, 3]);
    expect(values(v!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('stops at stopGradient and sums fan-out', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const [d] = grad(x.mul(x).add(x.stopGradient().mul(x)), [x]);
    expect(g.run([d!], { x: tensor(3) })[0]!.item()).toBe(2 * 3 + 3);
  });

  it('pins the conventions at kinks: relu′(0) = 0, |x|′(0) = 0, ties split evenly', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const at = { x: tensor([0, 0, 0]) };
    expect(values(g.run(grad(x.relu().sum(), [x]), at)[0]!)).toEqual([0, 0, 0]);
    expect(values(g.run(grad(x.abs().sum(), [x]), at)[0]!)).toEqual([0, 0, 0]);
    expect(values(g.run(grad(x.maximum(0).sum(), [x]), at)[0]!)).toEqual([0.5, 0.5, 0.5]);
    expect(values(g.run(grad(x.max(), [x]), at)[0]!)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('keeps the where trap shut: NaN from the untaken branch does not leak', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const y = g.where(x.greater(0), x.sqrt(), 0).add(g.where(x.greater(0), x.log(), 0)).sum();
    const [d] = g.run(grad(y, [x]), { x: tensor([-1, 0, 4]) });
    expect(values(d!)).toEqual([0, 0, 0.25 + 0.25]);
  });

  it('keeps log-sum-exp and softmax cross-entropy gradients finite for logits of ±1000 and −∞', () => {
    const g = new Graph();
    const z = g.input('z', [4]);
    const label = g.constant([0, 1, 0, 0]);
    const ce = z.logSoftmax().mul(label).sum().neg();
    const picked = z.logSumExp().sub(z.slice([1], [1]).sum()); // the same loss without 0·(−∞)
    for (const logits of [[1000, -1000, 0, 1000], [1000, 1000, -1000, 0]]) {
      const [v, d] = g.run([ce, ...grad(ce, [z])], { z: tensor(logits) });
      expect(Number.isFinite(v!.item())).toBe(true);
      expect(values(d!).every(Number.isFinite)).toBe(true);
    }
    for (const logits of [[-Infinity, 0, 1, -Infinity], [1000, -1000, -Infinity, 0]]) {
      const [v, d] = g.run([picked, ...grad(picked, [z])], { z: tensor(logits) });
      expect(Number.isFinite(v!.item())).toBe(true);
      expect(values(d!).every(Number.isFinite)).toBe(true);
    }
  });

  it('differentiates its own result again: d³/dx³ sin x = −cos x', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const [d1] = grad(x.sin(), [x]);
    const [d2] = grad(d1!, [x]);
    const [d3] = grad(d2!, [x]);
    for (const v of [0, 0.4, 2]) expect(g.run([d3!], { x: tensor(v) })[0]!.item()).toBeCloseTo(-Math.cos(v), 14);
  });

  it('records the forward node and rule of every backward node', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const y = x.sin().sum();
    const before = g.nodes.length;
    grad(y, [x]);
    const made = g.nodes.slice(before).filter((n) => n.op !== 'constant');
    expect(made.length).toBeGreaterThan(0);
    for (const n of made) expect(n.origin).toBeDefined();
    expect(made.some((n) => n.origin!.rule === 'vjp:sin' && g.node(n.origin!.node).op === 'sin')).toBe(true);
  });
});

describe('vjp, jvp, jacobian, hessian, hvp', () => {
  it('agree with each other and with the closed forms', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const A = g.constant([[1, 2, 0], [0, 1, 3]]);
    const y = A.matmul(x.reshape([3, 1])).reshape([2]).sin(); // y = sin(Ax)
    const x0 = tensor([0.1, -0.2, 0.3]);
    const [J] = g.run([jacobian(y, x)], { x: x0 });
    expect(J!.shape).toEqual([2, 3]);
    const Ax = [0.1 - 0.4, -0.2 + 0.9];
    [[1, 2, 0], [0, 1, 3]].forEach((row, i) => row.forEach((a, j) => expect(J!.get(i, j)).toBeCloseTo(Math.cos(Ax[i]!) * a, 14)));
    const v = g.constant([1, -1, 2]);
    const c = g.constant([0.5, 2]);
    const [Jv, cJ] = g.run([jvp(y, [x], [v]), vjp([y], [c], [x])[0]!], { x: x0 });
    [0, 1].forEach((i) => expect(Jv!.data[i]).toBeCloseTo(J!.get(i, 0) - J!.get(i, 1) + 2 * J!.get(i, 2), 14));
    [0, 1, 2].forEach((j) => expect(cJ!.data[j]).toBeCloseTo(0.5 * J!.get(0, j) + 2 * J!.get(1, j), 14));
  });

  it('hessian of a quadratic is the symmetric matrix, and hvp multiplies by it', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const H0 = [[2, 1], [1, 4]];
    const f = x.reshape([1, 2]).matmul(g.constant(H0)).matmul(x.reshape([2, 1])).sum().mul(0.5);
    const [H, Hv] = g.run([hessian(f, x), hvp(f, x, g.constant([1, 1]))], { x: tensor([0.3, 0.7]) });
    expect(H!.toArray()).toEqual(H0);
    expect(values(Hv!)).toEqual([3, 5]);
  });

  it('valueAndGrad returns the value node and the gradient nodes', () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const [loss, [dw]] = valueAndGrad(w.square().sum(), [w]);
    const [l, d] = g.run([loss, dw!]);
    expect(l!.item()).toBe(5);
    expect(values(d!)).toEqual([2, 4]);
  });
});

describe('infinite cotangents at kinks', () => {
  it('are routed, not multiplied by a zero derivative: no NaN from relu, abs, maximum, max', () => {
    const g = new Graph();
    const y = g.input('y', [2]);
    const tiny = (n: Node): Node => n.add(1e-300).log().sum(); // ∂/∂n = 1/n: +∞ where n = 0
    const feeds = { y: tensor([-1, 2]) };
    for (const f of [(v: Node) => v.relu(), (v: Node) => v.abs().mul(v.greater(0)), (v: Node) => v.maximum(0)]) {
      const [d] = g.run(grad(tiny(f(y)), [y]), feeds);
      expect(Number.isNaN(d!.data[0]!)).toBe(false);
    }
    const [dm] = g.run(grad(y.max().sub(2).log(), [y]), feeds); // log(0) at the max: ∂ = +∞ there, 0 elsewhere
    expect(dm!.data[0]).toBe(0);
  });
});

describe('graphs 100,000 nodes deep or wide (no walk recurses per node)', () => {
  const N = 100_000;

  it('grad and jvp of a chain x·c·c·… (N products)', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    let y = x;
    for (let i = 0; i < N; i++) y = y.mul(1);
    const [dx] = grad(y.sum(), [x]);
    const dy = jvp(y, [x], [g.fill([2], 1)]);
    const [gx, t] = g.run([dx!, dy], { x: tensor([3, 4]) });
    expect(Array.from(gx!.data)).toEqual([1, 1]);
    expect(Array.from(t!.data)).toEqual([1, 1]);
  });

  it('grad of a sum of N uses of one input', () => {
    const g = new Graph();
    const w = g.input('w', [2]);
    let y = w.mul(0);
    for (let i = 1; i < N; i++) y = y.add(w);
    const [dw] = grad(y.sum(), [w]);
    expect(Array.from(g.run([dw!], { w: tensor([1, 2]) })[0]!.data)).toEqual([N - 1, N - 1]);
  });
});
