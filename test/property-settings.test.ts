import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS, FIXED_SEED, PROPS_RUNS, propertySettings, propsRun } from './property-settings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('property test settings', () => {
  it('are fixed unless FC_SEED and FC_NUM_RUNS say otherwise, and those must be integers', () => {
    expect(propertySettings({})).toEqual({ seed: FIXED_SEED, numRuns: DEFAULT_RUNS });
    expect(propertySettings({ FC_SEED: '31337', FC_NUM_RUNS: '1000' })).toEqual({ seed: 31337, numRuns: 1000 });
    expect(() => propertySettings({ FC_SEED: 'random' })).toThrow('FC_SEED=random: expected an integer from -2147483648 to 2147483647');
    expect(() => propertySettings({ FC_NUM_RUNS: '1e3' })).toThrow(/^FC_NUM_RUNS=1e3/);
  });

  it('pnpm test:props draws a seed unless FC_SEED is set, and says how to replay', () => {
    const drawn = propsRun({}, () => 987654);
    expect(drawn.env).toEqual({ FC_SEED: '987654', FC_NUM_RUNS: String(PROPS_RUNS) });
    expect(drawn.line).toBe('property tests: FC_SEED=987654 FC_NUM_RUNS=20000 (replay a failure: FC_SEED=987654 FC_NUM_RUNS=20000 pnpm vitest run <its file>)');
    expect(propsRun({ FC_SEED: '4242', FC_NUM_RUNS: '50' }, () => 1).env).toEqual({ FC_SEED: '4242', FC_NUM_RUNS: '50' });
  });

  it('pnpm test:props prints the seed before and after the run', () => {
    const run = spawnSync('pnpm', ['test:props', 'packages/graph/test/registry.test.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '', FC_NUM_RUNS: '5' } }); // CI off: the nested run must not write test-results.json
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('property tests: FC_SEED='));
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^property tests: FC_SEED=\d+ FC_NUM_RUNS=5 \(replay a failure: FC_SEED=\d+ FC_NUM_RUNS=5 pnpm vitest run <its file>\)$/);
    expect(lines[1]).toBe(lines[0]);
  }, 60_000);
});
