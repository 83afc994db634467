import { all, create } from 'mathjs';

/**
 * Browsers: mathjs's `create` and `all` by a static import, which a bundler keeps only when the bridge
 * is used (mathjs and this package declare no side effects), so a page that never prints or parses a
 * formula does not carry it. Only these two are imported: mathjs's default instance, which its
 * other exports would build when the page loads (about half a second), is left out of the bundle;
 * the bridge creates its own instance on first use.
 *
 * @returns `create` and the factories.
 * @example
 * ```ts
 * const { create, all } = loadMathjs();
 * ```
 */
export function loadMathjs(): Pick<typeof import('mathjs'), 'create' | 'all'> {
  return { create, all };
}
