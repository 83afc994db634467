// Runs as each package's `prepack` (pnpm pack, pnpm publish, changeset publish): builds the package
// from a clean slate, so a tarball always holds a fresh dist/ — .js, .d.ts and their source maps,
// never files left over from an older layout — and the repository's license.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-b', '.'], { stdio: 'inherit' });
copyFileSync(new URL('../LICENSE', import.meta.url), 'LICENSE');
