/**
 * The fast paths (WebAssembly SIMD kernels, worker threads sharing memory) are tested only where the
 * runtime has them. On a developer's machine without them their suites are skipped; where they are
 * required (CI: CI or CHAINRULE_REQUIRE_FAST_PATHS set, as .ci/run does) a missing fast path fails
 * the run instead, so CI can never pass by skipping them.
 */
import { describe, it } from 'vitest';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * Whether the environment requires the fast paths: CHAINRULE_REQUIRE_FAST_PATHS=1, or CI set to
 * anything but empty, `0` or `false`.
 */
export function fastPathsRequired(vars: Readonly<Record<string, string | undefined>> = env): boolean {
  const ci = vars['CI'];
  return vars['CHAINRULE_REQUIRE_FAST_PATHS'] === '1' || (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false');
}

/** What a suite of a fast path does on this runtime: run, skip, or fail because it is missing. */
export function fastPathPlan(available: boolean, required: boolean): 'run' | 'skip' | 'fail' {
  if (available) return 'run';
  return required ? 'fail' : 'skip';
}

/**
 * `describe` for the suite of a fast path: runs it where `available`, skips it where not, or,
 * where the fast paths are required, replaces it with one failing test that says what is missing.
 */
export function describeFastPath(name: string, available: boolean, missing: string, suite: () => void): void {
  const plan = fastPathPlan(available, fastPathsRequired());
  if (plan === 'run') describe(name, suite);
  else if (plan === 'skip') describe.skip(name, suite);
  else {
    describe(name, () => {
      it('runs where it is required', () => {
        throw new Error(`${missing} on this runtime, and this run requires the fast paths (CI or CHAINRULE_REQUIRE_FAST_PATHS=1): the suite cannot be skipped`);
      });
    });
  }
}
