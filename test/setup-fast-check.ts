import { configureGlobal } from 'fast-check';

// Property tests are reproducible by default: a fixed seed and a modest number of runs, as in CI.
// Search harder locally with FC_NUM_RUNS=10000 (or `pnpm test:props`), or another FC_SEED.
configureGlobal({
  seed: Number(process.env.FC_SEED ?? 20261129),
  numRuns: Number(process.env.FC_NUM_RUNS ?? 100),
});
