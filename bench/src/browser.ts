/**
 * `pnpm bench --browser [--quick]`: items 1 and 2 in a headless Chromium (Debian's `chromium`, or
 * CHROMIUM_PATH), on a cross-origin isolated page served on 127.0.0.1, so that chainrule's kernels
 * and tfjs's wasm backend may both use threads. chainrule against tfjs (wasm and cpu backends) in
 * the same page, interleaved. Prints figures; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { tfjsWasmFolder } from './tfjs-files.js';

function chromiumPath(): string {
  for (const path of [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (path && existsSync(path)) return path;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('pnpm bench --browser needs Chromium: `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH');
  }
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * Builds the bench page, serves it, runs it in Chromium and prints the table.
 *
 * @param quick - the quick timing plan.
 */
export async function runBrowserBench(quick: boolean): Promise<void> {
  const here = fileURLToPath(new URL('../browser/', import.meta.url));
  const out = fileURLToPath(new URL('../node_modules/.cache/browser-bench/', import.meta.url));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: here,
    resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
    // Not minified: tfjs-backend-wasm starts its threads from the source text of its own functions,
    // which minification breaks.
    build: { outDir: out, emptyOutDir: true, minify: false, lib: { entry: join(here, 'page.ts'), formats: ['es'], fileName: 'page' }, chunkSizeWarningLimit: 10_000 },
  });
  const files = new Map<string, [Buffer, string]>([
    ['/', [Buffer.from('<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>'), 'text/html']],
    ['/page.js', [readFileSync(join(out, 'page.js')), 'text/javascript']],
  ]);
  const wasmFolder = tfjsWasmFolder();
  for (const name of readdirSync(wasmFolder).filter((f) => f.endsWith('.wasm'))) files.set(`/tfjs/${name}`, [readFileSync(join(wasmFolder, name)), 'application/wasm']);
  const server = createServer((request, response) => {
    if (request.url === '/favicon.ico') return void response.writeHead(204).end();
    const file = files.get(request.url ?? '');
    if (file === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': file[1], 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }).end(file[0]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.error(`page ${m.type()}: ${m.text()}`);
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'chainruleBench' in globalThis);
    const r = (await page.evaluate(
      ([prefix, q]) => (globalThis as unknown as { chainruleBench: (p: string, q: boolean) => Promise<unknown> }).chainruleBench(prefix, q),
      [`${origin}/tfjs/`, quick] as const,
    )) as { mlp: Record<string, number>; small: Record<string, number>; tfjs: { version: string; wasmSimd: boolean; wasmThreads: boolean }; kernels: { backend: string; threads: number }; userAgent: string };
    console.log(`chainrule bench in the browser (${quick ? 'quick' : 'full'} mode): ${r.userAgent}`);
    console.log(`chainrule kernels: ${r.kernels.backend}, ${r.kernels.threads} threads; tfjs ${r.tfjs.version} (wasm: SIMD ${r.tfjs.wasmSimd ? 'on' : 'off'}, threads ${r.tfjs.wasmThreads ? 'on' : 'off'})\n`);
    for (const [title, unit, rates] of [['1. MLP 784-256-128-10 training step (Adam, batch 128, float32)', 'steps/s', r.mlp], ['2. value and gradient of a 100-op scalar function', 'evals/s', r.small]] as const) {
      console.log(title);
      for (const [key, v] of Object.entries(rates)) console.log(`  ${key.padEnd(24)} ${fmt(v).padStart(10)} ${unit}`);
      const ratios = ['tfjs_wasm', 'tfjs_cpu'].map((peer) => `chainrule_compiled/${peer} ${fmt(rates['chainrule_compiled']! / rates[peer]!)}×`);
      console.log(`  ratios: ${ratios.join(', ')}\n`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}
