import { ArgumentError, ChainruleError, GraphFormatError } from './core/errors.js';
import { expectOptions } from './core/arguments.js';
import type { DType } from './core/dtype.js';
import type { Dim } from './core/shape.js';
import type { Tensor } from './core/tensor.js';
import type { Executable } from './ir/graph.js';
import type { Node } from './ir/node.js';
import { modelToJSON, readModelEnvelope, type ModelJSON } from './io/model-json.js';
import { Graph, graphFromJSON } from './graph.js';

/**
 * A model loaded for inference: named inputs (the graph's `input` nodes) and named outputs, run in
 * one call. Read from a {@link ModelJSON} document, its text, or its bytes (a file's contents in a
 * browser); everything is validated as graph JSON is, with the path of the offending field.
 *
 * @example
 * ```ts
 * const model = InferenceModel.fromJSON(readFileSync('digits.model.json'));
 * const { probabilities } = model.run({ x: images });
 * ```
 */
export class InferenceModel {
  /** The inference graph. */
  readonly graph: Graph;
  /** Input name → its declared shape and dtype. */
  readonly inputs: ReadonlyMap<string, { readonly shape: readonly Dim[]; readonly dtype: DType }>;
  /** Output name → its node in {@link InferenceModel.graph}. */
  readonly outputs: ReadonlyMap<string, Node>;
  private readonly executable: Executable;

  private constructor(graph: Graph, outputs: ReadonlyMap<string, Node>) {
    if (!(graph instanceof Graph)) throw new ArgumentError('InferenceModel', 'graph', 'a Graph (use InferenceModel.fromJSON or InferenceModel.of)', graph);
    if (!(outputs instanceof Map) || [...outputs.values()].some((n) => (n as Node | undefined)?.graph !== graph)) {
      throw new ArgumentError('InferenceModel', 'outputs', 'a Map of output names to nodes of the graph', outputs);
    }
    this.graph = graph;
    this.outputs = outputs;
    this.inputs = new Map(graph.nodes.filter((n) => n.op === 'input').map((n) => [n.name!, { shape: n.shape, dtype: n.dtype }]));
    this.executable = graph.compile({ outputs: [...outputs.values()] });
  }

  /**
   * A model of some outputs of a graph, as they are now (variables' current values).
   *
   * @param graph - the graph.
   * @param outputs - output name → node.
   * @returns the model (its own copy of the needed part of the graph).
   * @throws ChainruleError as {@link modelToJSON} does.
   * @example
   * ```ts
   * const model = InferenceModel.of(trainer.graph, { logits });
   * ```
   */
  static of(graph: Graph, outputs: Readonly<Record<string, Node>>): InferenceModel {
    return InferenceModel.fromJSON(modelToJSON(graph, outputs));
  }

  /**
   * Reads a model.
   *
   * @param json - a {@link ModelJSON} object, its text, or its UTF-8 bytes.
   * @returns the model, compiled and ready to run.
   * @throws GraphFormatError with the path of the offending field (text that is not JSON at `$`).
   * @example
   * ```ts
   * const model = InferenceModel.fromJSON(await (await fetch('model.json')).arrayBuffer());
   * ```
   */
  static fromJSON(json: unknown): InferenceModel {
    let doc = json;
    if (json instanceof ArrayBuffer || ArrayBuffer.isView(json)) {
      try {
        doc = new TextDecoder('utf-8', { fatal: true }).decode(json as ArrayBuffer);
      } catch {
        throw new GraphFormatError('$', 'the bytes are not UTF-8 text');
      }
    }
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch (e) {
        throw new GraphFormatError('$', `not JSON text: ${(e as Error).message}`);
      }
    }
    const { graph: graphDoc, outputs } = readModelEnvelope(doc);
    let graph: Graph;
    try {
      graph = graphFromJSON(graphDoc);
    } catch (e) {
      // The graph's paths start at its own root; in a model it is `$.graph`.
      if (e instanceof GraphFormatError) throw new GraphFormatError(e.path.replace(/^\$/, '$.graph'), e.problem);
      throw e;
    }
    // Written operands first with ids 0, 1, …, the nodes are rebuilt in the same order.
    const declared = (graphDoc as { nodes: { op: string }[] }).nodes;
    declared.forEach((n, i) => {
      if (graph.nodes[i]?.op !== n.op) throw new GraphFormatError(`$.graph.nodes[${i}]`, 'model graphs must list their nodes operands first with ids 0, 1, … in order');
    });
    return new InferenceModel(graph, new Map(Object.entries(outputs).map(([name, id]) => [name, graph.node(id)])));
  }

  /**
   * Runs the model.
   *
   * @param feeds - a tensor for every input, by name.
   * @returns every output, by name.
   * @throws FeedError naming a missing, unknown or mis-shaped input.
   * @example
   * ```ts
   * model.run({ x: tensor([[0.2, 0.7]]) }).logits;
   * ```
   */
  run(feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
    expectOptions('InferenceModel.run', 'feeds', feeds);
    const values = this.executable(feeds);
    return Object.fromEntries([...this.outputs.keys()].map((name, i) => [name, values[i]!]));
  }

  /**
   * The model as JSON data; `JSON.stringify(model)` writes it.
   *
   * @returns its {@link ModelJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(model);
   * ```
   */
  toJSON(): ModelJSON {
    return modelToJSON(this.graph, Object.fromEntries(this.outputs));
  }
}
