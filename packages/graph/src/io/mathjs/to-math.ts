import type { FunctionNode, MathNode, OperatorNode } from 'mathjs';
import { ArgumentError, ExpressionError } from '../../core/errors.js';
import { expectOptions } from '../../core/arguments.js';
import { expectNode } from '../../ir/arguments.js';
import type { Node } from '../../ir/node.js';
import type { KernelContext, OpDef } from '../../ops/op-def.js';
import { OPS, PRIMITIVES, getOp, type Primitive } from '../../ops/registry.js';
import { Tensor } from '../../core/tensor.js';
import { mathjs } from './instance.js';
import { checkNotationArguments, notation, notationTex, notationText, type NotationOptions } from '../notation.js';
import { printMath } from './print.js';

/**
 * Options of {@link toMathNode}, {@link toExpression} and {@link toTex}.
 *
 * @example
 * ```ts
 * toExpression(y, { name: (leaf) => (leaf.op === 'variable' ? 'w' : undefined) });
 * toExpression(w.square().sum(), { calls: true }); // 'reduceSum(w ^ 2)'
 * ```
 */
export interface MathRenderOptions extends NotationOptions {
  /**
   * `notation` (default): mathematics as the lecture writes it ({@link notation}: matrix products,
   * transposes, sums over named axes, shared subexpressions named, guards hidden). `mathjs`: the
   * exact mathjs form of the elementwise subgraph, which parses back to the same operations one for
   * one (other ops as symbols `n<id>`, or as calls with `calls`).
   */
  readonly form?: 'notation' | 'mathjs';
  /**
   * The symbol for a leaf: an input or variable (default: its name) or a node outside the
   * elementwise subgraph (default: `n<id>`). Return `undefined` to keep the default.
   */
  readonly name?: (leaf: Node) => string | undefined;
  /**
   * Write every other op as a call of its name on its operands (`solve(a, b)`, `reshape(x)`;
   * reductions as `reduceSum(x)`, `reduceMax(x)`)
   * instead of a leaf symbol, and one-element constants and fills as numbers: a full formula for
   * graphs of one-element values, which mathjs evaluates with {@link scalarScope}.
   */
  readonly calls?: boolean;
}

/** Binary primitives written as mathjs operators: [operator, mathjs function name]. */
const OPERATORS: Readonly<Partial<Record<Primitive, readonly [string, string]>>> = {
  add: ['+', 'add'], sub: ['-', 'subtract'], mul: ['*', 'multiply'], div: ['/', 'divide'], pow: ['^', 'pow'],
  greater: ['>', 'larger'], less: ['<', 'smaller'], equal: ['==', 'equal'],
};


const COMPARISONS = new Set(['larger', 'smaller', 'equal', 'unequal', 'largerEq', 'smallerEq']);

/**
 * Whether mathjs, left to itself, would print `arg` (operand `index` of operator `fn`) without the
 * parentheses its position needs. NOTE: mathjs drops them in `a + (b + c)` and `a * (b / c)` (it
 * treats + and * as associative, but floating point is not) and in `(a < b) < c` (which re-parses as
 * the chained comparison a < b and b < c), so these get an explicit ParenthesisNode.
 */
function needsParentheses(fn: string, index: number, arg: MathNode): boolean {
  if (arg.type !== 'OperatorNode' || (arg as OperatorNode).args.length !== 2) return false;
  const inner = (arg as OperatorNode).fn as string;
  if (COMPARISONS.has(fn)) return COMPARISONS.has(inner);
  if (index !== 1) return false;
  return (fn === 'add' && (inner === 'add' || inner === 'subtract')) || (fn === 'multiply' && (inner === 'multiply' || inner === 'divide'));
}

/**
 * Renders the elementwise subgraph rooted at `node` as a mathjs expression tree. Inputs and
 * variables become symbols of their names, scalar constants become numbers (a negative one as the
 * unary minus of a number), and any node outside the elementwise ops (a matmul, a reduction, a
 * non-scalar constant) becomes a symbol `n<id>` standing for its value. `cast` and `identity` are
 * transparent; `stopGradient(x)` stays a call. A node used several times is written out each time.
 *
 * @param node - the root of the formula.
 * @param options - how to name leaves.
 * @returns the mathjs node (with ParenthesisNodes only where mathjs would otherwise drop needed ones).
 * @throws never for a node of a graph; an unknown op renders as a call of its name.
 * @example
 * ```ts
 * const x = g.input('x', [3]);
 * toMathNode(x.sigmoid().mul(2)).toString(); // 'sigmoid(x) * 2'
 * ```
 */
