import { ChainruleError } from './core/errors.js';
import { compileExecutable } from './exec/compiler/compile.js';
import { compileInterpreter } from './exec/interpreter.js';
import { executableOptions } from './exec/request.js';
import { graphToJSON, readGraphJSON } from './io/json.js';
import type { Executable, ExecutableOptions } from './ir/graph.js';
import { GraphCore } from './ir/graph.js';
import type { GraphJSON } from './ir/graph-json.js';
import { JSON_DEFAULT_LIMITS, mergeLimits, type GraphLimits } from './ir/limits.js';

/**
 * A static computation graph, ready to run: the {@link GraphCore} builder (nodes, shapes, variables)
 * plus the executors and the JSON reader and writer that stand above it. This is the class to
 * create; every node's `graph` is one.
 *
 * @example
 * ```ts
 * const g = new Graph();
 * const x = g.input('x', [2]);
 * const w = g.variable('w', tensor([3, 4]));
 * const y = x.mul(w).sum();
 * g.run([y], { x: tensor([1, 2]) })[0].item(); // 11
 * ```
 */
export class Graph extends GraphCore {
  /**
   * Prepares repeated runs computing `outputs` (and applying `updates`): prunes the graph to what
   * they need, orders it, and checks the updates once.
   *
   * @param options - outputs to return, variable assignments to apply, the executor, and the
   *   {@link RunState} to run on (the graph's own by default).
   * @returns a function from feeds to the outputs' values.
   * @throws ChainruleError when an output or update is not a node of this graph, or a target is not a variable or is assigned twice.
   * @throws ShapeError when an update's value does not have its variable's shape and dtype.
   * @example
   * ```ts
   * const step = g.compile({ outputs: [loss], updates: [[w, w.sub(dw.mul(0.1))]], executor: 'compiled' });
   * for (let i = 0; i < 100; i++) step({ x: X, y: Y });
   * ```
   */
  compile(options: ExecutableOptions): Executable {
    executableOptions('compile', this, options);
    return options.executor === 'compiled' ? compileExecutable(this, options) : compileInterpreter(this, options);
  }

  /**
   * The graph as JSON data (nodes, variable values, random state); `JSON.stringify(graph)` uses it.
   *
   * @returns the {@link GraphJSON} form, see {@link graphToJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(g);
   * ```
   */
  toJSON(): GraphJSON {
    return graphToJSON(this);
  }

  /**
   * Reads a graph from JSON data or text, validating everything, within resource limits (see
   * {@link graphFromJSON}).
   *
   * @param json - a {@link GraphJSON} object or its text.
   * @param options - `limits`: laid over {@link JSON_DEFAULT_LIMITS}.
   * @returns the graph.
   * @throws GraphFormatError with the path of the offending field.
   * @throws LimitError naming the node and the figure over a limit.
   * @example
   * ```ts
   * const copy = Graph.fromJSON(JSON.stringify(g));
   * ```
   */
  static fromJSON(json: unknown, options?: FromJSONOptions): Graph {
    return graphFromJSON(json, options);
  }
}

/**
 * Options of {@link graphFromJSON}.
 *
 * @example
 * ```ts
 * graphFromJSON(text, { limits: { maxElements: 2 ** 26, maxBytes: 2 ** 32 } }); // a large model from a trusted source
 * ```
 */
export interface FromJSONOptions {
  /**
   * Resource limits, each field laid over {@link JSON_DEFAULT_LIMITS} (`Infinity` lifts one). The
   * graph keeps them: its runs are checked against them too (see {@link GraphCore.limits}).
   */
  readonly limits?: GraphLimits;
}

/**
 * Reads a graph from its JSON form, validating everything: unknown fields, unknown ops, arities,
 * dangling references, cycles, attributes, shape and dtype rules, names, variable values and random
 * state. The nodes may come in any order that names no cycle; they are rebuilt operands first
 * through the public builder, so the result is exactly what building it by hand would give.
 * Documents are limited to 4096 inputs per node and 16 levels of nesting.
 *
 * A document is small text, but the shapes it declares can ask for any amount of memory (a
 * 300-byte document can declare a value of a billion elements). So the loader checks, before it
 * decodes or builds anything, every declared value against resource limits — by default
 * {@link JSON_DEFAULT_LIMITS}: 2²⁴ elements per value, 1 GiB for a run's values, 100,000 nodes —
 * and the graph keeps the limits, so its runs are checked too (shapes with a symbolic dimension
 * such as `'batch'` can only be checked there).
 *
 * @param json - a parsed {@link GraphJSON} object, or its JSON text.
 * @param options - `limits`: laid over {@link JSON_DEFAULT_LIMITS}.
 * @returns a new graph with the nodes, variable values and random state of the document.
 * @throws GraphFormatError with the path of the first offending field, e.g. `$.nodes[3].inputs[1]`.
 * @throws LimitError naming the node (`$.nodes[1] (#1 sum)`) and the figure over a limit.
 * @example
 * ```ts
 * const copy = graphFromJSON(JSON.stringify(graphToJSON(g)));
 * copy.run([copy.node(y.id)], { x: tensor([1, 2]) });
 * ```
 */
export function graphFromJSON(json: unknown, options: FromJSONOptions = {}): Graph {
  if (typeof options !== 'object' || options === null) throw new ChainruleError('graphFromJSON: options must be an object such as { limits: { maxElements: 2 ** 24 } }');
  return readGraphJSON(json, new Graph(), mergeLimits(options.limits, JSON_DEFAULT_LIMITS, 'graphFromJSON: options.limits'));
}
