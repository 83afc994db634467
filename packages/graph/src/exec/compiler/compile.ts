import { allocate, type DType, type TypedArray } from '../../core/dtype.js';
import { ChainruleError, ExecutionError, FeedError } from '../../core/errors.js';
import { bindFeeds, describe, drawFor, executableOptions, feedMap, isFeedName, prepareRequest } from '../request.js';
import type { Executable, ExecutableOptions, Feeds, GraphCore } from '../../ir/graph.js';
import type { Node } from '../../ir/node.js';
import { VariableStore, type RunState } from '../../ir/state.js';
import { compileInterpreter } from '../interpreter.js';
import { contextWithoutRun, type KernelContext, type OpDef } from '../../ops/op-def.js';
import { getOp } from '../../ops/registry.js';
import { bindShape, checkShape, formatShape, isConcrete, sizeOf, type DimBindings, type Shape } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { fusedLoopSource, int } from './codegen.js';
import { HELPERS } from '../../kernels/scalar.js';
import { runVectorised, type ClusterProgram } from '../../kernels/wasm/elementwise.js';
import { plannedBuffers } from './buffers.js';
import { startsHeapBlock } from '../../kernels/wasm/heap.js';
import { addressIn } from '../../kernels/wasm/memory.js';
import { assignRoles, inLoop } from './fusion.js';
import { inPlaceUpdates, storageOverlaps } from './in-place.js';
import { bytesPerElement, checkBytes, checkNodeCount, checkValues, mergeLimits, type GraphLimits } from '../../ir/limits.js';

/** How many steps (fused loops, kernel calls, aliases) one generated function runs at most. */
const STEPS_PER_FUNCTION = 256;
/** About how many characters of generated source one function holds (one step may be more). */
const SOURCE_PER_FUNCTION = 32_768;

/** How many feed shapes one executable keeps specialisations for (the oldest goes first). */
const MAX_SPECIALISATIONS = 16;

/** One step of a specialised run: computes one stored value from the slots. */
type Step = (slots: TypedArray[], drew: Node[]) => void;

/** A run specialised to one binding of the symbolic dimensions. */
interface Specialised {
  run(feed: (name: string) => Tensor): Tensor[];
}

/**
 * The compiling executor: specialises the pruned schedule to the feed shapes of a run (and caches
 * the result per distinct shape), fuses chains of elementwise ops into single generated loops,
 * prepares every other kernel for its shapes, and plans buffers ahead so that values reuse
 * buffers freed by liveness and a run allocates only its returned outputs. Same meaning as the
 * interpreter (every read before any assignment; random streams advance per run); with
 * `checkNumerics` it runs the interpreter, which can name the exact node.
 *
 * @param graph - the graph.
 * @param options - outputs, updates and checking mode.
 * @returns the prepared run.
 * @throws ChainruleError when an output or update is not a node of `graph` (see {@link Graph.compile}).
 * @example
 * ```ts
 * const step = compileExecutable(g, { outputs: [loss], updates }); // or g.compile({ ..., executor: 'compiled' })
 * ```
 */
export function compileExecutable(graph: GraphCore, options: ExecutableOptions): Executable {
  executableOptions('compile', graph, options);
  if (options.checkNumerics === true) return compileInterpreter(graph, options);
  const { outputs, updates, order, needed } = prepareRequest(graph, options.outputs, options.updates);
  const state = options.state ?? graph.state;
  const limits = mergeLimits(options.limits, graph.limits, 'compile: limits');
  checkNodeCount(limits, order.length, 'compile: the run');
  // Values of concrete shape are checked at once; the others (and the planned bytes) when a run's feeds fix their shapes.
  if (limits.maxElements !== undefined) {
    checkValues({ maxElements: limits.maxElements }, order.flatMap((n) => (isConcrete(n.shape) ? [[n, n.shape as Shape] as const] : [])), describe);
  }
  const cache = new Map<string, Specialised>();
  // The last specialisation and the feed shapes it was made for: a run whose feeds have the same
  // types skips the full check and the cache lookup (the common case of a training loop).
  let last: { spec: Specialised; shapes: readonly (readonly number[])[] } | undefined;
  const names = needed.map((n) => n.name!);
  const neededNames = new Set(names);
  const run = (feeds: Feeds = {}): Tensor[] => {
    if (typeof feeds !== 'object' || feeds === null) throw new FeedError('feeds must be an object mapping input names to tensors');
    const get = feeds instanceof Map ? (name: string) => feeds.get(name) : (name: string) => (feeds as Readonly<Record<string, Tensor>>)[name];
    if (last !== undefined && sameFeeds(graph, feeds, needed, names, neededNames, get, last.shapes)) return last.spec.run(get as (name: string) => Tensor);
    const fed = feedMap(feeds);
    const bindings = bindFeeds(graph, needed, fed);
    const shapes = names.map((name) => fed.get(name)!.shape);
    const key = shapes.map((shape) => shape.join('x')).join('|');
    let spec = cache.get(key);
    if (spec === undefined) {
      spec = specialise(state, order, outputs, updates, bindings, limits);
      if (cache.size >= MAX_SPECIALISATIONS) cache.delete(cache.keys().next().value!); // the oldest
      cache.set(key, spec);
    }
    last = { spec, shapes };
    return spec.run((name) => fed.get(name)!);
  };
  return Object.assign(run, { schedule: order, inputs: needed });
}

