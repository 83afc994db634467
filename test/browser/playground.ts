/// <reference lib="dom" />
// The playground's pages in a real headless Chromium (run by `pnpm test:browser`). The site is the
// one `pnpm run docs` built (docs/api, entered from TypeDoc's landing page) when it is there, else the
// playground alone, built here with its Vite config. A plain static server on 127.0.0.1 serves it
// (no isolation headers, as most static hosts). Screenshots go to test-results/playground/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { grad } from '@chainrule/autodiff';
import { NETWORKS, buildNetwork, matrixOf } from '../../docs/playground/src/backprop/network.js';
import { PAGES } from '../../docs/playground/vite.config.js';
import { Checklist } from './checklist.js';
import { findChromium } from './chromium.js';

const executablePath = findChromium();
const docs = fileURLToPath(new URL('../../docs/api/', import.meta.url));
const withDocs = existsSync(join(docs, 'index.html')) && existsSync(join(docs, 'playground', 'index.html'));
let root = docs;
if (!withDocs) {
  root = fileURLToPath(new URL('../../node_modules/.cache/playground-site/', import.meta.url));
  rmSync(root, { recursive: true, force: true });
  await build({ configFile: fileURLToPath(new URL('../../docs/playground/vite.config.ts', import.meta.url)), logLevel: 'warn', build: { outDir: join(root, 'playground'), emptyOutDir: true } });
}
const shots = fileURLToPath(new URL('../../test-results/playground/', import.meta.url));
mkdirSync(shots, { recursive: true });

const TYPES: Readonly<Record<string, string>> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(root, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!file.startsWith(root) || !existsSync(file)) return void response.writeHead(404).end();
  response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const checks = new Checklist();
const check = checks.check.bind(checks);
/**
 * The budget from navigation start to interactive, from the issue: under 2 s on a 2-core machine.
 * Measured and reported, not asserted (the project never asserts timings in tests: a loaded
 * machine would fail it for reasons that are not the page's).
 */
const INTERACTIVE_MS = 2000;
const interactiveTimes: string[] = [];

/** Console errors and warnings, and uncaught errors, of a page. */
function listen(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`uncaught: ${e.message}`));
  return messages;
}

/** Waits until a page marks itself interactive; returns the time it took from navigation start. */
async function ready(page: Page): Promise<number> {
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 30_000 });
  return (await page.evaluate(() => (globalThis as { playground?: { interactiveAt?: number } }).playground?.interactiveAt)) ?? Number.NaN;
}

/** Saves a full-page screenshot and returns how many distinct colours it has (a blank page has one). */
async function screenshot(page: Page, name: string): Promise<number> {
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(shots, `${name}.png`), png);
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4 * 7) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    return colours.size;
  }, png.toString('base64'));
}

