import { isDType, type DType } from '../core/dtype.js';
import { ChainruleError, GraphFormatError } from '../core/errors.js';
import type { GraphCore } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { AttrError, AttrReader, type RawAttrs } from '../ops/attrs.js';
import type { OpDef } from '../ops/op-def.js';
import { getOp } from '../ops/registry.js';
import { formatShape, RESERVED_KEYS, SYMBOL_PATTERN, type Dim } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { decodeTensor, encodeNumber, encodeTensor } from '../core/tensor-json.js';
import type { GraphJSON, NodeJSON } from '../ir/graph-json.js';
import { expectGraph } from '../ir/arguments.js';
import { bytesPerElement, checkBytes, checkElements, checkNodeCount, JSON_DEFAULT_LIMITS, type GraphLimits } from '../ir/limits.js';

const FORMAT = 'chainrule.graph';
const VERSION = 1;
const TOP_KEYS = ['format', 'version', 'nodes', 'variables', 'random'] as const;
const NODE_KEYS = ['id', 'op', 'inputs', 'attrs', 'shape', 'dtype'] as const;
// Limits of the format that keep hostile documents from hanging the loader; real graphs stay far
// below them. (How many nodes, and how large the values they declare, is the caller's to limit:
// see GraphLimits.)
const MAX_INPUTS = 4096;
const MAX_RANK = 32;
const MAX_DEPTH = 16;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const CANONICAL_ID = /^(0|[1-9][0-9]*)$/;

type Doc = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new GraphFormatError(path, problem);
}

/** A short quotation of a JSON value for messages. */
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** `path.key`, or `path["key"]` when the key is not an identifier. */
const at = (path: string, key: string): string => (IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks that `v` is JSON data before anything reads it: plain objects and arrays of strings,
 * booleans, null and finite numbers, no forbidden keys, not too deep, no cycles. Afterwards plain
 * property reads on the document are safe.
 */
function checkJsonData(v: unknown, path: string, depth: number, open: Set<object>, done: Set<object>): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) fail(path, `${v} is not a JSON number (graph JSON writes it as the string "${v}")`);
      return;
    case 'object':
      if (v === null) return;
      break;
    default:
      fail(path, `a ${typeof v} is not JSON data`);
  }
  const obj = v as object;
  if (done.has(obj)) return;
  if (open.has(obj)) fail(path, 'refers back to a value that contains it (a cycle, which JSON cannot hold)');
  if (depth >= MAX_DEPTH) fail(path, `nested more than ${MAX_DEPTH} levels deep`);
  open.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) checkJsonData(obj[i], `${path}[${i}]`, depth + 1, open, done);
  } else {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) fail(path, `expected JSON data, got ${Object.prototype.toString.call(obj)}`);
    for (const key of Object.keys(obj)) {
      if (RESERVED_KEYS.has(key)) fail(at(path, key), `the key '${key}' is not allowed`);
      checkJsonData((obj as Doc)[key], at(path, key), depth + 1, open, done);
    }
  }
  open.delete(obj);
  done.add(obj);
}

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an object with exactly the given keys (all required). */
function record(v: unknown, path: string, keys: readonly string[], what: string, optional: readonly string[] = []): Doc {
  if (!isObject(v)) fail(path, `expected ${what}, got ${show(v)}`);
  for (const key of Object.keys(v)) if (!keys.includes(key) && !optional.includes(key)) fail(at(path, key), `unknown field of ${what}`);
  for (const key of keys) if (!Object.hasOwn(v, key)) fail(at(path, key), `missing field of ${what}`);
  return v;
}

function readShape(v: unknown, path: string): Dim[] {
  if (!Array.isArray(v) || v.length > MAX_RANK) fail(path, `expected a list of at most ${MAX_RANK} dimensions, got ${show(v)}`);
  return v.map((d: unknown, i): Dim => {
    if (isNonNegativeInt(d) || (typeof d === 'string' && SYMBOL_PATTERN.test(d))) return d;
    fail(`${path}[${i}]`, `expected a non-negative integer or a symbolic name like 'batch', got ${show(d)}`);
  });
}

/** One node as read from JSON, validated on its own (references are checked later). */
interface RawNode {
  readonly path: string;
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: RawAttrs;
  readonly parsed: Readonly<Record<string, unknown>>;
  readonly shape: readonly Dim[];
  readonly dtype: DType;
  readonly origin: { readonly node: number; readonly rule: string } | undefined;
}

function readOrigin(v: unknown, path: string): RawNode['origin'] {
  if (v === undefined) return undefined;
  const o = record(v, path, ['node', 'rule'], 'a node origin');
  if (!isNonNegativeInt(o['node'])) fail(`${path}.node`, `expected a node id, got ${show(o['node'])}`);
  const rule = o['rule'];
  if (typeof rule !== 'string' || rule.length === 0 || rule.length > 256) fail(`${path}.rule`, `expected a rule name of 1 to 256 characters, got ${show(rule)}`);
  return { node: o['node'], rule };
}