/**
 * Whether the feeds are exactly like the last checked ones: every needed input fed a tensor of its
 * dtype and of the same shape, and no feed that matches no input. Allocates nothing.
 */
function sameFeeds(
  graph: GraphCore,
  feeds: Feeds,
  needed: readonly Node[],
  names: readonly string[],
  neededNames: ReadonlySet<string>,
  get: (name: string) => Tensor | undefined,
  shapes: readonly (readonly number[])[],
): boolean {
  for (let i = 0; i < needed.length; i++) {
    const value = get(names[i]!);
    if (!(value instanceof Tensor) || value.dtype !== needed[i]!.dtype) return false;
    const want = shapes[i]!;
    const got = value.shape;
    if (got.length !== want.length) return false;
    for (let d = 0; d < got.length; d++) if (got[d] !== want[d]) return false;
  }
  // A feed of a needed input is known to name one; only the others are looked up in the graph.
  if (feeds instanceof Map) {
    for (const name of feeds.keys()) if (!neededNames.has(name) && !isFeedName(graph, name)) return false;
  } else {
    for (const name in feeds) if (!Object.hasOwn(feeds, name) || (!neededNames.has(name) && !isFeedName(graph, name))) return false;
  }
  return true;
}

function specialise(state: RunState, order: readonly Node[], outputs: readonly Node[], updates: readonly [Node, Node][], bindings: DimBindings, limits: Readonly<GraphLimits>): Specialised {
  try {
    return plan(state, order, outputs, updates, bindings, limits);
  } catch (e) {
    if (e instanceof ChainruleError) throw e;
    throw new ExecutionError(`compiling the run failed: ${(e as Error).message}`, { cause: e });
  }
}

