import { ArgumentError, expectArray, expectBoolean, expectGraph, expectNode, expectNumber, expectOptions, expectString, type DType, type Graph, type Node } from '@chainrule/graph';

/**
 * How a forward pass is built: for training (dropout active) or for evaluation (deterministic).
 *
 * @example
 * ```ts
 * const logits = model.forward(x, { training: false }); // dropout off: the deterministic network
 * ```
 */
export interface ForwardOptions {
  /** Build the training-time graph (dropout draws masks); evaluation otherwise. */
  readonly training: boolean;
  /**
   * Where layers with non-trainable state (batch normalisation) put, in training mode, the
   * assignments that update it (running averages ← …). Run them with the rule's update, in the
   * same run, as the {@link Trainer} does. Such a layer refuses training mode without it, so that
   * its state cannot silently stay at its first value.
   */
  readonly stateUpdates?: (readonly [Node, Node])[];
}

/**
 * What a layer needs to create its variables.
 *
 * @example
 * ```ts
 * const ctx: BuildContext = { graph: g, inputUnits: 784, scope: 'dense1/', seed: 1, dtype: 'float64' };
 * const image: BuildContext = { graph: g, inputUnits: 1, inputShape: [28, 28, 1], scope: 'conv2d1/', seed: 1, dtype: 'float64' };
 * ```
 */
export interface BuildContext {
  /** The graph to create variables in. */
  readonly graph: Graph;
  /** Number of input units: the size of the last (feature or channel) axis. */
  readonly inputUnits: number;
  /**
   * The shape of one example of the input, without the batch axis (e.g. `[28, 28, 1]` for NHWC
   * images); `[inputUnits]` when left out. Its last entry is `inputUnits`.
   */
  readonly inputShape?: readonly number[];
  /** Prefix of the layer's variable names, e.g. `dense1/`. */
  readonly scope: string;
  /** A seed for initializers and dropout that the layer did not get explicitly. */
  readonly seed: number;
  /** Element type of the variables. */
  readonly dtype: DType;
}

/**
 * A layer: creates its variables once (`build`), then builds forward passes on any input node, for
 * training or evaluation, always on the same variables.
 *
 * @example
 * ```ts
 * // A layer without variables that doubles its input.
 * const double: Layer = { kind: 'double', build: (ctx) => ctx.inputUnits, forward: (x) => x.mul(2), params: new Map() };
 * ```
 */
export interface Layer {
  /** Kind of layer, used to name variables (`dense`, `dropout`, …). */
  readonly kind: string;
  /**
   * Creates the layer's variables and returns the shape of its output.
   *
   * @param ctx - graph, input shape, name scope, seed and dtype.
   * @returns the output shape of one example (without the batch axis), or a number n: the input's
   *   shape with its last axis n (so a layer that keeps the shape returns `ctx.inputUnits`).
   */
  build(ctx: BuildContext): number | readonly number[];
  /**
   * Builds the forward pass on `x` ([batch, ...inputShape]).
   *
   * @param x - the input node, [batch, ...inputShape].
   * @param options - training or evaluation (and where state updates go).
   * @returns the output node, [batch, ...output shape].
   */
  forward(x: Node, options: ForwardOptions): Node;
  /** The layer's trainable variables by short name (after `build`). */
  readonly params: ReadonlyMap<string, Node>;
  /**
   * The layer's non-trainable variables by short name (after `build`), such as batch
   * normalisation's running averages: saved and restored with the model, never given to the rule.
   */
  readonly state?: ReadonlyMap<string, Node>;
}

/**
 * Checks the context a layer is built with (what a {@link Model} passes; checked again for
 * JavaScript callers).
 *
 * @param kind - the layer's kind, for the message.
 * @param ctx - what was passed.
 * @returns the context.
 * @throws ArgumentError naming the field at fault.
 * @example
 * ```ts
 * build(ctx) { buildContext('dense', ctx); … }
 * ```
 */
export function buildContext(kind: string, ctx: BuildContext): BuildContext {
  const fn = `${kind}.build`;
  if (ctx === undefined) throw new ArgumentError(fn, 'ctx', 'a build context { graph, inputUnits, inputShape?, scope, seed, dtype }', ctx);
  const { graph, inputUnits, inputShape, scope, seed, dtype } = expectOptions(fn, 'ctx', ctx);
  expectGraph(fn, 'ctx.graph', graph);
  expectNumber(fn, 'ctx.inputUnits', inputUnits, { kind: 'integer', min: 1 });
  if (inputShape !== undefined) {
    const dims = expectArray(fn, 'ctx.inputShape', inputShape, 'positive integers');
    dims.forEach((d, i) => expectNumber(fn, `ctx.inputShape[${i}]`, d, { kind: 'integer', min: 1 }));
    if (dims.length === 0 || dims.at(-1) !== inputUnits) throw new ArgumentError(fn, 'ctx.inputShape', `a shape ending in inputUnits (${String(inputUnits)})`, inputShape);
  }
  expectString(fn, 'ctx.scope', scope);
  expectNumber(fn, 'ctx.seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
  expectString(fn, 'ctx.dtype', dtype, ['float64', 'float32']);
  return ctx;
}

/**
 * Checks the arguments of a layer's forward pass.
 *
 * @param kind - the layer's kind, for the message.
 * @param x - the input.
 * @param options - training or evaluation.
 * @returns the options.
 * @throws ArgumentError when `x` is not a node or `options.training` not a boolean.
 * @example
 * ```ts
 * forward(x, options) { const { training } = forwardArguments('dropout', x, options); … }
 * ```
 */
export function forwardArguments(kind: string, x: Node, options: ForwardOptions): ForwardOptions {
  const fn = `${kind}.forward`;
  expectNode(fn, 'x', x);
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { training, stateUpdates? }', options);
  const o = expectOptions(fn, 'options', options);
  expectBoolean(fn, 'options.training', o['training']);
  if (o['stateUpdates'] !== undefined) expectArray(fn, 'options.stateUpdates', o['stateUpdates'], 'assignments');
  return options;
}

/**
 * The shape of one example of a layer's input: `ctx.inputShape`, or `[ctx.inputUnits]`.
 *
 * @param ctx - the build context.
 * @returns the shape without the batch axis.
 * @example
 * ```ts
 * exampleShape({ graph: g, inputUnits: 3, scope: '', seed: 1, dtype: 'float64' }); // [3]
 * ```
 */
export function exampleShape(ctx: BuildContext): readonly number[] {
  return ctx.inputShape ?? [ctx.inputUnits];
}
