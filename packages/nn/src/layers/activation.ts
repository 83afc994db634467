import { expectNode, expectString, type Node } from '@chainrule/graph';
import { buildContext, forwardArguments, type Layer } from './layer.js';

/**
 * Activation functions a of the lecture's y = a(W y + b).
 *
 * @example
 * ```ts
 * const a: ActivationName = 'relu';
 * dense(128, { activation: a });
 * ```
 */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'softmax' | 'linear';

/** Every activation name, for checks. */
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'softmax', 'linear'];

/**
 * Applies an activation by name.
 *
 * @param name - `sigmoid`, `tanh`, `relu`, `softmax` (along the last axis) or `linear` (identity).
 * @param h - the pre-activation h = W y + b.
 * @returns a(h).
 * @example
 * ```ts
 * activate('relu', h);
 * ```
 */
export function activate(name: ActivationName, h: Node): Node {
  expectString('activate', 'name', name, ACTIVATIONS);
  expectNode('activate', 'h', h);
  switch (name) {
    case 'sigmoid':
      return h.sigmoid();
    case 'tanh':
      return h.tanh();
    case 'relu':
      return h.relu();
    case 'softmax':
      return h.softmax(-1);
    case 'linear':
      return h;
  }
}

/**
 * A layer that only applies an activation.
 *
 * @param name - the activation.
 * @returns the layer (no variables).
 * @example
 * ```ts
 * sequential([dense(10), activation('softmax')]);
 * ```
 */
export function activation(name: ActivationName): Layer {
  expectString('activation', 'name', name, ACTIVATIONS);
  return {
    kind: name,
    build: (ctx) => buildContext(name, ctx).inputUnits,
    forward: (x, options) => (forwardArguments(name, x, options), activate(name, x)),
    params: new Map(),
  };
}
