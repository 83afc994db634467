// Where the browser scripts find Chromium: Debian's `chromium`, or the browser named by CHROMIUM_PATH;
// never one that an npm install downloads.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The path of a Chromium binary; exits with a message saying how to install one when there is none.
 *
 * @returns the path.
 */
export function findChromium(): string {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  for (const path of candidates) if (existsSync(path)) return path;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    console.error('pnpm test:browser needs Chromium: install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium or Chrome binary.');
    process.exit(1);
  }
}