export function toMathNode(node: Node, options: MathRenderOptions = {}): MathNode {
  expectNode('toMathNode', 'node', node);
  const { name, calls } = expectOptions('toMathNode', 'options', options);
  if (name !== undefined && typeof name !== 'function') throw new ArgumentError('toMathNode', 'options.name', 'a function', name);
  if (calls !== undefined && typeof calls !== 'boolean') throw new ArgumentError('toMathNode', 'options.calls', 'true or false', calls);
  const math = mathjs();
  const memo = new Map<Node, MathNode>();
  const symbol = (leaf: Node, fallback: string): MathNode => {
    const chosen: unknown = options.name?.(leaf);
    if (chosen !== undefined && typeof chosen !== 'string') throw new ArgumentError('toMathNode', 'options.name', `a function returning a string or undefined (for ${leaf})`, chosen);
    return new math.SymbolNode(chosen ?? fallback);
  };
  const operator = (op: string, fn: string, args: MathNode[]): MathNode =>
    new math.OperatorNode(op as never, fn as never, args.map((a, i) => (needsParentheses(fn, i, a) ? new math.ParenthesisNode(a) : a)));
  const call = (name: string, args: MathNode[]): MathNode => new math.FunctionNode(new math.SymbolNode(name), args);
  const number = (v: number): MathNode =>
    v < 0 || Object.is(v, -0) ? operator('-', 'unaryMinus', [new math.ConstantNode(-v)]) : new math.ConstantNode(v);

  /** The operands a node's rendering reads (none for a leaf), so they can be rendered first. */
  const operands = (n: Node): readonly Node[] => {
    const op = n.op;
    const single = n.shape.every((d) => d === 1);
    if (op === 'input' || op === 'variable') return [];
    if (op === 'constant' && (n.rank === 0 || (options.calls && single))) return [];
    if (op === 'fill' && options.calls && single) return [];
    if (op === 'cast' || op === 'identity') return [n.inputs[0]!];
    if (getOp(op)?.kind !== 'elementwise') return options.calls ? n.inputs : [];
    return n.inputs;
  };
  const render = (n: Node, args: MathNode[]): MathNode => {
    const op = n.op;
    const single = n.shape.every((d) => d === 1);
    if (op === 'input' || op === 'variable') return symbol(n, n.name!);
    if (op === 'constant' && (n.rank === 0 || (options.calls && single))) return number((n.attrs['value'] as Tensor).data[0]!);
    if (op === 'fill' && options.calls && single) return number(n.attrs['value'] as number);
    if (op === 'cast' || op === 'identity') return args[0]!;
    if (getOp(op)?.kind !== 'elementwise') return options.calls ? call(CALL_NAMES[op] ?? op, args) : symbol(n, `n${n.id}`);
    const [a, b] = args as [MathNode, MathNode];
    const asOperator = OPERATORS[op as Primitive];
    if (asOperator !== undefined) return operator(asOperator[0], asOperator[1], args);
    if (op === 'neg') return operator('-', 'unaryMinus', [a]);
    if (op === 'square') return operator('^', 'pow', [a, new math.ConstantNode(2)]);
    if (op === 'reciprocal') return operator('/', 'divide', [new math.ConstantNode(1), a]);
    if (op === 'where') return new math.ConditionalNode(a, b, args[2]!);
    return call(getOp(op)?.mathFunction ?? op, args);
  };
  // Operands first, with an explicit stack (a formula may be a chain of any depth); a node used
  // several times is rendered once and its mathjs node shared.
  const stack: [Node, number][] = [[node, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [n, k] = top;
    const inputs = operands(n);
    if (k < inputs.length) {
      top[1] = k + 1;
      if (!memo.has(inputs[k]!)) stack.push([inputs[k]!, 0]);
      continue;
    }
    stack.pop();
    if (!memo.has(n)) memo.set(n, render(n, inputs.map((m) => memo.get(m)!)));
  }
  return memo.get(node)!;
}

/**
 * Writes a node as a formula. By default as mathematics ({@link notation}): the whole graph, matrix
 * products as `·` with `ᵀ`, sums as `Σ[axis]`, means as `mean`, reshapes and broadcasts implicit,
 * guards hidden, and a subexpression used more than once defined once on its own line
 * (`σ = sigmoid(x · w)`). Elementwise formulas are mathjs syntax, which `fromExpression` reads back.
 * With `form: 'mathjs'`, the exact mathjs form of the elementwise subgraph: parsing it gives the same
 * tree back (the same values, operation for operation); evaluate it with mathjs by adding
 * {@link mathScope} to the values.
 *
 * @param node - the root of the formula.
 * @param options - the form, leaf names, guards, sharing (see {@link MathRenderOptions}).
 * @returns the formula, e.g. `'mean((sigmoid(x · w) - y) ^ 2)'`.
 * @throws ExpressionError, in the mathjs form, when the formula written out would have more than
 *   4,000,000 parts (a node used several times is written out each time).
 * @example
 * ```ts
 * toExpression(loss); // 'mean((sigmoid(x · w) - y) ^ 2)'
 * const s = toExpression(x.sin().mul(y).add(x.square()), { form: 'mathjs' }); // 'sin(x) * y + x ^ 2'
 * math.evaluate(s, { x: 1, y: 2, ...mathScope() });
 * ```
 */
export function toExpression(node: Node, options: MathRenderOptions = {}): string {
  checkNotationArguments('toExpression', node, options);
  if (options.form !== undefined && options.form !== 'mathjs' && options.form !== 'notation') throw new ArgumentError('toExpression', 'options.form', "'notation' or 'mathjs'", options.form);
  if (options.form !== 'mathjs') return notationText(notation(node, options));
  // 'keep' prints the ParenthesisNodes toMathNode inserts; mathjs adds the others it needs itself.
  return printMath(toMathNode(node, options), 'string', { parenthesis: 'keep', implicit: 'show' });
}

/** TeX for the functions mathjs does not know, or writes differently than a lecture would. */
const TEX: Readonly<Record<string, (arg: string) => string>> = {
  sigmoid: (a) => `\\sigma\\left(${a}\\right)`,
  relu: (a) => `\\operatorname{relu}\\left(${a}\\right)`,
  softplus: (a) => `\\operatorname{softplus}\\left(${a}\\right)`,
  log1p: (a) => `\\ln\\left(1+${a}\\right)`,
  stopGradient: (a) => `\\operatorname{sg}\\left(${a}\\right)`,
};

function texHandler(node: MathNode, options: object): string | undefined {
  if (node.type !== 'FunctionNode') return undefined;
  const { fn, args } = node as FunctionNode;
  const tex = Object.hasOwn(TEX, fn.name) ? TEX[fn.name] : undefined;
  return tex !== undefined && args.length === 1 ? tex(args[0]!.toTex(options)) : undefined;
}

/**
 * Writes a node as TeX. By default as mathematics ({@link notation}: matrix products as ·, ⊙ for
 * elementwise products, Σ over named axes, (1/n)Σ for means, shared subexpressions defined after
 * `\text{where}`); with `form: 'mathjs'`, the elementwise subgraph as mathjs writes it, with sigmoid
 * as σ(x), relu and softplus as operator names, log1p as ln(1+x), stopGradient as sg(x).
 *
 * @param node - the root of the formula.
 * @param options - the form, leaf names, guards, sharing (see {@link MathRenderOptions}).
 * @returns the TeX source (math mode, without delimiters).
 * @throws ExpressionError when the formula written out would have more than 4,000,000 parts.
 * @example
 * ```ts
 * toTex(x.sigmoid().mul(w), { form: 'mathjs' }); // '\\sigma\\left( x\\right)\\cdot w'
 * ```
 */
export function toTex(node: Node, options: MathRenderOptions = {}): string {
  checkNotationArguments('toTex', node, options);
  if (options.form !== undefined && options.form !== 'mathjs' && options.form !== 'notation') throw new ArgumentError('toTex', 'options.form', "'notation' or 'mathjs'", options.form);
  if (options.form !== 'mathjs') return notationTex(notation(node, options));
  return printMath(toMathNode(node, options), 'tex', { parenthesis: 'keep', implicit: 'show' }, texHandler);
}

/** Elementwise primitives {@link toMathNode} writes other than as a call, besides {@link OPERATORS}. */
const SPECIAL_FORMS: ReadonlySet<string> = new Set<Primitive>(['neg', 'square', 'reciprocal', 'where', 'cast', 'identity']);

/** Whether {@link toMathNode} writes an elementwise primitive as a call `name(…)`. */
const writtenAsCall = (op: Primitive): boolean => !Object.hasOwn(OPERATORS, op) && !SPECIAL_FORMS.has(op);

/** Unary primitives mathjs has a function of the same name for, which mathScope still provides: x·x exactly. */
const EXACT_IN_SCOPE: readonly Primitive[] = ['square'];

/**
 * The unary elementwise primitives that {@link toMathNode} writes as calls of a function mathjs
 * lacks (sigmoid, relu, softplus, stopGradient, and any such op added later), plus
 * {@link EXACT_IN_SCOPE}.
 */
function scopeFunctions(): Primitive[] {
  const math = mathjs() as unknown as Record<string, unknown>;
  return PRIMITIVES.filter((op) => {
    const def = OPS[op] as OpDef<unknown>;
    if (EXACT_IN_SCOPE.includes(op)) return true;
    if (def.kind !== 'elementwise' || def.arity !== 1 || !writtenAsCall(op)) return false;
    return typeof math[def.mathFunction ?? op] !== 'function';
  });
}

const SCALAR_CONTEXT: KernelContext = {
  outShape: [],
  random: () => {
    throw new ExpressionError('mathScope: elementwise kernels draw no random numbers');
  },
  external: () => {
    throw new ExpressionError('mathScope: elementwise kernels read no external values');
  },
};

/** The primitive's own reference kernel applied to one number, so mathjs computes exactly what a run does. */
function scalarKernel(op: Primitive): (...args: number[]) => number {
  const def = getOp(op)!;
  return (...args) => {
    if (args.length !== 1) throw new ExpressionError(`${op} takes 1 argument, got ${args.length}`);
    return def.kernel([new Tensor(Float64Array.of(Number(args[0])), [])], {}, SCALAR_CONTEXT).data[0]!;
  };
}

const identityOfOne = (x: number): number => x;

/** Reductions are called by names that do not shadow mathjs's own `sum` and `max` (used for `maximum`). */
const CALL_NAMES: Readonly<Record<string, string>> = { sum: 'reduceSum', max: 'reduceMax' };

/**
 * Number functions for the calls that {@link toExpression} writes with `calls: true`, valid for
 * one-element values: reductions, reshapes, slices and transposes of one element are that element,
 * a 1×1 matmul is a product, a 1×1 solve a quotient, and `dimSize` of one element is 1.
 *
 * @returns a fresh object of functions, to spread into a mathjs scope with {@link mathScope}.
 * @example
 * ```ts
 * math.evaluate(toExpression(w.square().sum(), { calls: true }), { w: 3, ...mathScope(), ...scalarScope() }); // reduceSum(w ^ 2) = 9
 * ```
 */
export function scalarScope(): Record<string, (...args: number[]) => number> {
  return {
    reduceSum: identityOfOne,
    reduceMax: identityOfOne,
    reshape: identityOfOne,
    broadcastTo: identityOfOne,
    slice: identityOfOne,
    transpose: identityOfOne,
    matmul: (a, b) => a! * b!,
    solve: (a, b) => b! / a!,
    dimSize: () => 1,
  };
}

/**
 * Number functions for the calls {@link toExpression} writes that mathjs does not define (sigmoid,
 * relu, softplus, stopGradient, and any elementwise op added later that mathjs lacks; square too,
 * for exactness). Each applies the graph's own kernel, so
 * mathjs evaluates a rendered formula as a run of the graph would.
 *
 * @returns a fresh object of functions, to spread into a mathjs scope.
 * @throws never; the functions throw ExpressionError when called with other than one argument.
 * @example
 * ```ts
 * math.evaluate(toExpression(x.sigmoid()), { x: 0, ...mathScope() }); // 0.5
 * ```
 */
export function mathScope(): Record<string, (...args: number[]) => number> {
  return Object.fromEntries(scopeFunctions().map((op) => [op, scalarKernel(op)]));
}
