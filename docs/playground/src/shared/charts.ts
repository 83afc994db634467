// Plots of the playground, drawn by Vega and Vega-Lite: live line charts (log scale where asked) and
// a contour plot of a 2-D function with paths over it. Data change through the views' named data
// sets, so moving a slider re-renders without rebuilding a chart.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A point of a line chart: series name, x, y, and an optional dashed flag. */
export interface LinePoint {
  /** Series (one line each). */
  readonly series: string;
  /** Horizontal value. */
  readonly x: number;
  /** Vertical value. */
  readonly y: number;
  /** Drawn dashed (bounds, references) instead of solid. */
  readonly dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Axis titles. */
  readonly xTitle: string;
  /** Vertical axis title. */
  readonly yTitle: string;
  /** Logarithmic vertical axis. */
  readonly logY?: boolean;
  /** Logarithmic horizontal axis. */
  readonly logX?: boolean;
  /** Fixed colours by series name (others get the default palette). */
  readonly colors?: ReadonlyMap<string, string>;
  /** Height in pixels (the width follows the container). */
  readonly height?: number;
  /** Accessible description of the chart. */
  readonly description: string;
}

/** A live chart: replace its points, and read what it shows (for tests). */
export interface LiveChart {
  /** Replaces the plotted points and re-renders. */
  update(points: readonly LinePoint[]): Promise<void>;
  /** The current view (for tests and exports); none before the first update. */
  readonly view: vega.View | undefined;
}

/** Colours for series without a fixed one (bounds, references). */
const SPARE_COLORS = ['#4b5563', '#9ca3af', '#0f766e', '#a16207', '#6b21a8'];

/**
 * A Vega-Lite line chart, one line per series, as wide as its container. The legend lists the
 * series present: the view is built by the first update and rebuilt when that set changes;
 * otherwise only its data change.
 *
 * @param container - the element to draw in.
 * @param options - titles, scale, colours.
 * @returns the live chart.
 */
export function lineChart(container: HTMLElement, options: LineChartOptions): LiveChart {
  const fixed = options.colors ?? new Map<string, string>();
  const build = (series: readonly string[]): vega.View => {
    let spare = 0;
    const range = series.map((name) => fixed.get(name) ?? SPARE_COLORS[spare++ % SPARE_COLORS.length]!);
    const spec: TopLevelSpec = {
      width: 'container',
      height: options.height ?? 220,
      autosize: { type: 'fit-x', contains: 'padding' },
      description: options.description,
      data: { name: 'points' },
      mark: { type: 'line', clip: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle, ...(options.logX ? { scale: { type: 'log' } } : {}) },
        y: { field: 'y', type: 'quantitative', title: options.yTitle, ...(options.logY ? { scale: { type: 'log' } } : {}) },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 320 }, scale: { domain: [...series], range } },
        strokeDash: { field: 'dashed', type: 'nominal', legend: null, scale: { domain: [false, true], range: [[1, 0], [5, 4]] } },
      },
    };
    return new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
  };
  let key = '';
  let view: vega.View | undefined;
  return {
    get view() {
      return view;
    },
    async update(points) {
      const series = [...new Set(points.map((p) => p.series))];
      if (view === undefined || series.join('\n') !== key) {
        key = series.join('\n');
        view?.finalize();
        view = build(series);
      }
      await view.data('points', points.map((p) => ({ ...p, dashed: p.dashed ?? false }))).runAsync();
    },
  };
}

/** A function sampled on a grid over a rectangle, for {@link contourPlot}. */
export interface Grid {
  /** Horizontal range [x₀, x₁]. */
  readonly x: readonly [number, number];
  /** Vertical range [y₀, y₁]. */
  readonly y: readonly [number, number];
  /** Samples across. */
  readonly nx: number;
  /** Samples down. */
  readonly ny: number;
  /** ny rows of nx values, the top row (y₁) first, each sampled at its cell's centre. */
  readonly values: Float64Array;
}

/** A path over a contour plot. */
export interface Path {
  /** Name shown on hover. */
  readonly name: string;
  /** Its colour. */
  readonly color: string;
  /** The points in order. */
  readonly points: readonly (readonly [number, number])[];
}

/** A live contour plot. */
export interface ContourPlot {
  /** Replaces the function (and the ranges) drawn underneath. */
  setGrid(grid: Grid): Promise<void>;
  /** Replaces the paths. */
  setPaths(paths: readonly Path[]): Promise<void>;
  /** The view (for tests). */
  readonly view: vega.View;
}

