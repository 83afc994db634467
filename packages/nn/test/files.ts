import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Node-only test helpers (files), apart from helpers.ts so that the other suites also run in a browser.

/** A fresh folder under the OS temp dir and a function that removes it. */
export function temporaryFolder(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `chainrule-nn-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
