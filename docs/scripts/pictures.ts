// Draws the pictures of the guides into docs/pictures/ (not committed; `pnpm run docs` makes them):
// the forward and backward graphs of the lecture's 2-2-1 network, rendered by a WebAssembly build
// of Graphviz, and loss curves rendered from Vega-Lite specs to SVG on the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { instance } from '@viz-js/viz';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { Graph, tensor, toDot, toTex, uniformInit } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { Trainer, crossEntropyFromLogits, dense, sequential } from '@chainrule/nn';
import { adam, minimize, nesterov, polyak, rmsprop, sgd, sutskever, type UpdateRule } from '@chainrule/optim';

const out = new URL('../pictures/', import.meta.url);
mkdirSync(out, { recursive: true });
const write = (name: string, svg: string): void => writeFileSync(new URL(name, out), svg);

/** A Vega-Lite line chart of named series, as SVG. */
async function lineChart(title: string, x: string, y: string, series: Record<string, number[]>, logY = false): Promise<string> {
  const values = Object.entries(series).flatMap(([name, ys]) => ys.map((v, i) => ({ [x]: i, [y]: v, series: name })));
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 280,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: x, type: 'quantitative' },
      y: { field: y, type: 'quantitative', ...(logY ? { scale: { type: 'log' } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320, orient: 'bottom', columns: 2 } },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

// 1. The lecture's 2-2-1 network (no biases): forward and backward graphs.
{
  const g = new Graph();
  const x = g.input('x', [2, 1]);
  const target = g.input('y', [1, 1]);
  const W0 = g.variable('W0', tensor([[0.6, -0.4], [-0.3, 0.9]]));
  const W1 = g.variable('W1', tensor([[1.5, -0.8]]));
  const y = W1.matmul(W0.matmul(x).sigmoid()).sigmoid();
  const loss = y.sub(target).square().sum();
  const grads = grad(loss, [W0, W1]);
  const viz = await instance();
  write('xor-forward.svg', viz.renderString(toDot(g, { outputs: [loss], title: 'forward graph of ℓ = (y⁽²⁾ − y)²' }), { format: 'svg' }));
  write('xor-backward.svg', viz.renderString(toDot(g, { outputs: grads, title: '∂ℓ/∂W⁽⁰⁾ and ∂ℓ/∂W⁽¹⁾ (dashed: built by grad)' }), { format: 'svg' }));
}

// 2. The lecture's numerical example, f(w) = ½·0.05·w², w⁽⁰⁾ = 1.
{
  const trajectory = (rule: UpdateRule): number[] => {
    const g = new Graph();
    const w = g.variable('w', tensor(1));
    const run = g.compile({ outputs: [], updates: minimize(w.square().mul(0.025), [w], rule) });
    return [1, ...Array.from({ length: 80 }, () => (run(), Math.abs(g.getVariable('w').item())))];
  };
  const series = {
    'gradient descent (η = 1)': trajectory(sgd({ lr: 1 })),
    'Polyak (γ = 0.9)': trajectory(polyak({ lr: 1, momentum: 0.9 })),
    'Sutskever (γ = 0.9)': trajectory(sutskever({ lr: 1, momentum: 0.9 })),
    'Nesterov (ρ-sequence)': trajectory(nesterov({ lr: 1 })),
  };
  write('lecture-momentum.svg', await lineChart('|w⁽ᵗ⁾| for f(w) = ½·0.05·w², w⁽⁰⁾ = 1', 't', '|w|', series, true));
}

// 3. The optimisers compared on one task: an MLP on two concentric rings.
{
  const points = uniformInit(-1, 1, 5)([400, 2], 'float64');
  const labels = tensor(Array.from({ length: 400 }, (_, i) => (Math.hypot(points.get(i, 0), points.get(i, 1)) < 0.6 ? [1, 0] : [0, 1])));
  const curve = (rule: UpdateRule): number[] => {
    const trainer = new Trainer({ model: sequential([dense(16, { activation: 'tanh' }), dense(2)]), inputUnits: 2, targetUnits: 2, loss: crossEntropyFromLogits, rule, seed: 3 });
    return trainer.fit({ x: points, y: labels }, { epochs: 40, batchSize: 32, progress: 'none' }).map((r) => r.loss);
  };
  const series = {
    'sgd (η = 0.1)': curve(sgd({ lr: 0.1 })),
    'Polyak (η = 0.05, γ = 0.9)': curve(polyak({ lr: 0.05, momentum: 0.9 })),
    'RMSProp (η = 0.01)': curve(rmsprop({ lr: 0.01 })),
    'Adam (η = 0.01)': curve(adam({ lr: 0.01 })),
  };
  write('optimisers.svg', await lineChart('training loss per epoch, MLP 2-16-2 on two rings (same seed)', 'epoch', 'loss', series));
}
// 4. The README's first model: its loss and gradient as toTex prints them, for the guides.
{
  const g = new Graph();
  const x = g.input('x', ['batch', 2]);
  const y = g.input('y', ['batch', 1]);
  const w = g.variable('w', [2, 1], 0.1);
  const loss = x.matmul(w).sigmoid().sub(y).square().mean();
  const [dw] = grad(loss, [w]);
  writeFileSync(new URL('readme-model.md', out), `$$\n\\ell = ${toTex(loss)}\n$$\n\n$$\n\\frac{\\partial \\ell}{\\partial w} = ${toTex(dw!)}\n$$\n`);
}
console.log(`pictures written to ${out.pathname}`);
