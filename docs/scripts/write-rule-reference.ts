// Writes docs/rule-reference.md (see rule-reference.ts). Run with `pnpm --filter @chainrule/examples rule-reference`.
import { writeFileSync } from 'node:fs';
import { ruleReference } from './rule-reference.js';

writeFileSync(new URL('../rule-reference.md', import.meta.url), ruleReference());
