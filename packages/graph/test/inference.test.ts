import { describe, expect, it } from 'vitest';
import { ChainruleError, FeedError, Graph, GraphFormatError, InferenceModel, modelToJSON, tensor, type ModelJSON } from '@chainrule/graph';

/** A small classifier: logits = x·Wᵀ + b, with a dropout-like random node and a loss that a model must leave out. */
function classifier() {
  const g = new Graph();
  const x = g.input('x', ['batch', 3]);
  const y = g.input('y', ['batch', 2]);
  const W = g.variable('W', tensor([[1, -2, 0.5], [0.25, 0, -1]]));
  const b = g.variable('b', tensor([0.1, -0.3]));
  const unused = g.variable('momentum', tensor([9, 9]));
  const mask = g.randomBernoulli(['batch', 3], { seed: 4, p: 0.5 });
  const logits = x.matmul(W, { transposeB: true }).add(b);
  const trainingLogits = x.mul(mask).matmul(W, { transposeB: true }).add(b);
  const loss = trainingLogits.logSoftmax().mul(y).sum(-1).neg().mean().add(unused.sum());
  return { g, x, logits, loss };
}

describe('InferenceModel: a model saved for prediction, with named inputs and outputs', () => {
  const { g, logits, loss } = classifier();
  const x = tensor([[1, 2, 3], [-1, 0.5, 2]]);

  it('keeps only what the outputs need: no loss, no target input, no optimizer state, no random nodes', () => {
    const json = modelToJSON(g, { logits, probabilities: logits.softmax() });
    expect(json.format).toBe('chainrule.model');
    expect(Object.keys(json.graph.variables).sort()).toEqual(['W', 'b']);
    expect(json.graph.nodes.some((n) => n.op === 'randomBernoulli')).toBe(false);
    expect(json.graph.nodes.filter((n) => n.op === 'input').map((n) => n.attrs['name'])).toEqual(['x']);
    expect(json.graph.nodes.map((n) => n.id)).toEqual(json.graph.nodes.map((_, i) => i));
    void loss;
  });

  it('runs by name in one call, from the object, its text or its bytes, as the original graph does', () => {
    const probabilities = logits.softmax();
    const expected = g.compile({ outputs: [logits, probabilities] })({ x });
    const json = modelToJSON(g, { logits, probabilities });
    const text = JSON.stringify(json);
    for (const source of [json, text, new TextEncoder().encode(text), new TextEncoder().encode(text).buffer]) {
      const model = InferenceModel.fromJSON(source);
      expect([...model.inputs.keys()]).toEqual(['x']);
      expect(model.inputs.get('x')).toEqual({ shape: ['batch', 3], dtype: 'float64' });
      expect([...model.outputs.keys()]).toEqual(['logits', 'probabilities']);
      const out = model.run({ x });
      expect(Array.from(out['logits']!.data)).toEqual(Array.from(expected[0]!.data));
      expect(Array.from(out['probabilities']!.data)).toEqual(Array.from(expected[1]!.data));
    }
    // and round-trips
    expect(JSON.stringify(InferenceModel.fromJSON(text))).toBe(text);
  });

  it('is a snapshot: training the graph afterwards does not change a model made before', () => {
    const model = InferenceModel.of(g, { logits });
    const before = Array.from(model.run({ x })['logits']!.data);
    g.setVariable('W', tensor([[0, 0, 0], [0, 0, 0]]));
    expect(Array.from(model.run({ x })['logits']!.data)).toEqual(before);
    g.setVariable('W', tensor([[1, -2, 0.5], [0.25, 0, -1]]));
  });

  it('names a missing or mis-shaped input', () => {
    const model = InferenceModel.of(g, { logits });
    expect(() => model.run({})).toThrow(FeedError);
    expect(() => model.run({})).toThrow(/'x'/);
    expect(() => model.run({ x: tensor([[1, 2]]) })).toThrow(/x/);
  });

  it('rejects a malformed document with the path of the offending field', () => {
    const good = modelToJSON(g, { logits });
    const bad = (edit: (doc: Record<string, any>) => void): unknown => {
      const doc = JSON.parse(JSON.stringify(good)) as Record<string, any>;
      edit(doc);
      return doc;
    };
    const pathOf = (doc: unknown): string => {
      try {
        InferenceModel.fromJSON(doc);
      } catch (e) {
        expect(e).toBeInstanceOf(GraphFormatError);
        return (e as GraphFormatError).path;
      }
      throw new Error('accepted');
    };
    expect(pathOf(bad((d) => (d['format'] = 'chainrule.graph')))).toBe('$.format');
    expect(pathOf(bad((d) => (d['version'] = 2)))).toBe('$.version');
    expect(pathOf(bad((d) => (d['outputs'] = {})))).toBe('$.outputs');
    expect(pathOf(bad((d) => (d['outputs']['logits'] = 999)))).toBe('$.outputs.logits');
    expect(pathOf(bad((d) => (d['outputs'] = { 'no-good': 1 })))).toBe('$.outputs."no-good"');
    expect(pathOf(bad((d) => (d['extra'] = 1)))).toBe('$.extra');
    expect(pathOf(bad((d) => (d['graph']['nodes'][3]['inputs'][0] = 77)))).toBe('$.graph.nodes[3].inputs[0]');
    expect(pathOf(bad((d) => d['graph']['nodes'].reverse()))).toMatch(/^\$\.graph\.nodes\[\d+\]$/);
    expect(pathOf('{ not json')).toBe('$');
    expect(pathOf(new Uint8Array([0xff, 0xfe]))).toBe('$');
  });

  it('refuses to write a model without outputs, with a bad name or another graph’s node', () => {
    expect(() => modelToJSON(g, {})).toThrow(ChainruleError);
    expect(() => modelToJSON(g, { 'two words': logits })).toThrow(/identifier/);
    expect(() => modelToJSON(g, { logits: new Graph().input('z', [1]) })).toThrow(/not a node of this graph/);
  });

  it('handles deep graphs (a chain of 100,000 nodes) without recursion', () => {
    const deep = new Graph();
    let y = deep.input('x', [1]);
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    const json: ModelJSON = modelToJSON(deep, { y });
    expect(json.graph.nodes.length).toBeGreaterThan(100_000);
    expect(json.outputs['y']).toBe(json.graph.nodes.length - 1);
  });
});
