// The optimiser race: every rule of the lecture on a 2-D surface, trajectories over the contours and
// f(w⁽ᵗ⁾) − f* on a log scale, recomputed by chainrule whenever a control moves.
import { ruleFormulas } from '@chainrule/optim';
import { cellCentres, contourPlot, lineChart, type LinePoint } from '../shared/charts.js';
import { choice, slider, toggle, type Slider } from '../shared/controls.js';
import { byId, el, formatNumber, nextFrame } from '../shared/dom.js';
import { hook, markReady, showKernels } from '../shared/page.js';
import { renderTex, tidyNumbers } from '../shared/tex.js';
import { lectureBounds, type Bound } from './bounds.js';
import { runRule, sampleSurface, type Trajectory } from './race.js';
import { RULES, type RaceRule } from './rules.js';
import { SURFACES, TYPED_DEFAULT, typedSurface, type Surface } from './surfaces.js';

/** Everything the controls set. */
interface RaceState {
  surface: Surface;
  surfaceParams: Record<string, number>;
  steps: number;
  bounds: boolean;
  typed: string;
  on: Record<string, boolean>;
  values: Record<string, Record<string, number | string>>;
}

const GRID = 56;
const state: RaceState = {
  surface: SURFACES[0]!,
  surfaceParams: {},
  steps: 100,
  bounds: false,
  typed: TYPED_DEFAULT,
  on: Object.fromEntries(RULES.map((r) => [r.id, r.on])),
  values: {},
};

/** The latest results, for the page and its tests: gaps by rule id, final points, errors. */
const results: { gaps: Record<string, number[]>; trajectories: Record<string, Trajectory>; minimum: number; bounds: Bound[]; error?: string } = { gaps: {}, trajectories: {}, minimum: 0, bounds: [] };
hook()['race'] = { state, results, rules: RULES.map((r) => r.id), surfaces: [...SURFACES.map((s) => s.id), 'typed'] };

const ruleSliders = new Map<string, Slider[]>();

function resetRuleValues(): void {
  for (const rule of RULES) {
    const defaults = rule.defaults(state.surface, state.surfaceParams);
    state.values[rule.id] = { ...defaults, ...Object.fromEntries((rule.choices ?? []).map((c) => [c.key, c.options[0]![0]])) };
    for (const s of ruleSliders.get(rule.id) ?? []) s.set(defaults[s.input.id.slice(rule.id.length + 1)]!);
  }
}

function setSurface(surface: Surface): void {
  state.surface = surface;
  state.surfaceParams = Object.fromEntries(surface.params.map((p) => [p.key, p.value]));
  const box = byId('surface-params');
  box.replaceChildren(...surface.params.map((p) => slider(p, p.value, (v) => {
    state.surfaceParams[p.key] = v;
    schedule(true);
  }, 'surface').element));
  byId('typed-box').hidden = surface.id !== 'typed';
  byId('surface-about').textContent = surface.about;
  resetRuleValues();
}

function ruleCard(rule: RaceRule): HTMLElement {
  const formula = el('div', { class: 'formula', id: `formula-${rule.id}` });
  const readout = el('p', { class: 'readout', id: `readout-${rule.id}`, 'aria-live': 'polite' });
  const body = el('div', { class: 'rule-body' });
  const sliders = rule.sliders.map((spec) => slider(spec, (state.values[rule.id]![spec.key] as number), (v) => {
    state.values[rule.id]![spec.key] = v;
    schedule(false);
  }, rule.id));
  ruleSliders.set(rule.id, sliders);
  const menus = (rule.choices ?? []).map((c) => choice(`${rule.id}-${c.key}`, c.label, c.options, c.options[0]![0], (v) => {
    state.values[rule.id]![c.key] = v;
    schedule(false);
  }).element);
  body.append(...sliders.map((s) => s.element), ...menus, formula, readout);
  const on = toggle(`on-${rule.id}`, rule.label, state.on[rule.id]!, (checked) => {
    state.on[rule.id] = checked;
    body.hidden = !checked;
    schedule(false);
  });
  body.hidden = !state.on[rule.id];
  return el('section', { class: 'rule', style: `--rule-color: ${rule.color}`, 'aria-label': rule.label }, el('h3', {}, on.element), el('p', { class: 'lecture' }, rule.lecture), body);
}

let pending: Promise<void> | undefined;
let again = false;
let gridStale = true;

/** Recomputes on the next frame; several moves within a frame make one recomputation. */
function schedule(surfaceChanged: boolean): void {
  gridStale ||= surfaceChanged;
  if (pending !== undefined) {
    again = true;
    return;
  }
  pending = new Promise<void>((resolve) => requestAnimationFrame(() => resolve())).then(async () => {
    await recompute();
    pending = undefined;
    if (again) {
      again = false;
      schedule(false);
    }
  });
}

const contour = await contourPlot(byId('contour'), Math.min(440, byId('contour').clientWidth || 440), 'contours of f with the trajectory of each rule');
const gaps = lineChart(byId('gaps'), {
  xTitle: 't',
  yTitle: 'f(w⁽ᵗ⁾) − f*',
  logY: true,
  description: 'f(w⁽ᵗ⁾) − f* per step for each rule, log scale',
  colors: new Map(RULES.map((r) => [r.label, r.color])),
  height: 260,
});
hook()['raceChart'] = gaps;

