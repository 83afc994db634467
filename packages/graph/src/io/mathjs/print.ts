import type { MathNode } from 'mathjs';
import { ExpressionError } from '../../core/errors.js';

/**
 * The most nodes a printed formula may have, counting a shared subtree once per place it appears
 * (a graph node used several times is written out each time, so a formula can be exponentially
 * larger than its graph).
 */
export const MAX_PRINTED_NODES = 4_000_000;

/** A mathjs node's direct children (`forEach` visits only those). */
function childrenOf(m: MathNode): MathNode[] {
  const out: MathNode[] = [];
  m.forEach((child) => void out.push(child));
  return out;
}

/**
 * Every node of a mathjs tree (or DAG, shared subtrees once), children before parents, found
 * with an explicit stack: the trees chainrule builds and prints may be any depth.
 */
function postOrder(root: MathNode): MathNode[] {
  const order: MathNode[] = [];
  const seen = new Set<MathNode>([root]);
  const stack: [MathNode, MathNode[] | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top[1] === undefined) {
      top[1] = childrenOf(top[0]).reverse();
    }
    const next = top[1].pop();
    if (next === undefined) {
      stack.pop();
      order.push(top[0]);
    } else if (!seen.has(next)) {
      seen.add(next);
      stack.push([next, undefined]);
    }
  }
  return order;
}

/**
 * Prints a mathjs tree as mathjs itself would (`toString` or `toTex` with the given options), but
 * one node at a time from the leaves up: each node is printed by mathjs with its children's text
 * supplied by a handler, so mathjs decides every parenthesis from the real children while no call
 * nests deeper than one level. A tree of any depth prints; a formula of more than
 * {@link MAX_PRINTED_NODES} nodes (written out) is refused.
 *
 * @param root - the tree.
 * @param format - `'string'` or `'tex'`.
 * @param options - mathjs's printing options (`parenthesis`, `implicit`, …).
 * @param handler - a custom handler of the caller's, asked first for each node (as mathjs's `handler`).
 * @returns the text.
 * @throws ExpressionError when the written-out formula is too large.
 * @example
 * ```ts
 * printMath(mathjs().parse('a + b'), 'string', { parenthesis: 'keep' }); // 'a + b'
 * ```
 */
export function printMath(
  root: MathNode,
  format: 'string' | 'tex',
  options: Readonly<Record<string, unknown>>,
  handler?: (node: MathNode, options: object) => string | undefined,
): string {
  const order = postOrder(root);
  const size = new Map<MathNode, number>();
  for (const m of order) {
    let n = 1;
    m.forEach((child) => void (n += size.get(child)!));
    if (n > MAX_PRINTED_NODES) {
      throw new ExpressionError(`the formula would have more than ${MAX_PRINTED_NODES} parts written out (a node used several times is written out each time); print a part of it, or name shared nodes with options.name`);
    }
    size.set(m, n);
  }
  const text = new Map<MathNode, string>();
  for (const m of order) {
    const withChildren = {
      ...options,
      handler: (node: MathNode, opts: object): string | undefined => (node === m ? handler?.(node, opts) : text.get(node) ?? handler?.(node, opts)),
    };
    text.set(m, format === 'string' ? m.toString(withChildren) : m.toTex(withChildren));
  }
  return text.get(root)!;
}

/**
 * A quotation of (the start of) a text for an error message.
 *
 * @param text - the text.
 * @param max - the most characters to show.
 * @returns `'text'`, shortened with `…` when longer than `max`.
 */
export function quoted(text: string, max = 120): string {
  return text.length > max ? `'${text.slice(0, max)}…' (${text.length} characters)` : `'${text}'`;
}
