import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChainruleError, ExecutionError, FeedError, Graph, tensor } from '@chainrule/graph';
import { OPSET, compileOnnx, onnxOutputName, onnxUpdateName, toONNX } from '../src/index.js';
import { DataType, onnxSchema } from '../src/onnx-schema.js';
import type { ModelProto } from '../src/proto.js';

describe('the ONNX Runtime executor', () => {
  it('commits all assignments together after the run (a ← b, b ← a swaps) and keeps variables between runs', async () => {
    const g = new Graph();
    const a = g.variable('a', tensor([1, 2]));
    const b = g.variable('b', tensor([3, 4]));
    const run = await compileOnnx(g, { outputs: [a.add(b)], updates: [[a, b], [b, a.mul(2)]] });
    expect(Array.from((await run())[0]!.data)).toEqual([4, 6]);
    expect(Array.from(g.getVariable('a').data)).toEqual([3, 4]);
    expect(Array.from(g.getVariable('b').data)).toEqual([2, 4]);
    const [second] = await run();
    expect(Array.from(second!.data)).toEqual([5, 8]);
    expect(Array.from(g.getVariable('b').data)).toEqual([6, 8]);
    await run.release();
  });

  it('queues runs started together, so each sees the variables the previous one left', async () => {
    const g = new Graph();
    const n = g.variable('n', tensor([0]));
    const run = await compileOnnx(g, { outputs: [n], updates: [[n, n.add(1)]] });
    const seen = await Promise.all([run(), run(), run()]);
    expect(seen.map((t) => t[0]!.data[0])).toEqual([0, 1, 2]);
    await run.release();
  });

  it('checks feeds by name, dtype and shape, naming the input', async () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 2]);
    const y = g.input('y', ['batch']);
    const run = await compileOnnx(g, { outputs: [x.sum(1).add(y)] });
    await expect(run({ x: tensor([[1, 2]]) })).rejects.toThrow(new FeedError("missing feed for input 'y' (float64 [batch])"));
    await expect(run({ x: tensor([[1, 2]]), y: tensor([1]), z: tensor([1]) })).rejects.toThrow(/feed 'z' matches no input of the graph \(inputs: 'x', 'y'\)/);
    await expect(run({ x: tensor([[1, 2]], undefined, 'float32'), y: tensor([1]) })).rejects.toThrow("feed for input 'x' has dtype float32, expected float64");
    await expect(run({ x: tensor([[1, 2, 3]]), y: tensor([1]) })).rejects.toThrow("feed for input 'x' has shape [1,3], expected [batch,2]");
    await expect(run({ x: tensor([[1, 2]]), y: tensor([1, 2]) })).rejects.toThrow("dimension 'batch' is 2 here but 1 in the feed for 'x'");
    // a failed run leaves the executable usable
    expect(Array.from((await run({ x: tensor([[1, 2]]), y: tensor([10]) }))[0]!.data)).toEqual([13]);
    await run.release();
  });

  it('reports a failure inside ONNX Runtime as an ExecutionError naming the chainrule node', async () => {
    const g = new Graph();
    const run = await compileOnnx(g, { outputs: [g.constant([1, 2, 3]).gather(g.input('i', [1]))] });
    const failure = run({ i: tensor([7]) });
    await expect(failure).rejects.toBeInstanceOf(ExecutionError);
    await expect(failure).rejects.toThrow(/^ONNX Runtime failed in #2 gather: .*indices element out of data bounds, idx=7/s);
    await run.release();
  });

  // ONNX Runtime logs to the process's native stderr, which only another process can read.
  it('leaves the ExecutionError the only report of a failed run (ONNX Runtime logs nothing)', () => {
    const child = spawnSync(process.execPath, ['--conditions=@chainrule/source', '--import', 'tsx', fileURLToPath(new URL('fixtures/failing-run.ts', import.meta.url))], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.stdout.trim()).toBe('ExecutionError');
    expect(child.stderr).toBe('');
  });

  it('writes a model whose outputs are the requested values, then each variable\'s new value', async () => {
    const g = new Graph();
    const w = g.variable('w', tensor([1, 2]));
    const model = toONNX(g, { outputs: [w.sum()], updates: [[w, w.mul(3)]] });
    const { default: ort } = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model);
    expect(session.inputNames).toEqual(['w']);
    expect(session.outputNames).toEqual([onnxOutputName(0), onnxUpdateName('w')]);
    const out = await session.run({ w: new ort.Tensor('float64', Float64Array.from([1, 2]), [2]) });
    expect(Array.from(out[onnxUpdateName('w')]!.data as Float64Array)).toEqual([3, 6]);
    await session.release();
  });

  it('keeps inputs and variables apart from the names it makes, whatever they are called', async () => {
    const g = new Graph();
    const a = g.input('c0', [2]);
    const b = g.variable('n1.0', tensor([10, 20]));
    const run = await compileOnnx(g, { outputs: [a.mul(2).add(b)] });
    expect(Array.from((await run({ c0: tensor([1, 2]) }))[0]!.data)).toEqual([12, 24]);
    await run.release();
  });

  it('declares opset 21 and writes symbolic dimensions as dim_params', () => {
    const g = new Graph();
    const x = g.input('x', ['batch', 3], 'float32');
    const Model = onnxSchema.lookupType('onnx.ModelProto');
    const model = Model.toObject(Model.decode(toONNX(g, { outputs: [x.sum(1)] })), { longs: Number }) as ModelProto;
    expect(model.opsetImport).toEqual([{ domain: '', version: OPSET }]);
    expect(OPSET).toBe(21);
    const [input, output] = [model.graph.input[0]!.type.tensorType, model.graph.output[0]!.type.tensorType];
    expect(input.elemType).toBe(DataType.FLOAT);
    expect(input.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }]);
    expect(output.shape.dim).toEqual([{ dimParam: 'batch' }]);
  });
});

