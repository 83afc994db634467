// Runs every example once, quickly (the MNIST demo in its --smoke size), and fails if any of them
// fails: `pnpm --filter @chainrule/examples smoke`, part of CI.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { scripts } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
// This runner, the docs generators that write files, and the browser example's dev server (which
// serves until stopped; pnpm test:browser builds that page and runs it in Chromium).
const skip = new Set(['smoke', 'op-reference', 'rule-reference', 'browser']);
const failures: string[] = [];
for (const name of Object.keys(scripts).filter((n) => !skip.has(n))) {
  const args = name === 'mnist' || name === 'mnist-cnn' || name === 'overfitting' ? ['--smoke'] : [];
  const started = performance.now();
  const run = spawnSync('pnpm', ['run', '--silent', name, ...args], { cwd: new URL('.', import.meta.url), encoding: 'utf8' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (run.status === 0) console.log(`ok    ${name} (${seconds} s)`);
  else {
    failures.push(name);
    console.log(`FAIL  ${name} (exit ${run.status})\n${run.stdout}\n${run.stderr}`);
  }
}
if (failures.length > 0) {
  console.error(`${failures.length} example(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
