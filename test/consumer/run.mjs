// `pnpm test:consumer`: the packages as a user gets them. Installs the tarballs of release/ (made by
// `pnpm release`) into fresh projects outside the workspace — once with npm, once with pnpm — and
// runs there what a user would: the README's first model as plain Node ESM, every package README's
// example, TypeScript builds under nodenext, bundler and node10 resolution (and a deliberate type
// error that must be caught), CommonJS require(), a checkpoint round trip with @chainrule/nn, and a
// training step exported and run with @chainrule/onnx. Needs only the npm registry.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RELEASE = join(ROOT, 'release');
const PROJECT = fileURLToPath(new URL('project/', import.meta.url));
const PACKAGES = ['graph', 'autodiff', 'optim', 'nn', 'onnx'];
// What a consumer adds next to the packages; versions as the workspace pins them.
// fast-check: the optional peer that @chainrule/autodiff/testing (used by consumer.ts) needs.
const TOOLS = ['typescript@6.0.3', '@types/node@20.19.43', 'fast-check@4.11.0'];
const ONNX_RUNTIME = 'onnxruntime-node@1.30.0';

if (!existsSync(RELEASE)) throw new Error('release/ is missing: run `pnpm release` first');
const tarballs = PACKAGES.map((name) => {
  const file = readdirSync(RELEASE).find((f) => f.startsWith(`chainrule-${name}-`) && f.endsWith('.tgz'));
  if (file === undefined) throw new Error(`release/ has no tarball of @chainrule/${name}: run \`pnpm release\``);
  return join(RELEASE, file);
});

let passed = 0;
const failures = [];
/** Runs one check; a failure is recorded with its output and the run goes on. */
function check(what, run) {
  const started = Date.now();
  try {
    const output = run();
    passed++;
    console.log(`ok   ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)${output ? `\n     ${output.trim().split('\n').join('\n     ')}` : ''}`);
  } catch (e) {
    failures.push(what);
    console.log(`FAIL ${what}\n${e.stdout ?? ''}${e.stderr ?? ''}${e.stdout === undefined ? e.stack : ''}`);
  }
}

const sh = (cwd, command, args, env = {}) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
const node = (cwd, file) => sh(cwd, process.execPath, [file]);

/** The code block under `## Example` of a package's README. */
function readmeExample(name) {
  const text = readFileSync(join(ROOT, 'packages', name, 'README.md'), 'utf8');
  const match = /## Example\s+```js\n([\s\S]*?)```/.exec(text);
  if (match === null) throw new Error(`packages/${name}/README.md has no js block under ## Example`);
  return match[1];
}

/** tsc --noEmit over `files` with the given module settings; returns the compiler's output. */
function typecheck(dir, name, compilerOptions, files) {
  const config = join(dir, `tsconfig.${name}.json`);
  const base = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2023'], types: ['node'] };
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...base, ...compilerOptions }, files }, null, 2));
  return sh(dir, process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', config]);
}

function consumerProject(manager) {
  const dir = mkdtempSync(join(tmpdir(), `chainrule-consumer-${manager}-`));
  cpSync(PROJECT, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${manager}`, private: true, type: 'module' }, null, 2));
  for (const name of PACKAGES) writeFileSync(join(dir, `readme-${name}.mjs`), readmeExample(name));
  return dir;
}

function runChecks(dir, manager) {
  check(`${manager}: the README's first model trains (plain Node ESM)`, () => node(dir, 'first-model.mjs'));
  for (const name of PACKAGES) check(`${manager}: @chainrule/${name} README example runs`, () => node(dir, `readme-${name}.mjs`));
  check(`${manager}: @chainrule/nn trains, saves and reloads a checkpoint`, () => node(dir, 'checkpoint.mjs'));
  check(`${manager}: @chainrule/onnx exports a training step and runs it on ONNX Runtime`, () => node(dir, 'onnx-step.mjs'));
  check(`${manager}: require() from CommonJS`, () => node(dir, 'require.cjs'));
  const settings = {
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'preserve', moduleResolution: 'bundler' },
    node10: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
  };
  for (const [name, options] of Object.entries(settings)) {
    const files = name === 'node10' ? ['consumer.ts'] : ['consumer.ts', 'consumer-testing.ts'];
    check(`${manager}: TypeScript (${name}) compiles a consumer`, () => typecheck(dir, name, options, files));
    check(`${manager}: TypeScript (${name}) catches a type error`, () => {
      try {
        typecheck(dir, `${name}-error`, options, ['type-error.ts']);
      } catch (e) {
        const out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
        if (/type-error\.ts\(6,35\): error TS2322/.test(out)) return 'error TS2322 at type-error.ts(6,35), as it should';
        throw new Error(`expected error TS2322 at type-error.ts(6,35), got:\n${out}`);
      }
      throw new Error('the deliberate type error compiled');
    });
  }
}

const started = Date.now();
const npmDir = consumerProject('npm');
const pnpmDir = consumerProject('pnpm');
try {
  check('npm: installs the tarballs', () => sh(npmDir, 'npm', ['install', '--no-audit', '--no-fund', ...tarballs, ...TOOLS]) && '');
  check('npm: without onnxruntime-node, toONNX works and compileOnnx names the install line', () => node(npmDir, 'onnx-missing.mjs'));
  check('npm: installs onnxruntime-node as documented (its GPU download skipped)', () =>
    sh(npmDir, 'npm', ['install', '--no-audit', '--no-fund', ONNX_RUNTIME], { ONNXRUNTIME_NODE_INSTALL: 'skip' }) && '');
  runChecks(npmDir, 'npm');
  check('pnpm: installs the tarballs and onnxruntime-node (overrides and its install script declared as documented)', () => {
    // Until the packages are on the registry, pnpm needs every @chainrule package that another one
    // depends on pointed at its tarball; onnxruntime-node's install script is declared, not run.
    const overrides = PACKAGES.map((name, i) => `  '@chainrule/${name}': 'file:${tarballs[i]}'`).join('\n');
    writeFileSync(join(pnpmDir, 'pnpm-workspace.yaml'), `overrides:\n${overrides}\nallowBuilds:\n  onnxruntime-node: false\n`);
    sh(pnpmDir, 'pnpm', ['add', ...tarballs, ...TOOLS, ONNX_RUNTIME]);
    return '';
  });
  runChecks(pnpmDir, 'pnpm');
} finally {
  for (const dir of [npmDir, pnpmDir]) rmSync(dir, { recursive: true, force: true });
}
console.log(`\nconsumer: ${passed} passed, ${failures.length} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) {
  console.log(`failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