function parseAttrs(def: OpDef<unknown>, raw: unknown, path: string): Readonly<Record<string, unknown>> {
  if (!isObject(raw)) fail(path, `expected an object of attributes, got ${show(raw)}`);
  try {
    return def.parseAttrs(new AttrReader(raw)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof AttrError) {
      // `key` is an attribute name, possibly with an index path inside it (`axes[2]`, `value.data[0]`).
      fail(e.key === '' ? path : Object.hasOwn(raw, e.key) ? at(path, e.key) : `${path}.${e.key}`, e.problem);
    }
    if (e instanceof ChainruleError) fail(path, e.message);
    throw e;
  }
}

function readNode(v: unknown, path: string): RawNode {
  const n = record(v, path, NODE_KEYS, 'a node', ['origin']);
  const id = n['id'];
  if (!isNonNegativeInt(id)) fail(`${path}.id`, `expected a non-negative integer, got ${show(id)}`);
  const op = n['op'];
  if (typeof op !== 'string') fail(`${path}.op`, `expected an op name, got ${show(op)}`);
  const def = getOp(op);
  if (def === undefined) fail(`${path}.op`, `unknown op ${show(op)}`);
  const inputs = n['inputs'];
  if (!Array.isArray(inputs)) fail(`${path}.inputs`, `expected a list of node ids, got ${show(inputs)}`);
  if (inputs.length > MAX_INPUTS) fail(`${path}.inputs`, `${inputs.length} inputs, more than the limit of ${MAX_INPUTS}`);
  if (def.arity === 'variadic' ? inputs.length === 0 : inputs.length !== def.arity) {
    fail(`${path}.inputs`, `${op} takes ${def.arity === 'variadic' ? 'at least one input' : `${def.arity} input(s)`}, got ${inputs.length}`);
  }
  inputs.forEach((ref: unknown, k) => {
    if (!isNonNegativeInt(ref)) fail(`${path}.inputs[${k}]`, `expected a node id, got ${show(ref)}`);
  });
  const attrs = n['attrs'] as RawAttrs;
  const parsed = parseAttrs(def, attrs, `${path}.attrs`);
  const shape = readShape(n['shape'], `${path}.shape`);
  const dtype = n['dtype'];
  if (!isDType(dtype)) fail(`${path}.dtype`, `expected 'float64' or 'float32', got ${show(dtype)}`);
  return { path, id, op, inputs: inputs as number[], attrs, parsed, shape, dtype, origin: readOrigin(n['origin'], `${path}.origin`) };
}

/**
 * Node positions in an order where operands come first: the document order whenever it already is
 * one (so ids written by {@link graphToJSON} come back unchanged). NOTE: an iterative depth-first
 * search rather than graphlib's `alg.topsort`/`alg.findCycles`, which recurse once per node and
 * overflow the stack (a RangeError) on chains a few thousand nodes deep.
 */
function operandsFirst(nodes: readonly RawNode[], position: ReadonlyMap<number, number>): number[] {
  const state = new Uint8Array(nodes.length); // 0 unvisited, 1 on the DFS stack, 2 done
  const order: number[] = [];
  const stack: number[] = [];
  const next: number[] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== 0) continue;
    stack.push(root);
    next.push(0);
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const i = stack[top]!;
      const k = next[top]!;
      const inputs = nodes[i]!.inputs;
      if (k === inputs.length) {
        stack.pop();
        next.pop();
        state[i] = 2;
        order.push(i);
        continue;
      }
      next[top] = k + 1;
      const j = position.get(inputs[k]!)!;
      if (state[j] === 1) {
        const cycle = stack.slice(stack.indexOf(j)).map((p) => nodes[p]!.id);
        const shown = cycle.length > 8 ? [...cycle.slice(0, 4), '…', ...cycle.slice(-3)] : cycle;
        fail(`${nodes[i]!.path}.inputs[${k}]`, `closes a cycle: ${[...shown, nodes[j]!.id].map((id) => (id === '…' ? id : `#${id}`)).join(' → ')}`);
      }
      if (state[j] === 0) {
        state[j] = 1;
        stack.push(j);
        next.push(0);
      }
    }
  }
  return order;
}

