// The documentation site's structure: every guide is in the site, in reading order, and run times
// are quoted in one place only (examples/README.md), so they cannot disagree.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config from '../typedoc.config.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the documentation site', () => {
  it('lists every guide exactly once, Getting started first', () => {
    const guides = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`).sort();
    const listed = config.projectDocuments as string[];
    expect([...listed].sort()).toEqual(guides);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed[0]).toBe('docs/getting-started.md');
  });

  it('quotes run times of the examples only in examples/README.md', () => {
    const claim = /\b(about|~|under|in)\s?\d+(\.\d+)?\s?(s|seconds|min|minutes)\b|under a minute/;
    const files = ['README.md', 'docs/getting-started.md', 'docs/fighting-overfitting.md', ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => `examples/${f}`)];
    const offending = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8').split('\n').flatMap((line, i) => (claim.test(line) && !/pnpm bench|--quick/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
    expect(readFileSync(join(ROOT, 'examples/README.md'), 'utf8')).toMatch(/## Run times/);
  });
});
