import { ChainruleError, expectNode, expectNodes, formatShape, getOp, sameShape, schedule, ShapeError, type Node, type Pool2dAttrs, type Primitive, type RawAttrs } from '@chainrule/graph';
import { VJP_RULES } from './vjp/index.js';
import { normalizationTangents } from './vjp/normalization.js';

/** Tangents of a node's inputs (`null`: that input does not depend on the directions). */
type Tangents = readonly (Node | null)[];


function addAll(terms: readonly Node[], shape: Node['shape']): Node {
  let total = terms[0]!;
  for (const t of terms.slice(1)) total = total.add(t);
  return sameShape(total.shape, shape) ? total : total.broadcastTo(shape);
}

/**
 * Forward rules of the ops that are neither linear (their op definition says `linear`) nor
 * elementwise (whose Jacobian is diagonal, so the VJP rule applied to t gives J·t).
 */
const JVP_RULES = {
  solve: (node, [tA, tB]) => {
    // X = A⁻¹B  ⇒  dX = A⁻¹(dB − dA·X)
    const rhs = tA ? (tB ?? zeroLike(node)).sub(tA.matmul(node)) : tB!;
    return node.graph.solve(node.inputs[0]!, rhs);
  },
  max: (node, [t]) => {
    // the tangent flows from the maximal entries, shared equally between ties (as in the VJP)
    const [vjpOfMax] = VJP_RULES.max!(node.graph.fill(node.shape, 1, node.dtype), node);
    return t!.mul(vjpOfMax!()).sum(node.attrs['axes'] as number[] | undefined, node.attrs['keepDims'] as boolean);
  },
  ...normalizationTangents,
  maxPool2d: (node, [t]) => {
    // ẏ = R(x)ᵀ·ẋ: each window's mean of the tangent over its maxima (ties share equally, as in the VJP)
    const { windowShape, strides, padding } = node.attrs as unknown as Pool2dAttrs;
    return node.graph.maxPool2dSelect(node.inputs[0]!, t!, { windowShape, strides, padding });
  },
} satisfies Partial<Record<Primitive, (node: Node, tangents: Tangents) => Node>>;

const zeroLike = (x: Node): Node => x.graph.fill(x.shape, 0, x.dtype);

/** The tangent of one node from the tangents of its inputs: J·t, built as graph ops. */
function pushforward(node: Node, tangents: Tangents): Node {
  const g = node.graph;
  const op = node.op;
  const def = getOp(op);
  const linear = def?.linear;
  if (linear !== undefined) {
    const operands = linear.operands ?? node.inputs.map((_, i) => i);
    if (operands.every((i) => !tangents[i])) return zeroLike(node);
    const attrs = linear.tangentAttrs ? linear.tangentAttrs(node.attrs) : node.attrs;
    // Jointly: f(t₀, t₁, …), every linear operand replaced by its tangent (zeros where it has none).
    const withTangents = (chosen: readonly number[]): Node =>
      g.apply(op, node.inputs.map((x, i) => (chosen.includes(i) ? tangents[i] ?? zeroLike(x) : x)), attrs as RawAttrs);
    if (linear.mode === 'jointly') return withTangents(operands);
    // Separately: Σᵢ f(…, tᵢ, …), the other operands at their values.
    return addAll(operands.filter((i) => tangents[i]).map((i) => withTangents([i])), node.shape);
  }
  const rule = (JVP_RULES as Partial<Record<string, (node: Node, tangents: Tangents) => Node>>)[op];
  if (rule !== undefined) return rule(node, tangents);
  if (def?.kind === 'elementwise') {
    // Elementwise ops have diagonal Jacobians, so J·t is the VJP rule applied to t (broadcasting included).
    const vjp = VJP_RULES[op as keyof typeof VJP_RULES];
    if (vjp === undefined) throw new ChainruleError(`jvp: no derivative rule for op '${op}' (at ${node})`);
    const terms = node.inputs.flatMap((_, i) => {
      const t = tangents[i];
      if (!t) return [];
      const lazy = vjp(t, node)[i];
      return lazy ? [lazy()] : [];
    });
    return terms.length === 0 ? zeroLike(node) : addAll(terms, node.shape);
  }
  throw new ChainruleError(`jvp: no forward rule for op '${op}' (at ${node})`);
}

/**
 * Whether forward mode can push a tangent through an op: it is linear, elementwise with a VJP rule,
 * or has a rule of its own.
 *
 * @param op - a primitive op name.
 * @returns true when {@link jvp} handles it.
 * @example
 * ```ts
 * hasForwardRule('matmul'); // true: it is bilinear
 * ```
 */
export function hasForwardRule(op: string): boolean {
  const def = getOp(op);
  if (def === undefined) return false;
  return def.linear !== undefined || Object.hasOwn(JVP_RULES, op) || (def.kind === 'elementwise' && Object.hasOwn(VJP_RULES, op));
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
  expectNode('jvp', 'output', output);
  expectNodes('jvp', 'wrt', wrt);
  expectNodes('jvp', 'tangents', tangents);
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