function readVariables(v: unknown, nodes: readonly RawNode[]): Map<string, Tensor> {
  if (!isObject(v)) fail('$.variables', `expected an object mapping variable names to tensors, got ${show(v)}`);
  const declared = new Map(nodes.filter((n) => n.op === 'variable').map((n) => [n.parsed['name'] as string, n]));
  const values = new Map<string, Tensor>();
  for (const name of Object.keys(v)) {
    const path = at('$.variables', name);
    const node = declared.get(name);
    if (node === undefined) fail(path, `no variable node is named ${show(name)}`);
    const value = decodeTensor(v[name], path);
    const { shape, dtype } = node.parsed as { shape: readonly number[]; dtype: DType };
    if (value.dtype !== dtype) fail(`${path}.dtype`, `variable '${name}' (${node.path}) is ${dtype}, the value is ${value.dtype}`);
    if (formatShape(value.shape) !== formatShape(shape)) {
      fail(`${path}.shape`, `variable '${name}' (${node.path}) has shape ${formatShape(shape)}, the value ${formatShape(value.shape)}`);
    }
    values.set(name, value);
  }
  for (const [name, node] of declared) {
    if (!values.has(name)) fail(at('$.variables', name), `missing the value of variable '${name}' (${node.path})`);
  }
  return values;
}

function readRandom(v: unknown, nodes: readonly RawNode[], position: ReadonlyMap<number, number>): Map<number, number> {
  if (!isObject(v)) fail('$.random', `expected an object mapping random node ids to run counts, got ${show(v)}`);
  const runs = new Map<number, number>();
  for (const key of Object.keys(v)) {
    const path = at('$.random', key);
    const p = CANONICAL_ID.test(key) ? position.get(Number(key)) : undefined;
    if (p === undefined) fail(path, `expected the id of a node, got ${show(key)}`);
    const node = nodes[p]!;
    if (getOp(node.op)!.kind !== 'random') fail(path, `node #${key} (${node.path}) is a ${node.op}, not a random op`);
    const count = v[key];
    if (!isNonNegativeInt(count)) fail(path, `expected a non-negative integer run count, got ${show(count)}`);
    runs.set(p, count + 0); // + 0 turns -0 into 0
  }
  return runs;
}

/**
 * Builds the graph a JSON document describes into `graph`, which must be empty (the public entry is
 * `graphFromJSON` / `Graph.fromJSON`, which pass a new `Graph`).
 *
 * @param json - a parsed {@link GraphJSON} object, or its JSON text.
 * @param graph - an empty graph to build into.
 * @param limits - resource limits, checked before anything is decoded or built, and kept by the graph.
 * @returns `graph`, holding the document's nodes, variable values and random state.
 * @throws GraphFormatError with the path of the first offending field.
 * @throws LimitError naming the node and the figure over a limit.
 * @throws ChainruleError when `graph` already has nodes.
 * @example
 * ```ts
 * const copy = readGraphJSON(text, new Graph());
 * ```
 */
