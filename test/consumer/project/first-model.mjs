// The README's first model, as a consumer runs it: plain Node ESM against the installed tarballs.
import assert from 'node:assert/strict';
import { Graph, tensor, toExpression } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { adam, minimize } from '@chainrule/optim';

const g = new Graph();
const x = g.input('x', ['batch', 2]);
const y = g.input('y', ['batch', 1]);
const w = g.variable('w', [2, 1], 0.1);
const loss = x.matmul(w).sigmoid().sub(y).square().mean();
const [dw] = grad(loss, [w]);
console.log(toExpression(loss));
console.log(toExpression(dw));
assert.equal(toExpression(loss), 'mean((sigmoid(x · w) - y) ^ 2)');
assert.equal(toExpression(dw), 'σ = sigmoid(x · w)\nxᵀ · (1 / n * ((σ - y) * 2) * (σ * (-σ + 1)))');
const update = minimize(loss, [w], adam({ lr: 1e-2 }));
const step = g.compile({ outputs: [loss], updates: update });
const feeds = { x: tensor([[0, 1], [1, 0]]), y: tensor([[1], [0]]) };
const [before] = step(feeds);
for (let i = 0; i < 500; i++) step(feeds);
const [after] = step(feeds);
console.log(`loss ${before.item().toFixed(4)} → ${after.item().toFixed(4)}`);
assert.ok(after.item() < before.item() / 4, 'the loss fell by at least 4×');
assert.deepEqual(g.run([dw], feeds)[0].shape, [2, 1]);
