/**
 * Lists of ops for the tests, derived from the op registry so that a new primitive joins them
 * without editing any test.
 */
import { AttrError, AttrReader, OPS, PRIMITIVES, type Primitive } from '@chainrule/graph';

/** Whether an op's attributes parse from `{}`, so `g.apply(op, inputs)` builds it as is. */
export function needsNoAttrs(op: Primitive): boolean {
  try {
    OPS[op].parseAttrs(new AttrReader({}));
    return true;
  } catch (e) {
    if (e instanceof AttrError) return false;
    throw e;
  }
}

/**
 * The elementwise primitives of one arity that need no attributes, in registry order.
 *
 * @param arity - number of operands.
 * @returns their names.
 * @example
 * ```ts
 * elementwiseOps(2); // ['add', 'sub', 'mul', …, 'equal']
 * ```
 */
export function elementwiseOps(arity: number): Primitive[] {
  return PRIMITIVES.filter((op) => OPS[op].kind === 'elementwise' && OPS[op].arity === arity && needsNoAttrs(op));
}
