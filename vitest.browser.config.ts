import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// The graph, autodiff, optim and nn suites in a real headless Chromium (Debian's `chromium`, or
// CHROMIUM_PATH), run by `pnpm test:browser` after its own page checks. Left out: the suites that
// need files or a child process (rebuilding the WebAssembly module; nn's checkpoint files and the
// crash test that kills saving processes; nn's trainer suite, kept with them; ensembles and models
// saved to files; Ctrl-C through a pseudo-terminal), which run in Node only, and the walks over
// graphs 100,000 nodes deep, which take tens of seconds.
const SOURCE = '@chainrule/source';
const chromium = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p !== undefined && existsSync(p));
if (chromium === undefined) throw new Error('the browser suites need Chromium: apt-get install -y chromium (Debian), or set CHROMIUM_PATH');

export default defineConfig({
  resolve: { conditions: [SOURCE, 'browser', 'module', 'import', 'default'] },
  // Cross-origin isolated, so the WebAssembly kernels' worker threads run in the browser too.
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  test: {
    setupFiles: ['./test/setup-fast-check.ts'],
    include: ['packages/{graph,autodiff,optim,nn}/test/**/*.test.ts'],
    exclude: ['packages/graph/test/wasm-module.test.ts', 'packages/graph/test/deep-and-wide.test.ts', 'packages/graph/test/platform.test.ts', 'packages/nn/test/trainer.test.ts', 'packages/nn/test/checkpoint.test.ts', 'packages/nn/test/checkpoint-crash.test.ts', 'packages/nn/test/ensemble-files.test.ts', 'packages/nn/test/model-files.test.ts', 'packages/nn/test/cnn-files.test.ts', 'packages/nn/test/progress-interrupt.test.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: chromium, args: ['--no-sandbox'] } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
