import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleReference } from '../docs/scripts/rule-reference.js';

describe('docs/rule-reference.md', () => {
  it('is what the rules print (run `pnpm --filter @chainrule/examples rule-reference` after changing a rule)', () => {
    expect(readFileSync(new URL('../docs/rule-reference.md', import.meta.url), 'utf8')).toBe(ruleReference());
  });
});
