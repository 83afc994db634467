// `pnpm release`: packs every publishable package into release/ — each one built from a clean
// slate by its prepack — and checks each tarball as a consumer will get it: publint (manifest,
// exports, files) and @arethetypeswrong/cli (types under node10, node16 and bundler resolution;
// the packages are ES modules, which CommonJS loads with require() on Node ≥ 20.19, so the rule
// against a require resolving to ESM is off). Publishing is then `pnpm changeset publish`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['graph', 'autodiff', 'optim', 'nn', 'onnx'];
const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}release`;
const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
for (const name of PACKAGES) run('pnpm', ['pack', '--pack-destination', out], `${root}packages/${name}`);
const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz'));
if (tarballs.length !== PACKAGES.length) throw new Error(`expected ${PACKAGES.length} tarballs in release/, found ${tarballs.join(', ')}`);
for (const tarball of tarballs) {
  console.log(`\n== ${tarball}`);
  run('pnpm', ['exec', 'publint', 'run', `${out}/${tarball}`, '--strict']);
  run('pnpm', ['exec', 'attw', `${out}/${tarball}`, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table']);
}
console.log(`\n${tarballs.length} packages packed and checked in release/: ${tarballs.join(', ')}`);
