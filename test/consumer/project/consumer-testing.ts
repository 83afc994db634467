// The testing entry of @chainrule/autodiff, whose types come with its optional peer fast-check.
// Compiled under nodenext and bundler only: fast-check's own declarations need subpath exports,
// which node10 resolution does not read.
import { Graph, tensor } from '@chainrule/graph';
import { checkGradients } from '@chainrule/autodiff';
import { OP_SPECS, valuesIn, type OpSpec } from '@chainrule/autodiff/testing';
import fc from 'fast-check';

const spec: OpSpec = OP_SPECS.exp;
const points: fc.Arbitrary<unknown> = valuesIn(spec.domain, [2]);
const report = checkGradients((x) => x.exp().sum(), [tensor([0, 1])]);
export const ok: boolean = report.ok && new Graph().nodes.length === 0;
export { points };
