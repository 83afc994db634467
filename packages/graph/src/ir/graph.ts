import { isDType, type DType } from '../core/dtype.js';
import { ArgumentError, ChainruleError, ShapeError, describeValue } from '../core/errors.js';
import { expectFunction, expectNumber, expectOptions, expectString } from '../core/arguments.js';
import { Node, type NodeOrigin, type Operand } from './node.js';
import { AttrError, AttrReader, type RawAttrs } from '../ops/attrs.js';
import { getOp } from '../ops/registry.js';
import { checkShape, checkSymbolicShape, formatShape, type Dim, type Shape } from '../core/shape.js';
import { Tensor, copyTensor, full, tensor, type NestedArray } from '../core/tensor.js';
import type { Initializer } from '../core/initializers.js';
import type { GraphJSON } from './graph-json.js';
import { VariableStore, type RunState } from './state.js';
import { residentCopy } from '../kernels/wasm/resident.js';
import { mergeLimits, type GraphLimits } from './limits.js';
import { convAttrs, poolAttrs, type Conv2dOptions, type Pool2dOptions } from './window-options.js';

/**
 * Values for a run's inputs, by input name.
 *
 * @example
 * ```ts
 * const feeds: Feeds = { x: tensor([[1, 2]]), y: tensor([[0]]) };
 * g.run([loss], feeds);
 * ```
 */
export type Feeds = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/**
 * Variable assignments `variable ← value`, applied together after every read of a run: pairs in an
 * array, a `Map`, or any iterable of pairs (such as what `minimize` in `@chainrule/optim` returns).
 *
 * @example
 * ```ts
 * const updates: Updates = [[w, w.sub(dw.mul(0.1))]]; // w ← w − 0.1·∂f/∂w
 * g.run([loss], feeds, { updates });
 * ```
 */
export type Updates = Iterable<readonly [Node, Node]>;

/**
 * Options of a single run.
 *
 * @example
 * ```ts
 * g.run([loss], { x: X, y: Y }, { updates: minimize(loss, [w], sgd()), checkNumerics: true });
 * ```
 */
export interface RunOptions {
  /** Assignments `variable ← value`; all values are computed first, then all are stored at once. */
  readonly updates?: Updates | undefined;
  /** Stop at the first node that produces NaN or ±Infinity and name it. */
  readonly checkNumerics?: boolean | undefined;
}

/**
 * What to prepare for repeated runs.
 *
 * @example
 * ```ts
 * const train = g.compile({ outputs: [loss], updates: minimize(loss, [w], sgd()), executor: 'compiled' });
 * ```
 */
export interface ExecutableOptions extends RunOptions {
  /** Nodes whose values each run returns. */
  readonly outputs: readonly Node[];
  /**
   * `'interpreter'` (default): the readable reference, one kernel call per node. `'compiled'`:
   * specialised per feed shape, with fused elementwise loops and planned buffers.
   */
  readonly executor?: 'interpreter' | 'compiled';
  /**
   * Where runs read variables and random counters and commit their effects: the graph's own
   * store (`graph.state`) by default; another {@link RunState} runs the same graph on other values.
   */
  readonly state?: RunState | undefined;
  /**
   * Resource limits every run checks before it allocates anything (see {@link GraphLimits}); the
   * fields given replace the graph's own ({@link GraphCore.limits}).
   */
  readonly limits?: GraphLimits | undefined;
}

/**
 * A prepared run: call it with feeds to get the outputs' values.
 *
 * @example
 * ```ts
 * const run: Executable = g.compile({ outputs: [y] });
 * run.inputs.map((n) => n.name); // ['x']
 * const [value] = run({ x: tensor([1, 2]) });
 * ```
 */
export interface Executable {
  /** Runs once: reads feeds and variables, computes, then commits every assignment together. */
  (feeds?: Feeds): Tensor[];
  /** The nodes each run computes, operands first (the graph pruned to what is needed). */
  readonly schedule: readonly Node[];
  /** The inputs each run needs a feed for. */
  readonly inputs: readonly Node[];
}

