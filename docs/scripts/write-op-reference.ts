// Writes docs/op-reference.md (see op-reference.ts). Run with `pnpm --filter @chainrule/examples op-reference`.
import { writeFileSync } from 'node:fs';
import { opReference } from './op-reference.js';

writeFileSync(new URL('../op-reference.md', import.meta.url), opReference());
