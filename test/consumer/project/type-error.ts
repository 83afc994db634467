// A deliberate type error: the consumer's compiler must catch it (a number is not a Tensor feed).
import { Graph } from '@chainrule/graph';

const g = new Graph();
const y = g.input('x', [1]).exp();
export const wrong = g.run([y], { x: 1 });
