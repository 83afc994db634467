import { substitute, type Graph, type Node } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import type { RuleContext, StateInit } from './transform.js';

/**
 * Builds the context rules see: state variables named `<prefix><name>/<parameter>` (made unique),
 * collected into `created`, and ∇f at substituted points.
 *
 * @param graph - the graph being extended.
 * @param params - the parameters w (one dtype).
 * @param loss - the loss f.
 * @param step - the step counter t of the update being built (1 on the first update).
 * @param prefix - prefix of state variable names, e.g. `optim/`.
 * @param created - receives every state variable declared.
 * @returns the context to pass to {@link UpdateRule.apply}.
 * @example
 * ```ts
 * const state: Node[] = [];
 * rule.apply(grad(loss, [w]), createContext(g, [w], loss, counter.add(1), 'optim/', state));
 * ```
 */
export function createContext(graph: Graph, params: readonly Node[], loss: Node, step: Node, prefix: string, created: Node[]): RuleContext {
  const dtype = params[0]!.dtype;
  const unique = (name: string): string => {
    let candidate = name;
    for (let k = 2; graph.byName(candidate) !== undefined; k++) candidate = `${name}.${k}`;
    return candidate;
  };
  const gradientAt = (points: readonly Node[]): Node[] => {
    const [moved] = substitute([loss], new Map(params.map((p, i) => [p, points[i]!])));
    return grad(moved!, points);
  };
  return {
    graph,
    params,
    step,
    loss,
    gradientAt,
    directionsAt: gradientAt,
    state(name: string, init: StateInit = 0) {
      return params.map((p) => {
        const varName = unique(`${prefix}${name}/${p.name}`);
        const v = init === 'param' ? graph.variable(varName, graph.getVariable(p.name!)) : graph.variable(varName, p.shape as number[], init, dtype);
        created.push(v);
        return v;
      });
    },
    scalarState(name: string, init: number) {
      const v = graph.variable(unique(`${prefix}${name}`), [], init, dtype);
      created.push(v);
      return v;
    },
  };
}