/**
 * Options of the random source ops.
 *
 * @example
 * ```ts
 * const noise = g.randomNormal(['batch', 2], { seed: 42, dtype: 'float32', std: 0.1 });
 * ```
 */
export interface RandomOptions {
  /** Seed of the node's stream, an integer in [0, 2³²). Required: randomness is always reproducible. */
  readonly seed: number;
  /** Element type, `float64` by default. */
  readonly dtype?: DType;
}

/**
 * The graph as data, and its builder: nodes are added by building ops, never removed or changed, so
 * the graph is always acyclic. Run-time values (variable values, random-run counters) live in
 * {@link GraphCore.state}, a separate {@link RunState} that the executors read and commit through.
 * Running and JSON are the business of the layers above: use {@link Graph}, which adds them; every
 * node's `graph` is a `Graph`.
 *
 * @example
 * ```ts
 * const g: GraphCore = new Graph();
 * const y = g.input('x', [2]).mul(2);
 * y.graph === g; // true
 * ```
 */
export abstract class GraphCore {
  private readonly nodeList: Node[] = [];
  private readonly named = new Map<string, Node>();
  /**
   * The values this graph's runs read and commit by default: variable values and random-run
   * counters (see {@link RunState}). {@link GraphCore.getVariable} and friends read and write it.
   *
   * @example
   * ```ts
   * g.state.variable('w'); // the stored tensor itself, read-only
   * ```
   */
  readonly state = new VariableStore();
  private readonly scalars = new Map<string, Node>();
  private origin: NodeOrigin | undefined;
  private ownLimits: Readonly<GraphLimits> = {};

  /**
   * The resource limits every compile of this graph checks unless it passes its own: none for a
   * graph built by hand; for a graph read by `graphFromJSON`, the limits it was read with (safe
   * defaults, {@link JSON_DEFAULT_LIMITS}).
   *
   * @example
   * ```ts
   * graphFromJSON(text).limits; // { maxElements: 16777216, maxBytes: 1073741824, maxNodes: 100000 }
   * ```
   */
  get limits(): Readonly<GraphLimits> {
    return this.ownLimits;
  }

  /**
   * Replaces the graph's resource limits (see {@link GraphCore.limits}).
   *
   * @param limits - the new limits; a field left out is not limited.
   * @throws ChainruleError when a limit is not a positive integer or Infinity, or unknown.
   * @example
   * ```ts
   * g.setLimits({ ...g.limits, maxBytes: 2 ** 32 }); // a model from a trusted source needs more
   * ```
   */
  setLimits(limits: GraphLimits): void {
    this.ownLimits = Object.freeze(mergeLimits(limits, {}, 'setLimits: limits'));
  }

  /**
   * Every node, in creation order (a topological order).
   *
   * @example
   * ```ts
   * g.nodes.length; // how many nodes have been built
   * ```
   */
  get nodes(): readonly Node[] {
    return this.nodeList;
  }

  /**
   * The node with a given id.
   *
   * @param id - a node id of this graph.
   * @returns the node.
   * @throws ChainruleError when there is no such node.
   * @example
   * ```ts
   * g.node(y.id) === y; // true
   * ```
   */
  node(id: number): Node {
    const n = typeof id === 'number' ? this.nodeList[id] : undefined;
    if (n === undefined) throw new ChainruleError(`graph has no node #${describeValue(id)}`);
    return n;
  }

  /**
   * The input or variable with a given name.
   *
   * @param name - the name given when it was declared.
   * @returns the node, or `undefined`.
   * @example
   * ```ts
   * const w = g.byName('w'); // the variable declared as 'w'
   * ```
   */
  byName(name: string): Node | undefined {
    return this.named.get(name);
  }

