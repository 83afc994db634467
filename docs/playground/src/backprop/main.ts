// Backprop, step by step: the lecture's 2-2-1 network and a small MLP, their forward values, the δ
// recursion and ∂ℓ/∂W by the lecture's formulas, and chainrule's backward graph (built by `grad`)
// drawn with Graphviz and stepped through node by node.
import { instance } from '@viz-js/viz';
import { toDot, type Node, type Tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { choice } from '../shared/controls.js';
import { byId, el, formatNumber } from '../shared/dom.js';
import { hook, markReady, showKernels } from '../shared/page.js';
import { renderTex, texElement } from '../shared/tex.js';
import { nodeTex, ruleTex } from './formulas.js';
import { backwardPass, forwardPass } from './lecture.js';
import { NETWORKS, buildNetwork, matrixOf, type BuiltNetwork, type NetworkSpec } from './network.js';

const viz = await instance();

/** TeX of a matrix of numbers. */
const matrixTex = (rows: readonly (readonly number[])[]): string =>
  `\\begin{bmatrix}${rows.map((r) => r.map(formatNumber).join(' & ')).join('\\\\')}\\end{bmatrix}`;

interface Session {
  readonly spec: NetworkSpec;
  readonly net: BuiltNetwork;
  readonly steps: readonly Node[];
  readonly values: ReadonlyMap<number, Tensor>;
  readonly names: ReadonlyMap<number, string>;
  /** ∂ℓ/∂y⁽ˡ⁾ by grad (columns): the lecture's δ⁽ˡ⁾ are their transposes. */
  readonly deltas: readonly Tensor[];
  position: number;
  selected: Node | undefined;
}

let session: Session;
const state: { network: string; position: number; stepValues: Record<string, number[][]>; lecture: Record<string, number[][]>; grads: Record<string, number[][]> } = {
  network: NETWORKS[0]!.id,
  position: 0,
  stepValues: {},
  lecture: {},
  grads: {},
};
hook()['backprop'] = state;

function nameOf(node: Node): string {
  return session.names.get(node.id) ?? (node.id > session.net.lastForwardId ? `g_{${node.id}}` : `n_{${node.id}}`);
}

function start(spec: NetworkSpec): void {
  const net = buildNetwork(spec);
  const names = new Map<number, string>(net.forward.map((f) => [f.node.id, f.tex]));
  net.gradients.forEach((g, i) => names.set(g.id, `\\frac{\\partial\\ell}{\\partial ${net.params[i]!.tex}}`));
  // Every node the gradients need, and the backward ones among them in creation (topological) order.
  const needed = new Set<Node>();
  const visit = (n: Node): void => {
    if (needed.has(n)) return;
    needed.add(n);
    n.inputs.forEach(visit);
  };
  net.gradients.forEach(visit);
  const steps = [...needed].filter((n) => n.id > net.lastForwardId).sort((a, b) => a.id - b.id);
  const all = [...needed].sort((a, b) => a.id - b.id);
  const outputs = net.graph.compile({ outputs: all })();
  const values = new Map(all.map((n, i) => [n.id, outputs[i]!]));
  // δ⁽ˡ⁾ by grad too, ∂ℓ/∂y⁽ˡ⁾: nodes of their own, not drawn (the drawing holds what ∂ℓ/∂W needs).
  const deltas = net.graph.compile({ outputs: grad(net.loss, net.outputs) })();
  session = { spec, net, steps, values, names, deltas, position: 0, selected: undefined };
  state.network = spec.id;
  drawForward();
  drawLecture();
  drawGraph();
  show(0);
}

function drawForward(): void {
  const { net, values } = session;
  const rows = net.forward.filter((f) => values.has(f.node.id)).map((f) =>
    el('tr', {}, el('td', {}, texElement(f.tex)), el('td', {}, texElement(matrixTex(matrixOf(values.get(f.node.id)!))))));
  byId('forward').replaceChildren(el('table', { class: 'values' }, el('thead', {}, el('tr', {}, el('th', {}, 'quantity'), el('th', {}, 'value'))), el('tbody', {}, ...rows)));
}

function drawLecture(): void {
  const { spec, net, values } = session;
  const f = forwardPass(spec);
  const b = backwardPass(spec, f);
  const L = spec.activations.length;
  const rows: HTMLElement[] = [];
  state.lecture = {};
  state.grads = {};
  b.delta.forEach((d, i) => {
    const l = i + 1;
    const formula = l === L ? `\\boldsymbol\\delta^{(${l})} = J_{y^{(${l})}}(\\ell) = ${spec.lossScale === 1 ? '2' : ''}(y^{(${l})} - y)^{\\top}` : `\\boldsymbol\\delta^{(${l})} = \\boldsymbol\\delta^{(${l + 1})}\\operatorname{diag}(a'_{${l + 1}}(h^{(${l + 1})}))\\,W^{(${l})}`;
    const fromGrad = [Array.from(session.deltas[i]!.data)]; // (∂ℓ/∂y⁽ˡ⁾)ᵀ, a row like δ⁽ˡ⁾
    state.lecture[`delta${l}`] = [d];
    state.grads[`delta${l}`] = fromGrad;
    rows.push(el('tr', { id: `row-delta${l}` }, el('td', {}, texElement(formula)), el('td', {}, texElement(matrixTex([d]))), el('td', {}, texElement(`\left(\tfrac{\partial\ell}{\partial y^{(${l})}}\right)^{\!\top} = ${matrixTex(fromGrad)}`))));
  });
  net.params.forEach((p, i) => {
    const isBias = p.tex.startsWith('b');
    const l = Number(/\((\d+)\)/.exec(p.tex)![1]) + 1;
    const lecture = isBias ? [...b.db[l - 1]!.map((v) => [v])] : b.dW[l - 1]!;
    const formula = isBias
      ? `\\frac{\\partial\\ell}{\\partial b^{(${l - 1})}_{i}} = \\delta^{(${l})}_i\\,a'_{${l}}(h^{(${l})}_i)`
      : `\\frac{\\partial\\ell}{\\partial w^{(${l - 1})}_{ij}} = \\delta^{(${l})}_i\\,a'_{${l}}(h^{(${l})}_i)\\,y^{(${l - 1})}_j`;
    const fromGrad = matrixOf(values.get(net.gradients[i]!.id)!);
    state.lecture[p.node.name!] = lecture;
    state.grads[p.node.name!] = fromGrad;
    rows.push(el('tr', { id: `row-${p.node.name}` }, el('td', {}, texElement(formula)), el('td', {}, texElement(matrixTex(lecture))), el('td', { id: `grad-${p.node.name}` }, 'reached when the stepper computes it')));
  });
  byId('lecture').replaceChildren(el('table', { class: 'values' }, el('thead', {}, el('tr', {}, el('th', {}, 'the lecture’s formula'), el('th', {}, 'its value (plain arithmetic)'), el('th', {}, 'chainrule’s grad, node by node'))), el('tbody', {}, ...rows)));
}

function svgNode(node: Node): SVGGElement | undefined {
  for (const g of byId('graph').querySelectorAll<SVGGElement>('g.node')) if (g.querySelector('title')?.textContent === `n${node.id}`) return g;
  return undefined;
}

function drawGraph(): void {
  const { net } = session;
  const svg = viz.renderSVGElement(toDot(net.graph, { outputs: net.gradients, title: '∂ℓ/∂W built by grad (dashed nodes)' }));
  // Scaled to the column (Graphviz sizes it in points; its viewBox keeps the proportions), never
  // larger than drawn.
  const natural = svg.getAttribute('width');
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.style.width = '100%';
  svg.style.height = 'auto';
  if (natural !== null) svg.style.maxWidth = natural;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'the backward graph: forward nodes solid, nodes built by grad dashed');
  byId('graph').replaceChildren(svg);
  for (const g of svg.querySelectorAll<SVGGElement>('g.node')) {
    const id = Number(g.querySelector('title')?.textContent?.slice(1));
    const node = net.graph.node(id);
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `node ${id}: ${node.op}`);
    const pick = (): void => {
      session.selected = node;
      describe(node);
      for (const other of svg.querySelectorAll('g.node.selected')) other.classList.remove('selected');
      g.classList.add('selected');
    };
    g.addEventListener('click', pick);
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        pick();
      }
    });
  }
}

