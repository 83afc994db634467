import type { ConditionalNode, ConstantNode, FunctionNode, MathNode, OperatorNode, ParenthesisNode, SymbolNode } from 'mathjs';
import type { DType } from '../../core/dtype.js';
import { ExpressionError } from '../../core/errors.js';
import type { GraphCore } from '../../ir/graph.js';
import { Node } from '../../ir/node.js';
import type { OpDef } from '../../ops/op-def.js';
import { OPS, PRIMITIVES, type Primitive } from '../../ops/registry.js';
import { mathjs } from './instance.js';
import { printMath, quoted } from './print.js';

/** mathjs binary operators (by their function name) and the primitive each builds. */
const BINARY_OPERATORS: Readonly<Record<string, Primitive>> = {
  add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow',
  larger: 'greater', smaller: 'less', equal: 'equal',
};

/** Functions by their mathjs name: the primitives whose definition names one (`mathFunction`). */
const FUNCTIONS: ReadonlyMap<string, { readonly op: Primitive; readonly arity: number }> = new Map(
  PRIMITIVES.flatMap((op) => {
    const { mathFunction, arity } = OPS[op] as OpDef<unknown>;
    return mathFunction === undefined ? [] : [[mathFunction, { op, arity: arity as number }] as const];
  }),
);

/**
 * Named constants. NOTE: `Infinity` and `NaN` are accepted besides `pi` and `e` because that is how
 * `toExpression` writes non-finite scalars, so every rendered formula parses back.
 */
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E, Infinity, NaN };

/** What the common mathjs node types the bridge rejects are, for messages. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  ArrayNode: 'matrix literals are not supported',
  AccessorNode: 'indexing and property access are not supported',
  AssignmentNode: 'assignments are not supported',
  FunctionAssignmentNode: 'function definitions are not supported',
  BlockNode: 'several statements are not supported',
  IndexNode: 'indexing is not supported',
  ObjectNode: 'objects are not supported',
  RangeNode: 'ranges are not supported',
  RelationalNode: 'chained comparisons are not supported (parenthesise them: (a < b) < c)',
};

const KNOWN_FUNCTIONS = [...FUNCTIONS.keys()].join(', ');

/**
 * Builds graph nodes from a formula in mathjs syntax, elementwise: numbers become scalar constants,
 * symbols are looked up in `scope` (then among the constants `pi`, `e`, `Infinity`, `NaN`), and
 * operators and functions become the primitives of the same meaning. Shapes broadcast as the ops do.
 *
 * Supported: `+ - * / ^`, unary `-` and `+`, `>`, `<`, `==` (1 or 0), `c ? a : b` (where),
 * parentheses, and the functions the op definitions name (`mathFunction`): abs, sign, exp, log
 * (natural, one argument), log1p, sqrt, square, sin, cos, tanh, sigmoid, relu, softplus (one argument
 * each), pow, max and min (two arguments).
 *
 * @param graph - the graph to build in.
 * @param expression - the formula, e.g. `'sin(x) * y + x^2'`.
 * @param scope - the meaning of each symbol: a node of `graph`, or a number (a scalar constant).
 *   Its nodes must share one dtype, which the formula's constants take (float64 when there are none).
 * @returns the node computing the formula.
 * @throws ExpressionError when the formula does not parse, names a symbol the scope lacks (the
 *   message lists the scope's names), mixes dtypes in the scope, or uses anything else (a matrix, an
 *   assignment, an unknown function, a wrong number of arguments, `log` with a base); the message
 *   quotes the offending text.
 * @throws ShapeError from building an op whose operands do not broadcast.
 * @example
 * ```ts
 * const g = new Graph();
 * const x = g.input('x', [3]);
 * const y = fromExpression(g, 'sigmoid(w * x + b)', { x, w: 2, b: -1 }); // shape [3]
 * ```
 */
