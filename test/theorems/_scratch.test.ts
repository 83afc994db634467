import { Graph, tensor } from '@chainrule/graph';
import { minimize, sgd, nesterov, sutskever, adam } from '@chainrule/optim';
import { it } from 'vitest';

it('perf', () => {
  const g = new Graph();
  const n = 4;
  const w = g.variable('w', tensor([[1],[2],[3],[4]]));
  const H = g.constant([[2,0,0,0],[0,1,0,0],[0,0,0.5,0],[0,0,0,0.1]]);
  const ws = g.constant([[0.1],[0.2],[0.3],[0.4]]);
  const d = w.sub(ws);
  const f = d.mul(H.matmul(d)).sum().mul(0.5);
  for (const rule of [sgd({ lr: 0.5 }), nesterov({ lr: 0.5 }), sutskever({ lr: 0.5, momentum: 0.5 }), adam({ lr: 0.1, epsilon: 0 })]) {
    const g2 = g; void g2;
    const t0 = performance.now();
    const gg = new Graph();
    const w2 = gg.variable('w', tensor([[1],[2],[3],[4]]));
    const H2 = gg.constant([[2,0,0,0],[0,1,0,0],[0,0,0.5,0],[0,0,0,0.1]]);
    const d2 = w2.sub(gg.constant([[0.1],[0.2],[0.3],[0.4]]));
    const f2 = d2.mul(H2.matmul(d2)).sum().mul(0.5);
    const step = minimize(f2, [w2], rule);
    const run = gg.compile({ outputs: [f2, w2], updates: step });
    const t1 = performance.now();
    let out;
    for (let i = 0; i < 1000; i++) out = run({});
    const t2 = performance.now();
    console.log(rule.name, 'build', (t1 - t0).toFixed(1), 'ms; 1000 steps', (t2 - t1).toFixed(1), 'ms', out![0]!.data[0], Array.from(out![1]!.data), step.state.map(s => s.name), run.schedule.length);
  }
  void f; void n;
});