export function readGraphJSON<G extends GraphCore>(json: unknown, graph: G, limits: Readonly<GraphLimits> = JSON_DEFAULT_LIMITS): G {
  if (graph.nodes.length > 0) throw new ChainruleError('readGraphJSON: the graph to build into must be empty');
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      fail('$', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  checkJsonData(doc, '$', 0, new Set(), new Set());
  const top = record(doc, '$', TOP_KEYS, 'a graph document');
  if (top['format'] !== FORMAT) fail('$.format', `expected ${show(FORMAT)}, got ${show(top['format'])}`);
  if (top['version'] !== VERSION) fail('$.version', `expected ${VERSION} (the only version this library reads), got ${show(top['version'])}`);
  const list = top['nodes'];
  if (!Array.isArray(list)) fail('$.nodes', `expected a list of nodes, got ${show(list)}`);
  checkNodeCount(limits, list.length, '$.nodes');

  const nodes: RawNode[] = [];
  const position = new Map<number, number>();
  const names = new Map<string, string>();
  list.forEach((raw: unknown, i) => {
    const node = readNode(raw, `$.nodes[${i}]`);
    if (position.has(node.id)) fail(`${node.path}.id`, `id ${node.id} is already used by $.nodes[${position.get(node.id)}]`);
    position.set(node.id, i);
    if (node.op === 'input' || node.op === 'variable') {
      const name = node.parsed['name'] as string;
      if (names.has(name)) fail(`${node.path}.attrs.name`, `the name '${name}' is already used by ${names.get(name)}`);
      names.set(name, node.path);
    }
    nodes.push(node);
  });
  for (const node of nodes) {
    node.inputs.forEach((ref, k) => {
      if (!position.has(ref)) fail(`${node.path}.inputs[${k}]`, `refers to node #${ref}, which is not in the document`);
    });
  }
  const order = operandsFirst(nodes, position);
  checkDeclaredSizes(nodes, limits);
  const values = readVariables(top['variables'], nodes);
  const runs = readRandom(top['random'], nodes, position);

  // Each node is rebuilt as the next id of a fresh graph, so its new id is its place in `order`.
  const newId = new Map(order.map((p, k) => [nodes[p]!.id, k]));
  for (const raw of nodes) {
    if (raw.origin !== undefined && !newId.has(raw.origin.node)) fail(`${raw.path}.origin.node`, `refers to node #${raw.origin.node}, which is not in the document`);
  }
  const built = new Array<Node>(nodes.length);
  for (const i of order) {
    const raw = nodes[i]!;
    let node: Node;
    try {
      const build = (): Node =>
        raw.op === 'variable'
          ? graph.variable(raw.parsed['name'] as string, values.get(raw.parsed['name'] as string)!)
          : graph.apply(raw.op, raw.inputs.map((ref) => built[position.get(ref)!]!), raw.attrs);
      node = raw.origin === undefined ? build() : graph.withOrigin({ node: newId.get(raw.origin.node)!, rule: raw.origin.rule }, build);
    } catch (e) {
      if (e instanceof ChainruleError) fail(raw.path, e.message);
      throw e;
    }
    if (node.shape.length !== raw.shape.length || node.shape.some((d, k) => d !== raw.shape[k])) {
      fail(`${raw.path}.shape`, `declared ${formatShape(raw.shape)}, but ${raw.op} infers ${formatShape(node.shape)} from its inputs and attributes`);
    }
    if (node.dtype !== raw.dtype) fail(`${raw.path}.dtype`, `declared ${raw.dtype}, but ${raw.op} infers ${node.dtype}`);
    built[i] = node;
  }
  graph.setRandomState(Object.fromEntries([...runs].map(([p, count]) => [built[p]!.id, count])));
  graph.setLimits(limits);
  return graph;
}

/**
 * Checks the values the document declares against the limits before anything is built or
 * decoded: every node's elements (variables too, whose values are about to be decoded), and the
 * bytes of the values a run computes (every node but inputs and variables). Shapes with a symbolic
 * dimension are checked at each run instead, by the executors, against the limits the graph keeps.
 */
function checkDeclaredSizes(nodes: readonly RawNode[], limits: Readonly<GraphLimits>): void {
  if (limits.maxElements === undefined && limits.maxBytes === undefined) return;
  let total = 0;
  for (const raw of nodes) {
    if (raw.op === 'input' || !raw.shape.every((d) => typeof d === 'number')) continue;
    const where = (): string => `${raw.path} (#${raw.id} ${raw.op})`;
    const size = checkElements(limits, raw.shape as number[], raw.dtype, where);
    if (raw.op === 'variable') continue;
    total += size * bytesPerElement(raw.dtype);
    checkBytes(limits, total, () => `${where()} and the nodes before it`);
  }
}

/** Writes an attribute value as JSON data (see {@link GraphJSON}); arrays are copied as they are. */
function encodeAttr(v: unknown, where: string): unknown {
  if (v instanceof Tensor) return encodeTensor(v);
  if (typeof v === 'number') return encodeNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.map((x: unknown) => (typeof x === 'number' ? x : encodeAttr(x, where)));
  if (isObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, encodeAttr(x, where)]));
  }
  throw new ChainruleError(`graphToJSON: ${where} holds ${typeof v === 'object' ? Object.prototype.toString.call(v) : typeof v}, which graph JSON cannot hold`);
}

/**
 * Writes a graph as JSON data: every node in id order with its parsed attributes, the current value
 * of every variable and the run counters of the random nodes. `JSON.stringify` of the result reads
 * back with {@link graphFromJSON} bit for bit (NaN, ±Infinity and −0 are written as strings).
 * Provenance (`Node.origin`) is written too.
 *
 * @param graph - the graph to write.
 * @returns its {@link GraphJSON} form (fresh objects, sharing nothing with the graph).
 * @throws ChainruleError when an attribute is not JSON data.
 * @example
 * ```ts
 * const text = JSON.stringify(graphToJSON(g));
 * const copy = graphFromJSON(text);
 * ```
 */
export function graphToJSON(graph: GraphCore): GraphJSON {
  expectGraph('graphToJSON', 'graph', graph);
  const nodes = graph.nodes.map(
    (n): NodeJSON => ({
      id: n.id,
      op: n.op,
      inputs: n.inputs.map((m) => m.id),
      attrs: encodeAttr({ ...n.attrs }, `attributes of ${n}`) as Record<string, unknown>,
      shape: [...n.shape],
      dtype: n.dtype,
      ...(n.origin ? { origin: { node: n.origin.node, rule: n.origin.rule } } : {}),
    }),
  );
  const variables = Object.fromEntries(
    graph.variables.map((n) => [n.name!, encodeTensor(graph.getVariable(n.name!))]),
  );
  const random = Object.fromEntries(Object.entries(graph.randomState()));
  return { format: FORMAT, version: VERSION, nodes, variables, random };
}
