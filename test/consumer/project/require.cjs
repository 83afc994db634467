// CommonJS: require() of the ES-module packages, which Node loads synchronously from 20.19 on.
const assert = require('node:assert/strict');
const { Graph, tensor } = require('@chainrule/graph');
const { grad } = require('@chainrule/autodiff');

const g = new Graph();
const x = g.input('x', [3]);
const [dx] = grad(x.square().sum(), [x]);
assert.deepEqual(Array.from(g.run([dx], { x: tensor([1, 2, 3]) })[0].data), [2, 4, 6]);
console.log('require() works: d/dx Σx² at [1, 2, 3] = [2, 4, 6]');
