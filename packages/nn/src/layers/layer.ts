import { ArgumentError, expectBoolean, expectGraph, expectNode, expectNumber, expectOptions, expectString, type DType, type Graph, type Node } from '@chainrule/graph';

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
}

/**
 * What a layer needs to create its variables.
 *
 * @example
 * ```ts
 * const ctx: BuildContext = { graph: g, inputUnits: 784, scope: 'dense1/', seed: 1, dtype: 'float64' };
 * ```
 */
export interface BuildContext {
  /** The graph to create variables in. */
  readonly graph: Graph;
  /** Number of input units (the feature axis). */
  readonly inputUnits: number;
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
   * Creates the layer's variables and returns the number of output units.
   *
   * @param ctx - graph, input units, name scope, seed and dtype.
   * @returns the number of output units.
   */
  build(ctx: BuildContext): number;
  /**
   * Builds the forward pass on `x` ([batch, units]).
   *
   * @param x - the input node, [batch, inputUnits].
   * @param options - training or evaluation.
   * @returns the output node, [batch, output units].
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
  if (ctx === undefined) throw new ArgumentError(fn, 'ctx', 'a build context { graph, inputUnits, scope, seed, dtype }', ctx);
  const { graph, inputUnits, scope, seed, dtype } = expectOptions(fn, 'ctx', ctx);
  expectGraph(fn, 'ctx.graph', graph);
  expectNumber(fn, 'ctx.inputUnits', inputUnits, { kind: 'integer', min: 1 });
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
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object { training }', options);
  expectBoolean(fn, 'options.training', expectOptions(fn, 'options', options)['training']);
  return options;
}
