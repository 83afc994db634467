// The named checks of the browser scripts: each prints ok or FAIL with its message, and the script
// ends with a count and a failing exit code when any failed.

/** A list of named checks. */
export class Checklist {
  /** Checks that passed. */
  passed = 0;
  /** Names of the checks that failed. */
  readonly failures: string[] = [];

  /**
   * Runs one check: an assertion that throws when it fails.
   *
   * @param what - what it checks, as a sentence.
   * @param assertion - throws on failure.
   */
  check(what: string, assertion: () => void): void {
    try {
      assertion();
      this.passed++;
      console.log(`ok   ${what}`);
    } catch (e) {
      this.failures.push(what);
      console.log(`FAIL ${what}\n     ${(e as Error).message.split('\n').join('\n     ')}`);
    }
  }

  /**
   * Prints the count and sets a failing exit code when a check failed.
   *
   * @param label - what was checked, e.g. `browser`.
   * @param where - a note for the summary (e.g. the browser's path).
   */
  finish(label: string, where: string): void {
    console.log(`\n${label}: ${this.passed} passed, ${this.failures.length} failed (${where})`);
    if (this.failures.length > 0) process.exitCode = 1;
  }
}
