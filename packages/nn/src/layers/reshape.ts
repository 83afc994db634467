import { ChainruleError, expectArray, expectNumber } from '@chainrule/graph';
import { buildContext, exampleShape, forwardArguments, type Layer } from './layer.js';

/** The number of elements of a shape. */
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/**
 * Reshapes each example (the batch axis is kept): e.g. flat 784-pixel rows into 28×28×1 images
 * (NHWC) for a convolution. Elements keep their row-major order.
 *
 * @param shape - the shape of one example, without the batch axis; it must hold as many elements as the input's.
 * @returns the layer (no variables).
 * @throws ChainruleError when the shape is not a list of positive integers, or, at build, when its size differs from the input's.
 * @example
 * ```ts
 * sequential([reshape([28, 28, 1]), conv2d({ filters: 8, kernelSize: 3 }), flatten(), dense(10)]);
 * ```
 */
export function reshape(shape: readonly number[]): Layer {
  expectArray('reshape', 'shape', shape, 'positive integers').forEach((d, i) => expectNumber('reshape', `shape[${i}]`, d, { kind: 'integer', min: 1 }));
  if (shape.length === 0) throw new ChainruleError('reshape: shape must have at least one axis');
  const target = [...shape];
  return {
    kind: 'reshape',
    build(ctx) {
      buildContext('reshape', ctx);
      const input = exampleShape(ctx);
      if (sizeOf(input) !== sizeOf(target)) {
        throw new ChainruleError(`reshape: an example of shape [${input.join(', ')}] has ${sizeOf(input)} elements, [${target.join(', ')}] holds ${sizeOf(target)}`);
      }
      return target;
    },
    forward(x, options) {
      forwardArguments('reshape', x, options);
      return x.reshape([x.shape[0]!, ...target]);
    },
    params: new Map(),
  };
}

/**
 * Flattens each example to one axis (the batch axis is kept): [batch, h, w, c] → [batch, h·w·c],
 * in row-major (NHWC) order — between convolutions and dense layers.
 *
 * @returns the layer (no variables).
 * @example
 * ```ts
 * sequential([reshape([28, 28, 1]), conv2d({ filters: 8, kernelSize: 3 }), flatten(), dense(10)]);
 * ```
 */
export function flatten(): Layer {
  return {
    kind: 'flatten',
    build(ctx) {
      buildContext('flatten', ctx);
      return [sizeOf(exampleShape(ctx))];
    },
    forward(x, options) {
      forwardArguments('flatten', x, options);
      return x.flatten();
    },
    params: new Map(),
  };
}
