// `pnpm test:browser`: chainrule in a real headless Chromium (Debian's `chromium`, or the browser
// named by CHROMIUM_PATH; never one an npm install downloads). The page (page.ts) is bundled with
// Vite for the browser and served on 127.0.0.1 twice: cross-origin isolated (COOP/COEP, so
// SharedArrayBuffer and the threaded WebAssembly kernels are there) and not (so the kernels must
// fall back, correctly, and say so). Its results are compared with Node's.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { readdirSync } from 'node:fs';
import { checkpointToText, restoreCheckpoint } from '@chainrule/nn';
import { Checklist } from './checklist.js';
import { findChromium } from './chromium.js';
import { ENGINE_MATH_OPS, classifier, engineMathResults, exactComputations, mlpProblem, ulpDistance } from './shared.js';

const executablePath = findChromium();
const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../../node_modules/.cache/browser-page/', import.meta.url));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  configFile: false,
  logLevel: 'warn',
  root: here,
  resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: out, emptyOutDir: true, minify: false, lib: { entry: join(here, 'page.ts'), formats: ['es'], fileName: 'page' } },
});
const script = readFileSync(join(out, 'page.js'));
const html = '<!doctype html><meta charset="utf-8"><title>chainrule</title><script type="module" src="page.js"></script>';
// The browser example (examples/browser), built as `pnpm --filter @chainrule/examples browser:build` builds it.
const example = fileURLToPath(new URL('../../node_modules/.cache/browser-example/', import.meta.url));
await build({ configFile: fileURLToPath(new URL('../../examples/browser/vite.config.ts', import.meta.url)), logLevel: 'warn', build: { outDir: example, emptyOutDir: true } });
const exampleFiles = new Map<string, Buffer>([['/example/', readFileSync(join(example, 'index.html'))]]);
for (const name of readdirSync(join(example, 'assets'))) exampleFiles.set(`/example/assets/${name}`, readFileSync(join(example, 'assets', name)));

