import { ChainruleError, formatShape, getOp, sameShape, schedule, ShapeError, type Node } from '@chainrule/graph';
import { VJP_RULES } from './vjp/index.js';

/** Tangents of a node's inputs (`null`: that input does not depend on the directions). */
type Tangents = readonly (Node | null)[];


/** Ops that are linear in their differentiable inputs (one at a time): the tangent is the op applied to tangents. */
const LINEAR = new Set(['sum', 'reshape', 'broadcastTo', 'transpose', 'slice', 'cast', 'identity']);

/** Ops linear in each argument separately: d(f(a, b)) = f(da, b) + f(a, db). */
const BILINEAR = new Set(['matmul']);

function addAll(terms: readonly Node[], shape: Node['shape']): Node {
  let total = terms[0]!;
  for (const t of terms.slice(1)) total = total.add(t);
  return sameShape(total.shape, shape) ? total : total.broadcastTo(shape);
}

/** The tangent of one node from the tangents of its inputs: J·t, built as graph ops. */
function pushforward(node: Node, tangents: Tangents): Node {
  const g = node.graph;
  const zeroLike = (x: Node): Node => g.fill(x.shape, 0, x.dtype);
  const op = node.op;
  if (op === 'concat' || LINEAR.has(op)) {
    return g.apply(op, node.inputs.map((x, i) => tangents[i] ?? zeroLike(x)), node.attrs);
  }
  if (op === 'pad') return tangents[0]!.pad(node.attrs['before'] as number[], node.attrs['after'] as number[], 0); // the padding is constant
  if (op === 'gather' || op === 'scatterAdd') {
    // linear in the values; the indices are piecewise constant
    return tangents[0] ? g.apply(op, [tangents[0], node.inputs[1]!], node.attrs) : zeroLike(node);
  }
  if (BILINEAR.has(op)) {
    const terms = node.inputs.flatMap((_, i) => (tangents[i] ? [g.apply(op, node.inputs.map((x, j) => (j === i ? tangents[i]! : x)), node.attrs)] : []));
    return addAll(terms, node.shape);
  }
  if (op === 'solve') {
    // X = A⁻¹B  ⇒  dX = A⁻¹(dB − dA·X)
    const [tA, tB] = tangents;
    const rhs = tA ? (tB ?? zeroLike(node)).sub(tA.matmul(node)) : tB!;
    return g.solve(node.inputs[0]!, rhs);
  }
  if (op === 'max') {
    // the tangent flows from the maximal entries, shared equally between ties (as in the VJP)
    const [vjpOfMax] = VJP_RULES.max!(g.fill(node.shape, 1, node.dtype), node);
    return tangents[0]!.mul(vjpOfMax!()).sum(node.attrs['axes'] as number[] | undefined, node.attrs['keepDims'] as boolean);
  }
  if (getOp(op)?.kind === 'elementwise') {
    // Elementwise ops have diagonal Jacobians, so J·t is the VJP rule applied to t (broadcasting included).
    const rule = VJP_RULES[op as keyof typeof VJP_RULES];
    if (rule === undefined) throw new ChainruleError(`jvp: no derivative rule for op '${op}' (at ${node})`);
    const terms = node.inputs.flatMap((_, i) => {
      const t = tangents[i];
      if (!t) return [];
      const lazy = rule(t, node)[i];
      return lazy ? [lazy()] : [];
    });
    return terms.length === 0 ? zeroLike(node) : addAll(terms, node.shape);
  }
  throw new ChainruleError(`jvp: no forward rule for op '${op}' (at ${node})`);
}

/**
 * Forward mode: the Jacobian-vector product J·v of `output` with respect to `wrt` along
 * `tangents`, pushed forward node by node in topological order (t_y = Σᵢ J_xᵢ(y)·t_xᵢ). Forward mode
 * has no `where` trap: the untaken branch's tangent is never selected.
 *
 * @param output - the node y.
 * @param wrt - the nodes x.
 * @param tangents - one direction per x, shaped like it.
 * @returns J·v, shaped like y (zeros when y does not depend on x).
 * @throws ChainruleError when the counts differ, a node belongs to another graph, or an op on the
 *   path has no forward rule.
 * @throws ShapeError when a tangent's shape or dtype differs from its x's.
 * @example
 * ```ts
 * const dy = jvp(y, [x], [g.fill(x.shape, 1)]); // directional derivative along 1
 * ```
 */
export function jvp(output: Node, wrt: readonly Node[], tangents: readonly Node[]): Node {
  if (wrt.length !== tangents.length) throw new ChainruleError(`jvp: ${wrt.length} inputs but ${tangents.length} tangents`);
  const g = output.graph;
  const tangent = new Map<Node, Node>();
  wrt.forEach((x, i) => {
    const t = tangents[i]!;
    if (t.graph !== g || x.graph !== g) throw new ChainruleError('jvp: every node must belong to the output’s graph');
    if (!sameShape(t.shape, x.shape) || t.dtype !== x.dtype) {
      throw new ShapeError(`jvp: tangent ${i} is ${t.dtype} ${formatShape(t.shape)}, expected ${x.dtype} ${formatShape(x.shape)}`);
    }
    tangent.set(x, t);
  });
  for (const node of schedule([output])) {
    if (tangent.has(node) || !getOp(node.op)?.differentiable) continue;
    const ts = node.inputs.map((m) => tangent.get(m) ?? null);
    if (ts.every((t) => t === null)) continue;
    tangent.set(node, g.withOrigin({ node: node.id, rule: `jvp:${node.op}` }, () => pushforward(node, ts)));
  }
  return tangent.get(output) ?? g.fill(output.shape, 0, output.dtype);
}
