import { ChainruleError } from '../../core/errors.js';
import type { Node } from '../../ir/node.js';
import { broadcastStrides } from '../../kernels/broadcast.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import { inLoop, type NodeRole } from './fusion.js';
import { getOp } from '../../ops/registry.js';
import { vectorisable, worthVectorising, type ClusterProgram } from '../../kernels/wasm/elementwise.js';


/**
 * Formats a shape-derived integer for generated code, refusing anything that is not one.
 *
 * @param v - the integer.
 * @returns its decimal source text.
 * @throws ChainruleError when `v` is not a safe integer.
 * @example
 * ```ts
 * int(784); // "784"
 * ```
 */
export function int(v: number): string {
  if (!Number.isSafeInteger(v)) throw new ChainruleError(`compiler: ${v} is not an integer`);
  return String(v);
}

/**
 * Scalars kept in locals of a generated function as well as in their buffers, so that later steps
 * of the same function read a local instead of a one-element array.
 *
 * @example
 * ```ts
 * const scalars: ScalarLocals = { read: (n) => (known.has(n) ? `v${n.id}` : undefined), write: (n) => `v${n.id}` };
 * ```
 */
export interface ScalarLocals {
  /** The local holding a leaf's value, when an earlier step of the same function stored it. */
  read(leaf: Node): string | undefined;
  /** The local to assign the root's stored value to, when one is wanted. */
  write(root: Node): string | undefined;
  /** Whether the root's buffer must be written too (false: nothing reads it, only the local). */
  store(root: Node): boolean;
}

/**
 * Generates the source of one fused cluster rooted at `root`: a block that computes the root's
 * value into the buffer `out` from its leaves' buffers, and stores each carried member (role
 * `'carried'`) into its own buffer in the same pass. `buffer(n)` gives the source of the
 * expression that holds node n's buffer (e.g. `S[12]`). The generated source contains only
 * identifiers the generator makes (`t3`, `L0`, `i1`, …), integers computed from shapes, and the
 * fixed `fuse` templates of the ops' definitions, chosen by op name — never a name, attribute or other
 * string from the graph. Float32 intermediates are rounded with `Math.fround` after every op, as
 * the interpreter rounds when it stores each result.
 *
 * A cluster whose leaves are whole arrays, scalars or rows repeated along the result (see
 * {@link repeatedRow}), whose ops all have a vector form and whose
 * work repays the copies is also handed to `vectorise`, which registers it for the WebAssembly
 * evaluator and returns the source of its reference; the block then runs
 * `V(<reference>, out, [leaves], [carried members' buffers])` and falls back to the loop when that returns false.
 *
 * @param root - the root of the cluster (role `'fused'`).
 * @param roles - the role of every scheduled node.
 * @param shapes - the concrete shape of every scheduled node in this run.
 * @param buffer - the source expression of a stored node's buffer.
 * @param vectorise - registers a cluster for the WebAssembly evaluator; returns its source reference.
 * @param scalars - locals for one-element values within one generated function (see {@link ScalarLocals}).
 * @returns the source of the block.
 * @example
 * ```ts
 * fusedLoopSource(y, roles, shapes, (n) => `S[${n.id}]`, (p) => `P[${programs.push(p) - 1}]`);
 * ```
 */