type Hook = Record<string, any>;
const hookOf = (page: Page, key: string): Promise<Hook> => page.evaluate((k) => JSON.parse(JSON.stringify((globalThis as unknown as { playground: Record<string, unknown> }).playground[k])), key);

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  if (withDocs) {
    const page = await browser.newPage();
    await page.goto(`${origin}/index.html`);
    await page.click('a[href$="playground-link.html"]');
    await page.waitForURL(/\/playground\/index\.html$/);
    const title = await page.title();
    check('the TypeDoc landing page links to the playground', () => assert.match(title, /playground/));
    await page.close();
  }
  for (const name of PAGES) {
    for (const width of [1280, 390]) {
      // A fresh context each time: a cold load, nothing cached.
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const messages = listen(page);
      await page.goto(`${origin}/playground/${name}.html`);
      const interactive = await ready(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.waitForTimeout(300); // fonts and the last frame
      const colours = await screenshot(page, `${name}-${width}`);
      console.log(`     ${name} at ${width} px: interactive after ${Math.round(interactive)} ms, ${colours} colours in the screenshot`);
      interactiveTimes.push(`${name} ${width} px ${Math.round(interactive)} ms${interactive < INTERACTIVE_MS ? '' : ' (over the 2 s budget)'}`);
      check(`${name} (${width} px): loads with an empty console and becomes interactive, not blank, no sideways scrolling`, () => {
        assert.deepEqual(messages, []);
        assert.ok(Number.isFinite(interactive), 'the page did not report when it became interactive');
        assert.ok(colours > 20, `${colours} colours: blank?`);
        assert.ok(overflow <= 1, `${overflow} px wider than the screen`);
      });
      await context.close();
    }
  }

  // The race.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const messages = listen(page);
    await page.goto(`${origin}/playground/race.html`);
    await ready(page);
    const race = await hookOf(page, 'race');
    // The keyboard starts at the top: the first Tab reaches the first link of the page's navigation.
    await page.keyboard.press('Tab');
    const firstFocus = await page.evaluate(() => document.activeElement?.tagName);
    const at100 = (id: string): number => race['results'].gaps[id][100];
    console.log(`     κ = 100 quadratic, f − f* at t = 100: GD ${at100('gd')}, Polyak ${at100('polyak')}, Nesterov ${at100('nesterov')}, Adam ${at100('adam')}`);
    check('race: on the κ = 100 quadratic, Nesterov and Polyak are ahead of gradient descent at step 100 (the lecture’s ordering)', () => {
      assert.equal(race['state'].surface.id, 'quadratic');
      assert.equal(race['state'].surfaceParams.kappa, 100);
      assert.ok(at100('nesterov') < at100('gd') / 100, `Nesterov ${at100('nesterov')} vs GD ${at100('gd')}`);
      assert.ok(at100('polyak') < at100('gd') / 100, `Polyak ${at100('polyak')} vs GD ${at100('gd')}`);
    });
    // The lecture's bounds overlaid, and each running rule's formula typeset.
    await page.waitForFunction(() => (globalThis as any).playground.formulas === true, undefined, { timeout: 10_000 });
    const typeset = await page.$$eval('#rules .formula', (cells) => cells.filter((c) => c.querySelector('.katex') !== null).map((c) => c.id));
    await page.check('#bounds');
    await page.waitForFunction(() => (globalThis as any).playground.race.state.bounds === true, undefined, { timeout: 10_000 });
    await page.waitForTimeout(300);
    const drawn = await page.evaluate(() => {
      const view = (globalThis as any).playground.raceChart.view;
      return [...new Set((view.data('data_0') as { series: string }[]).map((d) => d.series))];
    });
    const bounds = (await hookOf(page, 'race'))['results'].bounds as { label: string; rule: string; values: number[] }[];
    check('race: each running rule’s update is typeset from ruleFormulas, and the lecture’s bounds overlay the quadratic and hold for GD and Nesterov', () => {
      assert.deepEqual(typeset.sort(), ['formula-adam', 'formula-gd', 'formula-nesterov', 'formula-polyak']);
      assert.equal(bounds.length, 3);
      for (const b of bounds) assert.ok(drawn.includes(b.label), `${b.label} not drawn (drawn: ${drawn.join(', ')})`);
      const gdBound = bounds.find((b) => b.label.includes('2R²f₀'))!;
      const nesterovBound = bounds.find((b) => b.rule === 'nesterov')!;
      gdBound.values.forEach((bound, i) => assert.ok(race['results'].gaps.gd[i + 1] <= bound * (1 + 1e-12), `GD at t = ${i + 1}`));
      nesterovBound.values.forEach((bound, i) => assert.ok(race['results'].gaps.nesterov[i + 1] <= bound * (1 + 1e-12), `Nesterov at t = ${i + 1}`));
    });
    await page.uncheck('#bounds');
    // The keyboard: an arrow key on the GD step-size slider reruns the race.
    await page.focus('#gd-lr');
    const before = race['results'].trajectories.gd.points.at(-1);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((b) => JSON.stringify((globalThis as any).playground.race.results.trajectories.gd.points.at(-1)) !== JSON.stringify(b), before, { timeout: 10_000 });
    const moved = await hookOf(page, 'race');
    check('race: moving a slider with the keyboard changes that rule’s trajectory and its plotted path', () => {
      assert.equal(firstFocus, 'A');
      assert.ok(moved['state'].values.gd.lr < race['state'].values.gd.lr);
      assert.notDeepEqual(moved['results'].trajectories.gd.points.at(-1), before);
    });
    const plotted = await page.evaluate(() => ((globalThis as any).playground.race.results.trajectories.gd.points.length));
    // Every rule switched on, on each surface: each runs and draws.
    for (const id of race['rules'] as string[]) {
      const box = page.locator(`#on-${id}`);
      if (!(await box.isChecked())) await box.check();
    }
    for (const surface of ['rosenbrock', 'saddle', 'logistic', 'typed'] as const) {
      await page.selectOption('#surface', surface);
      await page.waitForFunction((s) => (globalThis as any).playground.race.state.surface.id === s && Object.keys((globalThis as any).playground.race.results.gaps).length === (globalThis as any).playground.race.rules.length, surface, { timeout: 20_000 });
    }
    await page.fill('#typed', 'x^2 + 3 * y^2 +');
    await page.press('#typed', 'Enter');
    await page.waitForFunction(() => (globalThis as any).playground.race.results.error !== undefined, undefined, { timeout: 10_000 });
    const typedError = (await hookOf(page, 'race'))['results'].error as string;
    await page.fill('#typed', '(x - 1)^2 + 3 * (y + 1)^2');
    await page.press('#typed', 'Enter');
    await page.waitForFunction(() => (globalThis as any).playground.race.results.error === undefined && (globalThis as any).playground.race.results.trajectories.newton?.points.length > 1, undefined, { timeout: 10_000 });
    const typed = await hookOf(page, 'race');
    check('race: every rule runs on every surface; a typed formula is parsed by the mathjs bridge (an error is shown in the page, not thrown)', () => {
      assert.ok(plotted > 1);
      assert.match(typedError, /parse/i);
      const newton = typed['results'].trajectories.newton.points;
      assert.ok(Math.abs(newton[1][0] - 1) < 1e-9 && Math.abs(newton[1][1] + 1) < 1e-9, `Newton's first step on a quadratic lands on its minimum: ${newton[1]}`);
      assert.deepEqual(messages, []);
    });
    await page.close();
  }

  // Backprop: the stepper's numbers against grad's, computed here in Node.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const messages = listen(page);
    await page.goto(`${origin}/playground/backprop.html`);
    await ready(page);
    for (const spec of NETWORKS) {
      await page.selectOption('#network', spec.id);
      await page.keyboard.press('Tab');
      await page.click('#next');
      const one = await hookOf(page, 'backprop');
      await page.click('#all');
      const all = await hookOf(page, 'backprop');
      const net = buildNetwork(spec);
      const values = net.graph.compile({ outputs: net.gradients })();
      check(`backprop (${spec.id}): the stepper's ∂ℓ/∂W equal grad's in Node, and so do the lecture's formulas for ∂ℓ/∂W and each δ⁽ˡ⁾`, () => {
        assert.equal(one['position'], 1);
        assert.deepEqual(one['stepValues'], {});
        net.params.forEach((p, i) => {
          const expected = matrixOf(values[i]!);
          assert.deepEqual(all['stepValues'][p.node.name!], expected, p.node.name!);
          const lecture = all['lecture'][p.node.name!] as number[][];
          lecture.flat().forEach((v, k) => assert.ok(Math.abs(v - expected.flat()[k]!) <= 1e-12 * Math.max(1, Math.abs(v)), `${p.node.name} entry ${k}: ${v} vs ${expected.flat()[k]}`));
        });
        // δ⁽ˡ⁾ = (∂ℓ/∂y⁽ˡ⁾)ᵀ: the lecture's recursion against grad with respect to each layer's output.
        const deltas = net.graph.compile({ outputs: grad(net.loss, net.outputs) })();
        deltas.forEach((d, i) => {
          const lecture = (all['lecture'][`delta${i + 1}`] as number[][])[0]!;
          assert.deepEqual(all['grads'][`delta${i + 1}`], [Array.from(d.data)]);
          lecture.forEach((v, k) => assert.ok(Math.abs(v - d.data[k]!) <= 1e-12 * Math.max(1, Math.abs(v)), `δ⁽${i + 1}⁾ entry ${k}: ${v} vs ${d.data[k]}`));
        });
        assert.deepEqual(messages, []);
      });
    }
    // A gradient node clicked in the drawing shows the rule that made it and its formula.
    const gradientNode = page.locator('#graph g.node', { hasText: 'matmul' }).last();
    await gradientNode.click();
    const detail = await page.textContent('#node-detail');
    check('backprop: clicking a node of the backward graph names the derivative rule that made it', () => assert.match(detail ?? '', /made by the rule vjp:matmul/));
    await page.close();
  }

  // Dropout.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const messages = listen(page);
    await page.goto(`${origin}/playground/dropout.html`);
    await ready(page);
    const linear = (await hookOf(page, 'dropout'))['result'];
    await page.selectOption('#placement', 'every');
    await page.waitForFunction(() => (globalThis as any).playground.dropout.placement === 'every' && (globalThis as any).playground.dropout.result !== undefined, undefined, { timeout: 10_000 });
    await page.waitForTimeout(200);
    const masksShown = await page.locator('#masks .mask').count();
    check('dropout: eight steps of masks; the mean of k thinned networks matches the test-time output within 4σ/√k when the output is linear in the dropped units', () => {
      assert.equal(masksShown, 8);
      const k = linear.runningMean.length;
      assert.ok(Math.abs(linear.runningMean[k - 1] - linear.testTime) <= (4 * linear.spread) / Math.sqrt(k), JSON.stringify({ mean: linear.runningMean[k - 1], test: linear.testTime, spread: linear.spread }));
      assert.deepEqual(messages, []);
    });
    await page.close();
  }

  // The digit classifier: its default short run, then the pad.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const messages = listen(page);
    await page.goto(`${origin}/playground/digits.html`);
    await ready(page);
    await page.click('#train');
    // The page must stay responsive while training: a click handler answers within a frame or two.
    await page.waitForFunction(() => (globalThis as any).playground.digits.status.step > 20, undefined, { timeout: 30_000 });
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const frameWait = Date.now() - started;
    await page.waitForFunction(() => (globalThis as any).playground.digits.status.seconds !== undefined && !(globalThis as any).playground.digits.status.running, undefined, { timeout: 180_000, polling: 250 });
    await page.click('#test-digit');
    await page.waitForTimeout(100);
    const status = (await hookOf(page, 'digits'))['status'];
    await screenshot(page, 'digits-trained');
    console.log(`     digits: ${JSON.stringify(status.history)} in ${status.seconds.toFixed(1)} s; a frame came ${frameWait} ms after asking during training`);
    check('digits: the default short run reaches at least 90% test accuracy without freezing the page; the pad’s digit gets probabilities that sum to 1', () => {
      assert.ok(status.accuracy >= 0.9, `accuracy ${status.accuracy}`);
      assert.ok(frameWait < 500, `a frame waited ${frameWait} ms`);
      const sum = (status.probabilities as number[]).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9, `probabilities sum to ${sum}`);
      assert.deepEqual(messages, []);
    });
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`\ntime to interactive (budget ${INTERACTIVE_MS} ms): ${interactiveTimes.join('; ')}`);
checks.finish('playground', `${withDocs ? 'the docs site' : 'the playground alone'}, Chromium at ${executablePath}`);
