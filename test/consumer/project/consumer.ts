// A TypeScript consumer: compiled with `tsc --noEmit` under nodenext, bundler and node10 resolution,
// with skipLibCheck off, so every published declaration file is checked too.
import { Graph, tensor, type Node, type Tensor } from '@chainrule/graph';
import { toExpression } from '@chainrule/graph/mathjs';
import { grad, hessian } from '@chainrule/autodiff';
import { adam, minimize, type UpdateRule } from '@chainrule/optim';
import { Trainer, dense, sequential, squaredLoss } from '@chainrule/nn';
import { toONNX, type OnnxExecutableOptions } from '@chainrule/onnx';

const g = new Graph();
const x: Node = g.input('x', ['batch', 2]);
const w: Node = g.variable('w', [2, 1], 0.1);
const loss: Node = x.matmul(w).square().mean();
const [dw]: Node[] = grad(loss, [w]);
const h: Node = hessian(loss, w);
const rule: UpdateRule = adam({ lr: 0.01 });
const step = g.compile({ outputs: [loss], updates: minimize(loss, [w], rule) });
const values: Tensor[] = step({ x: tensor([[1, 2]]) });
const text: string = toExpression(dw!);
const bytes: Uint8Array = toONNX(g, { outputs: [h] });
const options: OnnxExecutableOptions = { outputs: [loss], intraOpNumThreads: 1 };
const trainer = new Trainer({ model: sequential([dense(1)]), inputUnits: 2, targetUnits: 1, loss: squaredLoss, rule });
export { bytes, options, text, trainer, values };
