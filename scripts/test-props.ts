// `pnpm test:props [vitest arguments]`: the test suite with many property runs (FC_NUM_RUNS, 20,000
// by default) from a random seed (or FC_SEED), printed before and after the run so that a failure
// can be replayed.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { propsRun } from '../test/property-settings.js';

const { env, line } = propsRun(process.env, () => randomInt(2 ** 31));
console.log(line);
const run = spawnSync('pnpm', ['exec', 'vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...env } });
console.log(line);
process.exit(run.status ?? 1);
