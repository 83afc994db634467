import type { Tensor } from '../core/tensor.js';
import type { Node } from '../ir/node.js';
import { ArgumentError } from '../core/errors.js';
import { expectBoolean, expectFunction, expectOptions } from '../core/arguments.js';
import { normalizeAxes } from '../core/shape.js';
import { expectNode } from '../ir/arguments.js';
import { getOp } from '../ops/registry.js';

/**
 * Options of {@link notation} (and of `toExpression` and `toTex`, which print with it).
 *
 * @example
 * ```ts
 * notation(dw, { guards: true, name: (leaf) => (leaf.name === 'w' ? 'W' : undefined) });
 * ```
 */
export interface NotationOptions {
  /** The symbol of a leaf (an input, a variable, a non-scalar constant); `undefined` keeps the default (its name, or `C<id>`). */
  readonly name?: (leaf: Node) => string | undefined;
  /**
   * Show the `where` guards that only keep a zero cotangent from meeting an infinite derivative
   * (`g == 0 ? 0 : g / x`, the project's strong zeros); hidden by default, as mathematics omits them.
   */
  readonly guards?: boolean;
  /** Name a subexpression used more than once and print it once, as a person would (default true). */
  readonly share?: boolean;
}

/** A named common subexpression: `σ = sigmoid(x · w)`. */
export interface NotationDefinition {
  /** Its name as text (`σ`, `u_2`), a valid mathjs symbol. */
  readonly name: string;
  /** Its name as TeX. */
  readonly texName: string;
  /** Its value as text. */
  readonly text: string;
  /** Its value as TeX. */
  readonly tex: string;
}

/** A graph node printed as mathematics. */
export interface Notation {
  /** Common subexpressions, in the order they are defined (each uses only earlier ones). */
  readonly definitions: readonly NotationDefinition[];
  /** The node's value as text: mathjs syntax for elementwise operations, · and ᵀ for matrix products. */
  readonly text: string;
  /** The node's value as TeX. */
  readonly tex: string;
}

/** A printed subexpression: text, TeX, and the binding strength of its outermost operation. */
interface Printed {
  readonly text: string;
  readonly tex: string;
  readonly prec: number;
}

const ATOM = 100;
const POSTFIX = 90;
const UNARY = 80;
const PRODUCT = 70;
const SUM = 60;
const COMPARISON = 50;
const CONDITIONAL = 40;

/** Ops that only move or relabel elements: printed as their operand, broadcasting implicit. */
const TRANSPARENT = new Set(['reshape', 'broadcastTo', 'identity', 'cast']);

/** Functions in TeX, by op. */
const TEX_FUNCTIONS: Readonly<Record<string, string>> = {
  exp: '\\exp', log: '\\log', sin: '\\sin', cos: '\\cos', tanh: '\\tanh', sign: '\\operatorname{sign}',
  sigmoid: '\\operatorname{sigmoid}', relu: '\\operatorname{relu}', softplus: '\\operatorname{softplus}',
  log1p: '\\operatorname{log1p}', stopGradient: '\\operatorname{stopGradient}',
};

/** Greek names for shared values of some ops, so a definition reads like the lecture's. */
const SHARED_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  sigmoid: ['σ', '\\sigma'],
  tanh: ['τ', '\\tau'],
  exp: ['ε', '\\varepsilon'],
};

