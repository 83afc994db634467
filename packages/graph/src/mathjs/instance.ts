import { all, create, type MathJsInstance } from 'mathjs';

// NOTE: created on first use, not at import: building an instance with every mathjs function is
// slow, and importing the package must not pay for (or mutate) anything.
let math: MathJsInstance | undefined;

/**
 * The mathjs instance the bridge parses and builds formulas with, created on first use. It is
 * `predictable`, so results stay real numbers (`sqrt(-1)` is NaN, not a complex number), which is
 * what the graph's kernels compute too.
 *
 * @returns the shared instance (the same object on every call).
 * @throws never; creating the instance cannot fail.
 * @example
 * ```ts
 * mathjs().parse('sin(x) * y').toString(); // 'sin(x) * y'
 * ```
 */
export function mathjs(): MathJsInstance {
  // The typings declare `all` through an index signature, hence possibly undefined; it is not.
  math ??= create(all!, { predictable: true });
  return math;
}
