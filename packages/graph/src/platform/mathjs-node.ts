import { createRequire } from 'node:module';

/**
 * Node: mathjs by a synchronous `require` on first use, so that importing `@chainrule/graph` does
 * not pay the two seconds mathjs takes to build its default instance.
 *
 * @returns the mathjs module.
 * @example
 * ```ts
 * const { create, all } = loadMathjs();
 * ```
 */
export function loadMathjs(): Pick<typeof import('mathjs'), 'create' | 'all'> {
  return createRequire(import.meta.url)('mathjs') as typeof import('mathjs');
}
