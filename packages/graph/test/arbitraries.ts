/**
 * fast-check arbitraries for random well-formed graphs, built only through the public API of
 * `@chainrule/graph`, for any suite that needs "some graph": serialisation round trips, executor
 * agreement, rewrite passes.
 *
 * A graph is drawn as a plain recipe (sizes, values and a list of steps, each a few random words)
 * and then built by replaying the recipe, so shrinking works on the recipe and every drawn value is
 * a fresh graph. Each step picks an operand from the nodes built so far and applies one family of
 * ops to it, choosing the parameters from the operand's shape so that the step is always valid:
 * unary and binary elementwise (every elementwise primitive of one or two operands that needs no
 * attributes, binary ones with broadcasting partners), where, reductions, matmul, transpose,
 * reshape, expandDims/squeeze, slice, pad, concat, broadcastTo, gather, the
 * softmax/logSoftmax/logSumExp composites, seeded random ops and casts to float32 and back.
 * Inputs may have a symbolic `'batch'` dimension; every tensor has at most 64 elements.
 */
import fc from 'fast-check';
import { Graph, isConcrete, schedule, tensor, type DType, type Dim, type Node, type Tensor } from '@chainrule/graph';
import { elementwiseOps } from './op-lists.js';

/** A random graph, the nodes to compute and a feed for every input. */
export interface GraphCase {
  /** The graph; owned by this case (runs advance its random state). */
  readonly graph: Graph;
  /** Nodes worth computing: the last node built plus a few others. */
  readonly outputs: Node[];
  /** A value for every input of the graph, by name (`'batch'` bound to one size for all inputs). */
  readonly feeds: Record<string, Tensor>;
}

/** Options of {@link arbitraryGraph}. */
export interface GraphOptions {
  /** Most steps (each adds one op family application, a few nodes at most); 20 by default. */
  readonly maxSteps?: number;
}

const MAX_SIZE = 64;
const WORDS_PER_STEP = 10;

interface Recipe {
  readonly batch: number;
  readonly inputs: readonly { readonly dims: readonly number[]; readonly batched: boolean; readonly float32: boolean }[];
  readonly variables: readonly (readonly number[])[];
  readonly constants: readonly (readonly number[])[];
  readonly steps: readonly (readonly number[])[];
  readonly values: readonly number[];
  readonly outputs: readonly number[];
}

const UNARY = elementwiseOps(1);
const BINARY = elementwiseOps(2);

/** Replays a recipe; `pick` reads the current step's random words in turn. */
class Builder {
  readonly graph = new Graph();
  readonly pool: Node[] = [];
  private words: readonly number[] = [0];
  private next = 0;
  private offset = 0;
  private names = 0;

  constructor(private readonly recipe: Recipe) {}

  /** Starts reading the words of one step. */
  step(words: readonly number[]): void {
    this.words = words;
    this.next = 0;
  }

  /** An integer in [0, n). */
  pick(n: number): number {
    return n <= 1 ? 0 : this.words[this.next++ % this.words.length]! % n;
  }

  /** Elements of a shape, with `'batch'` at the recipe's size. */
  size(shape: readonly Dim[]): number {
    return shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : this.recipe.batch), 1);
  }

  /** A tensor of the given shape with values from the recipe's pool. */
  value(shape: readonly number[], dtype: DType): Tensor {
    const { values } = this.recipe;
    const data = Array.from({ length: this.size(shape) }, () => values[this.offset++ % values.length]!);
    return tensor(data, shape, dtype);
  }

  /** One number from the recipe's pool. */
  number(): number {
    return this.recipe.values[this.pick(this.recipe.values.length)]!;
  }

  /** Makes a node available as an operand of later steps. */
  add(node: Node): Node {
    if (!this.pool.includes(node)) this.pool.push(node);
    return node;
  }

  /** A new leaf of the given shape: a constant or variable when concrete, else a fill. */
  leaf(shape: readonly Dim[], dtype: DType): Node {
    const concrete = shape.every((d): d is number => typeof d === 'number');
    if (!concrete || this.pick(4) === 0) return this.add(this.graph.fill(shape, this.number(), dtype));
    if (this.pick(3) === 0) return this.add(this.graph.variable(`v${this.names++}`, this.value(shape, dtype)));
    return this.add(this.graph.constant(this.value(shape, dtype)));
  }

  /** A node (or number) of `x`'s dtype whose shape broadcasts into `x.shape`, so `x ∘ y` has x's shape. */
  partner(x: Node): Node | number {
    const fits = (y: Node): boolean =>
      y.dtype === x.dtype && y.rank <= x.rank && y.shape.every((d, i) => d === 1 || d === x.shape[x.rank - y.rank + i]);
    const candidates = this.pool.filter(fits);
    const choice = this.pick(5);
    if (choice === 0) return this.number();
    if (choice <= 2 && candidates.length > 0) return candidates[this.pick(candidates.length)]!;
    const suffix = x.shape.slice(this.pick(x.rank + 1));
    return this.leaf(suffix.map((d) => (this.pick(3) === 0 ? 1 : d)), x.dtype);
  }
}