  /**
   * The input nodes, in creation order.
   *
   * @example
   * ```ts
   * g.inputs.map((n) => n.name); // ['x', 'y']
   * ```
   */
  get inputs(): readonly Node[] {
    return this.nodeList.filter((n) => n.op === 'input');
  }

  /**
   * The variable nodes, in creation order.
   *
   * @example
   * ```ts
   * g.variables.map((v) => v.name); // ['w', 'b']
   * ```
   */
  get variables(): readonly Node[] {
    return this.nodeList.filter((n) => n.op === 'variable');
  }

  /**
   * Builds a node applying primitive `op` to `inputs`: validates the attributes, infers the output's
   * shape and dtype, and throws at once if the operands break the op's rule. Usually called through
   * the methods of {@link Node}.
   *
   * @param op - a primitive op name (see `PRIMITIVES`).
   * @param inputs - operand nodes of this graph.
   * @param attrs - the op's attributes.
   * @returns the new node.
   * @throws ShapeError naming the op, the operand shapes and the rule broken.
   * @throws ChainruleError on an unknown op, an operand from another graph, or a name already used.
   * @example
   * ```ts
   * g.apply('matmul', [a, b], { transposeB: true });
   * ```
   */
  apply(op: string, inputs: readonly Node[], attrs: RawAttrs = {}): Node {
    const def = typeof op === 'string' ? getOp(op) : undefined;
    if (def === undefined) throw new ChainruleError(`unknown op ${typeof op === 'string' ? `'${op}'` : describeValue(op)}`);
    if (!Array.isArray(inputs)) throw new ArgumentError(op, 'inputs', 'an array of graph nodes', inputs);
    expectOptions(op, 'attrs', attrs);
    if (def.arity === 'variadic' ? inputs.length === 0 : inputs.length !== def.arity) {
      throw new ShapeError(`${op}: expects ${def.arity === 'variadic' ? 'at least one' : def.arity} input(s), got ${inputs.length}`);
    }
    inputs.forEach((n, i) => {
      if (!(n instanceof Node)) throw new ChainruleError(`${op}: operand ${i} is not a graph node`);
      if (n.graph !== this) throw new ChainruleError(`${op}: operand ${i} (${n}) belongs to another graph`);
    });
    let parsed: unknown;
    try {
      parsed = def.parseAttrs(new AttrReader(attrs));
    } catch (e) {
      if (e instanceof AttrError) throw new ShapeError(`${op}: ${e.message}`);
      throw e;
    }
    const type = def.infer(
      inputs.map((n) => ({ shape: n.shape, dtype: n.dtype })),
      parsed,
    );
    const shape = checkSymbolicShape(type.shape, op);
    const name = op === 'input' || op === 'variable' ? (parsed as { name: string }).name : undefined;
    if (name !== undefined && this.named.has(name)) throw new ChainruleError(`${op}: the name '${name}' is already used by ${this.named.get(name)}`);
    const node = new Node(this, this.nodeList.length, op, inputs, Object.freeze(parsed as RawAttrs), shape, type.dtype, this.origin);
    this.nodeList.push(node);
    if (name !== undefined) this.named.set(name, node);
    return node;
  }

  /**
   * Runs `build` with every node it creates marked as coming from `origin` (used by transforms
   * such as differentiation to record provenance).
   *
   * @param origin - the forward node and rule responsible.
   * @param build - builds the nodes.
   * @returns what `build` returns.
   * @example
   * ```ts
   * const d = g.withOrigin({ node: y.id, rule: 'vjp:mul' }, () => ct.mul(x));
   * d.origin?.rule; // 'vjp:mul'
   * ```
   */
  withOrigin<T>(origin: NodeOrigin, build: () => T): T {
    const { node, rule } = expectOptions('withOrigin', 'origin', origin);
    if (origin === undefined) throw new ArgumentError('withOrigin', 'origin', 'an object { node, rule }', origin);
    expectNumber('withOrigin', 'origin.node', node, { kind: 'integer', min: 0 });
    expectString('withOrigin', 'origin.rule', rule);
    expectFunction('withOrigin', 'build', build);
    const saved = this.origin;
    this.origin = origin;
    try {
      return build();
    } finally {
      this.origin = saved;
    }
  }

