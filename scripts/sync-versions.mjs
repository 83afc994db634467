// After `changeset version` bumps the packages: writes each package's version into the VERSION
// constant its entry point exports (test/workspace.test.ts checks the two agree).
import { readFileSync, writeFileSync } from 'node:fs';

for (const name of ['graph', 'autodiff', 'optim', 'nn', 'onnx']) {
  const dir = new URL(`../packages/${name}/`, import.meta.url);
  const { version } = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8'));
  const entry = new URL('src/index.ts', dir);
  const source = readFileSync(entry, 'utf8');
  const next = source
    .replace(/export const VERSION = '[^']*';/, `export const VERSION = '${version}';`)
    .replace(/VERSION; \/\/ '[^']*'/, `VERSION; // '${version}'`);
  if (!next.includes(`export const VERSION = '${version}';`)) throw new Error(`packages/${name}/src/index.ts has no VERSION constant to update`);
  writeFileSync(entry, next);
}
