/**
 * Base class of every error chainrule throws on purpose. Catch this to tell the library's own,
 * explained failures from bugs (a `TypeError` or `RangeError` escaping the library is a bug).
 *
 * @example
 * ```ts
 * try { g.input('x', [2]).matmul(g.input('y', [3])); } catch (e) { if (e instanceof ChainruleError) console.log(e.message); }
 * ```
 */
export class ChainruleError extends Error {
  /**
   * Creates an error whose `name` is the concrete subclass's name.
   *
   * @param message - what went wrong, naming the op, node or input involved.
   * @param options - `cause`: the error this one explains, when it wraps one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A graph was built with operands whose shapes or dtypes break an op's rule. Thrown at the line that
 * builds the op; the message names the op, the operand shapes and the rule.
 *
 * @example
 * ```ts
 * g.input('a', [2, 3]).add(g.input('b', [4])); // ShapeError: add: shapes [2,3] and [4] do not broadcast …
 * ```
 */
export class ShapeError extends ChainruleError {}

/**
 * A run was given feeds that do not fit the graph: a missing or unknown input name, or a value of the
 * wrong shape or dtype. The message names the input.
 *
 * @example
 * ```ts
 * g.run([y], {}); // FeedError: missing feed for input 'x' …
 * ```
 */
export class FeedError extends ChainruleError {}

/**
 * A run failed while computing a node (an index out of range, a singular matrix, a non-finite value in
 * checking mode). The message names the node and its op.
 *
 * @example
 * ```ts
 * g.run([g.input('i', [1]).oneHot(3)], { i: tensor([7]) }); // ExecutionError naming the oneHot node
 * ```
 */
export class ExecutionError extends ChainruleError {}

/**
 * Graph JSON (or a tensor description inside it) is malformed. `path` locates the offending field in
 * JSONPath-like notation, e.g. `$.nodes[3].inputs[1]`.
 *
 * @example
 * ```ts
 * try { Graph.fromJSON({ nodes: 3 }); } catch (e) { if (e instanceof GraphFormatError) console.log(e.path); }
 * ```
 */
export class GraphFormatError extends ChainruleError {
  /** Location of the offending field, starting at `$` (the document root). */
  readonly path: string;
  /** What is wrong with the field at `path`. */
  readonly problem: string;

  /**
   * Creates the error; the message is `path: problem`.
   *
   * @param path - location of the offending field, e.g. `$.nodes[3].attrs.axes`.
   * @param problem - what is wrong with that field.
   */
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.path = path;
    this.problem = problem;
  }
}

/**
 * A formula handed to the mathjs bridge cannot be turned into graph nodes: it does not parse, names
 * a symbol that is not in the scope, or uses something outside the elementwise vocabulary (a
 * matrix, an assignment, an unknown function, a wrong number of arguments). The message quotes the
 * offending text.
 *
 * @example
 * ```ts
 * fromExpression(g, 'x + z', { x }); // ExpressionError: fromExpression: unknown symbol 'z' in 'x + z'; the scope has x …
 * ```
 */
export class ExpressionError extends ChainruleError {}

/**
 * A graph is over one of the resource limits a caller set (or `graphFromJSON`'s safe defaults): a
 * value with too many elements, runs whose buffers would take too many bytes, or too many nodes.
 * Thrown before anything is allocated; the message names the node (and, for a document, the path)
 * and the figure, and the fields give them to code.
 *
 * @example
 * ```ts
 * try { graphFromJSON(untrusted); } catch (e) { if (e instanceof LimitError) console.log(e.limit, e.figure, e.allowed); }
 * ```
 */
export class LimitError extends ChainruleError {
  /**
   * Creates the error.
   *
   * @param message - what is over which limit, naming the node.
   * @param limit - the limit exceeded.
   * @param figure - the graph's figure: elements, bytes or nodes.
   * @param allowed - the limit's value.
   */
  constructor(
    message: string,
    /** Which limit the graph is over. */
    readonly limit: 'maxElements' | 'maxBytes' | 'maxNodes',
    /** The graph's figure (elements of one value, bytes, or nodes). */
    readonly figure: number,
    /** The most the limit allows. */
    readonly allowed: number,
  ) {
    super(message);
  }
}
