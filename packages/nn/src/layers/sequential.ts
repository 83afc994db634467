import { ArgumentError, ChainruleError, describeValue, expectArray, expectGraph, expectNumber, expectOptions, expectString, type Dim, type DType, type Graph, type Node } from '@chainrule/graph';
import { forwardArguments, type ForwardOptions, type Layer } from './layer.js';
import { formatSummary, scalarCount, type SummaryRow } from './summary.js';

/**
 * Options of {@link Model.build}.
 *
 * @example
 * ```ts
 * sequential([dense(10)]).build(g, 784, { scope: 'net/', seed: 3, dtype: 'float32' });
 * ```
 */
export interface ModelBuildOptions {
  /** Name prefix of the model's variables (default `''`). */
  readonly scope?: string;
  /** Base seed: layer i gets seed + i for whatever it did not get explicitly (default 1). */
  readonly seed?: number;
  /** Element type of the variables (default float64). */
  readonly dtype?: DType;
}

/**
 * Layers applied in order. Build it once (creating every variable in a graph), then build forward
 * passes on any input node, for training or for evaluation — always on the same variables, so
 * switching mode never rebuilds parameters.
 *
 * @example
 * ```ts
 * const model = sequential([dense(128, { activation: 'relu' }), dropout(0.8), dense(10)]).build(g, 784);
 * const logits = model.forward(x, { training: true });
 * model.parameterCount; // 101770
 * ```
 */
export class Model {
  private built: Built | undefined;

  /**
   * An unbuilt model; {@link sequential} is the usual way to make one.
   *
   * @param layers - the layers, first to last.
   */
  constructor(readonly layers: readonly Layer[]) {
    expectArray('sequential', 'layers', layers, 'layers').forEach((layer, i) => {
      const l = layer as Partial<Layer> | null;
      if (typeof l !== 'object' || l === null || typeof l.kind !== 'string' || typeof l.build !== 'function' || typeof l.forward !== 'function' || !(l.params instanceof Map) || (l.state !== undefined && !(l.state instanceof Map))) {
        throw new ArgumentError('sequential', `layers[${i}]`, 'a layer (such as dense(10))', layer);
      }
    });
  }

  /**
   * Creates the variables of every layer.
   *
   * @param graph - the graph to build in.
   * @param input - the number of input features, or the shape of one input example without the
   *   batch axis (`[28, 28, 1]` for NHWC images).
   * @param options - name prefix, seed and dtype.
   * @returns this model.
   * @throws ChainruleError when built twice, or when a variable name is already used in the graph.
   * @example
   * ```ts
   * const model = sequential([dense(10)]).build(g, 784, { scope: 'net/', seed: 3 }); // variables net/dense1/W, net/dense1/b
   * ```
   */
  build(graph: Graph, input: number | readonly number[], options: ModelBuildOptions = {}): this {
    if (this.built) throw new ChainruleError('Model.build: the model is already built');
    expectGraph('Model.build', 'graph', graph);
    const inputShape = (typeof input === 'number' ? [input] : [...expectArray('Model.build', 'input', input, 'positive integers')]) as number[];
    if (inputShape.length === 0) throw new ArgumentError('Model.build', 'input', 'a number of features or a non-empty shape', input);
    inputShape.forEach((d, i) => expectNumber('Model.build', typeof input === 'number' ? 'inputUnits' : `input[${i}]`, d, { kind: 'integer', min: 1 }));
    const { scope = '', seed = 1, dtype = 'float64' } = expectOptions('Model.build', 'options', options) as ModelBuildOptions;
    expectString('Model.build', 'options.scope', scope);
    expectNumber('Model.build', 'options.seed', seed, { kind: 'integer', min: 0, max: 2 ** 32 - 1 });
    expectString('Model.build', 'options.dtype', dtype, ['float64', 'float32']);
    let shape = inputShape;
    const counts = new Map<string, number>();
    const outputs = this.layers.map((layer, i) => {
      const k = (counts.get(layer.kind) ?? 0) + 1;
      counts.set(layer.kind, k);
      const name = `${layer.kind}${k}`;
      const out = layer.build({ graph, inputUnits: shape.at(-1)!, inputShape: shape, scope: `${scope}${name}/`, seed: (seed + i) % 2 ** 32, dtype });
      shape = outputShape(name, shape, out);
      return { name, outputShape: ['batch', ...shape] };
    });
    this.built = { graph, outputShape: shape, inputShape: ['batch', ...inputShape], outputs };
    return this;
  }

  /**
   * The shape of one example of the output, without the batch axis (after `build`).
   *
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * sequential([flatten(), dense(10)]).build(g, [28, 28, 1]).outputShape; // [10]
   * ```
   */
  get outputShape(): readonly number[] {
    return this.graphState().outputShape;
  }

