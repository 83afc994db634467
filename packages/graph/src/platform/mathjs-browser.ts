import * as mathjsModule from 'mathjs';

/**
 * Browsers: mathjs by a static import, which a bundler keeps only when the bridge is used (mathjs
 * and this package declare no side effects), so a page that never prints or parses a formula does
 * not carry it.
 *
 * @returns the mathjs module.
 * @example
 * ```ts
 * const { create, all } = loadMathjs();
 * ```
 */
export function loadMathjs(): typeof import('mathjs') {
  return mathjsModule;
}
