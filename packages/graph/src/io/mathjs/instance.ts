import { createRequire } from 'node:module';
import type { MathJsInstance } from 'mathjs';

// NOTE: mathjs is loaded on first use, not at import: loading it builds its default instance,
// which takes about two seconds, and importing @chainrule/graph must not pay for that. A
// synchronous require keeps the bridge's functions synchronous.
let math: MathJsInstance | undefined;

/**
 * The mathjs instance the bridge parses and builds formulas with, loaded and created on first use.
 * It is `predictable`, so results stay real numbers (`sqrt(-1)` is NaN, not a complex number),
 * which is what the graph's kernels compute too.
 *
 * @returns the shared instance (the same object on every call).
 * @throws never; creating the instance cannot fail.
 * @example
 * ```ts
 * mathjs().parse('sin(x) * y').toString(); // 'sin(x) * y'
 * ```
 */
export function mathjs(): MathJsInstance {
  if (math === undefined) {
    const { create, all } = createRequire(import.meta.url)('mathjs') as typeof import('mathjs');
    // The typings declare `all` through an index signature, hence possibly undefined; it is not.
    math = create(all!, { predictable: true });
  }
  return math;
}