export function fusedLoopSource(
  root: Node,
  roles: ReadonlyMap<Node, NodeRole>,
  shapes: ReadonlyMap<Node, Shape>,
  buffer: (n: Node) => string,
  vectorise: (program: ClusterProgram) => string,
  scalars?: ScalarLocals,
): string {
  const outShape = shapes.get(root)!;
  // The cluster's members operands first (a depth-first walk with its own stack, so a long chain
  // cannot overflow the call stack) and the values it reads from outside, each once.
  const members: Node[] = [];
  const leaves: Node[] = [];
  const leafName = new Map<Node, number>();
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [n, k] = top;
    if (k === n.inputs.length) {
      stack.pop();
      members.push(n);
      continue;
    }
    top[1] = k + 1;
    const m = n.inputs[k]!;
    if (inLoop(roles.get(m))) stack.push([m, 0]);
    else if (!leafName.has(m)) leafName.set(m, leaves.push(m) - 1);
  }
  const temp = new Map<Node, string>();
  const strides = leaves.map((l) => broadcastStrides(shapes.get(l)!, outShape));
  const rank = outShape.length;
  const n = sizeOf(outShape);
  const contiguous = leaves.map((l) => sizeOf(shapes.get(l)!) === n);
  const scalar = leaves.map((l) => sizeOf(shapes.get(l)!) === 1);
  const flat = leaves.every((_, j) => contiguous[j] || scalar[j]);
  const period = leaves.map((l, j) => (contiguous[j] || scalar[j] ? 0 : repeatedRow(shapes.get(l)!, outShape)));
  const evaluable = leaves.every((_, j) => contiguous[j] || scalar[j] || period[j]! > 0);
  const offset = (j: number): string => (flat ? (scalar[j] ? '0' : 'o') : `p${j}_${rank - 1}`);

  const body: string[] = [];
  leaves.forEach((_, j) => {
    if (scalar[j]) return; // hoisted below
    body.push(`const l${j} = L${j}[${offset(j)}];`);
  });
  members.forEach((m, k) => {
    const args = m.inputs.map((input) => {
      const t = temp.get(input);
      if (t !== undefined) return t;
      const j = leafName.get(input)!;
      return `l${j}`;
    });
    const expr = getOp(m.op)!.fuse!(args, m.dtype);
    const rounded = m.dtype === 'float32' && m !== root ? `Math.fround(${expr})` : expr;
    body.push(`const t${k} = ${rounded};`);
    if (roles.get(m) === 'carried') body.push(`C${k}[o] = t${k};`); // the value as its own loop would store it
    temp.set(m, `t${k}`);
  });
  body.push(`out[o] = ${temp.get(root)};`);

  const carried = members.flatMap((m, k) => (roles.get(m) === 'carried' ? [k] : []));
  const lines: string[] = [`const out = ${buffer(root)};`, ...carried.map((k) => `const C${k} = ${buffer(members[k]!)};`)];
  leaves.forEach((leaf, j) => {
    const local = scalar[j] ? scalars?.read(leaf) : undefined;
    if (local !== undefined) {
      lines.push(`const l${j} = ${local};`);
      return;
    }
    lines.push(`const L${j} = ${buffer(leaf)};`);
    if (scalar[j]) lines.push(`const l${j} = L${j}[0];`);
  });
  const program = evaluable && n > 1 ? clusterProgram(root, members, carried, leaves, leafName, scalar, period, n) : undefined;
  if (n === 1) {
    const local = scalars?.write(root);
    if (local !== undefined && scalars?.store(root) === false) {
      // only the local: the value rounded as storing it would round it
      lines.shift(); // no `out`
      const value = temp.get(root)!;
      lines.push('const o = 0;', ...body.slice(0, -1), `${local} = ${root.dtype === 'float32' ? `Math.fround(${value})` : value};`);
    } else {
      lines.push('const o = 0;', ...body); // one element: straight-line code
      if (local !== undefined) lines.push(`${local} = out[0];`); // the stored value, as later steps would read it
    }
  } else {
    const loop = flat ? [`for (let o = 0; o < ${int(n)}; o++) {`, ...body, '}'] : nestedLoop(outShape, strides, scalar, body);
    if (program === undefined) lines.push(...loop);
    else {
      const leafList = leaves.map((_, j) => `L${j}`).join(', ');
      const stored = carried.map((k) => `C${k}`).join(', ');
      lines.push(`if (!V(${vectorise(program)}, out, [${leafList}], [${stored}])) {`, ...loop, '}');
    }
  }
  return `{\n${lines.join('\n')}\n}`;
}

/**
 * The loop over a result of `outShape` whose leaves are read with broadcasting strides: one nested
 * loop per axis, each leaf's offset advancing by its stride on that axis.
 */
function nestedLoop(outShape: Shape, strides: readonly (readonly number[])[], scalar: readonly boolean[], body: readonly string[]): string[] {
  const rank = outShape.length;
  const lines = ['let o = 0;'];
  for (let d = 0; d < rank; d++) {
    lines.push(`for (let i${d} = 0; i${d} < ${int(outShape[d]!)}; i${d}++) {`);
    strides.forEach((stride, j) => {
      if (scalar[j]) return;
      const prev = d === 0 ? '0' : `p${j}_${d - 1}`;
      lines.push(`const p${j}_${d} = ${prev} + i${d} * ${int(stride[d]!)};`);
    });
  }
  lines.push(...body, 'o++;');
  for (let d = 0; d < rank; d++) lines.push('}');
  return lines;
}

/**
 * The element count of a leaf that is one row repeated along the result (its shape, without
 * leading ones, is the result's trailing axes: element o of the result reads element o mod that
 * count), else 0.
 *
 * @param leafShape - the leaf's shape.
 * @param outShape - the result's shape.
 * @returns the row's element count, or 0.
 * @example
 * ```ts
 * repeatedRow([256], [128, 256]); // 256: a bias broadcast over a batch
 * repeatedRow([128, 1], [128, 256]); // 0: a column, not a row
 * ```
 */
export function repeatedRow(leafShape: Shape, outShape: Shape): number {
  let first = 0;
  while (first < leafShape.length && leafShape[first] === 1) first++;
  const row = leafShape.slice(first);
  if (row.length > outShape.length) return 0;
  const tail = outShape.slice(outShape.length - row.length);
  return row.every((d, i) => d === tail[i]) ? sizeOf(row) : 0;
}

/**
 * The cluster as a program for the WebAssembly evaluator, when it qualifies: one float dtype
 * throughout, every op with a vector form, and enough work to repay the copies.
 */
function clusterProgram(
  root: Node,
  members: readonly Node[],
  carried: readonly number[],
  leaves: readonly Node[],
  leafName: ReadonlyMap<Node, number>,
  scalar: readonly boolean[],
  period: readonly number[],
  n: number,
): ClusterProgram | undefined {
  const dtype = root.dtype;
  if (!members.every((m) => m.dtype === dtype) || !leaves.every((l) => l.dtype === dtype)) return undefined;
  if (!vectorisable(members.map((m) => m.op))) return undefined;
  const index = new Map(members.map((m, k) => [m, k]));
  const program: ClusterProgram = {
    dtype,
    n,
    scalar,
    ...(period.some((p) => p > 0) ? { period } : {}),
    stored: carried,
    members: members.map((m) => ({
      op: m.op,
      inputs: m.inputs.map((input) => (index.has(input) ? { member: index.get(input)! } : { leaf: leafName.get(input)! })),
    })),
  };
  return worthVectorising(program) ? program : undefined;
}
