import { describe, expect, it } from 'vitest';
import { ChainruleError, Graph, Node, tensor, toDot, toMermaid } from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// A small DOT reader: enough of the grammar to check that the output is well formed and to read
// back every attribute. It rejects anything it does not expect, so a label that escaped its quotes
// shows up as a parse error or as an extra statement.

type Token = { kind: 'id' | 'str' | 'punct'; text: string };

function tokenizeDot(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error('unterminated quoted string');
        const d = src[i]!;
        if (d === '"') break;
        if (d === '\n' || d === '\r') throw new Error('raw line break inside a quoted string');
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined) throw new Error('dangling backslash');
          // escString: \" is a quote, \\ a backslash, \n a line break; nothing else is produced.
          if (e === '"') text += '"';
          else if (e === '\\') text += '\\';
          else if (e === 'n') text += '\n';
          else throw new Error(`unexpected escape \\${e}`);
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'str', text });
    } else if (src.startsWith('->', i)) {
      tokens.push({ kind: 'punct', text: '->' });
      i += 2;
    } else if ('{}[];,='.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      const m = /^[A-Za-z_0-9.]+/.exec(src.slice(i));
      if (m === null) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
      tokens.push({ kind: 'id', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

interface ParsedDot {
  graph: Record<string, string>;
  nodes: Map<string, Record<string, string>>;
  edges: { from: string; to: string; attrs: Record<string, string> }[];
}

function parseDot(src: string): ParsedDot {
  const t = tokenizeDot(src);
  let p = 0;
  const next = (): Token => {
    const tok = t[p++];
    if (tok === undefined) throw new Error('unexpected end of input');
    return tok;
  };
  const expectPunct = (s: string): void => {
    const tok = next();
    if (tok.kind !== 'punct' || tok.text !== s) throw new Error(`expected '${s}', got ${JSON.stringify(tok)}`);
  };
  const value = (): string => {
    const tok = next();
    if (tok.kind === 'punct') throw new Error(`expected a value, got '${tok.text}'`);
    return tok.text;
  };
  const attrList = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    expectPunct('[');
    while (!(t[p]?.kind === 'punct' && t[p]!.text === ']')) {
      const key = next();
      if (key.kind !== 'id') throw new Error(`expected an attribute name, got ${JSON.stringify(key)}`);
      expectPunct('=');
      attrs[key.text] = value();
      if (t[p]?.kind === 'punct' && t[p]!.text === ',') p++;
    }
    expectPunct(']');
    return attrs;
  };
  const out: ParsedDot = { graph: {}, nodes: new Map(), edges: [] };
  const head = next();
  if (head.text !== 'digraph') throw new Error('expected digraph');
  if (t[p]?.kind !== 'punct') next();
  expectPunct('{');
  while (!(t[p]?.kind === 'punct' && t[p]!.text === '}')) {
    const first = next();
    if (first.kind !== 'id') throw new Error(`statement starts with ${JSON.stringify(first)}`);
    const after = t[p];
    if (after?.text === '=' && after.kind === 'punct') {
      p++;
      out.graph[first.text] = value();
    } else if (after?.text === '->' && after.kind === 'punct') {
      p++;
      const to = next();
      if (to.kind !== 'id') throw new Error('edge target must be an id');
      const attrs = t[p]?.text === '[' ? attrList() : {};
      out.edges.push({ from: first.text, to: to.text, attrs });
    } else if (first.text === 'node' || first.text === 'edge') {
      attrList();
    } else {
      if (out.nodes.has(first.text)) throw new Error(`vertex ${first.text} declared twice`);
      out.nodes.set(first.text, attrList());
    }
    expectPunct(';');
  }
  expectPunct('}');
  if (p !== t.length) throw new Error('tokens after the closing brace');
  return out;
}

// Mermaid labels: read back a quoted label, decoding entity codes and <br/>.
function decodeMermaid(label: string): string {
  const bare = label.replaceAll('<br/>', '').replace(/#(?:\d+|quot);/g, '');
  if (/["<>[\]`#]/.test(bare)) throw new Error(`raw special character in Mermaid label ${JSON.stringify(label)}`);
  return label
    .replaceAll('<br/>', '\n')
    .replace(/#quot;/g, '"')
    .replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

interface ParsedMermaid {
  title: string | undefined;
  nodes: Map<string, { open: string; label: string }>;
  edges: { from: string; to: string; label: string | undefined }[];
  classes: Map<string, string[]>;
}

function parseMermaid(src: string): ParsedMermaid {
  const lines = src.trimEnd().split('\n');
  const out: ParsedMermaid = { title: undefined, nodes: new Map(), edges: [], classes: new Map() };
  let i = 0;
  if (lines[0] === '---') {
    const m = /^title: (".*")$/.exec(lines[1]!);
    if (m === null || lines[2] !== '---') throw new Error('malformed front matter');
    out.title = JSON.parse(m[1]!) as string;
    i = 3;
  }
  if (lines[i++] !== 'flowchart TD') throw new Error('expected flowchart TD');
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^ {2}(n\d+)(\[\/|\[\(|\[|\()"([^"]*)"(\/\]|\)\]|\]|\))$/.exec(line))) {
      out.nodes.set(m[1]!, { open: m[2]!, label: decodeMermaid(m[3]!) });
    } else if ((m = /^ {2}(n\d+) -->(?:\|(\d+)\|)? (n\d+)$/.exec(line))) {
      out.edges.push({ from: m[1]!, to: m[3]!, label: m[2] });
    } else if ((m = /^ {2}class ((?:n\d+,)*n\d+) (\w+)$/.exec(line))) {
      out.classes.set(m[2]!, m[1]!.split(','));
    } else if (!/^ {2}classDef \w+ [\w:#,. -]+$/.test(line)) {
      throw new Error(`unexpected Mermaid line ${JSON.stringify(line)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function smallGraph() {
  const g = new Graph();
  const x = g.input('x', ['batch', 3]);
  const w = g.variable('layer1/w:0.kernel-a', tensor([[1], [2], [3]]));
  const h = x.matmul(w);
  const y = h.add(1).sigmoid();
  const unused = x.exp();
  const z = g.withOrigin({ node: y.id, rule: 'vjp:sigmoid' }, () => y.mul(y));
  return { g, x, w, h, y, unused, z };
}

describe('toDot', () => {
  it('draws one vertex per node with op, name, shape and dtype, and one edge per operand', () => {
    const { g, x, w, h, y, z } = smallGraph();
    const dot = parseDot(toDot(g));
    expect(dot.nodes.size).toBe(g.nodes.length);
    expect([...dot.nodes.keys()]).toEqual(g.nodes.map((n) => `n${n.id}`));
    expect(dot.nodes.get(`n${x.id}`)!['label']).toBe('input x\n[batch,3] float64');
    expect(dot.nodes.get(`n${w.id}`)!['label']).toBe('variable layer1/w:0.kernel-a\n[3,1] float64');
    expect(dot.nodes.get(`n${h.id}`)!['label']).toBe('matmul\n[batch,1] float64');
    expect(dot.nodes.get(`n${y.id}`)!['label']).toBe('sigmoid\n[batch,1] float64');
    expect(dot.nodes.get(`n${z.id}`)!['label']).toBe(`mul\n[batch,1] float64\nby vjp:sigmoid for #${y.id} sigmoid`);
    const constant = g.nodes.find((n) => n.op === 'constant')!;
    expect(dot.nodes.get(`n${constant.id}`)!['label']).toBe('constant 1\n[] float64');

    const edgeCount = g.nodes.reduce((s, n) => s + n.inputs.length, 0);
    expect(dot.edges).toHaveLength(edgeCount);
    // matmul has two operands: edges carry the operand index; sigmoid has one: no label.
    expect(dot.edges.filter((e) => e.to === `n${h.id}`)).toEqual([
      { from: `n${x.id}`, to: `n${h.id}`, attrs: { label: '0' } },
      { from: `n${w.id}`, to: `n${h.id}`, attrs: { label: '1' } },
    ]);
    expect(dot.edges.filter((e) => e.to === `n${y.id}`)[0]!.attrs).toEqual({});
    // y.mul(y): the same operand twice, two edges.
    expect(dot.edges.filter((e) => e.to === `n${z.id}`).map((e) => [e.from, e.attrs['label']])).toEqual([
      [`n${y.id}`, '0'],
      [`n${y.id}`, '1'],
    ]);
  });

  it('styles sources, derived nodes and outputs differently', () => {
    const { g, x, w, h, z } = smallGraph();
    const dot = parseDot(toDot(g, { outputs: [z, h] }));
    const input = dot.nodes.get(`n${x.id}`)!;
    const variable = dot.nodes.get(`n${w.id}`)!;
    const op = dot.nodes.get(`n${h.id}`)!;
    const derived = dot.nodes.get(`n${z.id}`)!;
    expect(input['shape']).toBe('box');
    expect(variable['shape']).toBe('box');
    expect(op['shape']).toBe('ellipse');
    expect(input['fillcolor']).toBeDefined();
    expect(variable['fillcolor']).toBeDefined();
    expect(input['fillcolor']).not.toBe(variable['fillcolor']);
    expect(op['fillcolor']).toBeUndefined();
    expect(derived['style']).toContain('dashed');
    expect(op['style'] ?? '').not.toContain('dashed');
    expect(derived['peripheries']).toBe('2');
    expect(op['peripheries']).toBe('2');
    expect(input['peripheries']).toBeUndefined();
  });

  it('keeps only what the outputs depend on', () => {
    const { g, x, w, h, unused, z } = smallGraph();
    const dot = parseDot(toDot(g, { outputs: [h] }));
    expect([...dot.nodes.keys()].sort()).toEqual([`n${x.id}`, `n${w.id}`, `n${h.id}`].sort());
    expect(dot.edges).toHaveLength(2);
    const all = parseDot(toDot(g, { outputs: [z] }));
    expect(all.nodes.has(`n${unused.id}`)).toBe(false);
    expect(all.nodes.has(`n${z.id}`)).toBe(true);
    for (const e of all.edges) {
      expect(all.nodes.has(e.from)).toBe(true);
      expect(all.nodes.has(e.to)).toBe(true);
    }
  });

  it('draws nothing for an empty list of outputs and refuses nodes of another graph', () => {
    const { g } = smallGraph();
    expect(parseDot(toDot(g, { outputs: [] })).nodes.size).toBe(0);
    const other = new Graph().input('x', [1]);
    expect(() => toDot(g, { outputs: [other] })).toThrow(ChainruleError);
    expect(() => toDot(g, { outputs: [other] })).toThrow(/outputs\[0\]/);
  });

  it('escapes a hostile title: it comes back verbatim as the graph label and adds no statement', () => {
    const { g } = smallGraph();
    const hostile = 'x"]; evil [label="\\"\nline two\\';
    const src = toDot(g, { title: hostile });
    const dot = parseDot(src);
    expect(dot.graph['label']).toBe(hostile);
    expect(dot.nodes.size).toBe(g.nodes.length);
    expect(tokenizeDot(src).filter((tok) => tok.kind !== 'str' && tok.text === 'evil')).toEqual([]);
    // Balanced quotes: every `"` outside an escape opens or closes a string.
    const unescaped = src.replace(/\\[\\"n]/g, '').match(/"/g) ?? [];
    expect(unescaped.length % 2).toBe(0);
  });

  it('escapes a hostile rule name recorded by a transform', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const rule = 'r"]; n0 -> n0; evil [label="\\';
    const y = g.withOrigin({ node: x.id, rule }, () => x.neg());
    const dot = parseDot(toDot(g));
    expect(dot.nodes.get(`n${y.id}`)!['label']).toBe(`neg\n[2] float64\nby ${rule} for #0 input 'x'`);
    expect(dot.edges).toHaveLength(1);
  });

  it('escapes names the builder would refuse (a graph assembled by other means)', () => {
    const hostile = 'x"]; evil [label="<b>[1]</b>\nnext\\n';
    // A Graph whose node list was filled by other means than the builder.
    const fake = Object.defineProperty(Object.create(Graph.prototype) as Graph, 'nodes', { value: [] as Node[] }) as unknown as { nodes: Node[] };
    const node = new Node(fake as unknown as Graph, 0, 'input', [], { name: hostile, shape: [2], dtype: 'float64' }, [2], 'float64', undefined);
    fake.nodes.push(node);
    const dot = parseDot(toDot(fake as unknown as Graph));
    expect([...dot.nodes.keys()]).toEqual(['n0']);
    expect(dot.nodes.get('n0')!['label']).toBe(`input ${hostile}\n[2] float64`);
    const mermaid = parseMermaid(toMermaid(fake as unknown as Graph));
    expect(mermaid.nodes.get('n0')!.label).toBe(`input ${hostile}\n[2] float64`);
  });
});

describe('toMermaid', () => {
  it('draws the same vertices, labels and edges as toDot', () => {
    const { g, x, w, h, z } = smallGraph();
    const mm = parseMermaid(toMermaid(g));
    const dot = parseDot(toDot(g));
    expect(mm.nodes.size).toBe(g.nodes.length);
    for (const [id, attrs] of dot.nodes) expect(mm.nodes.get(id)!.label).toBe(attrs['label']);
    expect(mm.edges.map((e) => [e.from, e.to, e.label])).toEqual(dot.edges.map((e) => [e.from, e.to, e.attrs['label']]));
    expect(mm.nodes.get(`n${x.id}`)!.open).toBe('[/');
    expect(mm.nodes.get(`n${w.id}`)!.open).toBe('[(');
    expect(mm.nodes.get(`n${h.id}`)!.open).toBe('(');
    expect(mm.classes.get('input')).toEqual([`n${x.id}`]);
    expect(mm.classes.get('variable')).toEqual([`n${w.id}`]);
    expect(mm.classes.get('derived')).toEqual([`n${z.id}`]);
    expect(mm.classes.has('output')).toBe(false);
  });

  it('keeps only what the outputs depend on and marks the outputs', () => {
    const { g, x, w, h } = smallGraph();
    const mm = parseMermaid(toMermaid(g, { outputs: [h] }));
    expect([...mm.nodes.keys()].sort()).toEqual([`n${x.id}`, `n${w.id}`, `n${h.id}`].sort());
    expect(mm.edges).toHaveLength(2);
    expect(mm.classes.get('output')).toEqual([`n${h.id}`]);
  });

  it('escapes hostile titles and rule names: quotes, brackets, angle brackets, # and line breaks', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const rule = 'r"]; n0 --> n0\nclick n0 "javascript:alert(1)" <img src=x> #quot; `md`';
    const y = g.withOrigin({ node: x.id, rule }, () => x.neg());
    const title = 'x"]; evil [label="\n---\nflowchart LR';
    const src = toMermaid(g, { title });
    const mm = parseMermaid(src);
    expect(mm.title).toBe(title.replaceAll('\n', ' '));
    expect(mm.nodes.get(`n${y.id}`)!.label).toBe(`neg\n[2] float64\nby ${rule} for #0 input 'x'`);
    expect(mm.edges).toHaveLength(1);
    // The title stays inside one YAML double-quoted string; the body carries no raw hostile text.
    const body = src.slice(src.indexOf('flowchart TD'));
    expect(body).not.toContain('evil [');
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/^\s*click/m);
    expect(src.split('\n').filter((l) => l === '---')).toHaveLength(2);
  });

  it('keeps names with : / . - readable', () => {
    const g = new Graph();
    g.variable('enc/layer.0:w-1', [2, 2]);
    expect(toMermaid(g)).toContain('variable enc/layer.0:w-1<br/>');
    expect(toDot(g)).toContain('"variable enc/layer.0:w-1\\n');
  });
});
