import { compileExecutable } from './exec/compiler/compile.js';
import { compileInterpreter } from './exec/interpreter.js';
import { graphToJSON, readGraphJSON } from './io/json.js';
import type { Executable, ExecutableOptions } from './ir/graph.js';
import { GraphCore } from './ir/graph.js';
import type { GraphJSON } from './ir/graph-json.js';

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
   * Reads a graph from JSON data or text, validating everything.
   *
   * @param json - a {@link GraphJSON} object or its text.
   * @returns the graph.
   * @throws GraphFormatError with the path of the offending field.
   * @example
   * ```ts
   * const copy = Graph.fromJSON(JSON.stringify(g));
   * ```
   */
  static fromJSON(json: unknown): Graph {
    return graphFromJSON(json);
  }
}

/**
 * Reads a graph from its JSON form, validating everything: unknown fields, unknown ops, arities,
 * dangling references, cycles, attributes, shape and dtype rules, names, variable values and random
 * state. The nodes may come in any order that names no cycle; they are rebuilt operands first
 * through the public builder, so the result is exactly what building it by hand would give.
 * Documents are limited to 1,000,000 nodes, 4096 inputs per node and 16 levels of nesting.
 *
 * @param json - a parsed {@link GraphJSON} object, or its JSON text.
 * @returns a new graph with the nodes, variable values and random state of the document.
 * @throws GraphFormatError with the path of the first offending field, e.g. `$.nodes[3].inputs[1]`.
 * @example
 * ```ts
 * const copy = graphFromJSON(JSON.stringify(graphToJSON(g)));
 * copy.run([copy.node(y.id)], { x: tensor([1, 2]) });
 * ```
 */
export function graphFromJSON(json: unknown): Graph {
  return readGraphJSON(json, new Graph());
}
