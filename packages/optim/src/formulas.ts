import { Graph, simplify, substitute, tensor, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { toExpression, toTex } from '@chainrule/graph/mathjs';
import { createContext } from './context.js';
import type { UpdateRule } from './transform.js';
import { expectRule } from './validate.js';

/**
 * One line of a rule's update, printed from the graph nodes the rule builds.
 *
 * @example
 * ```ts
 * const [first]: RuleFormula[] = ruleFormulas(sgd({ lr: 0.1 }));
 * console.log(`${first?.variable} ← ${first?.text}`, first?.tex);
 * ```
 */
export interface RuleFormula {
  /** The variable assigned, e.g. `w` or `v`. */
  readonly variable: string;
  /** Its new value as plain text: exact mathjs syntax, which mathjs evaluates with `scalarScope()`. */
  readonly text: string;
  /** Its new value as TeX, as the lecture writes it (`toTex`'s notation). */
  readonly tex: string;
}

/**
 * Prints a rule's update as formulas, generated from the very graph nodes the rule builds — so what
 * is printed is what runs. The rule is applied to one scalar parameter `w` with gradient `grad` at
 * step `t`; rules that need the loss itself (look-ahead, Newton) see f(w) = ½·h·w², so ∇f(u) = h·u.
 * State variables are shown by their short names (`v`, `Q`, `q`, `g`, `rho`, …); ops other than
 * elementwise ones appear as calls (`reduceSum(…)`, `solve(a, b)`), which `scalarScope()` from
 * `@chainrule/graph/mathjs` evaluates for the one-element parameter.
 *
 * @param rule - the rule to print.
 * @returns one formula per assigned variable, the parameter first.
 * @example
 * ```ts
 * for (const f of ruleFormulas(polyak({ lr: 0.1, momentum: 0.9 }))) console.log(`${f.variable} ← ${f.text}`);
 * // w ← w + (v * 0.9 - grad * 0.1)   and   v ← v * 0.9 - grad * 0.1
 * ```
 */
export function ruleFormulas(rule: UpdateRule): RuleFormula[] {
  expectRule('ruleFormulas', 'rule', rule);
  const g = new Graph();
  const w = g.variable('w', tensor(0));
  const h = g.input('h', []);
  const loss = w.square().mul(h).mul(0.5);
  const step = g.input('t', []);
  const created: Node[] = [];
  const ctx = createContext(g, [w], loss, step, '', created);
  // The rule sees the real gradient (so that Newton can differentiate it); the printed formula
  // shows it as the symbol `grad`.
  const [gradient] = grad(loss, [w]);
  const { directions, assignments } = rule.apply([gradient!], ctx);
  const targets: Node[] = [w, ...assignments.map(([v]) => v)];
  const built = [w.add(directions[0]!), ...assignments.map(([, x]) => x)];
  const values = simplify(substitute(built, new Map([[gradient!, g.input('grad', [])]])));
  // `adam.g/w` → `g`; `nesterov.rho` → `rho`; a repeated name keeps its suffix.
  const short = (n: Node): string | undefined => {
    if (n.op !== 'variable' || n.name === 'w') return undefined;
    return n.name!.replace(/\/w$/, '').replace(/^[^.]*\./, '').replace(/[^A-Za-z0-9_]/g, '_');
  };
  return targets.map((target, i) => ({
    variable: short(target) ?? target.name!,
    text: toExpression(values[i]!, { name: short, calls: true, form: 'mathjs' }),
    tex: toTex(values[i]!, { name: short, share: false }),
  }));
}