  /**
   * Declares a placeholder, fed by name at each run.
   *
   * @param name - unique name, the key of its feed.
   * @param shape - static shape; a dimension may be a symbolic name such as `'batch'`, bound by
   *   the fed value at each run.
   * @param dtype - element type (`float64` by default).
   * @returns the input node.
   * @throws ShapeError on a bad dimension.
   * @throws ChainruleError when the name is already used.
   * @example
   * ```ts
   * const x = g.input('x', ['batch', 784]);
   * ```
   */
  input(name: string, shape: readonly Dim[], dtype: DType = 'float64'): Node {
    expectString('input', 'name', name);
    return this.apply('input', [], { name, shape: checkSymbolicShape(shape, `input '${name}'`), dtype });
  }

  /**
   * Declares a variable: a named value kept between runs and changed only by assignments. The graph
   * keeps a copy of the value, in the kernels' memory where the WebAssembly kernels run (so that
   * every run reads it in place).
   *
   * @param name - unique name, its key in the store and in checkpoints.
   * @param init - the first value (a tensor, which also fixes the dtype); or a concrete shape.
   * @param initializer - with a shape: the {@link Initializer} (0 by default).
   * @param dtype - with a shape: the element type (`float64` by default).
   * @returns the variable node.
   * @throws ShapeError when the shape is bad or the initializer returns the wrong shape or dtype.
   * @throws ChainruleError when the name is already used, or both a tensor and an initializer are given.
   * @example
   * ```ts
   * g.variable('b', tensor([0, 0]));
   * g.variable('w', [784, 10], uniformInit(-0.1, 0.1, 7));
   * ```
   */
  variable(name: string, init: Tensor | readonly number[], initializer: Initializer = 0, dtype: DType = 'float64'): Node {
    expectString('variable', 'name', name);
    if (!(init instanceof Tensor) && !Array.isArray(init)) throw new ArgumentError(`variable '${name}'`, 'init', 'a Tensor or a shape', init);
    if (typeof initializer !== 'number' && typeof initializer !== 'function') throw new ArgumentError(`variable '${name}'`, 'initializer', 'a number or an initializer function', initializer);
    if (!isDType(dtype)) throw new ArgumentError(`variable '${name}'`, 'dtype', "'float64' or 'float32'", dtype);
    let value: Tensor;
    if (init instanceof Tensor) {
      if (initializer !== 0 || dtype !== 'float64') {
        throw new ChainruleError(`variable '${name}': give either a tensor, or a shape with an initializer and a dtype — not both`);
      }
      value = init;
    } else {
      const shape = checkShape(init, `variable '${name}'`);
      value = typeof initializer === 'number' ? full(shape, initializer, dtype) : initializer(shape, dtype);
      if (!(value instanceof Tensor)) throw new ChainruleError(`variable '${name}': the initializer returned ${describeValue(value)}, not a Tensor`);
      if (value.dtype !== dtype || formatShape(value.shape) !== formatShape(shape)) {
        throw new ShapeError(`variable '${name}': the initializer returned ${value.dtype} ${formatShape(value.shape)}, expected ${dtype} ${formatShape(shape)}`);
      }
    }
    const node = this.apply('variable', [], { name, shape: value.shape, dtype: value.dtype });
    this.state.declare(name, residentCopy(value));
    return node;
  }

  /**
   * A constant node holding a fixed value.
   *
   * @param value - a tensor, nested arrays or a number.
   * @param dtype - element type for non-tensor values (`float64` by default).
   * @returns the constant node.
   * @example
   * ```ts
   * g.constant([[1, 0], [0, 1]]);
   * ```
   */
  constant(value: Tensor | NestedArray, dtype: DType = 'float64'): Node {
    return this.apply('constant', [], { value: value instanceof Tensor ? copyTensor(value) : tensor(value, undefined, dtype) });
  }

