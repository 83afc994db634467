// The op reference, generated from the op registry, the derivative rules and the gradient spec
// table (conventions at kinks) so that it cannot drift from the code:
// `pnpm --filter @chainrule/examples op-reference` rewrites docs/op-reference.md, and
// test/op-reference.test.ts fails when the committed file differs.
import { Graph, OPS, PRIMITIVES, toExpression, type Node, type Primitive } from '@chainrule/graph';
import { VJP_RULES } from '@chainrule/autodiff';
import { OP_SPECS, type OpSpec } from '@chainrule/autodiff/testing';

/** The spec rows by op, for the convention each states at the op's kinks. */
const SPECS: Partial<Record<Primitive, OpSpec>> = OP_SPECS;

/** The VJP of an elementwise op written out for scalar operands `x`, `y`, `c` and cotangent `g`. */
function vjpFormulas(op: string): string {
  const rule = VJP_RULES[op as keyof typeof VJP_RULES];
  const def = OPS[op as keyof typeof OPS];
  if (rule === undefined || def.kind !== 'elementwise' || op === 'cast') return '';
  const g = new Graph();
  const names = def.arity === 3 ? ['c', 'x', 'y'] : ['x', 'y'];
  const args = Array.from({ length: def.arity as number }, (_, i) => g.input(names[i]!, []));
  const out = g.apply(op, args, {});
  const ct = g.input('g', []);
  const lazy = rule(ct, out);
  const name = (n: Node): string | undefined => (n === out ? `${op}(${args.map((a) => a.name).join(', ')})` : undefined);
  return lazy
    .map((make, i) => (make ? `∂/∂${args[i]!.name}: \`${toExpression(make(), { name, calls: true, form: 'mathjs' })}\`` : null))
    .filter((s) => s !== null)
    .join('<br>');
}

/**
 * The primitives that go beyond the lecture (which stops at fully connected networks): the
 * convolutional network's ops, listed in a section of their own with a pointer to the guide.
 */
const BEYOND_THE_LECTURE: readonly Primitive[] = [
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'maxPool2d',
  'maxPool2dBackprop',
  'maxPool2dSelect',
  'avgPool2d',
  'avgPool2dBackprop',
  'batchNorm',
  'layerNorm',
];

/** A table cell: pipes escaped so that they do not end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/**
 * The op reference as Markdown: one row per primitive with its kind, arity, summary, shape rule,
 * derivative rule and convention at kinks.
 *
 * @returns the whole document.
 */
export function opReference(): string {
  const rows = PRIMITIVES.map((op) => {
    const def = OPS[op];
    const arity = def.arity === 'variadic' ? '1+' : String(def.arity);
    const derivative = !def.differentiable ? 'none' : vjpFormulas(op) || `rule \`vjp:${op}\` (see \`packages/autodiff/src/vjp\`)`;
    return `| <a id="op-${op}"></a>\`${op}\` | ${def.kind} | ${arity} | ${cell(def.summary)} | ${cell(def.shapeRule)} | ${cell(derivative)} | ${cell(SPECS[op]?.kink ?? '')} |`;
  });
  const kinds = [...new Set(PRIMITIVES.map((op) => OPS[op].kind))];
  const index = kinds.map((kind) => `- ${kind}: ${PRIMITIVES.filter((op) => OPS[op].kind === kind).map((op) => `[\`${op}\`](#op-${op})`).join(' · ')}`);
  return `---
title: Op reference
---

# Op reference

Generated from the op registry (\`OPS\`), the derivative rules (\`VJP_RULES\`) and the gradient
spec table (\`OP_SPECS\`, for the conventions) by \`docs/scripts/op-reference.ts\`; do not edit
by hand. Derivatives of elementwise ops are printed from the rule's own graph nodes for scalar
operands, with \`g\` the incoming cotangent ∂ℓ/∂out. Each op has an anchor, \`#op-<name>\`.

${index.join('\n')}

## Beyond the lecture

The lecture stops at fully connected networks. These primitives are for convolutional networks
(NHWC activations, HWIO filters); the guide [Beyond the lecture](beyond-the-lecture.md) shows them
at work in layers, and \`examples/mnist-cnn.ts\` trains one on MNIST:
${BEYOND_THE_LECTURE.map((op) => `[\`${op}\`](#op-${op})`).join(' · ')}.

## All primitives

| op | kind | inputs | what it computes | output shape | derivative (VJP) | convention |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}
