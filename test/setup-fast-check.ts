import { configureGlobal } from 'fast-check';
import { propertySettings } from './property-settings.js';

// Property tests are reproducible by default: a fixed seed and a modest number of runs, as in CI.
// Search harder locally with FC_NUM_RUNS=10000 or another FC_SEED, or `pnpm test:props` (many runs
// from a random seed, which it prints).
// In a browser (pnpm test:browser's suites) there is no `process`: the defaults apply.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
configureGlobal(propertySettings(env));
