/**
 * The op registry against the rest of the package: every primitive has a builder method, and every
 * op definition's facts agree with each other.
 */
import { describe, expect, it } from 'vitest';
import { Graph, Node, OPS, PRIMITIVES } from '../src/index.js';

const isMethod = (prototype: object, name: string): boolean => typeof (prototype as Record<string, unknown>)[name] === 'function';

describe('the fluent builder', () => {
  it('has a method of its own name on Node or Graph for every primitive', () => {
    // dimSize is an internal of the mean composite, which builds it through graph.apply.
    const missing = PRIMITIVES.filter((op) => op !== 'dimSize' && !isMethod(Node.prototype, op) && !isMethod(Graph.prototype, op));
    expect(missing, 'primitives with no builder method on Node or Graph').toEqual([]);
  });
});

describe('every op definition', () => {
  it('is registered under its own name', () => {
    expect(PRIMITIVES.filter((op) => OPS[op].name !== op), 'ops registered under another name').toEqual([]);
  });

  it('has a fuse template when elementwise, so the compiler can fuse it', () => {
    const missing = PRIMITIVES.filter((op) => OPS[op].kind === 'elementwise' && OPS[op].fuse === undefined);
    expect(missing, 'elementwise ops without a fuse template').toEqual([]);
  });

  it('is a source when its value comes from outside the graph (external)', () => {
    expect(PRIMITIVES.filter((op) => OPS[op].external !== undefined && OPS[op].kind !== 'source'), 'external ops not of kind source').toEqual([]);
  });

  it('is differentiable when it declares its linearity', () => {
    expect(PRIMITIVES.filter((op) => OPS[op].linear !== undefined && !OPS[op].differentiable), 'linear ops not marked differentiable').toEqual([]);
  });

  it('is not elementwise when it has a planned kernel (a fused loop would bypass the plan)', () => {
    expect(PRIMITIVES.filter((op) => OPS[op].plan !== undefined && OPS[op].kind === 'elementwise'), 'elementwise ops with a plan').toEqual([]);
  });
});