function plan(state: RunState, order: readonly Node[], outputs: readonly Node[], updates: readonly [Node, Node][], bindings: DimBindings, limits: Readonly<GraphLimits>): Specialised {
  const shapes = new Map<Node, Shape>(
    order.map((n) => {
      try {
        return [n, isConcrete(n.shape) ? n.shape : bindShape(n.shape, bindings)];
      } catch (e) {
        throw new FeedError(`${describe(n)} has shape ${formatShape(n.shape)}: ${(e as Error).message}; feed an input that has it`);
      }
    }),
  );
  checkValues({ maxElements: limits.maxElements }, shapes, describe);
  const requested = new Set<Node>([...outputs, ...updates.map(([, v]) => v)]);
  const roles = assignRoles(order, shapes, requested);
  const position = new Map<Node, number>(order.map((n, i) => [n, i]));
  const slotOf = (n: Node): number => position.get(n)!;

  // Storage owners: an alias (reshape) shares its input's buffer; everything stored owns its slot.
  const owner = new Map<Node, Node>();
  for (const n of order) owner.set(n, roles.get(n) === 'alias' ? owner.get(n.inputs[0]!)! : n);
  // Every stored value, in schedule order; a carried value is stored by its consumer's loop, so it
  // has a buffer but no step of its own.
  const materialized = order.filter((n) => roles.get(n) !== 'inlined');
  // The loop root that computes each value (inlined and carried values count at their root), and
  // the step at which each owner's buffer is read for the last time.
  const rootOf = new Map<Node, Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (!inLoop(roles.get(n))) rootOf.set(n, n);
    for (const m of n.inputs) if (inLoop(roles.get(m))) rootOf.set(m, rootOf.get(n)!);
  }
  const stepIndex = new Map<Node, number>(materialized.map((n, i) => [n, i]));
  const lastUse = new Map<Node, number>();
  for (const n of order) {
    const at = stepIndex.get(rootOf.get(n)!)!;
    for (const m of n.inputs) {
      const o = owner.get(m)!;
      lastUse.set(o, Math.max(lastUse.get(o) ?? -1, at));
    }
  }
  for (const r of requested) lastUse.set(owner.get(r)!, Infinity);

  // Buffers, planned before anything is allocated: each stored value takes a buffer freed by
  // liveness if one of its dtype and size is free, else a new one. Fixed sources hold their own
  // values; updates whose value lives in variable or feed storage need a staging copy; each run
  // returns copies of the outputs. All of it is checked against the limits first.
  const bufferOf = new Map<Node, number>();
  const buffers: { readonly dtype: DType; readonly size: number }[] = [];
  const free = new Map<string, number[]>();
  const release = new Map<number, Node[]>();
  for (const [o, at] of lastUse) {
    if (!Number.isFinite(at)) continue;
    const list = release.get(at);
    if (list === undefined) release.set(at, [o]);
    else list.push(o);
  }
  let planned = 0;
  const count = (node: Node, size: number): void => {
    planned += size * bytesPerElement(node.dtype);
    checkBytes(limits, planned, () => `${describe(node)} and the buffers planned before it`);
  };
  materialized.forEach((node, i) => {
    const def = getOp(node.op)!;
    if (roles.get(node) !== 'alias' && def.external === undefined) {
      const size = sizeOf(shapes.get(node)!);
      const key = `${node.dtype}:${size}`;
      const reused = def.kind === 'source' ? undefined : free.get(key)?.pop();
      if (reused !== undefined) bufferOf.set(node, reused);
      else {
        count(node, size);
        if (def.kind !== 'source') bufferOf.set(node, buffers.push({ dtype: node.dtype, size }) - 1);
      }
    }
    for (const o of release.get(i) ?? []) {
      const b = bufferOf.get(o);
      if (b === undefined) continue;
      const key = `${o.dtype}:${buffers[b]!.size}`;
      const list = free.get(key);
      if (list === undefined) free.set(key, [b]);
      else list.push(b);
    }
  });
  const staged = updates.map(([, v]) => !bufferOf.has(owner.get(v)!));
  updates.forEach(([, v], k) => {
    if (staged[k]) count(v, sizeOf(shapes.get(v)!));
  });
  for (const o of outputs) count(o, sizeOf(shapes.get(o)!));

  const { memory, release: releaseMemory } = plannedBuffers(buffers);
  const slots: TypedArray[] = new Array(order.length);
  const external: Node[] = [];
  const kernels: Step[] = [];
  const programs: ClusterProgram[] = [];
  const code: string[] = []; // one step per entry: the bodies of the functions that run the schedule
  const buffer = (n: Node): string => `S[${int(slotOf(n))}]`;
  const scalarSteps: [number, Node][] = []; // fused one-element values: where in `code`, and which
  const codeIndexOf = new Map<Node, number>();

  materialized.forEach((node) => {
    const role = roles.get(node)!;
    const def = getOp(node.op) as OpDef<unknown>;
    const here = slotOf(node);
    const shape = shapes.get(node)!;
    if (role === 'alias' || (role !== 'carried' && def.external === undefined && def.kind !== 'source')) codeIndexOf.set(node, code.length); // the step that sets its slot
    if (role === 'alias') {
      code.push(`${buffer(node)} = ${buffer(owner.get(node)!)};`);
    } else if (def.external !== undefined) {
      external.push(node);
    } else if (def.kind === 'source') {
      // fixed by its attributes and this specialisation's shapes: computed once, here
      slots[here] = def.kernel([], node.attrs, contextWithoutRun(shape, describe(node))).data;
    } else {
      const out = memory[bufferOf.get(node)!]!;
      slots[here] = out;
      if (role === 'carried') return; // stored by its consumer's loop
      if (role === 'fused') {
        if (sizeOf(shape) === 1) scalarSteps.push([code.length, node]);
        code.push(fusedLoopSource(node, roles, shapes, buffer, (p) => `P[${int(programs.push(p) - 1)}]`));
      }
      else {
        code.push(`K[${int(kernels.length)}](S, drew);`);
        kernels.push(prepareStep(state, node, def, shapes, out, slotOf));
      }
    }
  });

  const staging = updates.map(([, v], k) => (staged[k] ? allocate(v.dtype, sizeOf(shapes.get(v)!)) : undefined));
  // One generated function per specialised schedule: fused loops inline, other kernels called.
  // The schedule as generated functions of at most STEPS_PER_FUNCTION steps and about
  // SOURCE_PER_FUNCTION characters each, run in turn. NOTE: not one function for all: every block's
  // locals take a slot of the function's frame, and the frame of a schedule of many thousand nodes
  // overflows the call stack.
  const ranges: [number, number][] = [];
  for (let at = 0; at < code.length; ) {
    let end = at + 1;
    let size = code[at]!.length;
    while (end < code.length && end - at < STEPS_PER_FUNCTION && size + code[end]!.length <= SOURCE_PER_FUNCTION) size += code[end++]!.length;
    ranges.push([at, end]);
    at = end;
  }
  // Within one function, a one-element value computed by a fused step is also kept in a local
  // (v<slot>), and the later fused steps of that function read the local instead of the buffer; a
  // one-element value that no step of the function sets (a feed, a variable, a constant, a value of
  // an earlier function) is read into a local once, at the function's start.
  // A scalar's buffer is written only when something reads the buffer: a step of another function
  // or one that reads buffers (a kernel, an alias, a loop of more elements), or the run's outputs
  // and updates. The first pass finds the reads of the scalar steps, the second writes them.
  const scalarRoots = new Set(scalarSteps.map(([, n]) => n));
  const bufferRead = new Set<Node>();
  const markRead = (n: Node): void => {
    bufferRead.add(n);
    bufferRead.add(owner.get(n)!);
  };
  for (const r of requested) markRead(r);
  for (const n of order) {
    const role = roles.get(n);
    if ((role === 'inlined' || role === 'fused') && scalarRoots.has(rootOf.get(n)!)) continue; // its reads are found below
    for (const m of n.inputs) if (roles.get(m) !== 'inlined') markRead(m);
  }
  const local = (n: Node): string => `v${int(slotOf(n))}`;
  const generate = (store: (root: Node) => boolean): string[] => {
    const prologues: string[] = [];
    let next = 0;
    for (const [at, end] of ranges) {
      const kept = new Set<Node>();
      const before = new Set<Node>();
      const read = (leaf: Node): string | undefined => {
        if (kept.has(leaf)) return local(leaf);
        markRead(leaf);
        const index = codeIndexOf.get(leaf);
        if (index !== undefined && index >= at) return undefined; // set later in this function by a kernel step or an alias
        before.add(leaf);
        return local(leaf);
      };
      for (; next < scalarSteps.length && scalarSteps[next]![0] < end; next++) {
        const [index, node] = scalarSteps[next]!;
        code[index] = fusedLoopSource(node, roles, shapes, buffer, () => {
          throw new ChainruleError('compiler: a one-element loop is never vectorised');
        }, { read, write: local, store });
        kept.add(node);
      }
      prologues.push([...before].map((n) => `const ${local(n)} = ${buffer(n)}[0];\n`).join('') + (kept.size > 0 ? `let ${[...kept].map(local).join(', ')};\n` : ''));
    }
    return prologues;
  };
  generate(() => true); // every scalar stored, to find the reads
  const prologues = generate((root) => bufferRead.has(root)); // the same reads, so the same marks
  const parts: Step[] = ranges.map(([at, end], k) => {
    const body = code.slice(at, end).join('\n');
    return new Function('h', 'K', 'P', 'V', `return function schedule(S, drew) {\n${prologues[k]}${body}\n};`)(HELPERS, kernels, programs, runVectorised) as Step;
  });
  const runSchedule: Step = parts.length === 1 ? parts[0]! : (s, d) => {
    for (const part of parts) part(s, d);
  };
  const drew: Node[] = [];
  const outputShapes = outputs.map((o) => checkShape(shapes.get(o)!, 'output'));
  const outputSlots = outputs.map(slotOf);
  const externalSlots = external.map(slotOf);
  const externalNames = external.map((n) => n.name!);
  const externalIsFeed = external.map((n) => getOp(n.op)!.external === 'feed');
  // What a run commits: each update's value from the planned buffer that owns it (a view such as a
  // reshape reads its owner's), or from a staging copy when the value lives in variable or feed
  // storage (so that `a ← b, b ← a` swaps). Built once: planned buffers are fixed for this
  // specialisation.
  const assignments = new Map(updates.map(([t, v], k) => [t.name!, staging[k] ?? slots[slotOf(owner.get(v)!)]!]));
  // Updates whose loop writes the new value straight into the variable's storage, when the state is
  // the graph's own store (whose commit would only copy it there): their slot is pointed at that
  // storage for the run, and the commit lands the others. A run does so only while every variable
  // assigned still has the storage this specialisation expects, shared with nothing else the run
  // reads or writes and, in the kernels' memory, a whole block (else it uses its planned buffers,
  // and the commit refuses what it refused before).
  const direct = state.constructor === VariableStore ? inPlaceUpdates({ order, shapes, roles, owner, rootOf, stepIndex, outputs, updates }) : [];
  const directSlots = direct.map((k) => slotOf(updates[k]![1]));
  const plannedOf = directSlots.map((slot) => slots[slot]!);
  const directNames = direct.map((k) => updates[k]![0].name!);
  const committed = new Map([...assignments].filter(([name]) => !directNames.includes(name)));
  const targetNames = updates.map(([t]) => t.name!);
  const targetSizes = updates.map(([, v]) => sizeOf(shapes.get(v)!));
  const targetDTypes = updates.map(([, v]) => v.dtype);
  const targets = new Array<TypedArray>(direct.length);
  const others = new Array<TypedArray>(external.length);
  const own = directNames.map((name) => external.findIndex((n, i) => !externalIsFeed[i] && n.name === name));
  const storageFits = (): boolean => {
    for (let k = 0; k < targetNames.length; k++) {
      const stored = state.variable(targetNames[k]!);
      if (stored.data.length !== targetSizes[k] || stored.dtype !== targetDTypes[k]) return false;
    }
    for (let i = 0; i < direct.length; i++) {
      targets[i] = state.variable(directNames[i]!).data;
      // the evaluator writes whole vectors: in the heap, only into a block's own padding
      if (addressIn(targets[i]!, 0) >= 0 && !startsHeapBlock(targets[i]!)) return false;
    }
    for (let i = 0; i < external.length; i++) others[i] = slots[externalSlots[i]!]!;
    return !storageOverlaps(targets, others, own);
  };
  const specialised: Specialised = {
    run(feed) {
      for (let i = 0; i < external.length; i++) {
        slots[externalSlots[i]!] = externalIsFeed[i] ? feed(externalNames[i]!).data : state.variable(externalNames[i]!).data;
      }
      const inPlace = direct.length > 0 && storageFits();
      for (let i = 0; i < direct.length; i++) slots[directSlots[i]!] = inPlace ? targets[i]! : plannedOf[i]!;
      drew.length = 0;
      runSchedule(slots, drew);
      const results = outputSlots.map((slot, i) => new Tensor(slots[slot]!.slice(), outputShapes[i]!));
      updates.forEach(([, v], k) => staging[k]?.set(slots[slotOf(v)]!));
      state.commit(inPlace ? committed : assignments, drew);
      return results;
    },
  };
  releaseMemory(specialised);
  return specialised;
}

