// Dropout: the masks chainrule's dropout layer draws step by step, and the lecture's argument that
// scaling by p at test time stands in for averaging the thinned networks — checked numerically.
import { lineChart, type LinePoint } from '../shared/charts.js';
import { choice, slider } from '../shared/controls.js';
import { byId, el, formatNumber } from '../shared/dom.js';
import { hook, markReady, showKernels } from '../shared/page.js';
import { renderTex } from '../shared/tex.js';
import { averaging, masks, type DropoutSettings, type Placement } from './experiment.js';
import type { DropoutMode } from '@chainrule/nn';

const UNITS = 10;
const SHOWN_STEPS = 8;
const state: { -readonly [K in keyof DropoutSettings]: DropoutSettings[K] } & { samples: number; step: number; result?: ReturnType<typeof averaging> } = { keep: 0.5, mode: 'lecture', placement: 'last', samples: 2000, step: 0 };
hook()['dropout'] = state;

function drawMasks(): void {
  // Runs 1 … step of the layer: the rows shown are the last SHOWN_STEPS of them.
  const all = masks(state.keep, state.mode, UNITS, Math.max(state.step, SHOWN_STEPS), 7);
  const shown = all.slice(-SHOWN_STEPS);
  const first = all.length - shown.length + 1;
  byId('masks').replaceChildren(...shown.map((row, i) =>
    el('div', { class: 'mask', role: 'img', 'aria-label': `step ${first + i}: ${row.filter((v) => v !== 0).length} of ${UNITS} units kept`, style: `grid-template-columns: 3.5rem repeat(${UNITS}, 14px)` },
      el('small', {}, `step ${first + i}`), ...row.map((v) => el('span', { class: v === 0 ? 'dropped' : 'kept', title: v === 0 ? 'dropped' : `kept, passes ×${formatNumber(v)}` })))));
  const kept = shown.flat().filter((v) => v !== 0).length;
  byId('mask-note').textContent = `${kept} of ${shown.length * UNITS} units kept in these ${shown.length} steps (expected p·${shown.length * UNITS} = ${formatNumber(state.keep * shown.length * UNITS)}); kept units pass ×${state.mode === 'lecture' ? '1' : formatNumber(1 / state.keep)} in ${state.mode} mode.`;
}

const chart = lineChart(byId('average-chart'), { xTitle: 'k (masks averaged)', logX: true, yTitle: 'network output', description: 'the running mean of the thinned networks’ outputs against the test-time output', height: 240 });

async function drawAveraging(): Promise<void> {
  const r = averaging(state, state.samples);
  state.result = r;
  const points: LinePoint[] = [];
  const every = Math.max(1, Math.floor(state.samples / 400));
  r.runningMean.forEach((m, i) => {
    const k = i + 1;
    if (k % every !== 0 && k !== state.samples && k > 20) return;
    points.push({ series: 'mean of k thinned networks', x: k, y: m });
    points.push({ series: 'test-time output + 2σ/√k', x: k, y: r.testTime + (2 * r.spread) / Math.sqrt(k), dashed: true });
    points.push({ series: 'test-time output − 2σ/√k', x: k, y: r.testTime - (2 * r.spread) / Math.sqrt(k), dashed: true });
    points.push({ series: 'test-time output', x: k, y: r.testTime });
  });
  await chart.update(points);
  const mean = r.runningMean.at(-1)!;
  const band = (2 * r.spread) / Math.sqrt(state.samples);
  byId('average-table').replaceChildren(el('table', { class: 'values' }, el('tbody', {},
    el('tr', {}, el('th', {}, state.mode === 'lecture' ? 'test time: outputs of dropped layers scaled by p' : 'test time: the plain network (training scaled by 1/p)'), el('td', {}, formatNumber(r.testTime))),
    el('tr', {}, el('th', {}, `mean over k = ${state.samples} sampled masks`), el('td', {}, formatNumber(mean))),
    el('tr', {}, el('th', {}, 'difference'), el('td', {}, formatNumber(mean - r.testTime))),
    el('tr', {}, el('th', {}, 'Monte-Carlo error 2σ/√k'), el('td', {}, formatNumber(band))),
  )));
  byId('verdict').textContent = state.placement === 'last'
    ? Math.abs(mean - r.testTime) <= band
      ? 'The output is linear in the dropped units, so the expectation is exactly the test-time output: the difference is within the Monte-Carlo error, and shrinks as 1/√k.'
      : 'The output is linear in the dropped units: the difference should be within 2σ/√k; this draw is a rare one outside it (about 1 in 20).'
    : 'With dropout before a nonlinearity (tanh) the test-time output only approximates the average of the thinned networks: the gap that remains as k grows is the approximation’s error, not noise.';
}

async function redraw(): Promise<void> {
  drawMasks();
  await drawAveraging();
}

const controls = byId('dropout-controls');
controls.append(
  slider({ key: 'keep', label: 'p (keep probability)', min: 0.05, max: 1, step: 0.05 }, state.keep, (v) => {
    state.keep = v;
    void redraw();
  }, 'dropout').element,
  choice('mode', 'Mode', [['lecture', 'lecture: scale by p at test time'], ['inverted', 'inverted: scale by 1/p while training']], state.mode, (v) => {
    state.mode = v as DropoutMode;
    void redraw();
  }).element,
  choice('placement', 'Dropout on', [['last', 'the last hidden layer (output linear in it)'], ['every', 'every hidden layer (before a tanh)']], state.placement, (v) => {
    state.placement = v as Placement;
    void drawAveraging();
  }).element,
  slider({ key: 'samples', label: 'k (masks)', min: 10, max: 20000, log: true }, state.samples, (v) => {
    state.samples = Math.round(v);
    void drawAveraging();
  }, 'dropout').element,
);
byId('next-mask').addEventListener('click', () => {
  state.step = Math.max(state.step, SHOWN_STEPS) + 1;
  drawMasks();
});
renderTex(byId('expectation'), 'r_i \\sim \\text{Bernoulli}(p) \\;\\Rightarrow\\; \\mathbb{E}\\big[W\\operatorname{diag}(\\mathbf r)\\,\\mathbf y\\big] = W\\,\\mathbb{E}[\\operatorname{diag}(\\mathbf r)]\\,\\mathbf y = p\\,W\\mathbf y', true);
showKernels();
await redraw();
markReady();