/** Formulas are typeset once the page is interactive (the first use of the mathjs bridge takes a moment). */
let formulasShown = false;

/** Prints each running rule's update from the graph nodes it builds (`ruleFormulas`), typeset. */
function renderFormulas(running: readonly RaceRule[]): void {
  for (const rule of running) {
    const formulas = ruleFormulas(rule.make(state.values[rule.id]!));
    const lines = formulas.map((f) => `${f.variable === 'rho' ? '\\rho' : f.variable} &\\leftarrow ${f.tex}`);
    renderTex(byId(`formula-${rule.id}`), tidyNumbers(`\\begin{aligned}${lines.join('\\\\')}\\end{aligned}`), true);
  }
}

async function recompute(): Promise<void> {
  const { surface, surfaceParams: p, steps } = state;
  const error = byId('race-error');
  error.textContent = '';
  results.error = undefined;
  try {
    const started = performance.now();
    if (gridStale) {
      const xs = cellCentres(surface.domain.x, GRID);
      const ys = cellCentres(surface.domain.y, GRID).reverse();
      await contour.setGrid({ x: surface.domain.x, y: surface.domain.y, nx: GRID, ny: GRID, values: sampleSurface(surface, p, xs, ys) });
      if (formulasShown) renderTex(byId('surface-tex'), surface.tex(p), true);
      gridStale = false;
    }
    const running = RULES.filter((r) => state.on[r.id]);
    const trajectories = new Map(running.map((r) => [r.id, runRule(surface, p, r, state.values[r.id]!, steps)]));
    const seen = Math.min(...[...trajectories.values()].flatMap((t) => t.values));
    const minimum = surface.minimum(p) ?? seen;
    results.minimum = minimum;
    results.trajectories = Object.fromEntries(trajectories);
    results.gaps = {};
    const points: LinePoint[] = [];
    for (const rule of running) {
      const trajectory = trajectories.get(rule.id)!;
      const gap = trajectory.values.map((v) => Math.max(v - minimum, 1e-16));
      results.gaps[rule.id] = gap;
      gap.forEach((y, x) => points.push({ series: rule.label, x, y }));
      const last = trajectory.points.at(-1)!;
      byId('readout-' + rule.id).textContent = trajectory.divergedAt !== undefined
        ? `diverged at step ${trajectory.divergedAt}`
        : `t = ${steps}: w = (${formatNumber(last[0])}, ${formatNumber(last[1])}), f − f* = ${formatNumber(gap.at(-1)!)}`;
    }
    const showBounds = state.bounds && surface.strongConvexity !== undefined && running.length > 0;
    byId('bounds-note').hidden = !state.bounds || showBounds;
    if (showBounds) {
      const [x0, y0] = surface.start;
      const gd = state.on['gd'] ? (state.values['gd']!['lr'] as number) : 0;
      results.bounds = lectureBounds({ beta: surface.smoothness(p), alpha: surface.strongConvexity!(p), r2: x0 * x0 + y0 * y0, f0: [...trajectories.values()][0]!.values[0]! - minimum, steps, gdStep: gd });
      for (const bound of results.bounds) bound.values.forEach((y, i) => points.push({ series: bound.label, x: i + 1, y, dashed: true }));
    } else {
      results.bounds = [];
    }
    await contour.setPaths(running.map((r) => ({ name: r.label, color: r.color, points: trajectories.get(r.id)!.points })));
    await gaps.update(points);
    byId('race-time').textContent = `${running.length} rules × ${steps} steps in ${Math.round(performance.now() - started)} ms`;
    if (formulasShown) renderFormulas(running);
  } catch (e) {
    results.error = e instanceof Error ? e.message : String(e);
    error.textContent = results.error;
  }
}

// Controls.
const surfaceMenu = choice('surface', 'Surface', [...SURFACES.map((s) => [s.id, s.label] as const), ['typed', 'your expression (mathjs syntax)']], SURFACES[0]!.id, (id) => {
  setSurface(id === 'typed' ? typedSurface(state.typed) : SURFACES.find((s) => s.id === id)!);
  schedule(true);
});
byId('surface-menu').append(surfaceMenu.element);
const typedInput = byId<HTMLInputElement>('typed');
typedInput.value = state.typed;
byId('typed-form').addEventListener('submit', (event) => {
  event.preventDefault();
  state.typed = typedInput.value;
  setSurface(typedSurface(state.typed));
  schedule(true);
});
byId('steps-box').append(slider({ key: 'steps', label: 'T (steps)', min: 10, max: 500, step: 10 }, state.steps, (v) => {
  state.steps = v;
  schedule(false);
}, 'race').element);
byId('bounds-box').append(toggle('bounds', 'overlay the lecture’s bounds (quadratic)', state.bounds, (checked) => {
  state.bounds = checked;
  schedule(false);
}).element);
setSurface(state.surface);
byId('rules').append(...RULES.map(ruleCard));
showKernels();
await recompute();
markReady();
await nextFrame();
formulasShown = true;
renderTex(byId('surface-tex'), state.surface.tex(state.surfaceParams), true);
renderFormulas(RULES.filter((r) => state.on[r.id]));
hook()['formulas'] = true;
