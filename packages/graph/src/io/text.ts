import { ArgumentError, ChainruleError } from '../core/errors.js';
import { expectOptions } from '../core/arguments.js';
import { expectGraph, expectNodes } from '../ir/arguments.js';
import type { GraphCore } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { getOp } from '../ops/registry.js';
import { formatShape } from '../core/shape.js';
import { schedule } from '../ir/structure.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Options of the text exports {@link toDot} and {@link toMermaid}.
 *
 * @example
 * ```ts
 * const dot = toDot(g, { outputs: [loss], title: 'training loss' });
 * const mermaid = toMermaid(g, { outputs: [loss] });
 * ```
 */
export interface TextExportOptions {
  /** Draw only the nodes these outputs depend on, and mark the outputs (double border). */
  readonly outputs?: readonly Node[];
  /** A caption for the drawing. */
  readonly title?: string;
}

/** How a vertex is drawn: the family of its op decides the shape and fill. */
type Style = 'input' | 'variable' | 'constant' | 'random' | 'op';

/** Everything both formats draw for one node; label lines are raw text, escaped per format. */
interface Vertex {
  readonly node: Node;
  readonly lines: readonly string[];
  readonly style: Style;
  readonly derived: boolean;
  readonly output: boolean;
}

const FILL: Readonly<Record<Style, string>> = {
  input: '#cfe2ff',
  variable: '#ffe8a1',
  constant: '#e9ecef',
  random: '#f8d7da',
  op: '#ffffff',
};

function styleOf(node: Node): Style {
  const def = getOp(node.op);
  if (def?.external === 'feed') return 'input';
  if (def?.external === 'stored') return 'variable';
  const kind = def?.kind;
  if (kind === 'random') return 'random';
  return kind === 'source' ? 'constant' : 'op';
}