type Family = (b: Builder, x: Node) => Node | undefined;

const unary: Family = (b, x) => b.graph.apply(UNARY[b.pick(UNARY.length)]!, [x]);

const binary: Family = (b, x) => {
  const y = b.partner(x);
  const op = BINARY[b.pick(BINARY.length)]!;
  if (typeof y === 'number') return b.graph.apply(op, [x, b.graph.scalar(y, x.dtype)]);
  return b.graph.apply(op, b.pick(2) === 0 ? [x, y] : [y, x]);
};

const where: Family = (b, x) => {
  const y = b.partner(x);
  const cond = x.greater(b.partner(x));
  return b.pick(2) === 0 ? b.graph.where(cond, x, y) : b.graph.where(cond, y, x);
};

/** Random axes of a rank-r node (sometimes negative), or `undefined` for all. */
function axesOf(b: Builder, rank: number): number[] | undefined {
  if (b.pick(4) === 0) return undefined;
  const mask = b.pick(2 ** rank);
  return Array.from({ length: rank }, (_, i) => i)
    .filter((i) => (mask >> i) & 1)
    .map((i) => (b.pick(2) === 0 ? i : i - rank));
}

const reduction: Family = (b, x) => {
  const axes = axesOf(b, x.rank);
  const keepDims = b.pick(2) === 0;
  switch (b.pick(4)) {
    case 0:
      return x.sum(axes, keepDims);
    case 1:
      return x.max(axes, keepDims);
    case 2:
      return x.mean(axes, keepDims);
    default:
      return x.min(axes, keepDims);
  }
};

const matmul: Family = (b, x) => {
  const a = x.rank >= 2 ? x : x.rank === 1 ? b.add(x.expandDims(b.pick(2))) : b.add(x.reshape([1, 1]));
  const transposeA = b.pick(2) === 0;
  const r = a.rank;
  const k = transposeA ? a.shape[r - 2]! : a.shape[r - 1]!;
  // The output has size(a) / k · n elements and the other operand k · n.
  const limit = Math.floor(MAX_SIZE / Math.max(b.size(a.shape) / b.size([k]), b.size([k])));
  const n = 1 + b.pick(Math.min(3, limit));
  const transposeB = b.pick(2) === 0;
  const other = b.leaf(transposeB ? [n, k] : [k, n], a.dtype);
  return a.matmul(other, { transposeA, transposeB });
};