export function fromExpression(graph: GraphCore, expression: string, scope: Readonly<Record<string, Node | number>>): Node {
  if (typeof expression !== 'string') throw new ExpressionError(`fromExpression: the expression must be a string, got ${typeof expression}`);
  const dtype = scopeDType(graph, scope);
  if (expression.trim() === '') throw new ExpressionError('fromExpression: the expression is empty');
  let root: MathNode;
  try {
    root = mathjs().parse(expression);
  } catch (e) {
    // NOTE: mathjs parses recursively: nesting a few thousand levels deep exhausts the call stack.
    const why = e instanceof RangeError ? 'it is nested too deeply for the parser (parentheses, function calls, unary signs or ^ within one another)' : e instanceof Error ? e.message : String(e);
    throw new ExpressionError(`fromExpression: cannot parse ${quoted(expression)}: ${why}`);
  }
  // The offending part as mathjs prints it, then the whole expression when that is larger.
  const fail = (problem: string, m: MathNode, hint?: string): never => {
    const at = m === root ? quoted(expression) : `${quoted(printMath(m, 'string', {}))} (in ${quoted(expression)})`;
    throw new ExpressionError(`fromExpression: ${problem} in ${at}${hint === undefined ? '' : `; ${hint}`}`);
  };

  /** The operands of `m`, after checking what can be checked before building them. */
  const operandsOf = (m: MathNode): readonly MathNode[] => {
    switch (m.type) {
      case 'ParenthesisNode':
        return [(m as ParenthesisNode).content];
      case 'ConstantNode':
      case 'SymbolNode':
        return [];
      case 'OperatorNode': {
        const o = m as OperatorNode<never, never>;
        const fn = o.fn as string;
        if (o.args.length === 1 && (fn === 'unaryMinus' || fn === 'unaryPlus')) return o.args;
        if (!Object.hasOwn(BINARY_OPERATORS, fn) || o.args.length !== 2) return fail(`unsupported operator '${o.op}'`, m);
        return o.args;
      }
      case 'ConditionalNode': {
        const c = m as ConditionalNode;
        return [c.condition, c.trueExpr, c.falseExpr];
      }
      case 'FunctionNode': {
        const f = m as FunctionNode;
        const name = (f.fn as MathNode).type === 'SymbolNode' ? (f.fn as SymbolNode).name : undefined;
        if (name === undefined) return fail('unsupported function call', m);
        const fn = FUNCTIONS.get(name);
        if (fn === undefined) return fail(`unknown function '${name}'`, m, `known: ${KNOWN_FUNCTIONS}`);
        if (name === 'log' && f.args.length === 2) {
          return fail('log takes one argument (the natural logarithm)', m, 'write log(x) / log(base) for another base');
        }
        if (f.args.length !== fn.arity) {
          return fail(`${name} takes ${fn.arity} argument${fn.arity === 1 ? '' : 's'}, got ${f.args.length},`, m);
        }
        return f.args;
      }
      default: {
        const why = Object.hasOwn(UNSUPPORTED, m.type) ? UNSUPPORTED[m.type]! : `${m.type} is not supported`;
        return fail(why, m);
      }
    }
  };

  /** The node for `m` from the nodes of its operands. */
  const build = (m: MathNode, args: readonly Node[]): Node => {
    switch (m.type) {
      case 'ParenthesisNode':
        return args[0]!;
      case 'ConstantNode': {
        const value: unknown = (m as ConstantNode).value; // a string, boolean, null… for some literals
        if (typeof value !== 'number') return fail('only numbers can be constants', m);
        return graph.scalar(value, dtype);
      }
      case 'SymbolNode': {
        const { name } = m as SymbolNode;
        if (Object.hasOwn(scope, name)) {
          const v = scope[name]!;
          return typeof v === 'number' ? graph.scalar(v, dtype) : v;
        }
        if (Object.hasOwn(CONSTANTS, name)) return graph.scalar(CONSTANTS[name]!, dtype);
        const names = Object.keys(scope);
        const has = names.length === 0 ? 'the scope is empty' : `the scope has ${names.join(', ')}`;
        return fail(`unknown symbol '${name}'`, root, `${has} (constants: pi, e)`);
      }
      case 'OperatorNode': {
        const fn = (m as OperatorNode<never, never>).fn as string;
        if (fn === 'unaryMinus') return args[0]!.neg();
        if (fn === 'unaryPlus') return args[0]!;
        return graph.apply(BINARY_OPERATORS[fn]!, args);
      }
      case 'ConditionalNode':
        return graph.where(args[0]!, args[1]!, args[2]!);
      default:
        return graph.apply(FUNCTIONS.get(((m as FunctionNode).fn as SymbolNode).name)!.op, args);
    }
  };

  // Operands first, left to right (the order the nodes are created in), with explicit stacks: a
  // long flat sum parses as a left-leaning tree as deep as it has terms.
  const values: Node[] = [];
  const stack: [MathNode, readonly MathNode[] | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top[1] === undefined) {
      top[1] = operandsOf(top[0]);
      for (let i = top[1].length - 1; i >= 0; i--) stack.push([top[1][i]!, undefined]);
      continue;
    }
    stack.pop();
    values.push(build(top[0], values.splice(values.length - top[1].length, top[1].length)));
  }
  return values[0]!;
}

/** The dtype every node of the scope has (float64 for a scope of numbers only). */
function scopeDType(graph: GraphCore, scope: Readonly<Record<string, Node | number>>): DType {
  if (typeof scope !== 'object' || scope === null) throw new ExpressionError('fromExpression: the scope must be an object of nodes and numbers');
  const dtypes = new Map<DType, string>();
  for (const [name, v] of Object.entries(scope)) {
    if (typeof v === 'number') continue;
    if (!(v instanceof Node)) throw new ExpressionError(`fromExpression: scope entry '${name}' must be a Node or a number, got ${typeof v}`);
    if (v.graph !== graph) throw new ExpressionError(`fromExpression: scope entry '${name}' (${v}) belongs to another graph`);
    if (!dtypes.has(v.dtype)) dtypes.set(v.dtype, name);
  }
  if (dtypes.size > 1) {
    const parts = [...dtypes].map(([d, name]) => `'${name}' is ${d}`).join(', ');
    throw new ExpressionError(`fromExpression: the scope mixes dtypes (${parts}); cast the nodes to one dtype first`);
  }
  return dtypes.keys().next().value ?? 'float64';
}
