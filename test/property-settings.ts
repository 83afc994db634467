// How many cases property tests run, and from which seed: read from FC_SEED and FC_NUM_RUNS by the
// test setup (test/setup-fast-check.ts), and chosen by `pnpm test:props` (scripts/test-props.ts).

/** The seed of every run unless FC_SEED says otherwise: CI's runs are reproducible. */
export const FIXED_SEED = 20261129;
/** Cases per property unless FC_NUM_RUNS says otherwise (tests scale their own counts from it). */
export const DEFAULT_RUNS = 100;
/** Cases per property under `pnpm test:props`. */
export const PROPS_RUNS = 20_000;

/** fast-check's settings for one test run. */
export interface PropertySettings {
  readonly seed: number;
  readonly numRuns: number;
}

const integer = (name: string, text: string, min: number, max: number): number => {
  const v = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min || v > max) throw new Error(`${name}=${text}: expected an integer from ${min} to ${max}`);
  return v;
};

/**
 * The settings FC_SEED and FC_NUM_RUNS ask for, or the fixed defaults.
 *
 * @param env - the environment (none in a browser).
 * @returns the seed (a 32-bit integer, as fast-check takes) and the number of runs.
 * @throws Error naming the variable when it is not such an integer.
 */
export function propertySettings(env: Readonly<Record<string, string | undefined>>): PropertySettings {
  return {
    seed: env['FC_SEED'] === undefined ? FIXED_SEED : integer('FC_SEED', env['FC_SEED'], -(2 ** 31), 2 ** 31 - 1),
    numRuns: env['FC_NUM_RUNS'] === undefined ? DEFAULT_RUNS : integer('FC_NUM_RUNS', env['FC_NUM_RUNS'], 1, 10_000_000),
  };
}

/**
 * What `pnpm test:props` runs with: FC_SEED from the environment or a fresh random one, and many
 * runs; and the line it prints before and after the tests, which says how to replay the run.
 *
 * @param env - the environment.
 * @param randomSeed - draws a seed when FC_SEED is not set.
 * @returns the variables to set, and the line to print.
 */
export function propsRun(env: Readonly<Record<string, string | undefined>>, randomSeed: () => number): { readonly env: Record<string, string>; readonly line: string } {
  const seed = env['FC_SEED'] ?? String(randomSeed());
  const runs = env['FC_NUM_RUNS'] ?? String(PROPS_RUNS);
  const settings = propertySettings({ FC_SEED: seed, FC_NUM_RUNS: runs });
  return {
    env: { FC_SEED: String(settings.seed), FC_NUM_RUNS: String(settings.numRuns) },
    line: `property tests: FC_SEED=${settings.seed} FC_NUM_RUNS=${settings.numRuns} (replay a failure: FC_SEED=${settings.seed} FC_NUM_RUNS=${settings.numRuns} pnpm vitest run <its file>)`,
  };
}
