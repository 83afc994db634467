import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opReference } from '../docs/scripts/op-reference.js';

describe('docs/op-reference.md', () => {
  it('is what the registry generates (run `pnpm --filter @chainrule/examples op-reference` after changing an op)', () => {
    expect(readFileSync(new URL('../docs/op-reference.md', import.meta.url), 'utf8')).toBe(opReference());
  });
});
