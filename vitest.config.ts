import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through this export condition, so tests
// never depend on a stale `dist/`. Vitest runs tests through Vite's SSR pipeline, which reads
// `ssr.resolve.conditions`; `resolve.conditions` alone is not applied there.
const SOURCE = '@chainrule/source';

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    setupFiles: ['./test/setup-fast-check.ts'],
    // In CI, also write a JSON summary; .ci/run prints its 'N passed, N failed' line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: './test-results.json' },
    // More property cases (FC_NUM_RUNS, `pnpm test:props`) need more time per test.
    testTimeout: process.env['FC_NUM_RUNS'] ? 3_600_000 : 30_000,
    // Inline projects with `extends: true` inherit the conditions and setup file above.
    projects: [
      { extends: true, test: { name: 'graph', include: ['packages/graph/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'autodiff', include: ['packages/autodiff/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'optim', include: ['packages/optim/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'nn', include: ['packages/nn/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'onnx', include: ['packages/onnx/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'workspace', include: ['test/**/*.test.ts'] } },
    ],
  },
});
