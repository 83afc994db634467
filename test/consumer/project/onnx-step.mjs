// @chainrule/onnx from the tarball, with onnxruntime-node installed as its README says: export a
// training step and run it on ONNX Runtime.
import assert from 'node:assert/strict';
import { Graph, tensor } from '@chainrule/graph';
import { minimize, sgd } from '@chainrule/optim';
import { compileOnnx, toONNX } from '@chainrule/onnx';

const g = new Graph();
const x = g.input('x', ['batch', 2]);
const w = g.variable('w', tensor([[0.5], [-0.5]]));
const loss = x.matmul(w).sub(1).square().mean();
const step = minimize(loss, [w], sgd({ lr: 0.1 }));
const model = toONNX(g, { outputs: [loss], updates: step });
const train = await compileOnnx(g, { outputs: [loss], updates: step });
const [value] = await train({ x: tensor([[1, 2], [3, 4]]) });
await train.release();
assert.ok(model.length > 100);
assert.equal(value.item(), 2.25); // ((1·0.5 − 2·0.5 − 1)² + (3·0.5 − 4·0.5 − 1)²) / 2
assert.deepEqual(Array.from(g.getVariable('w').data).map((v) => Number(v.toFixed(12))), [1.1, 0.4]); // w − 0.1·∇
console.log(`ONNX model of ${model.length} bytes; one SGD step on ONNX Runtime: loss 2.25, w = [1.1, 0.4]`);