function describe(node: Node): void {
  const value = session.values.get(node.id);
  const parts: HTMLElement[] = [
    el('p', {}, `node #${node.id}: `, el('code', {}, node.op), ` of shape [${node.shape.join(', ')}]`),
    texElement(`${nameOf(node)} = ${nodeTex(node, nameOf)}${value === undefined ? '' : ` = ${matrixTex(matrixOf(value))}`}`, true),
  ];
  if (node.origin !== undefined) {
    const source = session.net.graph.node(node.origin.node);
    parts.push(el('p', {}, 'made by the rule ', el('code', {}, node.origin.rule), ` for node #${source.id} (`, el('code', {}, source.op), `, ${nameOf(source).replace(/[\\{}]/g, '')}):`));
    parts.push(texElement(ruleTex(node.origin.rule), true));
  } else {
    parts.push(el('p', {}, 'a node of the forward graph (solid in the drawing).'));
  }
  byId('node-detail').replaceChildren(...parts);
}

function show(position: number): void {
  const { steps } = session;
  session.position = Math.max(0, Math.min(steps.length, position));
  state.position = session.position;
  state.stepValues = {};
  steps.forEach((n, i) => {
    const g = svgNode(n);
    g?.classList.toggle('done', i < session.position - 1);
    g?.classList.toggle('current', i === session.position - 1);
  });
  // Gradient rows are filled once the stepper has computed their node.
  session.net.gradients.forEach((gNode, i) => {
    const name = session.net.params[i]!.node.name!;
    const reached = steps.indexOf(gNode) < session.position;
    const cell = byId(`grad-${name}`);
    if (reached) {
      const m = matrixOf(session.values.get(gNode.id)!);
      state.stepValues[name] = m;
      renderTex(cell, matrixTex(m));
    } else cell.textContent = 'reached when the stepper computes it';
    byId(`row-${name}`).classList.toggle('reached', reached);
  });
  const current = steps[session.position - 1];
  byId('step-status').textContent = current === undefined
    ? `${steps.length} backward nodes; press “next” (or →) to compute the first`
    : `step ${session.position} of ${steps.length}: node #${current.id} (${current.op})`;
  if (current !== undefined) describe(current);
  else byId('node-detail').replaceChildren(el('p', {}, 'Click any node of the graph to see what it computes.'));
  (byId('prev') as HTMLButtonElement).disabled = session.position === 0;
  (byId('next') as HTMLButtonElement).disabled = session.position === steps.length;
}

byId('network-menu').append(choice('network', 'Network', NETWORKS.map((n) => [n.id, n.label] as const), NETWORKS[0]!.id, (id) => start(NETWORKS.find((n) => n.id === id)!)).element);
byId('prev').addEventListener('click', () => show(session.position - 1));
byId('next').addEventListener('click', () => show(session.position + 1));
byId('all').addEventListener('click', () => show(session.steps.length));
byId('reset').addEventListener('click', () => show(0));
byId('stepper').addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight') show(session.position + 1);
  else if (e.key === 'ArrowLeft') show(session.position - 1);
});
showKernels();
start(NETWORKS[0]!);
markReady();