function prepareStep(
  state: RunState,
  node: Node,
  def: OpDef<unknown>,
  shapes: ReadonlyMap<Node, Shape>,
  out: TypedArray,
  slotOf: (n: Node) => number,
): Step {
  const wrap = (f: Step): Step => (s, drew) => {
    try {
      f(s, drew);
    } catch (e) {
      throw new ExecutionError(`${describe(node)}: ${(e as Error).message}`, { cause: e });
    }
  };
  const inShapes = node.inputs.map((m) => shapes.get(m)!);
  const inSlots = node.inputs.map(slotOf);
  const outShape = shapes.get(node)!;
  if (def.plan !== undefined) {
    // A planned kernel writes straight into the planned buffer; its operands are gathered into one
    // array reused by every call.
    const kernel = def.plan(inShapes, node.attrs, outShape);
    const operands = new Array<TypedArray>(inSlots.length);
    return (s) => {
      for (let i = 0; i < inSlots.length; i++) operands[i] = s[inSlots[i]!]!;
      kernel(out, operands);
    };
  }
  // Everything else runs its reference kernel and copies the result into the planned buffer.
  return wrap((s, drew) => {
    const ctx: KernelContext = {
      outShape,
      random: () => drawFor(node, drew, state),
      external: () => {
        throw new ChainruleError('not a source');
      },
    };
    const inputs = inSlots.map((slot, i) => new Tensor(s[slot]!, inShapes[i]!));
    out.set(def.kernel(inputs, node.attrs, ctx).data);
  });
}
