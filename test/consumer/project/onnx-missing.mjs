// Without its optional peer onnxruntime-node, @chainrule/onnx still exports models, and compileOnnx
// rejects with the install line instead of a bare module-not-found error.
import assert from 'node:assert/strict';
import { ChainruleError, Graph } from '@chainrule/graph';
import { compileOnnx, toONNX } from '@chainrule/onnx';

const g = new Graph();
const y = g.input('x', [2]).exp().sum();
assert.ok(toONNX(g, { outputs: [y] }).length > 0);
await assert.rejects(compileOnnx(g, { outputs: [y] }), (e) => e instanceof ChainruleError && e.message.includes('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node'));
console.log('toONNX works without onnxruntime-node; compileOnnx names the install line');