/**
 * The centres of a grid's cells, where {@link Grid.values} are sampled.
 *
 * @param range - [lo, hi].
 * @param n - cells.
 * @returns n centres.
 */
export function cellCentres(range: readonly [number, number], n: number): number[] {
  const step = (range[1] - range[0]) / n;
  return Array.from({ length: n }, (_, i) => range[0] + (i + 0.5) * step);
}

/**
 * A contour plot (Vega's isocontour transform) of a function on a grid, its levels spaced on a
 * log scale of f − min f, with paths drawn over it.
 *
 * @param container - the element to draw in.
 * @param size - width and height in pixels.
 * @param description - accessible description.
 * @returns the plot.
 */
export async function contourPlot(container: HTMLElement, size: number, description: string): Promise<ContourPlot> {
  const spec: vega.Spec = {
    width: size,
    height: size,
    padding: 4,
    autosize: 'pad',
    description,
    signals: [
      { name: 'xRange', value: [-1, 1] },
      { name: 'yRange', value: [-1, 1] },
    ],
    data: [
      { name: 'grid', values: [] },
      {
        name: 'contours',
        source: 'grid',
        transform: [
          { type: 'isocontour', thresholds: { signal: 'sequence(0, 1.0001, 1 / 14)' }, scale: { expr: 'width / datum.width' }, smooth: true },
        ],
      },
      { name: 'paths', values: [] },
      { name: 'ends', source: 'paths', transform: [{ type: 'filter', expr: 'datum.last || datum.t === 0' }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: { signal: 'xRange' }, range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: { signal: 'yRange' }, range: 'height', zero: false, nice: false },
      { name: 'level', type: 'linear', domain: [0, 1], range: { scheme: 'blues' }, reverse: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'w₁', tickCount: 5 },
      { orient: 'left', scale: 'y', title: 'w₂', tickCount: 5 },
    ],
    marks: [
      {
        type: 'shape',
        from: { data: 'contours' },
        clip: true,
        encode: { enter: { stroke: { value: '#8aa' }, strokeWidth: { value: 0.6 }, fill: { scale: 'level', field: 'contour.value' }, fillOpacity: { value: 0.55 } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'group',
        from: { facet: { name: 'path', data: 'paths', groupby: 'name' } },
        clip: true,
        encode: { update: { width: { signal: 'width' }, height: { signal: 'height' } } },
        marks: [
          {
            type: 'line',
            from: { data: 'path' },
            encode: {
              update: {
                x: { scale: 'x', field: 'x' },
                y: { scale: 'y', field: 'y' },
                stroke: { field: 'color' },
                strokeWidth: { value: 2 },
                tooltip: { signal: "datum.name + ', t = ' + datum.t" },
              },
            },
          },
        ],
      },
      {
        type: 'symbol',
        from: { data: 'ends' },
        clip: true,
        encode: {
          update: {
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'y' },
            size: { value: 36 },
            shape: { signal: "datum.t === 0 ? 'square' : 'circle'" },
            fill: { field: 'color' },
            stroke: { value: 'white' },
            tooltip: { signal: "datum.name + ', t = ' + datum.t + ': (' + format(datum.x, '.3~g') + ', ' + format(datum.y, '.3~g') + ')'" },
          },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(spec), { renderer: 'svg', container, hover: true });
  await view.runAsync();
  return {
    view,
    async setGrid(grid) {
      // Levels in [0, 1]: log(1 + (f − min)/scale) normalised, so that contours crowd near the minimum as they should.
      let min = Infinity;
      let max = -Infinity;
      for (const v of grid.values) if (Number.isFinite(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
      const scale = Math.max((max - min) * 1e-4, 1e-12);
      const top = Math.log1p((max - min) / scale);
      const levels = Array.from(grid.values, (v) => (Number.isFinite(v) ? Math.log1p((v - min) / scale) / top : 1));
      await view
        .signal('xRange', [...grid.x])
        .signal('yRange', [...grid.y])
        .data('grid', [{ width: grid.nx, height: grid.ny, values: levels }])
        .runAsync();
    },
    async setPaths(paths) {
      const rows = paths.flatMap((p) => p.points.map(([x, y], t) => ({ name: p.name, color: p.color, t, x, y, last: t === p.points.length - 1 })));
      await view.data('paths', rows).runAsync();
    },
  };
}