const server = createServer((request, response) => {
  const isolated = request.url?.startsWith('/isolated/') === true || request.url?.startsWith('/example/') === true;
  const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const exampleFile = exampleFiles.get(request.url ?? '');
  if (exampleFile !== undefined) {
    const type = request.url!.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { ...headers, 'Content-Type': type }).end(exampleFile);
  } else if (request.url?.endsWith('/page.js')) {
    response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
  } else if (request.url?.endsWith('/')) {
    response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
  } else {
    response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Node's side: the same exact computations, and a checkpoint of the same classifier for the page.
const nodeExact = exactComputations();
const nodeMath = engineMathResults();
const { data } = mlpProblem();
const nodeTrainer = classifier();
nodeTrainer.fit(data, { epochs: 3, batchSize: 32, progress: 'none' });
const nodeCheckpoint = checkpointToText(nodeTrainer.graph, { epoch: nodeTrainer.epoch });

/**
 * The documented bound for ops through an engine Math function, Node 20 against Chromium
 * (docs/in-the-browser.md): measured at most 1 ulp apart; the test allows 2.
 */
const MAX_ULP = 2;

const checks = new Checklist();
const check = checks.check.bind(checks);

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  for (const mode of ['isolated', 'plain'] as const) {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/${mode}/`);
    await page.waitForFunction(() => 'chainruleChecks' in globalThis, undefined, { timeout: 30_000 });
    const started = Date.now();
    const r = (await page.evaluate((text) => (globalThis as unknown as { chainruleChecks: (t: string) => Promise<unknown> }).chainruleChecks(text), nodeCheckpoint)) as Record<string, any>;
    console.log(`\n${mode}: crossOriginIsolated ${r['crossOriginIsolated']}, kernels ${JSON.stringify(r['kernels'])}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    check(`${mode}: the page ran without an uncaught error`, () => assert.deepEqual(errors, []));
    if (mode === 'isolated') {
      check('isolated: cross-origin isolated, with the WebAssembly SIMD kernels on every core', () => {
        assert.equal(r['crossOriginIsolated'], true);
        assert.equal(r['kernels'].backend, 'wasm');
        assert.equal(r['kernels'].wasmSimd, true);
        assert.equal(r['threadsAfterAskingFour'], 4);
      });
    } else {
      check('plain: not isolated, so workers cannot share memory: the WebAssembly kernels on one thread, and kernelOptions() says so', () => {
        assert.equal(r['crossOriginIsolated'], false);
        assert.equal(r['kernels'].backend, 'wasm');
        assert.equal(r['kernels'].threads, 1);
        assert.equal(r['threadsAfterAskingFour'], 1);
      });
    }
    check(`${mode}: a float64 product is bit-identical on the JavaScript and the chosen kernels`, () => assert.equal(r['sameProduct'], true));
    check(`${mode}: exactly rounded computations and seeded streams are bit-identical to Node's`, () => assert.deepEqual(r['exact'], nodeExact));
    check(`${mode}: ops through an engine Math function agree with Node's within ${MAX_ULP} ulp`, () => {
      const report: string[] = [];
      let worst = 0;
      for (const op of ENGINE_MATH_OPS) {
        const here = nodeMath[op]!;
        const there = r['engineMath'][op] as string[];
        const distances = here.map((h, i) => ulpDistance(h, there[i]!));
        const differing = distances.filter((d) => d > 0).length;
        const max = Math.max(...distances);
        worst = Math.max(worst, max);
        report.push(`${op} ${differing}/${here.length} differ, max ${max} ulp`);
      }
      console.log(`     ${report.join('; ')}`);
      assert.ok(worst <= MAX_ULP, `worst ${worst} ulp`);
    });
    check(`${mode}: autodiff in the page (d/dx Σx² at [1, 2, 3] = [2, 4, 6])`, () => assert.deepEqual(r['gradient'], [2, 4, 6]));
    check(`${mode}: a 2-32-3 classifier with dropout and Adam trains in the page to under 5% test error`, () => {
      assert.equal(r['epochs'], 30);
      assert.ok(r['lastLoss'] < r['firstLoss'] / 4, `loss ${r['firstLoss']} → ${r['lastLoss']}`);
      assert.ok(r['testError'] < 0.05, `test error ${r['testError']}`);
    });
    check(`${mode}: checkpoints round-trip between the page and Node as the same text`, () => {
      assert.equal(r['pageCheckpointAgain'], r['pageCheckpoint']);
      assert.equal(r['nodeCheckpointAgain'], nodeCheckpoint);
      const inNode = classifier();
      const progress = restoreCheckpoint(inNode.graph, r['pageCheckpoint']);
      assert.equal(checkpointToText(inNode.graph, progress), r['pageCheckpoint']);
    });
    await page.close();
  }
  // The example page: both networks train in the page, with their loss curves drawn.
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/example/`);
  const started = Date.now();
  await page.waitForFunction(() => 'exampleResults' in globalThis, undefined, { timeout: 120_000, polling: 500 });
  const r = (await page.evaluate(() => (globalThis as unknown as { exampleResults: unknown }).exampleResults)) as Record<string, any>;
  const curves = await page.$$eval('canvas', (canvases) => canvases.map((c) => (c as unknown as { width: number; height: number }).width * (c as unknown as { height: number }).height));
  console.log(`\nexample page: ${JSON.stringify(r)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  check('example page: trains XOR (all four points right) and MNIST (3,000 digits, 12 epochs) to at least 88% held-out accuracy, drawing both curves', () => {
    assert.deepEqual(errors, []);
    assert.equal(r['xor'].error, 0);
    assert.ok(r['mnist'].accuracy >= 0.88, `accuracy ${r['mnist'].accuracy}`);
    assert.equal(curves.length, 2);
    assert.ok(curves.every((area) => area > 10_000));
  });
} finally {
  await browser.close();
  server.close();
}
checks.finish('browser', `Chromium at ${executablePath}`);