  /**
   * The number of output units (after `build`).
   *
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * sequential([dense(64), dense(10)]).build(g, 784).outputUnits; // 10
   * ```
   */
  get outputUnits(): number {
    return this.graphState().outputShape.at(-1)!;
  }

  private graphState(): Built {
    if (!this.built) throw new ChainruleError('Model: call build(graph, inputUnits) first');
    return this.built;
  }

  /**
   * The forward pass on `x` ([batch, ...input shape]: [batch, inputUnits] for flat features).
   *
   * @param x - the input node.
   * @param options - training (dropout active) or evaluation.
   * @returns the output node.
   * @throws ChainruleError when the model is not built or `x` belongs to another graph.
   * @example
   * ```ts
   * const train = model.forward(x, { training: true });  // dropout draws masks
   * const test = model.forward(x, { training: false });  // deterministic, same variables
   * ```
   */
  forward(x: Node, options: ForwardOptions): Node {
    forwardArguments('Model', x, options);
    if (x.graph !== this.graphState().graph) throw new ChainruleError('Model.forward: the input belongs to another graph');
    return this.layers.reduce((h, layer) => layer.forward(h, options), x);
  }

  /**
   * Every trainable variable by its full name, in layer order.
   *
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * minimize(loss, [...model.parameters.values()], adam());
   * ```
   */
  get parameters(): ReadonlyMap<string, Node> {
    this.graphState();
    return new Map(this.layers.flatMap((l) => [...l.params.values()].map((p) => [p.name!, p] as const)));
  }

  /**
   * The number of trainable scalars.
   *
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * sequential([dense(10)]).build(g, 784).parameterCount; // 7850
   * ```
   */
  get parameterCount(): number {
    return scalarCount(this.parameters.values());
  }

  /**
   * One row per layer: its name, output shape, and the scalars in its trainable and non-trainable
   * variables (what {@link Model.summary} prints).
   *
   * @returns the rows, first layer first.
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * sequential([dense(10)]).build(g, 784).summaryRows(); // [{ name: 'dense1', kind: 'dense', outputShape: ['batch', 10], trainable: 7850, nonTrainable: 0 }]
   * ```
   */
  summaryRows(): SummaryRow[] {
    const { outputs } = this.graphState();
    return this.layers.map((layer, i) => ({
      ...outputs[i]!,
      kind: layer.kind,
      trainable: scalarCount(layer.params.values()),
      nonTrainable: scalarCount(layer.state?.values() ?? []),
    }));
  }

  /**
   * The model as a table: each layer with its output shape and its numbers of trainable and
   * non-trainable scalars, and the totals — as Keras's `model.summary()` prints it.
   *
   * @returns the table as text (lines separated by `\n`).
   * @throws ChainruleError when the model is not built.
   * @example
   * ```ts
   * console.log(sequential([dense(128, { activation: 'relu' }), dropout(0.8), dense(10)]).build(g, 784).summary());
   * // layer     output shape  trainable  non-trainable
   * // ------------------------------------------------
   * // input     [batch, 784]
   * // dense1    [batch, 128]     100480              0
   * // dropout1  [batch, 128]          0              0
   * // dense2    [batch, 10]        1290              0
   * // ------------------------------------------------
   * // trainable parameters: 101770
   * // non-trainable parameters: 0
   * // total: 101770
   * ```
   */
  summary(): string {
    return formatSummary(this.graphState().inputShape, this.summaryRows());
  }
}

/** The output shape a layer's `build` returned: a shape, or a number replacing the last axis. */
function outputShape(layer: string, input: readonly number[], out: number | readonly number[]): number[] {
  const shape = typeof out === 'number' ? [...input.slice(0, -1), out] : Array.isArray(out) ? [...(out as number[])] : undefined;
  if (shape === undefined || shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ChainruleError(`Model.build: layer ${layer} returned ${Array.isArray(out) ? `[${(out as unknown[]).map(String).join(', ')}]` : describeValue(out)} from build, not a number of units or a shape of positive integers`);
  }
  return shape;
}

/** What {@link Model.build} records. */
interface Built {
  readonly graph: Graph;
  /** One example's output shape, without the batch axis. */
  readonly outputShape: readonly number[];
  readonly inputShape: readonly Dim[];
  /** Per layer: its name in the model and its output shape. */
  readonly outputs: readonly { readonly name: string; readonly outputShape: readonly Dim[] }[];
}

/**
 * A model of layers applied in order.
 *
 * @param layers - the layers.
 * @returns an unbuilt {@link Model}.
 * @example
 * ```ts
 * const model = sequential([dense(2, { activation: 'sigmoid' }), dense(1, { activation: 'sigmoid' })]).build(g, 2);
 * const y = model.forward(x, { training: false });
 * ```
 */
export function sequential(layers: readonly Layer[]): Model {
  return new Model(layers);
}
