import { ArgumentError, VERSION as GRAPH_VERSION, describeNode, expectGraph, expectOptions, expectString, prepareRequest, type Graph, type Node, type PreparedRequest, type Updates } from '@chainrule/graph';
import { OnnxBuilder, type DimSource, type External } from './builder.js';
import { loweringOf } from './lower/registry.js';
import { encodeModel, valueInfo, type ModelProto } from './proto.js';

/**
 * The ONNX opset the exported models declare (the default domain `ai.onnx`).
 *
 * @example
 * ```ts
 * OPSET; // 21
 * ```
 */
export const OPSET = 21;

/** The ONNX IR version written into models: 10 is the one that goes with opset 21. */
const IR_VERSION = 10;

/**
 * What to export: the values a run returns and the assignments it makes, as for `graph.compile`.
 *
 * @example
 * ```ts
 * const options: ToOnnxOptions = { outputs: [loss], updates: minimize(loss, [w], adam()) };
 * ```
 */
export interface ToOnnxOptions {
  /** Nodes whose values the model outputs, as `#output/0`, `#output/1`, … */
  readonly outputs: readonly Node[];
  /** Assignments `variable ← value`; each value is output as `#update/<variable name>`. */
  readonly updates?: Updates | undefined;
  /** The ONNX graph's name (default `'chainrule'`). */
  readonly name?: string | undefined;
}

/**
 * The ONNX name of the i-th requested output.
 *
 * @param i - the position of the output in `outputs`.
 * @returns `#output/i`.
 * @example
 * ```ts
 * onnxOutputName(0); // '#output/0'
 * ```
 */
export function onnxOutputName(i: number): string {
  return `#output/${i}`;
}

/**
 * The ONNX name of the output that holds a variable's new value after a run.
 *
 * @param variable - the variable's name.
 * @returns `#update/<variable>`; feed it back as the input named `variable` for the next step.
 * @example
 * ```ts
 * onnxUpdateName('dense0/w'); // '#update/dense0/w'
 * ```
 */
export function onnxUpdateName(variable: string): string {
  return `#update/${variable}`;
}

/** A model and what the executor needs to feed it and read it back. */
export interface ExportedModel {
  /** The serialised `ModelProto`. */
  readonly bytes: Uint8Array;
  /** The request as `graph.compile` prepares it: outputs, updates, the nodes needed and their order. */
  readonly request: PreparedRequest;
  /** ONNX graph inputs, in order, with the node each stands for. */
  readonly externals: readonly External[];
}

/** Exports one request as an ONNX model; see {@link toONNX}. */
export function exportModel(graph: Graph, options: ToOnnxOptions, fn = 'toONNX'): ExportedModel {
  expectGraph(fn, 'graph', graph);
  if (options === undefined) throw new ArgumentError(fn, 'options', 'an object such as { outputs: [y] }', options);
  const given = expectOptions(fn, 'options', options);
  if (!Array.isArray(given['outputs'])) throw new ArgumentError(fn, 'options.outputs', 'an array of nodes', given['outputs']);
  if (given['name'] !== undefined) expectString(fn, 'options.name', given['name']);
  const request = prepareRequest(graph, options.outputs, options.updates);
  // A symbolic dimension's size is read at run time from the first fed input that has it.
  const dimSources = new Map<string, DimSource>();
  for (const input of request.needed) {
    input.shape.forEach((d, axis) => {
      if (typeof d === 'string' && !dimSources.has(d)) dimSources.set(d, { input: input.name!, axis });
    });
  }
  const b = new OnnxBuilder(dimSources);
  const values = new Map<Node, string>();
  for (const node of request.order) {
    b.lowering(node);
    // Unreachable with matching versions: nodes only have registered primitives (Graph.apply and JSON
    // loading reject other op names) and LOWERINGS must cover them all to compile. It guards against a
    // newer @chainrule/graph with a primitive this build of the package does not know.
    const lower = loweringOf(node.op) ?? b.fail(`op '${node.op}' has no ONNX lowering`);
    values.set(node, lower(b, node, node.inputs.map((m) => values.get(m)!)));
  }
  const outputs = request.outputs.map((node, i) => {
    b.output(values.get(node)!, onnxOutputName(i), describeNode(node));
    return valueInfo(onnxOutputName(i), node.dtype, node.shape, describeNode(node));
  });
  const updates = request.updates.map(([target, value]) => {
    const name = onnxUpdateName(target.name!);
    b.output(values.get(value)!, name, `new value of ${describeNode(target)}`);
    return valueInfo(name, target.dtype, target.shape, `new value of ${describeNode(target)}`);
  });
  const inputs = b.externals.map(({ name, node, kind }) => valueInfo(name, node.dtype, node.shape, `${kind}: ${describeNode(node)}`));
  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'chainrule',
    producerVersion: GRAPH_VERSION,
    graph: {
      name: options.name ?? 'chainrule',
      node: b.nodes,
      initializer: b.initializers,
      input: inputs,
      output: [...outputs, ...updates],
      docString:
        'Exported by chainrule. Inputs: fed inputs and variables under their own names, random draws as #random/<node id>. ' +
        'Outputs: #output/<i> in request order, then #update/<variable> holding each assigned variable\'s new value.',
    },
  };
  return { bytes: encodeModel(model), request, externals: b.externals };
}

/**
 * Writes a graph request as a standard ONNX model (opset {@link OPSET}) that ONNX Runtime or any
 * other ONNX engine can run. Works for any graph chainrule builds: forward, gradient, Hessian and
 * optimiser update graphs alike.
 *
 * The model's inputs are the request's fed inputs and its variables (under their own names; symbolic
 * dimensions such as `'batch'` become ONNX `dim_param`s), plus one input `#random/<node id>` per
 * random op, which takes that op's draw for the run (so results are reproducible: chainrule's
 * executor for ONNX Runtime fills them from the op's seeded stream). Its outputs are the requested
 * values as `#output/<i>`, then each assigned variable's new value as `#update/<variable name>`: a
 * training step is one run whose update outputs are fed back as the next run's variable inputs.
 *
 * @param graph - the graph.
 * @param options - outputs, updates and the ONNX graph's name.
 * @returns the serialised `ModelProto`.
 * @throws OnnxExportError when a node cannot be expressed in ONNX (the message names it): a symbolic
 * dimension that no fed input carries, or a `solve` whose matrix size is symbolic.
 * @throws ChainruleError when an output or update is not a node of `graph`, or an update does not fit
 * its variable (the same checks as `graph.compile`).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const step = minimize(loss, params, adam({ lr: 1e-3 }));
 * writeFileSync('step.onnx', toONNX(g, { outputs: [loss], updates: step }));
 * ```
 */
export function toONNX(graph: Graph, options: ToOnnxOptions): Uint8Array {
  return exportModel(graph, options).bytes;
}