const texText = (s: string): string => s.replace(/[\\{}$&#^_%~]/g, (c) => `\\${c === '\\' ? 'textbackslash{}' : c}`);
/** A symbol as TeX: single letters (Greek included) as they are, longer names upright. */
const texSymbol = (s: string): string => {
  const m = /^([A-Za-zα-ωΑ-Ω])(?:_?(\d+))?$/.exec(s);
  if (m) return m[2] === undefined ? m[1]! : `${m[1]!}_{${m[2]}}`;
  const sub = /^(.+)_(\w+)$/.exec(s);
  if (sub) return `\\mathrm{${texText(sub[1]!)}}_{${texText(sub[2]!)}}`;
  return `\\mathrm{${texText(s)}}`;
};
const formatNumber = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
/** A number for reading: 12 significant digits (1 − 0.9 reads 0.1, not 0.09999999999999998). */
function texNumber(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : v < 0 ? '-\\infty' : '\\mathrm{NaN}';
  const [mantissa, exponent] = String(Number(v.toPrecision(12))).split('e');
  return exponent === undefined ? mantissa! : `${mantissa === '1' ? '' : `${mantissa}\\times `}10^{${Number(exponent)}}`;
}
const atom = (text: string, tex: string): Printed => ({ text, tex, prec: ATOM });
const wrap = (p: Printed, min: number): Printed => (p.prec >= min ? p : { text: `(${p.text})`, tex: `\\left(${p.tex}\\right)`, prec: ATOM });

/** The name of a symbolic dimension as a count: the batch is n, others keep their names. */
const dimName = (d: number | string): string => (d === 'batch' ? 'n' : String(d));

/** A guard: where(g == 0, 0, e) or where(g == 0, e, 0)-like forms that only protect ∞·0. */
function guarded(n: Node): Node | undefined {
  if (n.op !== 'where') return undefined;
  const [c, a, b] = n.inputs as [Node, Node, Node];
  const isZero = (m: Node): boolean => scalarValue(m) === 0;
  if (c.op !== 'equal' || !c.inputs.some(isZero)) return undefined;
  if (isZero(a)) return b;
  return undefined;
}

/** The value of a node that holds one repeated number (a scalar constant, a fill), if it is one. */
function scalarValue(n: Node): number | undefined {
  let m = n;
  while (TRANSPARENT.has(m.op)) m = m.inputs[0]!;
  if (m.op === 'fill') return m.attrs['value'] as number;
  if (m.op === 'constant') {
    const t = m.attrs['value'] as Tensor;
    const first = t.data[0];
    if (first !== undefined && t.data.every((v) => Object.is(v, first))) return first;
  }
  return undefined;
}

/** The axes a reduction (or dimSize) covers, normalised: all of its operand's when absent. */
function reducedAxes(n: Node): readonly number[] {
  const x = n.inputs[0]!;
  return normalizeAxes(n.op, n.attrs['axes'] as readonly number[] | undefined, x.rank, x.shape);
}

/** A mean: sum(x, axes) divided by the number of elements it summed. */
function meanOf(n: Node): { readonly x: Node; readonly axes: readonly number[] } | undefined {
  if (n.op !== 'div') return undefined;
  const [total, count] = n.inputs as [Node, Node];
  let s = total;
  while (TRANSPARENT.has(s.op)) s = s.inputs[0]!;
  if (s.op !== 'sum') return undefined;
  const x = s.inputs[0]!;
  const axes = reducedAxes(s);
  let c = count;
  while (TRANSPARENT.has(c.op)) c = c.inputs[0]!;
  if (c.op === 'dimSize' && c.inputs[0] === x && reducedAxes(c).join() === axes.join()) return { x, axes };
  const dims = axes.map((a) => x.shape[a]!);
  const value = scalarValue(count);
  if (value !== undefined && dims.every((d) => typeof d === 'number') && value === (dims as number[]).reduce((p, d) => p * d, 1)) return { x, axes };
  return undefined;
}

/** Looks through the ops that only move elements. */
const bare = (n: Node): Node => {
  let m = n;
  while (TRANSPARENT.has(m.op)) m = m.inputs[0]!;
  return m;
};

/** Whether `s` is the numerical shift of log-sum-exp and softmax: stopGradient(|max x| < ∞ ? max x : 0). */
function isShiftOf(s: Node, x: Node): boolean {
  const w = bare(s).op === 'stopGradient' ? bare(bare(s).inputs[0]!) : undefined;
  if (w?.op !== 'where') return false;
  const m = bare(w.inputs[1]!);
  return m.op === 'max' && bare(m.inputs[0]!) === bare(x);
}

/**
 * The composites of the library that print as what they compute, not as their stable evaluation:
 * log Σ exp x (`log(Σ exp(x − m)) + m`) and softmax x (`exp(x − m) / Σ exp(x − m)`), m the shift.
 */
function compositeOf(n: Node): { readonly kind: 'logSumExp' | 'softmax'; readonly x: Node; readonly axes: readonly number[] } | undefined {
  if (n.op === 'add') {
    const [l, shift] = n.inputs as [Node, Node];
    const log = bare(l);
    if (log.op !== 'log') return undefined;
    const total = bare(log.inputs[0]!);
    if (total.op !== 'sum') return undefined;
    const e = bare(total.inputs[0]!);
    if (e.op !== 'exp' || bare(e.inputs[0]!).op !== 'sub') return undefined;
    const [x, m] = bare(e.inputs[0]!).inputs as [Node, Node];
    if (m !== shift || !isShiftOf(m, x)) return undefined;
    return { kind: 'logSumExp', x, axes: reducedAxes(total) };
  }
  if (n.op === 'div') {
    const [e, t] = n.inputs as [Node, Node];
    const total = bare(t);
    if (bare(e).op !== 'exp' || total.op !== 'sum' || bare(total.inputs[0]!) !== bare(e)) return undefined;
    const shifted = bare(bare(e).inputs[0]!);
    if (shifted.op !== 'sub') return undefined;
    const [x, m] = shifted.inputs as [Node, Node];
    if (!isShiftOf(m, x)) return undefined;
    return { kind: 'softmax', x, axes: reducedAxes(total) };
  }
  return undefined;
}

/** The axes a reduction names: the symbolic dimension's name, or `axis k`; all axes name none. */
function axesLabel(x: Node, axes: readonly number[]): { text: string; tex: string } | undefined {
  if (axes.length === x.rank) return undefined;
  const names = axes.map((a) => (typeof x.shape[a] === 'string' ? String(x.shape[a]) : `axis ${a}`));
  return { text: names.join(','), tex: names.map((s) => `\\text{${texText(s)}}`).join(',') };
}

/**
 * Prints a graph node as mathematics, as the lecture writes it: matrix products as `·`
 * with transposes as `ᵀ`, elementwise products as `*` (TeX: `⊙`, or side by side with a scalar), sums over
 * axes as `Σ` naming the axis (a symbolic dimension's name), means as `mean` (TeX: (1/n)Σ, the batch
 * size written n), reshapes and broadcasts left implicit, the guards that only protect ∞·0 hidden,
 * and a subexpression used more than once named and printed once. Elementwise formulas print in
 * mathjs syntax, so `fromExpression` reads them back. Iterative: a formula may be any depth.
 *
 * @param node - the node to print.
 * @param options - leaf names, guards, sharing.
 * @returns the definitions and the printed value.
 * @example
 * ```ts
 * const { definitions, text } = notation(dw);
 * // definitions: σ = sigmoid(x · w);  text: 'xᵀ · ((σ - y) * 2 * σ * (1 - σ)) / n'
 * ```
 */
export function notation(node: Node, options: NotationOptions = {}): Notation {
  checkNotationArguments('notation', node, options);
  const { guards = false, share = true } = options;
  // What a node prints as: itself, or (transparent ops, hidden guards) another node.
  const through = (n: Node): Node => {
    let m = n;
    for (;;) {
      if (TRANSPARENT.has(m.op)) m = m.inputs[0]!;
      else if (!guards && guarded(m) !== undefined) m = guarded(m)!;
      else return m;
    }
  };
  const isLeaf = (n: Node): boolean => n.inputs.length === 0 || n.op === 'dimSize';
  // The operands a node's printing reads (after looking through transparent nodes).
  const operands = (n: Node): readonly Node[] => {
    if (isLeaf(n)) return [];
    const mean = meanOf(n);
    if (mean !== undefined) return [through(mean.x)];
    const composite = compositeOf(n);
    if (composite !== undefined) return [through(composite.x)];
    return n.inputs.map(through);
  };

  // Uses of each printed node, to find the shared ones (iteratively, from the root).
  const root = through(node);
  const uses = new Map<Node, number>();
  const order: Node[] = [];
  {
    const stack: [Node, number][] = [[root, 0]];
    uses.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [n, k] = top;
      const ins = operands(n);
      if (k < ins.length) {
        top[1] = k + 1;
        const m = ins[k]!;
        const seen = uses.get(m);
        uses.set(m, (seen ?? 0) + 1);
        if (seen === undefined) stack.push([m, 0]);
        continue;
      }
      stack.pop();
      order.push(n); // operands before users
    }
  }

  const counts = new Map<string, number>();
  const definitions: NotationDefinition[] = [];
  const printed = new Map<Node, Printed>();
  const leafName = (n: Node, fallback: string): string => options.name?.(n) ?? fallback;

  const print = (n: Node, args: readonly Printed[]): Printed => {
    const [a, b] = args;
    const op = n.op;
    if (op === 'input' || op === 'variable') {
      const s = leafName(n, n.name!);
      return atom(s, texSymbol(s));
    }
    if (op === 'constant' || op === 'fill') {
      const v = scalarValue(n);
      if (v !== undefined) return v < 0 || Object.is(v, -0) ? { text: `-${formatNumber(-v)}`, tex: `-${texNumber(-v)}`, prec: UNARY } : atom(formatNumber(v), texNumber(v));
      const s = leafName(n, `C${n.id}`);
      return atom(s, texSymbol(s));
    }
    if (op === 'dimSize') {
      const x = n.inputs[0]!;
      const parts = reducedAxes(n).map((ax) => x.shape[ax]!).filter((d) => d !== 1).map(dimName);
      const s = parts.length === 0 ? '1' : parts.join(' * ');
      return parts.length <= 1 ? atom(s, texSymbol(s)) : { text: s, tex: parts.map(texSymbol).join('\\,'), prec: PRODUCT };
    }
    if (n.inputs.length === 0) return atom(leafName(n, `${op}${n.id}`), `\\operatorname{${op}}_{${n.id}}`); // random sources
    const mean = meanOf(n);
    if (mean !== undefined) {
      const label = axesLabel(mean.x, mean.axes);
      const count = mean.axes.map((ax) => mean.x.shape[ax]!).filter((d) => d !== 1).map((d) => (typeof d === 'string' ? texSymbol(dimName(d)) : String(d))).join('\\,') || '1';
      return {
        text: `mean${label ? `[${label.text}]` : ''}(${a!.text})`,
        tex: `\\frac{1}{${count}}\\sum${label ? `_{${label.tex}}` : ''} ${wrap(a!, SUM + 1).tex}`,
        prec: ATOM,
      };
    }
    const composite = compositeOf(n);
    if (composite !== undefined) {
      const label = axesLabel(bare(composite.x), composite.axes);
      const sub = label ? `_{${label.tex}}` : '';
      return composite.kind === 'logSumExp'
        ? { text: `logSumExp${label ? `[${label.text}]` : ''}(${a!.text})`, tex: `\\log\\sum${sub} \\exp\\left(${a!.tex}\\right)`, prec: ATOM }
        : { text: `softmax${label ? `[${label.text}]` : ''}(${a!.text})`, tex: `\\operatorname{softmax}${sub}\\left(${a!.tex}\\right)`, prec: ATOM };
    }
    switch (op) {
      case 'add':
        return { text: `${wrap(a!, SUM).text} + ${wrap(b!, SUM + 1).text}`, tex: `${wrap(a!, SUM).tex} + ${wrap(b!, SUM + 1).tex}`, prec: SUM };
      case 'sub':
        return { text: `${wrap(a!, SUM).text} - ${wrap(b!, SUM + 1).text}`, tex: `${wrap(a!, SUM).tex} - ${wrap(b!, SUM + 1).tex}`, prec: SUM };
      case 'mul': {
        const scalar = n.inputs.some((m) => through(m).rank === 0 || scalarValue(m) !== undefined);
        return { text: `${wrap(a!, PRODUCT).text} * ${wrap(b!, PRODUCT + 1).text}`, tex: `${wrap(a!, PRODUCT).tex} ${scalar ? '\\,' : '\\odot'} ${wrap(b!, PRODUCT + 1).tex}`, prec: PRODUCT };
      }
      case 'div':
        return { text: `${wrap(a!, PRODUCT).text} / ${wrap(b!, PRODUCT + 1).text}`, tex: `\\frac{${a!.tex}}{${b!.tex}}`, prec: PRODUCT };
      case 'pow':
        return { text: `${wrap(a!, POSTFIX + 1).text} ^ ${wrap(b!, POSTFIX + 1).text}`, tex: `{${wrap(a!, POSTFIX + 1).tex}}^{${b!.tex}}`, prec: POSTFIX };
      case 'square':
        return { text: `${wrap(a!, POSTFIX + 1).text} ^ 2`, tex: `{${wrap(a!, POSTFIX + 1).tex}}^{2}`, prec: POSTFIX };
      case 'reciprocal':
        return { text: `1 / ${wrap(a!, PRODUCT + 1).text}`, tex: `\\frac{1}{${a!.tex}}`, prec: PRODUCT };
      case 'neg':
        return { text: `-${wrap(a!, UNARY).text}`, tex: `-${wrap(a!, UNARY).tex}`, prec: UNARY };
      case 'sqrt':
        return { text: `sqrt(${a!.text})`, tex: `\\sqrt{${a!.tex}}`, prec: ATOM };
      case 'abs':
        return { text: `abs(${a!.text})`, tex: `\\left|${a!.tex}\\right|`, prec: ATOM };
      case 'greater':
      case 'less':
      case 'equal': {
        const [t, x] = op === 'greater' ? ['>', '>'] : op === 'less' ? ['<', '<'] : ['==', '='];
        return { text: `${wrap(a!, COMPARISON + 1).text} ${t} ${wrap(b!, COMPARISON + 1).text}`, tex: `${wrap(a!, COMPARISON + 1).tex} ${x} ${wrap(b!, COMPARISON + 1).tex}`, prec: COMPARISON };
      }
      case 'maximum':
      case 'minimum': {
        const f = op === 'maximum' ? 'max' : 'min';
        return { text: `${f}(${a!.text}, ${b!.text})`, tex: `\\${f}\\left(${a!.tex}, ${b!.tex}\\right)`, prec: ATOM };
      }
      case 'where': {
        const c = args[2]!;
        return {
          text: `${wrap(a!, CONDITIONAL + 1).text} ? ${wrap(b!, CONDITIONAL + 1).text} : ${wrap(c, CONDITIONAL).text}`,
          tex: `\\begin{cases} ${b!.tex} & \\text{if } ${a!.tex} \\\\ ${c.tex} & \\text{otherwise} \\end{cases}`,
          prec: CONDITIONAL,
        };
      }
      case 'matmul': {
        const ta = n.attrs['transposeA'] === true;
        const tb = n.attrs['transposeB'] === true;
        const left = wrap(a!, ta ? ATOM : PRODUCT);
        const right = wrap(b!, tb ? ATOM : PRODUCT + 1);
        return {
          text: `${left.text}${ta ? 'ᵀ' : ''} · ${right.text}${tb ? 'ᵀ' : ''}`,
          tex: `${left.tex}${ta ? '^{\\top}' : ''} \\cdot ${right.tex}${tb ? '^{\\top}' : ''}`,
          prec: PRODUCT,
        };
      }
      case 'transpose': {
        const perm = n.attrs['perm'] as readonly number[] | undefined;
        const r = perm?.length ?? 2;
        const swapsLast = perm === undefined ? n.rank === 2 : (r >= 2 && perm.every((p, i) => (i < r - 2 ? p === i : p === (i === r - 2 ? r - 1 : r - 2))));
        const w = wrap(a!, ATOM);
        return swapsLast ? { text: `${w.text}ᵀ`, tex: `${w.tex}^{\\top}`, prec: POSTFIX } : { text: `transpose(${a!.text})`, tex: `\\operatorname{transpose}(${a!.tex})`, prec: ATOM };
      }
      case 'sum':
      case 'max': {
        const x = n.inputs[0]!;
        const label = axesLabel(x, reducedAxes(n));
        const f = op === 'sum' ? 'Σ' : 'max';
        return {
          text: `${f}${label ? `[${label.text}]` : ''}(${a!.text})`,
          tex: `${op === 'sum' ? '\\sum' : '\\max'}${label ? `_{${label.tex}}` : ''} ${wrap(a!, SUM + 1).tex}`,
          prec: ATOM,
        };
      }
      default: {
        const fn = getOp(op)?.mathFunction ?? op;
        return { text: `${fn}(${args.map((p) => p.text).join(', ')})`, tex: `${TEX_FUNCTIONS[op] ?? `\\operatorname{${texText(op)}}`}\\left(${args.map((p) => p.tex).join(', ')}\\right)`, prec: ATOM };
      }
    }
  };

  for (const n of order) {
    let p = print(n, operands(n).map((m) => printed.get(m)!));
    if (share && n !== root && (uses.get(n) ?? 0) > 1 && !isLeaf(n)) {
      const [base, texBase] = SHARED_NAMES[n.op] ?? ['u', 'u'];
      const k = (counts.get(base) ?? 0) + 1;
      counts.set(base, k);
      const first = base !== 'u' && k === 1;
      const name = first ? { text: base, tex: texBase } : { text: `${base}_${k}`, tex: `${texBase}_{${k}}` };
      definitions.push({ name: name.text, texName: name.tex, text: p.text, tex: p.tex });
      p = atom(name.text, name.tex);
    }
    printed.set(n, p);
  }
  const out = printed.get(root)!;
  return { definitions, text: out.text, tex: out.tex };
}

/**
 * A {@link Notation} as one string of text: each definition on its own line (`σ = sigmoid(x · w)`),
 * then the value.
 *
 * @param n - the printed node.
 * @returns the text.
 * @example
 * ```ts
 * notationText(notation(loss)); // 'mean((sigmoid(x · w) - y) ^ 2)'
 * ```
 */
export function notationText(n: Notation): string {
  checkNotation('notationText', n);
  return [...n.definitions.map((d) => `${d.name} = ${d.text}`), n.text].join('\n');
}

/**
 * A {@link Notation} as one TeX formula: the value, then `\text{where } σ = …` for the definitions.
 *
 * @param n - the printed node.
 * @returns the TeX.
 * @example
 * ```ts
 * katex.render(notationTex(notation(dw)), element);
 * ```
 */
export function notationTex(n: Notation): string {
  checkNotation('notationTex', n);
  if (n.definitions.length === 0) return n.tex;
  return `${n.tex}, \\quad \\text{where } ${n.definitions.map((d) => `${d.texName} = ${d.tex}`).join(',\\; ')}`;
}

/**
 * Checks the arguments of a printer for JavaScript callers: a node, and options with a name
 * function and boolean switches.
 *
 * @param fn - the printer's name, for messages.
 * @param node - what was passed as the node.
 * @param options - what was passed as the options.
 * @throws ArgumentError naming the argument.
 * @example
 * ```ts
 * checkNotationArguments('toTex', node, options);
 * ```
 */
export function checkNotationArguments(fn: string, node: unknown, options: unknown): void {
  expectNode(fn, 'node', node);
  const o = expectOptions(fn, 'options', options);
  if (o['name'] !== undefined) expectFunction(fn, 'options.name', o['name']);
  if (o['guards'] !== undefined) expectBoolean(fn, 'options.guards', o['guards']);
  if (o['share'] !== undefined) expectBoolean(fn, 'options.share', o['share']);
}

/** Checks a {@link Notation} passed back in by JavaScript. */
function checkNotation(fn: string, n: unknown): void {
  const o = expectOptions(fn, 'notation', n);
  const defs = o['definitions'];
  const ok = typeof o['text'] === 'string' && typeof o['tex'] === 'string' && Array.isArray(defs) &&
    defs.every((d: unknown) => typeof d === 'object' && d !== null && ['name', 'texName', 'text', 'tex'].every((k) => typeof (d as Record<string, unknown>)[k] === 'string'));
  if (!ok) throw new ArgumentError(fn, 'notation', 'what notation() returns ({ definitions, text, tex })', n);
}
