import { ShapeError, expectNode, formatShape, isConcrete, type Node } from '@chainrule/graph';
import { grad } from './backward.js';

function concreteSize(n: Node, what: string): number {
  if (!isConcrete(n.shape)) throw new ShapeError(`${what}: ${n} has symbolic shape ${formatShape(n.shape)}; a Jacobian needs concrete shapes`);
  return n.shape.reduce((a: number, d) => a * (d as number), 1);
}

/**
 * The full Jacobian ∂y/∂x as a node of shape `[...y.shape, ...x.shape]`: one reverse pass per
 * element of y, stacked.
 *
 * @param output - the node y (concrete shape).
 * @param wrt - the node x (concrete shape).
 * @returns J with J[i…, j…] = ∂yᵢ/∂xⱼ.
 * @throws ShapeError when y or x has a symbolic shape.
 * @example
 * ```ts
 * jacobian(x.softmax(), x); // [n, n]
 * ```
 */
export function jacobian(output: Node, wrt: Node): Node {
  expectNode('jacobian', 'output', output);
  expectNode('jacobian', 'wrt', wrt, output.graph);
  const m = concreteSize(output, 'jacobian');
  const n = concreteSize(wrt, 'jacobian');
  const g = output.graph;
  const flat = output.reshape([m]);
  const rows = Array.from({ length: m }, (_, i) => grad(flat.slice([i], [1]).sum(), [wrt])[0]!.reshape([1, n]));
  const stacked = rows.length === 0 ? g.fill([0, n], 0, output.dtype) : rows.length === 1 ? rows[0]! : g.concat(rows, 0);
  return stacked.reshape([...output.shape, ...wrt.shape]);
}

/**
 * The Hessian ∇²y of a scalar y with respect to x, of shape `[...x.shape, ...x.shape]`: the
 * Jacobian of the gradient graph.
 *
 * @param y - a scalar node.
 * @param wrt - the node x (concrete shape).
 * @returns H with H[i…, j…] = ∂²y/∂xᵢ∂xⱼ.
 * @throws ShapeError when y is not a scalar or x has a symbolic shape.
 * @example
 * ```ts
 * const H = hessian(loss, w); // for Newton's method: solve(H, ∇f)
 * ```
 */
export function hessian(y: Node, wrt: Node): Node {
  expectNode('hessian', 'y', y);
  expectNode('hessian', 'wrt', wrt, y.graph);
  return jacobian(grad(y, [wrt])[0]!, wrt);
}

/**
 * The Hessian-vector product ∇²y·v without forming the Hessian: the gradient of ⟨∇y, v⟩.
 *
 * @param y - a scalar node.
 * @param wrt - the node x.
 * @param v - a direction shaped like x.
 * @returns ∇²y·v, shaped like x.
 * @throws ShapeError when y is not a scalar or v's shape does not broadcast with x's.
 * @example
 * ```ts
 * const Hv = hvp(loss, w, direction);
 * ```
 */
export function hvp(y: Node, wrt: Node, v: Node): Node {
  expectNode('hvp', 'y', y);
  expectNode('hvp', 'wrt', wrt, y.graph);
  expectNode('hvp', 'v', v, y.graph);
  const [dy] = grad(y, [wrt]);
  return grad(dy!.mul(v).sum(), [wrt])[0]!;
}
