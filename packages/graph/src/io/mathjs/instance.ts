import { loadMathjs } from '#mathjs';
import type { MathJsInstance } from 'mathjs';

// NOTE: in Node, mathjs is loaded on first use, not at import: loading it builds its default
// instance, which takes about two seconds, and importing @chainrule/graph must not pay for that. A
// synchronous require keeps the bridge's functions synchronous. In a browser build it is a static
// import that the bundler drops when the bridge is not used (see `#mathjs`).
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
    const { create, all } = loadMathjs();
    // The typings declare `all` through an index signature, hence possibly undefined; it is not.
    math = create(all!, { predictable: true });
  }
  return math;
}