function labelLines(node: Node): string[] {
  let head = node.op;
  if (node.name !== undefined) head += ` ${node.name}`;
  const value = node.op === 'constant' ? (node.attrs['value'] as Tensor) : undefined;
  if (value !== undefined && value.size === 1) head += ` ${Object.is(value.data[0], -0) ? '-0' : String(value.data[0])}`;
  const lines = [head, `${formatShape(node.shape)} ${node.dtype}`];
  if (node.origin !== undefined) {
    const source = node.graph.nodes[node.origin.node];
    lines.push(`by ${node.origin.rule} for ${source === undefined ? `#${node.origin.node}` : String(source)}`);
  }
  return lines;
}

/** Checks the arguments both exports take. */
function exportArguments(what: string, graph: GraphCore, options: TextExportOptions): TextExportOptions {
  expectGraph(what, 'graph', graph);
  const { outputs, title } = expectOptions(what, 'options', options);
  if (outputs !== undefined) expectNodes(what, 'options.outputs', outputs);
  if (title !== undefined && typeof title !== 'string') throw new ArgumentError(what, 'options.title', 'a string', title);
  return options;
}

/** The vertices to draw: the whole graph, or only what `outputs` depend on. */
function vertices(what: string, graph: GraphCore, outputs: readonly Node[] | undefined): Vertex[] {
  outputs?.forEach((n, i) => {
    if (n?.graph !== graph) throw new ChainruleError(`${what}: outputs[${i}] is not a node of this graph`);
  });
  const marked = new Set(outputs ?? []);
  const nodes = outputs === undefined ? graph.nodes : schedule(outputs);
  return nodes.map((node) => ({
    node,
    lines: labelLines(node),
    style: styleOf(node),
    derived: node.origin !== undefined,
    output: marked.has(node),
  }));
}

/** Raw text split into lines; every kind of line break counts, so none reaches the output raw. */
const splitLines = (text: string): string[] => text.split(/\r\n|[\n\r\u2028\u2029\u0085]/);

/** Text inside a DOT double-quoted string (escString): `\` and `"` escaped, line breaks as `\n`. */
function dotString(lines: readonly string[]): string {
  const escape = (line: string): string =>
    line
      .replace(/[\\"]/g, (c) => `\\${c}`)
      // Other control characters have no business in a label; show them as U+FFFD.
      .replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
  return `"${lines.flatMap(splitLines).map(escape).join('\\n')}"`;
}

/**
 * Renders a graph as Graphviz DOT: one vertex `n<id>` per node labelled with its op, the name of an
 * input or variable, its static shape and dtype; one edge per operand (labelled with the operand's
 * index when the op has several). Inputs, variables, constants and random sources are filled boxes
 * of distinct colours, other ops ellipses; nodes made by a transform (with an `origin`) are dashed
 * and name the rule; requested outputs have a double border. Every string from the graph or the
 * options is escaped, so no name or title can end a quoted string.
 *
 * @param graph - the graph to draw.
 * @param options - `outputs` to keep only what they depend on (and mark them); a `title`.
 * @returns the DOT source of a `digraph`.
 * @throws ChainruleError when an output is not a node of `graph`.
 * @example
 * ```ts
 * const g = new Graph();
 * const y = g.input('x', ['batch', 784]).matmul(g.variable('w', [784, 10]));
 * writeFileSync('model.dot', toDot(g, { outputs: [y], title: 'logits' })); // then: dot -Tsvg model.dot
 * ```
 */
export function toDot(graph: GraphCore, options: TextExportOptions = {}): string {
  exportArguments('toDot', graph, options);
  const out = ['digraph chainrule {', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  if (options.title !== undefined) out.push(`  labelloc="t";`, `  label=${dotString([options.title])};`);
  const drawn = vertices('toDot', graph, options.outputs);
  for (const v of drawn) {
    const styles = v.style === 'op' ? [] : ['filled'];
    if (v.style === 'variable') styles.push('rounded');
    if (v.derived) styles.push('dashed');
    const attrs = [`label=${dotString(v.lines)}`, `shape=${v.style === 'op' ? 'ellipse' : 'box'}`];
    if (styles.length > 0) attrs.push(`style="${styles.join(',')}"`);
    if (v.style !== 'op') attrs.push(`fillcolor="${FILL[v.style]}"`);
    if (v.output) attrs.push('peripheries=2');
    out.push(`  n${v.node.id} [${attrs.join(', ')}];`);
  }
  for (const { node } of drawn) {
    node.inputs.forEach((m, i) => {
      out.push(`  n${m.id} -> n${node.id}${node.inputs.length > 1 ? ` [label="${i}"]` : ''};`);
    });
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Characters left as they are in a Mermaid label; everything else becomes an entity code. */
const MERMAID_PLAIN = /[A-Za-z0-9 _.,:/+*=^'-]/;

/**
 * Text inside a Mermaid quoted label: `"` becomes `#quot;` and every other character outside a small
 * safe set a numeric entity code (`#60;` for `<`, `#91;` for `[`, `#35;` for `#` itself, so a name
 * cannot spell an entity); line breaks become `<br/>`.
 */
function mermaidString(lines: readonly string[]): string {
  const escape = (line: string): string =>
    Array.from(line, (c) => (MERMAID_PLAIN.test(c) ? c : c === '"' ? '#quot;' : `#${c.codePointAt(0)};`)).join('');
  return `"${lines.flatMap(splitLines).map(escape).join('<br/>')}"`;
}

/** Mermaid shapes: a parallelogram for inputs, a cylinder for variables, rectangles for other sources. */
const MERMAID_SHAPE: Readonly<Record<Style, readonly [string, string]>> = {
  input: ['[/', '/]'],
  variable: ['[(', ')]'],
  constant: ['[', ']'],
  random: ['[', ']'],
  op: ['(', ')'],
};

/**
 * Renders a graph as a Mermaid `flowchart TD` with the same content as {@link toDot}: one vertex
 * `n<id>` per node, labelled with op, name, static shape and dtype (and the rule for nodes made by a
 * transform, drawn dashed); edges from operand to user, labelled with the operand index when the op
 * has several; sources styled by class; requested outputs with a heavy border. The title goes into
 * the front matter. Labels are entity-encoded, so no name or title can end a label.
 *
 * @param graph - the graph to draw.
 * @param options - `outputs` to keep only what they depend on (and mark them); a `title`.
 * @returns the Mermaid source.
 * @throws ChainruleError when an output is not a node of `graph`.
 * @example
 * ```ts
 * const md = ['```mermaid', toMermaid(g, { outputs: [loss] }), '```'].join('\n'); // for a README
 * ```
 */
export function toMermaid(graph: GraphCore, options: TextExportOptions = {}): string {
  exportArguments('toMermaid', graph, options);
  const out: string[] = [];
  if (options.title !== undefined) {
    // JSON is YAML; line breaks and controls become spaces so the front matter stays one line.
    const title = options.title.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
    out.push('---', `title: ${JSON.stringify(title)}`, '---');
  }
  out.push('flowchart TD');
  const drawn = vertices('toMermaid', graph, options.outputs);
  const classes = new Map<string, number[]>();
  const addClass = (name: string, id: number): void => {
    classes.set(name, [...(classes.get(name) ?? []), id]);
  };
  for (const v of drawn) {
    const [open, close] = MERMAID_SHAPE[v.style];
    out.push(`  n${v.node.id}${open}${mermaidString(v.lines)}${close}`);
    if (v.style !== 'op') addClass(v.style, v.node.id);
    if (v.derived) addClass('derived', v.node.id);
    if (v.output) addClass('output', v.node.id);
  }
  for (const { node } of drawn) {
    node.inputs.forEach((m, i) => {
      out.push(`  n${m.id} -->${node.inputs.length > 1 ? `|${i}|` : ''} n${node.id}`);
    });
  }
  // No trailing `;` after a colour: Mermaid would read `#333;` as an entity code.
  const defs: Readonly<Record<string, string>> = {
    input: `fill:${FILL.input},stroke:#3d6fb6`,
    variable: `fill:${FILL.variable},stroke:#b38600`,
    constant: `fill:${FILL.constant},stroke:#6c757d`,
    random: `fill:${FILL.random},stroke:#b02a37`,
    derived: 'stroke-dasharray:5 3',
    output: 'stroke-width:3px',
  };
  for (const [name, ids] of classes) {
    out.push(`  classDef ${name} ${defs[name]}`, `  class ${ids.map((id) => `n${id}`).join(',')} ${name}`);
  }
  return `${out.join('\n')}\n`;
}
