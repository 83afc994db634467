// Types of typedoc.config.mjs, for the tests that read it (test/docs-site.test.ts).
import type { TypeDocOptions } from 'typedoc';

/** The TypeDoc options of the documentation site. */
declare const config: Partial<TypeDocOptions>;
export default config;
