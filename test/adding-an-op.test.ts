import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPS, PRIMITIVES } from '@chainrule/graph';
import { describe, expect, it } from 'vitest';

// docs/adding-an-op.md lists the files a new elementwise primitive touches, and the files that name
// many ops but need no edit. This keeps both lists true: a new hand-kept list of ops anywhere in the
// repository fails here until it is derived from the registry or listed (and justified) in the guide.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GUIDE = readFileSync(join(ROOT, 'docs/adding-an-op.md'), 'utf8');
/** The op the guide walks through end to end. */
const WALKTHROUGH_OP = 'log1p';

/** The backticked paths in the first column of the Markdown table under `heading`. */
function tableFiles(heading: string): string[] {
  const start = GUIDE.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`docs/adding-an-op.md has no section '${heading}'`);
  const section = GUIDE.slice(start, GUIDE.indexOf('\n## ', start + 1) >>> 0 || undefined);
  return [...section.matchAll(/^\|(?: \d+ \|)? `([^`]+)` \|/gm)].map((m) => m[1]!);
}

const SKIP = new Set(['node_modules', 'dist', 'api', '.git', 'pictures']);
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|md)$/.test(e.name) ? [path] : [];
  });
}

/** The text of a file without comments (prose may name ops freely). */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

/** The elementwise primitives formulas can name: a file naming most of them is a table of ops. */
const NAMED_ELEMENTWISE = PRIMITIVES.filter((p) => OPS[p].kind === 'elementwise' && (OPS[p] as { mathFunction?: string }).mathFunction !== undefined);
const namesMostOps = (text: string): boolean =>
  NAMED_ELEMENTWISE.filter((op) => new RegExp(`\\b${op}\\b`).test(text)).length >= Math.ceil(0.75 * NAMED_ELEMENTWISE.length);

describe('docs/adding-an-op.md', () => {
  const mustTouch = tableFiles('The files a new elementwise primitive touches');
  const noEdit = tableFiles('Files that name many ops and need no edit');

  it('lists at most 8 files to touch, each of which exists and holds the walkthrough op', () => {
    expect(mustTouch.length).toBeGreaterThan(0);
    expect(mustTouch.length).toBeLessThanOrEqual(8);
    for (const file of mustTouch) {
      const path = join(ROOT, file);
      expect(existsSync(path), file).toBe(true);
      expect(readFileSync(path, 'utf8'), `${file} should hold ${WALKTHROUGH_OP}`).toMatch(new RegExp(`\\b${WALKTHROUGH_OP}\\b`));
    }
  });

  it('accounts for every file that names most elementwise ops in code', () => {
    const listed = new Set([...mustTouch, ...noEdit]);
    const tables = [...files(join(ROOT, 'packages')), ...files(join(ROOT, 'test')), ...files(join(ROOT, 'docs')), ...files(join(ROOT, 'examples')), ...files(join(ROOT, 'bench'))]
      .filter((path) => namesMostOps(path.endsWith('.md') ? readFileSync(path, 'utf8') : withoutComments(readFileSync(path, 'utf8'))))
      .map((path) => relative(ROOT, path))
      .filter((file) => file !== 'docs/adding-an-op.md');
    expect(tables.filter((file) => !listed.has(file)), 'files naming most elementwise ops that the guide does not list').toEqual([]);
    expect(noEdit.filter((file) => !tables.includes(file)), 'listed as naming many ops, but they no longer do').toEqual([]);
  });

  it('the scan recognises a table of ops and ignores prose', () => {
    expect(namesMostOps(NAMED_ELEMENTWISE.map((op) => `'${op}',`).join('\n'))).toBe(true);
    expect(namesMostOps(withoutComments(`/** ${NAMED_ELEMENTWISE.join(' ')} */\nconst x = 1;`))).toBe(false);
  });
});
