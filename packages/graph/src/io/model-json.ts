import { ChainruleError, GraphFormatError } from '../core/errors.js';
import type { GraphCore } from '../ir/graph.js';
import type { GraphJSON, NodeJSON } from '../ir/graph-json.js';
import type { Node } from '../ir/node.js';
import { graphToJSON } from './json.js';

/**
 * A model for inference as JSON data: the part of a graph that named outputs need — their nodes and
 * everything they depend on, with the values of the variables among them — and the outputs' names.
 * Inputs are the graph's `input` nodes, by their names. Node ids are 0, 1, … in an order where
 * operands come first, so `outputs` refer to the graph as {@link graphFromJSON} rebuilds it.
 *
 * @example
 * ```ts
 * const json: ModelJSON = modelToJSON(g, { logits });
 * JSON.stringify(json); // one file: the inference graph, its weights, the names
 * ```
 */
export interface ModelJSON {
  /** Always `'chainrule.model'`. */
  readonly format: 'chainrule.model';
  /** Format version, currently 1. */
  readonly version: 1;
  /** The inference graph. */
  readonly graph: GraphJSON;
  /** Output name → node id in `graph`. */
  readonly outputs: Readonly<Record<string, number>>;
}

/** Names a model may give its outputs: identifiers, as JavaScript would accept them as keys without quotes. */
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Writes the part of a graph that named outputs depend on as a {@link ModelJSON}: nodes (renumbered
 * 0, 1, … in creation order, provenance kept where its node is kept), the current values of the
 * variables among them and the run counters of their random nodes.
 *
 * @param graph - the graph.
 * @param outputs - output name → node of `graph`.
 * @returns the model's JSON data.
 * @throws ChainruleError when there are no outputs, a name is not an identifier, or a node belongs to another graph.
 * @example
 * ```ts
 * writeFileSync('model.json', JSON.stringify(modelToJSON(g, { logits, probabilities: logits.softmax() })));
 * ```
 */
export function modelToJSON(graph: GraphCore, outputs: Readonly<Record<string, Node>>): ModelJSON {
  if (outputs === null || typeof outputs !== 'object') throw new ChainruleError('modelToJSON: outputs must be an object of name → node');
  const named = Object.entries(outputs);
  if (named.length === 0) throw new ChainruleError('modelToJSON: a model needs at least one output');
  for (const [name, node] of named) {
    if (!OUTPUT_NAME.test(name)) throw new ChainruleError(`modelToJSON: output name '${name}' is not an identifier (letters, digits and _, not starting with a digit)`);
    if (node?.graph !== graph) throw new ChainruleError(`modelToJSON: output '${name}' is not a node of this graph`);
  }
  // The outputs' ancestors, iteratively (a model may be deep).
  const kept = new Set<number>();
  const stack = named.map(([, n]) => n);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (kept.has(n.id)) continue;
    kept.add(n.id);
    stack.push(...n.inputs);
  }
  const whole = graphToJSON(graph);
  const nodes = whole.nodes.filter((n) => kept.has(n.id));
  const newId = new Map(nodes.map((n, i) => [n.id, i]));
  const renumbered = nodes.map((n): NodeJSON => {
    const { origin, ...rest } = n;
    return {
      ...rest,
      id: newId.get(n.id)!,
      inputs: n.inputs.map((i) => newId.get(i)!),
      ...(origin !== undefined && newId.has(origin.node) ? { origin: { node: newId.get(origin.node)!, rule: origin.rule } } : {}),
    };
  });
  const variableNames = new Set(nodes.filter((n) => n.op === 'variable').map((n) => n.attrs['name'] as string));
  const variables = Object.fromEntries(Object.entries(whole.variables).filter(([name]) => variableNames.has(name)));
  const random = Object.fromEntries(Object.entries(whole.random).filter(([id]) => newId.has(Number(id))).map(([id, runs]) => [String(newId.get(Number(id))), runs]));
  return {
    format: 'chainrule.model',
    version: 1,
    graph: { ...whole, nodes: renumbered, variables, random },
    outputs: Object.fromEntries(named.map(([name, n]) => [name, newId.get(n.id)!])),
  };
}

/**
 * Checks a model document's envelope (format, version, output names and ids) and returns its graph
 * document and outputs; the graph itself is checked when it is read.
 *
 * @param json - parsed JSON data.
 * @returns the graph document and the outputs.
 * @throws GraphFormatError with the path of the offending field.
 * @example
 * ```ts
 * const { graph, outputs } = readModelEnvelope(JSON.parse(text));
 * ```
 */
export function readModelEnvelope(json: unknown): { graph: unknown; outputs: Record<string, number> } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GraphFormatError('$', 'a model must be a JSON object');
  const doc = json as Record<string, unknown>;
  for (const key of Object.keys(doc)) if (!['format', 'version', 'graph', 'outputs'].includes(key)) throw new GraphFormatError(`$.${key}`, 'is not a field of a model');
  if (doc['format'] !== 'chainrule.model') throw new GraphFormatError('$.format', `must be 'chainrule.model', got ${JSON.stringify(doc['format'])}`);
  if (doc['version'] !== 1) throw new GraphFormatError('$.version', `version ${JSON.stringify(doc['version'])} is not supported (this reads version 1)`);
  const outputs = doc['outputs'];
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) throw new GraphFormatError('$.outputs', 'must be an object of output name → node id');
  const entries = Object.entries(outputs as Record<string, unknown>);
  if (entries.length === 0) throw new GraphFormatError('$.outputs', 'a model needs at least one output');
  const count = Array.isArray((doc['graph'] as { nodes?: unknown } | null)?.nodes) ? (doc['graph'] as { nodes: unknown[] }).nodes.length : 0;
  for (const [name, id] of entries) {
    if (!OUTPUT_NAME.test(name)) throw new GraphFormatError(`$.outputs.${JSON.stringify(name)}`, 'an output name must be an identifier');
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= count) throw new GraphFormatError(`$.outputs.${name}`, `must be the id of a node of the graph (0 to ${count - 1}), got ${JSON.stringify(id)}`);
  }
  return { graph: doc['graph'], outputs: Object.fromEntries(entries) as Record<string, number> };
}
