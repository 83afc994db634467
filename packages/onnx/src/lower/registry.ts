import type { Primitive } from '@chainrule/graph';
import { CONV } from './conv.js';
import { ELEMENTWISE } from './elementwise.js';
import type { Lowering } from './lowering.js';
import { NORMALIZATION } from './normalization.js';
import { REDUCE } from './reduce.js';
import { SHAPE } from './shape.js';
import { SOLVE } from './solve.js';
import { SOURCES } from './sources.js';

/**
 * The ONNX lowering of every primitive. A primitive added to `@chainrule/graph` without one here
 * is a compile error (`satisfies`).
 */
export const LOWERINGS = { ...SOURCES, ...ELEMENTWISE, ...REDUCE, ...SHAPE, ...SOLVE, ...CONV, ...NORMALIZATION } satisfies Record<Primitive, Lowering>;

/** The lowering of an op by name, or `undefined` when there is none. */
export function loweringOf(op: string): Lowering | undefined {
  return Object.hasOwn(LOWERINGS, op) ? (LOWERINGS as Record<string, Lowering>)[op] : undefined;
}
