// TeX for the backprop page: one node of the backward graph as its op applied to its operands, and
// the derivative rule that made it — printed from the rule's own graph nodes for elementwise ops.
import { Graph, OPS, type Node, type Primitive } from '@chainrule/graph';
import { VJP_RULES } from '@chainrule/autodiff';
import { toTex } from '@chainrule/graph/mathjs';

/** A TeX name for any node: its lecture name, or `g_{id}` for a node built by grad, `n_{id}` otherwise. */
export type Namer = (node: Node) => string;

const shapeTex = (shape: readonly (number | string)[]): string => `[${shape.join(',')}]`;
const group = (tex: string): string => (/^[A-Za-z0-9_{}^()\\]+$/.test(tex) ? tex : `\\left(${tex}\\right)`);

/**
 * The node as its op applied to its operands' names, e.g. `g_{21}\,y^{(1)\top}` for a matmul with its
 * second operand transposed.
 *
 * @param node - the node.
 * @param name - names of its operands.
 * @returns TeX.
 */
export function nodeTex(node: Node, name: Namer): string {
  const [a, b] = node.inputs.map((n) => group(name(n)));
  switch (node.op) {
    case 'constant':
    case 'fill':
      return node.rank === 0 ? String(node.op === 'fill' ? node.attrs['value'] : (node.attrs['value'] as { data: ArrayLike<number> }).data[0]) : name(node);
    case 'matmul':
      return `${a}${node.attrs['transposeA'] ? '^{\\top}' : ''}\\,${b}${node.attrs['transposeB'] ? '^{\\top}' : ''}`;
    case 'add':
      return `${a} + ${b}`;
    case 'sub':
      return `${a} - ${b}`;
    case 'mul':
      return node.inputs.some((n) => n.rank === 0) ? `${a} \\cdot ${b}` : `${a} \\odot ${b}`;
    case 'div':
      return `\\frac{${a}}{${b}}`;
    case 'neg':
      return `-${a}`;
    case 'square':
      return `${a}^{2}`;
    case 'sigmoid':
      return `\\sigma(${a})`;
    case 'tanh':
      return `\\tanh(${a})`;
    case 'sum':
      return `\\textstyle\\sum ${a}`;
    case 'reshape':
      return `\\operatorname{reshape}_{${shapeTex(node.shape)}}(${a})`;
    case 'broadcastTo':
      return `\\operatorname{broadcast}_{${shapeTex(node.shape)}}(${a})`;
    default:
      return `\\operatorname{${node.op}}(${node.inputs.map((n) => name(n)).join(', ')})`;
  }
}

/** Derivative rules of the structural ops, written out: ḡ is the incoming cotangent ∂ℓ/∂(output). */
const STRUCTURAL: Readonly<Record<string, string>> = {
  seed: '\\frac{\\partial \\ell}{\\partial \\ell} = 1',
  matmul: 'C = AB:\\quad \\bar A = \\bar C\\,B^{\\top},\\quad \\bar B = A^{\\top}\\bar C',
  sum: 'c = \\textstyle\\sum_i a_i:\\quad \\bar a = \\operatorname{broadcast}(\\bar c)',
  reshape: '\\bar a = \\operatorname{reshape}(\\bar c)\\ \\text{to the shape of } a',
  broadcastTo: '\\bar a = \\text{the sum of } \\bar c \\text{ over the broadcast axes}',
};

/**
 * The derivative rule a grad-built node came from (`node.origin.rule`, e.g. `vjp:sigmoid`), as TeX:
 * for elementwise ops printed from the rule's own nodes with scalar operands x, y and cotangent ḡ.
 *
 * @param rule - the origin's rule name.
 * @returns TeX, one line per operand.
 */
export function ruleTex(rule: string): string {
  const op = rule.replace(/^vjp:/, '');
  if (STRUCTURAL[op] !== undefined) return STRUCTURAL[op]!;
  const vjp = VJP_RULES[op as Primitive];
  const def = OPS[op as Primitive];
  if (vjp === undefined || def === undefined || def.kind !== 'elementwise') return `\\text{rule ${rule.replace(/[_^{}\\$&#%~]/g, ' ')}}`;
  const g = new Graph();
  const names = ['x', 'y', 'z'];
  const args = Array.from({ length: def.arity as number }, (_, i) => g.input(names[i]!, []));
  const out = g.apply(op, args, {});
  const ct = g.input('gbar', []);
  const out_ = `${op === 'sigmoid' ? '\\sigma' : `\\operatorname{${op}}`}(${args.map((a) => a.name).join(', ')})`;
  const name = (n: Node): string | undefined => (n === ct ? '\\bar g' : undefined);
  return vjp(ct, out)
    .map((make, i) => (make === null ? null : `\\bar ${args[i]!.name} = ${toTex(make(), { name })}`))
    .filter((line): line is string => line !== null)
    .map((line) => line.replace(/\\mathrm\{gbar\}|gbar/g, '\\bar g'))
    .join(',\\quad ')
    .concat(`\\qquad (\\bar g = \\partial\\ell/\\partial ${out_})`);
}
