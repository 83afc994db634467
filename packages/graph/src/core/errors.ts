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
 * A graph was built with operands of different dtypes where an op needs one (chainrule never converts
 * silently: cast one explicitly). A kind of {@link ShapeError}, since a node's type is its shape and
 * dtype, but named for what is wrong.
 *
 * @example
 * ```ts
 * g.input('a', [2], 'float32').add(g.input('b', [2])); // DTypeError: add: operands have dtypes float32 and float64 …
 * ```
 */
export class DTypeError extends ShapeError {}

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

/**
 * How an error message shows a value a caller passed: numbers and short strings as they are,
 * anything else by its kind (`an array of 3`, `an object`, `a Map`, `a function`). Never throws,
 * whatever the value (an object without a prototype, a proxy, a symbol).
 *
 * @param value - anything.
 * @returns a short description.
 * @example
 * ```ts
 * describeValue([1, 2]); // 'an array of 2'
 * describeValue('relu'); // '"relu"'
 * ```
 */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case 'undefined':
        return 'undefined';
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint':
        return `${value}n`;
      case 'boolean':
        return String(value);
      case 'string':
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      case 'symbol':
        return 'a symbol';
      case 'function':
        return 'a function';
      default: {
        if (value === null) return 'null';
        if (Array.isArray(value)) return `an array of ${value.length}`;
        const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
        const name = proto === null || proto === Object.prototype ? undefined : proto.constructor?.name;
        return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
      }
    }
  } catch {
    return 'a value that cannot be inspected';
  }
}

/**
 * A function was called with an argument of the wrong kind or out of range — what a type checker
 * catches in TypeScript, checked again at run time for JavaScript callers. The message names the
 * function, the argument and what it must be.
 *
 * @example
 * ```ts
 * g.compile({ outputs: 5 }); // ArgumentError: compile: options.outputs must be an array of nodes, got 5
 * ```
 */
export class ArgumentError extends ChainruleError {
  /**
   * Creates the error; the message is `fn: argument must be expected, got …`.
   *
   * @param fn - the function called.
   * @param argument - the argument (or option) at fault, e.g. `options.outputs`.
   * @param expected - what it must be, e.g. `an array of nodes`.
   * @param value - what it was.
   */
  constructor(
    fn: string,
    /** The argument (or option) at fault, e.g. `options.outputs`. */
    readonly argument: string,
    expected: string,
    value: unknown,
  ) {
    super(`${fn}: ${argument} must be ${expected}, got ${describeValue(value)}`);
  }
}