  /**
   * A scalar constant; equal scalars of a dtype share one node.
   *
   * @param value - the number.
   * @param dtype - element type (`float64` by default).
   * @returns the constant node.
   * @throws ChainruleError on an unknown dtype.
   * @example
   * ```ts
   * g.scalar(2) === g.scalar(2); // true: one shared node
   * ```
   */
  scalar(value: number, dtype: DType = 'float64'): Node {
    expectNumber('scalar', 'value', value, { kind: 'any' });
    if (!isDType(dtype)) throw new ChainruleError(`scalar: unknown dtype ${JSON.stringify(dtype)}`);
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : String(value)}`;
    let node = this.scalars.get(key);
    if (node === undefined || node.origin !== this.origin) {
      node = this.constant(value, dtype);
      if (this.origin === undefined) this.scalars.set(key, node);
    }
    return node;
  }

  /**
   * A tensor of one repeated value; its shape may be symbolic.
   *
   * @param shape - static shape.
   * @param value - the value of every element.
   * @param dtype - element type (`float64` by default).
   * @returns the fill node.
   * @example
   * ```ts
   * g.fill(['batch', 1], 1);
   * ```
   */
  fill(shape: readonly Dim[], value: number, dtype: DType = 'float64'): Node {
    return this.apply('fill', [], { shape, value, dtype });
  }

  /**
   * Independent draws from U[low, high), new at every run and reproducible from the seed.
   *
   * @param shape - static shape.
   * @param options - seed, bounds (0 and 1 by default) and dtype.
   * @returns the random node.
   * @example
   * ```ts
   * g.randomUniform([2, 2], { seed: 1, low: -1, high: 1 });
   * ```
   */
  randomUniform(shape: readonly Dim[], options: RandomOptions & { readonly low?: number; readonly high?: number }): Node {
    if (options === undefined) throw new ArgumentError('randomUniform', 'options', 'an object with a seed', options);
    expectOptions('randomUniform', 'options', options);
    return this.apply('randomUniform', [], { shape, dtype: options.dtype ?? 'float64', seed: options.seed, low: options.low ?? 0, high: options.high ?? 1 });
  }

  /**
   * Independent draws from N(mean, std²), new at every run and reproducible from the seed.
   *
   * @param shape - static shape.
   * @param options - seed, mean (0), standard deviation (1) and dtype.
   * @returns the random node.
   * @example
   * ```ts
   * g.randomNormal([3], { seed: 2, std: 0.1 });
   * ```
   */
  randomNormal(shape: readonly Dim[], options: RandomOptions & { readonly mean?: number; readonly std?: number }): Node {
    if (options === undefined) throw new ArgumentError('randomNormal', 'options', 'an object with a seed', options);
    expectOptions('randomNormal', 'options', options);
    return this.apply('randomNormal', [], { shape, dtype: options.dtype ?? 'float64', seed: options.seed, mean: options.mean ?? 0, std: options.std ?? 1 });
  }

  /**
   * Independent Bernoulli(p) draws (1 with probability p), new at every run and reproducible.
   *
   * @param shape - static shape.
   * @param options - seed, p and dtype.
   * @returns the random node.
   * @example
   * ```ts
   * const r = g.randomBernoulli(['batch', 100], { seed: 3, p: 0.8 }); // a dropout mask
   * ```
   */
  randomBernoulli(shape: readonly Dim[], options: RandomOptions & { readonly p: number }): Node {
    if (options === undefined) throw new ArgumentError('randomBernoulli', 'options', 'an object with a seed and p', options);
    expectOptions('randomBernoulli', 'options', options);
    return this.apply('randomBernoulli', [], { shape, dtype: options.dtype ?? 'float64', seed: options.seed, p: options.p });
  }

  /**
   * Elementwise selection: `a` where `cond` ≠ 0, else `b`, broadcasting all three.
   *
   * @param cond - the condition (0/1 valued, e.g. from a comparison).
   * @param a - chosen where the condition holds.
   * @param b - chosen elsewhere.
   * @returns the selection.
   * @example
   * ```ts
   * g.where(x.greater(0), x, x.mul(0.01)); // leaky relu
   * ```
   */
  where(cond: Node, a: Operand, b: Operand): Node {
    if (!(cond instanceof Node)) throw new ArgumentError('where', 'cond', 'a graph node', cond);
    const lift = (v: Operand): Node => (typeof v === 'number' ? this.scalar(v, cond.dtype) : v);
    return this.apply('where', [cond, lift(a), lift(b)]);
  }

  /**
   * Joins nodes along an axis.
   *
   * @param parts - nodes whose shapes agree except on `axis`.
   * @param axis - the axis to join along (0 by default).
   * @returns the joined node.
   * @example
   * ```ts
   * g.concat([a, b], 1);
   * ```
   */
  concat(parts: readonly Node[], axis = 0): Node {
    if (!Array.isArray(parts)) throw new ArgumentError('concat', 'parts', 'an array of graph nodes', parts);
    return this.apply('concat', parts, { axis });
  }

  /**
   * Solves A·X = B for square A.
   *
   * @param a - [..., n, n].
   * @param b - [..., n, k].
   * @returns X, [..., n, k].
   * @example
   * ```ts
   * const step = g.solve(hessian, gradient.reshape([n, 1]));
   * ```
   */
  solve(a: Node, b: Node): Node {
    return this.apply('solve', [a, b]);
  }

  /**
   * Adds rows of `updates` into zeros of `rows` rows at `indices` (the adjoint of gather).
   *
   * @param updates - shaped `[...indices.shape, ...row]`.
   * @param indices - integer row indices.
   * @param rows - rows of the result.
   * @returns the accumulated node.
   * @example
   * ```ts
   * g.scatterAdd(grads, idx, 10);
   * ```
   */
  scatterAdd(updates: Node, indices: Node, rows: Dim): Node {
    return this.apply('scatterAdd', [updates, indices], { rows });
  }

  /**
   * The adjoint of `x.conv2d(w, options)` in x (a transposed convolution): ∂ℓ/∂x from the
   * cotangent dy = ∂ℓ/∂y and the filters. Linear in dy and in w.
   *
   * @param dy - [batch, OH, OW, outChannels], the convolution's output shape.
   * @param w - the filters, HWIO.
   * @param inputSize - [height, width] of the convolution's input (several sizes pool to the same OH).
   * @param options - the convolution's options.
   * @returns [batch, height, width, inChannels].
   * @throws ShapeError when dy is not the convolution's output shape for that input, or as conv2d.
   * @example
   * ```ts
   * g.conv2dBackpropInput(dy, w, [28, 28], { padding: 'same' });
   * ```
   */
  conv2dBackpropInput(dy: Node, w: Node, inputSize: readonly [number, number], options: Conv2dOptions = {}): Node {
    return this.apply('conv2dBackpropInput', [dy, w], { ...convAttrs('conv2dBackpropInput', options), inputSize });
  }

  /**
   * The adjoint of `x.conv2d(w, options)` in w: ∂ℓ/∂w from the input x and the cotangent
   * dy = ∂ℓ/∂y. Linear in x and in dy.
   *
   * @param x - the convolution's input, NHWC.
   * @param dy - [batch, OH, OW, outChannels], the convolution's output shape.
   * @param filterSize - [kh, kw] of the filters.
   * @param options - the convolution's options.
   * @returns [kh, kw, inChannels / groups, outChannels].
   * @throws ShapeError when dy is not the convolution's output shape, or as conv2d.
   * @example
   * ```ts
   * g.conv2dBackpropFilter(x, dy, [5, 5], { padding: 'same' });
   * ```
   */
  conv2dBackpropFilter(x: Node, dy: Node, filterSize: readonly [number, number], options: Conv2dOptions = {}): Node {
    return this.apply('conv2dBackpropFilter', [x, dy], { ...convAttrs('conv2dBackpropFilter', options), filterSize });
  }

  /**
   * The derivative of `x.maxPool2d(options)`: ∂ℓ/∂x from x and the cotangent dy = ∂ℓ/∂y, each
   * window's cotangent going to its maximum, shared equally by tied maxima. Linear in dy; no
   * gradient flows to x, which only selects the routes (piecewise constant).
   *
   * @param x - the pooled input.
   * @param dy - shaped like `x.maxPool2d(options)`.
   * @param options - the pooling's options.
   * @returns a node shaped like x.
   * @throws ShapeError when dy is not the pooled shape of x, or as maxPool2d.
   * @example
   * ```ts
   * g.maxPool2dBackprop(x, dy, { windowShape: 2 });
   * ```
   */
  maxPool2dBackprop(x: Node, dy: Node, options: Pool2dOptions): Node {
    return this.apply('maxPool2dBackprop', [x, dy], poolAttrs('maxPool2dBackprop', options));
  }

  /**
   * The forward-mode derivative of `x.maxPool2d(options)` along t: for each window, the mean of t
   * over the positions of x's maxima (the adjoint of maxPool2dBackprop). Linear in t; no gradient
   * flows to x.
   *
   * @param x - the pooled input.
   * @param t - a tangent shaped like x.
   * @param options - the pooling's options.
   * @returns a node shaped like `x.maxPool2d(options)`.
   * @throws ShapeError when t is not shaped like x, or as maxPool2d.
   * @example
   * ```ts
   * g.maxPool2dSelect(x, t, { windowShape: 2 });
   * ```
   */
  maxPool2dSelect(x: Node, t: Node, options: Pool2dOptions): Node {
    return this.apply('maxPool2dSelect', [x, t], poolAttrs('maxPool2dSelect', options));
  }

  /**
   * The adjoint of `x.avgPool2d(options)`: each window's cotangent divided by its count of
   * in-bounds elements and added to each of them.
   *
   * @param dy - shaped like the pooled output.
   * @param inputSize - [height, width] of the pooled input.
   * @param options - the pooling's options.
   * @returns [batch, height, width, channels].
   * @throws ShapeError when dy is not the pooled shape of that input, or as avgPool2d.
   * @example
   * ```ts
   * g.avgPool2dBackprop(dy, [28, 28], { windowShape: 2 });
   * ```
   */
  avgPool2dBackprop(dy: Node, inputSize: readonly [number, number], options: Pool2dOptions): Node {
    return this.apply('avgPool2dBackprop', [dy], { ...poolAttrs('avgPool2dBackprop', options), inputSize });
  }

  /**
   * A copy of a variable's current value.
   *
   * @param name - the variable's name.
   * @returns its value.
   * @throws ChainruleError naming the variable when there is none.
   * @example
   * ```ts
   * g.getVariable('w').toArray();
   * ```
   */
  getVariable(name: string): Tensor {
    return copyTensor(this.state.variable(name));
  }

  /**
   * Overwrites a variable's value (a copy of `value` is kept).
   *
   * @param name - the variable's name.
   * @param value - the new value, of the variable's shape and dtype.
   * @throws ChainruleError when there is no such variable.
   * @throws ShapeError when the value is not a tensor of the variable's shape and dtype.
   * @example
   * ```ts
   * g.setVariable('b', tensor([0, 0]));
   * ```
   */
  setVariable(name: string, value: Tensor): void {
    const node = this.named.get(name);
    if (node?.op !== 'variable') throw new ChainruleError(`no variable named '${name}'`);
    if (!(value instanceof Tensor) || value.dtype !== node.dtype || formatShape(value.shape) !== formatShape(node.shape)) {
      const got = value instanceof Tensor ? `${value.dtype} ${formatShape(value.shape)}` : typeof value;
      throw new ShapeError(`setVariable '${name}': expected ${node.dtype} ${formatShape(node.shape)}, got ${got}`);
    }
    this.state.declare(name, residentCopy(value));
  }

  /**
   * How many times each random node has run, by node id: with the seeds, this is the whole random
   * state (checkpoints save it; restoring it replays the same draws).
   *
   * @returns node id → completed runs.
   * @example
   * ```ts
   * const saved = g.randomState();
   * g.run([noise]);
   * g.setRandomState(saved); // the next run draws the same values again
   * ```
   */
  randomState(): Record<number, number> {
    return Object.fromEntries(this.nodeList.filter((n) => getOp(n.op)?.kind === 'random').map((n) => [n.id, this.state.randomRuns(n.id)]));
  }

  /**
   * Restores run counters saved by {@link GraphCore.randomState}.
   *
   * @param state - node id → completed runs, for random nodes of this graph.
   * @throws ChainruleError on an id that is not a random node or a counter that is not a count.
   * @example
   * ```ts
   * g.setRandomState({ [noise.id]: 0 }); // rewind one random node
   * ```
   */
  setRandomState(state: Readonly<Record<number, number>>): void {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new ArgumentError('setRandomState', 'state', 'an object of run counts by node id', state);
    for (const [id, runs] of Object.entries(state)) {
      const node = this.nodeList[Number(id)];
      if (node === undefined || getOp(node.op)?.kind !== 'random') throw new ChainruleError(`setRandomState: #${id} is not a random node`);
      if (!Number.isSafeInteger(runs) || runs < 0) throw new ChainruleError(`setRandomState: run count for #${id} must be a non-negative integer, got ${describeValue(runs)}`);
    }
    for (const [id, runs] of Object.entries(state)) this.state.setRandomRuns(Number(id), runs);
  }

  /**
   * Prepares repeated runs computing `outputs` (and applying `updates`): prunes the graph to what
   * they need, orders it, and checks the updates once.
   *
   * @param options - outputs to return and variable assignments to apply.
   * @returns a function from feeds to the outputs' values.
   * @throws ChainruleError when an output or update is not a node of this graph, or a target is not a variable or is assigned twice.
   * @throws ShapeError when an update's value does not have its variable's shape and dtype.
   * @example
   * ```ts
   * const step = g.compile({ outputs: [loss], updates: [[w, w.sub(dw.mul(0.1))]] });
   * for (let i = 0; i < 100; i++) step({ x: X, y: Y });
   * ```
   */
  abstract compile(options: ExecutableOptions): Executable;

  /**
   * The graph as JSON data (nodes, variable values, random state); `JSON.stringify(graph)` uses it.
   *
   * @returns the {@link GraphJSON} form, see {@link graphToJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(g);
   * ```
   */
  abstract toJSON(): GraphJSON;

  /**
   * Computes `outputs` from `feeds` in one run; see {@link Graph.compile} for repeated runs.
   *
   * @param outputs - nodes whose values to return.
   * @param feeds - a value for every input the outputs (and updates) depend on, by name.
   * @param options - variable assignments applied together after every read of the run.
   * @returns the outputs' values, in order.
   * @throws FeedError when a needed feed is missing or does not fit its input.
   * @throws ExecutionError naming the node whose computation failed.
   * @example
   * ```ts
   * const [a, b] = g.run([a, b], {}, { updates: [[a, b], [b, a]] }); // swaps a and b
   * ```
   */
  run(outputs: readonly Node[], feeds: Feeds = {}, options: RunOptions & { readonly executor?: ExecutableOptions['executor'] } = {}): Tensor[] {
    expectOptions('run', 'options', options);
    return this.compile({ outputs, updates: options.updates, checkNumerics: options.checkNumerics, executor: options.executor })(feeds);
  }
}