describe('requests that cannot be exported', () => {
  it('a symbolic dimension no fed input carries', () => {
    const g = new Graph();
    expect(() => toONNX(g, { outputs: [g.fill(['n'], 1)] })).toThrow(
      "#0 fill: symbolic dimension 'n' is not a dimension of any input the model reads, so ONNX Runtime could not know its size; feed an input that has it",
    );
  });

  it('a solve whose matrix size is symbolic', () => {
    const g = new Graph();
    const a = g.input('a', ['n', 'n']);
    expect(() => toONNX(g, { outputs: [g.solve(a, a)] })).toThrow("#1 solve: the matrix size 'n' is symbolic; an ONNX model of solve is unrolled for a fixed size");
  });

  it('an output of another graph, or an update of something that is not a variable', async () => {
    const g = new Graph();
    const x = g.input('x', [1]);
    expect(() => toONNX(g, { outputs: [new Graph().input('y', [1])] })).toThrow(new ChainruleError('outputs[0] is not a node of this graph'));
    await expect(compileOnnx(g, { outputs: [x], updates: [[x, x]] })).rejects.toThrow("updates: #0 input 'x' is not a variable; only variables can be assigned");
  });

  it('JavaScript misuse of the options: a ChainruleError naming the option, not an error from inside protobuf or ONNX Runtime', async () => {
    const g = new Graph();
    const outputs = [g.input('x', [1]).neg()];
    expect(() => toONNX(g, { outputs, name: 42 as unknown as string })).toThrow(ChainruleError);
    expect(() => toONNX(g, { outputs, name: 42 as unknown as string })).toThrow('toONNX: options.name must be a string, got 42');
    expect(() => toONNX(g, { outputs: 5 as never })).toThrow('toONNX: options.outputs must be an array of nodes, got 5');
    expect(() => toONNX({} as Graph, { outputs })).toThrow('toONNX: graph must be a Graph, got an object');
    await expect(compileOnnx(g, { outputs, graphOptimizationLevel: 'max' as never })).rejects.toThrow(
      "compileOnnx: options.graphOptimizationLevel must be one of 'disabled', 'basic', 'extended', 'all', got \"max\"",
    );
    await expect(compileOnnx(g, { outputs, intraOpNumThreads: -1 })).rejects.toThrow('compileOnnx: options.intraOpNumThreads must be an integer ≥ 0, got -1');
  });

  it('exports a chain 100,000 nodes deep (no walk recurses per node)', () => {
    const g = new Graph();
    let y = g.input('x', [2]);
    for (let i = 0; i < 100_000; i++) y = y.neg();
    const Model = onnxSchema.lookupType('onnx.ModelProto');
    const model = Model.toObject(Model.decode(toONNX(g, { outputs: [y] })), { longs: Number }) as ModelProto;
    expect(model.graph!.node!.length).toBeGreaterThanOrEqual(100_000);
  });
});
