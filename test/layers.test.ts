import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graph as Digraph, alg } from '@dagrejs/graphlib';
import { PRIMITIVES } from '@chainrule/graph';
import { describe, expect, it } from 'vitest';

// The import rules of docs/design-decisions.md ("Layers inside @chainrule/graph", "Packages"),
// checked on the sources as they are: every static import and re-export counts, type-only ones too.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GRAPH_SRC = join(ROOT, 'packages/graph/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports from (static forms and `import(…)` types). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  found.push(...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!));
  found.push(...[...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!));
  return found;
}

/** The graph package's files and their imports of each other, as paths relative to `src`. */
function graphImports(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(GRAPH_SRC)) {
    const from = relative(GRAPH_SRC, file);
    const local = specifiers(file).flatMap((s) => {
      if (s.startsWith('#')) return [`platform/${s.slice(1)}`]; // the package's own imports (#platform, #mathjs)
      return s.startsWith('.') ? [relative(GRAPH_SRC, resolve(dirname(file), s.replace(/\.js$/, '.ts')))] : [];
    });
    edges.set(from, local);
  }
  return edges;
}

/** Layers from the bottom; a file may import its own layer and the ones below. */
const LAYERS = [['core'], ['platform'], ['kernels'], ['ops'], ['ir'], ['rewrite', 'exec', 'io'], ['top']] as const;
type Room = (typeof LAYERS)[number][number];
const roomOf = (path: string): Room => {
  const first = path.split('/')[0]!;
  return (path.includes('/') ? first : 'top') as Room;
};
const floorOf = (room: Room): number => LAYERS.findIndex((rooms) => (rooms as readonly string[]).includes(room));

describe('@chainrule/graph is built in layers', () => {
  const edges = graphImports();

  it('has every source file in a known room', () => {
    const unknown = [...edges.keys()].filter((f) => floorOf(roomOf(f)) < 0);
    expect(unknown).toEqual([]);
  });

  /** The imports `from → to` between rooms `a` (the importer's) and `b` for which `breaks` holds. */
  const imports = (breaks: (a: Room, b: Room) => boolean): string[] =>
    [...edges].flatMap(([from, tos]) => tos.filter((to) => breaks(roomOf(from), roomOf(to))).map((to) => `${from} → ${to}`));

  it('imports only from its own layer or the ones below', () => {
    expect(imports((a, b) => floorOf(b) > floorOf(a))).toEqual([]);
  });

  it('keeps rewrite, exec and io apart: none imports another', () => {
    expect(imports((a, b) => a !== b && floorOf(a) === floorOf(b))).toEqual([]);
  });

  it('has no import circle except the fluent builder unit (graph, node, composites)', () => {
    const digraph = new Digraph();
    for (const [from, tos] of edges) {
      digraph.setNode(from);
      for (const to of tos) digraph.setEdge(from, to);
    }
    const circles = alg.tarjan(digraph).filter((component) => component.length > 1).map((c) => [...c].sort());
    expect(circles).toEqual([['ir/composites.ts', 'ir/graph.ts', 'ir/node.ts']]);
  });

  it('the rule catches an upward import (the check itself works)', () => {
    expect(floorOf(roomOf('exec/interpreter.ts'))).toBeGreaterThan(floorOf(roomOf('ir/graph.ts')));
    expect(floorOf(roomOf('graph.ts'))).toBeGreaterThan(floorOf(roomOf('io/json.ts')));
    expect(floorOf(roomOf('kernels/gemm.ts'))).toBeLessThan(floorOf(roomOf('ops/matmul.ts')));
  });
});

/** Executors and pass drivers: what they need to know about an op comes from its definition. */
const OP_BLIND = [
  ...sourceFiles(join(GRAPH_SRC, 'exec')),
  join(GRAPH_SRC, 'rewrite/simplify.ts'),
  join(GRAPH_SRC, 'rewrite/substitute.ts'),
  ...['backward.ts', 'forward.ts', 'transforms.ts'].map((f) => join(ROOT, 'packages/autodiff/src', f)),
  ...sourceFiles(join(ROOT, 'packages/autodiff/src/check')),
];

/** The code of a file without its comments (doc comments and line comments may name ops). */
const codeOf = (file: string): string =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('executors and pass drivers never name an op', () => {
  it.each(OP_BLIND.map((f) => relative(ROOT, f)))('%s', (file) => {
    const code = codeOf(join(ROOT, file));
    const named = PRIMITIVES.filter((op) => new RegExp(`['"\`]${op}['"\`]`).test(code));
    expect(named, 'op names in code: use a fact of the op definition (external, alias, plan, linear, kind, …)').toEqual([]);
  });

  it('the check sees a quoted op name', () => {
    expect(PRIMITIVES.filter((op) => new RegExp(`['"\`]${op}['"\`]`).test("if (node.op === 'reshape') return;"))).toEqual(['reshape']);
  });
});

/** Which other packages each package may import: the one-way stack of ARCHITECTURE.md. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  graph: [],
  autodiff: ['graph'],
  optim: ['graph', 'autodiff'],
  nn: ['graph', 'autodiff', 'optim'],
  onnx: ['graph', 'autodiff'],
};

describe('the packages above graph', () => {
  it.each(Object.keys(ALLOWED))('@chainrule/%s imports other packages only through their entry points, down the stack', (name) => {
    const src = join(ROOT, 'packages', name, 'src');
    const bad: string[] = [];
    for (const file of sourceFiles(src)) {
      for (const spec of specifiers(file)) {
        const where = relative(ROOT, file);
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(src)) bad.push(`${where}: relative import out of the package (${spec})`);
          continue;
        }
        const match = /^@chainrule\/([^/]+)(\/.*)?$/.exec(spec);
        if (match === null) continue;
        const [, other, subpath] = match;
        if (!ALLOWED[name]!.includes(other!)) bad.push(`${where}: imports @chainrule/${other}, which is not below it`);
        const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', other!, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
        if (!Object.hasOwn(manifest.exports, `.${subpath ?? ''}`)) bad.push(`${where}: ${spec} is not an entry point of @chainrule/${other}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each(Object.keys(ALLOWED))('@chainrule/%s declares exactly the packages it may use', (name) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = Object.keys({ ...manifest['dependencies'], ...manifest['peerDependencies'] })
      .filter((d) => d.startsWith('@chainrule/'))
      .map((d) => d.slice('@chainrule/'.length));
    for (const d of declared) expect(ALLOWED[name], `@chainrule/${name} depends on @chainrule/${d}`).toContain(d);
  });
});
