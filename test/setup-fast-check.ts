import { configureGlobal } from 'fast-check';

// Property tests are reproducible by default: a fixed seed and a modest number of runs, as in CI.
// Search harder locally with FC_NUM_RUNS=10000 (or `pnpm test:props`), or another FC_SEED.
// In a browser (pnpm test:browser's suites) there is no `process`: the defaults apply.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
configureGlobal({
  seed: Number(env['FC_SEED'] ?? 20261129),
  numRuns: Number(env['FC_NUM_RUNS'] ?? 100),
});