const transpose: Family = (b, x) => {
  if (b.pick(3) === 0) return x.transpose();
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = b.pick(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return x.transpose(perm);
};

const reshape: Family = (b, x) => {
  const symbols = x.shape.filter((d): d is string => typeof d === 'string');
  let rest = b.size(x.shape.filter((d) => typeof d === 'number'));
  const dims: number[] = [];
  for (let i = b.pick(3); i > 0 && rest > 1; i--) {
    const divisors = Array.from({ length: rest }, (_, j) => j + 1).filter((d) => rest % d === 0);
    const d = divisors[b.pick(divisors.length)]!;
    dims.push(d);
    rest /= d;
  }
  if (rest > 1 || b.pick(2) === 0) dims.push(rest);
  const target: Dim[] = [...symbols, ...dims];
  if (target.length > 0 && b.pick(3) === 0) target[b.pick(target.length)] = -1;
  return x.reshape(target);
};

const expandOrSqueeze: Family = (b, x) => {
  if (b.pick(2) === 0) return x.expandDims(b.pick(2 * x.rank + 2) - (x.rank + 1));
  const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  return x.squeeze(ones.length === 0 || b.pick(2) === 0 ? undefined : ones.filter(() => b.pick(2) === 0));
};

const slice: Family = (b, x) => {
  const begin: number[] = [];
  const size: number[] = [];
  for (const d of x.shape) {
    if (typeof d === 'string') {
      begin.push(0);
      size.push(-1);
      continue;
    }
    const start = b.pick(d);
    begin.push(start);
    size.push(b.pick(4) === 0 ? -1 : 1 + b.pick(d - start));
  }
  return x.slice(begin, size);
};

const pad: Family = (b, x) => {
  const before = x.shape.map((d) => (typeof d === 'string' ? 0 : b.pick(2)));
  const after = x.shape.map((d) => (typeof d === 'string' ? 0 : b.pick(2)));
  const grown = x.shape.map((d, i) => (typeof d === 'string' ? d : d + before[i]! + after[i]!));
  if (b.size(grown) > MAX_SIZE) return undefined;
  return x.pad(before, after, b.number());
};

const concat: Family = (b, x) => {
  const axes = x.shape.flatMap((d, i) => (typeof d === 'number' ? [i] : []));
  if (x.rank === 0) return undefined;
  if (axes.length === 0) return b.graph.concat([x], 0);
  const axis = axes[b.pick(axes.length)]!;
  const parts = [x];
  let total = b.size(x.shape);
  for (let i = 1 + b.pick(2); i > 0; i--) {
    const shape = x.shape.map((d, j) => (j === axis ? 1 + b.pick(3) : d));
    if (total + b.size(shape) > MAX_SIZE) break;
    parts.push(b.pick(3) === 0 && total + b.size(x.shape) <= MAX_SIZE ? x : b.leaf(shape, x.dtype));
    total += b.size(parts[parts.length - 1]!.shape);
  }
  return b.graph.concat(parts, b.pick(2) === 0 ? axis : axis - x.rank);
};

const broadcastTo: Family = (b, x) => {
  const lead = Array.from({ length: b.pick(2) }, () => 1 + b.pick(3));
  const target = [...lead, ...x.shape.map((d) => (d === 1 ? 1 + b.pick(3) : d))];
  return b.size(target) > MAX_SIZE ? undefined : x.broadcastTo(target);
};

const gather: Family = (b, x) => {
  const rows = x.shape[0];
  if (typeof rows !== 'number') return undefined;
  const m = 1 + b.pick(3);
  if (b.size([m, ...x.shape.slice(1)]) > MAX_SIZE) return undefined;
  const indices = b.add(b.graph.constant(tensor(Array.from({ length: m }, () => b.pick(rows)))));
  return x.gather(indices);
};

const composite: Family = (b, x) => {
  if (x.rank === 0) return x.logSumExp();
  const axis = b.pick(x.rank) - (b.pick(2) === 0 ? 0 : x.rank);
  switch (b.pick(3)) {
    case 0:
      return x.softmax(axis);
    case 1:
      return x.logSoftmax(axis);
    default:
      return x.logSumExp(axesOf(b, x.rank), b.pick(2) === 0);
  }
};

const random: Family = (b, x) => {
  const options = { seed: b.pick(2 ** 31), dtype: x.dtype };
  const r = b.add(
    [
      () => b.graph.randomNormal(x.shape, { ...options, mean: 0.5, std: 2 }),
      () => b.graph.randomBernoulli(x.shape, { ...options, p: 0.3 }),
      () => b.graph.randomUniform(x.shape, { ...options, low: -1, high: 1 }),
    ][b.pick(3)]!(),
  );
  return b.pick(2) === 0 ? x.add(r) : x.mul(r);
};

const cast: Family = (b, x) => {
  if (x.dtype === 'float32') return x.cast('float64');
  const down = b.add(x.cast('float32'));
  return b.pick(2) === 0 ? down.cast('float64') : down;
};

const FAMILIES: readonly Family[] = [
  unary, unary, binary, binary, binary, where, reduction, reduction, matmul, transpose, reshape,
  expandOrSqueeze, slice, pad, concat, broadcastTo, gather, composite, random, cast,
];

function build(recipe: Recipe): GraphCase {
  const b = new Builder(recipe);
  const feeds: Record<string, Tensor> = {};
  recipe.inputs.forEach(({ dims, batched, float32 }, i) => {
    const dtype: DType = float32 ? 'float32' : 'float64';
    b.add(b.graph.input(`x${i}`, batched ? ['batch', ...dims] : dims, dtype));
    feeds[`x${i}`] = b.value(batched ? [recipe.batch, ...dims] : dims, dtype);
  });
  recipe.variables.forEach((shape, i) => b.add(b.graph.variable(`w${i}`, b.value(shape, 'float64'))));
  recipe.constants.forEach((shape) => b.add(b.graph.constant(b.value(shape, 'float64'))));
  for (const words of recipe.steps) {
    b.step(words);
    const x = b.pool[b.pick(b.pool.length)]!;
    const made = FAMILIES[b.pick(FAMILIES.length)]!(b, x) ?? unary(b, x)!;
    b.add(made);
  }
  const last = b.pool[b.pool.length - 1]!;
  const outputs = [...new Set([last, ...recipe.outputs.map((i) => b.pool[i % b.pool.length]!)])];
  // A run binds 'batch' from the fed inputs it needs; fills and random ops of shape [batch, …] need
  // none, so an output that depends only on those also gets a batched input to compute.
  const needed = schedule(outputs);
  if (needed.some((n) => !isConcrete(n.shape)) && !needed.some((n) => n.op === 'input' && !isConcrete(n.shape))) {
    outputs.push(b.graph.inputs.find((n) => !isConcrete(n.shape))!);
  }
  return Object.assign({ graph: b.graph, outputs, feeds }, { [fc.toStringMethod]: () => describeGraph(b.graph, outputs) });
}

/**
 * A readable listing of a graph, one node a line (`#4 add(#1, #3) float64 [batch,3]`), for
 * counterexamples.
 *
 * @param graph - the graph.
 * @param outputs - nodes to mark as outputs.
 * @returns the listing.
 * @example
 * ```ts
 * console.log(describeGraph(g, [y]));
 * ```
 */
export function describeGraph(graph: Graph, outputs: readonly Node[] = []): string {
  const marked = new Set(outputs);
  return graph.nodes
    .map((n) => `${marked.has(n) ? '*' : ' '}${n}(${n.inputs.map((m) => `#${m.id}`).join(', ')}) ${n.dtype} [${n.shape.join(',')}]`)
    .join('\n');
}

const dims = (maxRank: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: maxRank });

/**
 * Random well-formed graphs with feeds, built only through the public API. See the module comment
 * for what they contain.
 *
 * @param options - size limits.
 * @returns an arbitrary of fresh {@link GraphCase}s.
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryGraph(), ({ graph, outputs, feeds }) => {
 *   graph.run(outputs, feeds); // never throws
 * }));
 * ```
 */
export function arbitraryGraph(options: GraphOptions = {}): fc.Arbitrary<GraphCase> {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 2) },
  );
  const input = fc.oneof(
    fc.record({ dims: dims(3), batched: fc.constant(false), float32: fc.boolean() }),
    fc.record({ dims: dims(2), batched: fc.constant(true), float32: fc.constant(false) }),
  );
  const recipe: fc.Arbitrary<Recipe> = fc.record({
    batch: fc.integer({ min: 1, max: 4 }),
    inputs: fc.array(input, { minLength: 1, maxLength: 3 }),
    variables: fc.array(dims(3), { maxLength: 2 }),
    constants: fc.array(dims(2), { maxLength: 2 }),
    steps: fc.array(fc.array(fc.nat(), { minLength: WORDS_PER_STEP, maxLength: WORDS_PER_STEP }), { maxLength: options.maxSteps ?? 20 }),
    values: fc.array(value, { minLength: 1, maxLength: 16 }),
    outputs: fc.array(fc.nat(), { maxLength: 2 }),
  });
  return recipe.map(build);
}
