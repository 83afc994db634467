/**
 * Every public function, called by JavaScript with anything at all, either works or throws a
 * ChainruleError naming what is wrong — never a TypeError, RangeError or other error from inside
 * (which the project counts as a bug; see ChainruleError's doc).
 *
 * What is called, with `fc.anything()` arguments (0 to one more than the function declares):
 * - every function exported by each package's entry points (`@chainrule/graph`, its `/mathjs`
 *   entry, `@chainrule/autodiff` and its `/testing` entry, `@chainrule/optim`, `@chainrule/nn`,
 *   `@chainrule/onnx`), and every exported class through `new` and its static methods;
 * - every method of the main objects a user holds: a Graph, a Node, a Tensor, an Executable, a
 *   VariableStore, an AttrReader; a Model, each kind of Layer, a Trainer, a Minimization and an
 *   UpdateRule (each named rule, and a chain).
 * Each is also called with one argument replaced by a fuzzed one and the others valid, so that the
 * checks of later arguments are reached too.
 *
 * Two adjustments, both about resources, not validation: the integers inside the fuzzed values
 * stay within ±4096, and every typed array the library allocates is capped at 2²⁰ elements (a
 * larger request throws a ChainruleError here). A shape the caller asks for is allocated as asked:
 * fuzzed shapes of many millions of elements would fill the machine's memory, which says nothing
 * about argument checks. (Sizes no typed array can hold are refused by the library itself; see
 * tensor.test.ts.) File paths given to save and load are moved into a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as graph from '@chainrule/graph';
import * as mathjsEntry from '@chainrule/graph/mathjs';
import * as autodiff from '@chainrule/autodiff';
import * as autodiffTesting from '@chainrule/autodiff/testing';
import * as optim from '@chainrule/optim';
import * as nn from '@chainrule/nn';
import * as onnx from '@chainrule/onnx';

const CAP = 2 ** 20;
vi.mock('../packages/graph/src/core/dtype.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../packages/graph/src/core/dtype.js')>();
  const { ChainruleError } = await import('../packages/graph/src/core/errors.js');
  return {
    ...real,
    allocate: (dtype: import('../packages/graph/src/core/dtype.js').DType, length: number) => {
      if (length > 2 ** 20) throw new ChainruleError(`fuzz: ${length} elements are more than this test lets the library allocate`);
      return real.allocate(dtype, length);
    },
  };
});

const folder = mkdtempSync(join(tmpdir(), 'chainrule-fuzz-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Anything JavaScript can pass, with integers within ±4096 (see above). */
const anything = fc.anything({ values: [fc.boolean(), fc.integer({ min: -4096, max: 4096 }), fc.double(), fc.string(), fc.constantFrom(null, undefined)] });

/** Throws unless `e` is a ChainruleError. */
function expectChainruleError(e: unknown, what: string): void {
  if (e instanceof graph.ChainruleError) return;
  const shown = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 5).join('\n')}` : String(e);
  throw new Error(`${what} threw ${shown}`);
}

/** Calls `f`; only a ChainruleError may escape (also from a returned promise). */
async function onlyChainruleErrors(what: string, f: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    expectChainruleError(e, what);
    return;
  }
  if (result instanceof Promise) await result.then(() => undefined, (e: unknown) => expectChainruleError(e, what));
}

const isClass = (f: unknown): f is new (...args: unknown[]) => unknown => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

/** The method names of an object's prototype chain below Object.prototype. */
function methodsOf(o: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(o) as object | null; p !== null && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      if (typeof d.value === 'function') names.add(name);
    }
  }
  for (const name of Object.keys(o)) if (typeof (o as Record<string, unknown>)[name] === 'function') names.add(name);
  return [...names].sort();
}

/** Arguments: 0 to `arity + 1` fuzzed values; or valid ones with one replaced. */
function argumentsFor(arity: number, valid: readonly unknown[] | undefined): fc.Arbitrary<unknown[]> {
  const fuzzed = fc.array(anything, { maxLength: arity + 1 });
  if (valid === undefined || valid.length === 0) return fuzzed;
  const oneReplaced = fc.tuple(fc.nat(valid.length - 1), anything).map(([i, v]) => valid.map((x, k) => (k === i ? v : x)));
  return fc.oneof(fuzzed, oneReplaced);
}

/** The functions that take a file path: every string they are given is moved into the temporary folder. */
const FILE_FUNCTIONS = new Set(['saveCheckpoint', 'loadCheckpoint', 'loadModel']);

/** Paths handed to save/load land in the temporary folder. */
const contained = (args: unknown[]): unknown[] => args.map((a) => (typeof a === 'string' ? join(folder, a.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'empty') : a));

function fuzzFunction(what: string, f: (...args: unknown[]) => unknown, valid?: () => unknown[], numRuns = 30): void {
  it(what, async () => {
    await fc.assert(
      fc.asyncProperty(argumentsFor(f.length, valid?.()), async (args) => {
        await onlyChainruleErrors(`${what}(${fc.stringify(args)})`, () => f(...args));
      }),
      { numRuns },
    );
  });
}

/** A record's own entry (not one inherited from Object.prototype, such as `toString`). */
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** The exported functions and classes of a package entry. */
function fuzzModule(name: string, entry: Record<string, unknown>, valid: Readonly<Record<string, () => unknown[]>> = {}): void {
  describe(name, () => {
    for (const [key, value] of Object.entries(entry)) {
      if (typeof value !== 'function') continue;
      if (isClass(value)) {
        fuzzFunction(`new ${key}`, (...args) => new value(...args), own(valid, `new ${key}`));
        for (const s of Object.getOwnPropertyNames(value)) {
          const member = (value as unknown as Record<string, unknown>)[s];
          if (typeof member === 'function' && !['length', 'name', 'prototype'].includes(s)) fuzzFunction(`${key}.${s}`, (...args) => (member as (...a: unknown[]) => unknown).apply(value, args), own(valid, `${key}.${s}`));
        }
      } else {
        const f = value as (...args: unknown[]) => unknown;
        fuzzFunction(key, FILE_FUNCTIONS.has(key) ? (...args) => f(...contained(args)) : f, own(valid, key));
      }
    }
  });
}

/** Every method of an object made fresh for each call. */
function fuzzMethods(name: string, make: () => object, valid: Readonly<Record<string, (o: never) => unknown[]>> = {}, pathArgs: readonly string[] = []): void {
  describe(name, () => {
    for (const method of methodsOf(make())) {
      it(method, async () => {
        const sample = make();
        await fc.assert(
          fc.asyncProperty(argumentsFor((sample as Record<string, (...a: unknown[]) => unknown>)[method]!.length, Object.hasOwn(valid, method) ? valid[method]!(sample as never) : undefined), async (args) => {
            const o = make() as Record<string, (...a: unknown[]) => unknown>;
            const given = pathArgs.includes(method) ? contained(args) : args;
            await onlyChainruleErrors(`${name}.${method}(${fc.stringify(args)})`, () => o[method]!(...given));
          }),
          { numRuns: 30 },
        );
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: small valid objects, and valid arguments for the calls whose later arguments should be reached.

function smallGraph() {
  const g = new graph.Graph();
  const x = g.input('x', ['batch', 3]);
  const w = g.variable('w', graph.tensor([[1, 2], [3, 4], [5, 6]]));
  const y = x.matmul(w).tanh();
  const loss = y.square().mean();
  return { g, x, w, y, loss };
}

const feeds = () => ({ x: graph.tensor([[1, 2, 3]]) });

fuzzModule('@chainrule/graph', graph as unknown as Record<string, unknown>, {
  fromExpression: () => {
    const { g, x } = smallGraph();
    return [g, 'x + 1', { x }];
  },
  graphFromJSON: () => [JSON.stringify(smallGraph().g), {}],
  toDot: () => [smallGraph().g, {}],
  toMermaid: () => [smallGraph().g, {}],
  compileExecutable: () => {
    const { g, y } = smallGraph();
    return [g, { outputs: [y] }];
  },
  compileInterpreter: () => {
    const { g, y } = smallGraph();
    return [g, { outputs: [y] }];
  },
  tensor: () => [[1, 2, 3], [3], 'float64'],
  full: () => [[2, 2], 1, 'float64'],
  batchNormTraining: () => {
    const { g, y } = smallGraph();
    return [y, g.constant([1, 1]), g.constant([0, 0]), { epsilon: 1e-3 }];
  },
});
fuzzModule('@chainrule/graph/mathjs', mathjsEntry as unknown as Record<string, unknown>);
fuzzModule('@chainrule/autodiff', autodiff as unknown as Record<string, unknown>, {
  grad: () => {
    const { loss, w } = smallGraph();
    return [loss, [w]];
  },
  checkGradients: () => [(a: graph.Node) => a.sin().sum(), [graph.tensor([0.5, 1])], {}],
});
fuzzModule('@chainrule/autodiff/testing', autodiffTesting as unknown as Record<string, unknown>);
fuzzModule('@chainrule/optim', optim as unknown as Record<string, unknown>, {
  minimize: () => {
    const { loss, w } = smallGraph();
    return [loss, [w], optim.sgd({ lr: 0.1 }), {}];
  },
  sgd: () => [{ lr: 0.1 }],
  adam: () => [{ lr: 0.1 }],
  adamw: () => [{ lr: 0.1, weightDecay: 0.01 }],
  warmupCosineDecay: () => [{ peak: 0.1, warmupSteps: 2, decaySteps: 10, floor: 0.01 }],
});
fuzzModule('@chainrule/nn', nn as unknown as Record<string, unknown>, {
  dense: () => [3, {}],
  conv2d: () => [{ filters: 2, kernelSize: 3 }],
  maxPool2d: () => [{ windowShape: 2 }],
  avgPool2d: () => [{ windowShape: 2 }],
  topK: () => {
    const g = new graph.Graph();
    return [g.input('p', ['batch', 3]), g.input('y', ['batch', 3]), 2];
  },
  saveCheckpoint: () => [smallGraph().g, join(folder, 'ckpt.json'), {}],
  batches: () => [{ x: graph.zeros([4, 2]), y: graph.zeros([4, 1]) }, { batchSize: 2 }],
});
fuzzModule('@chainrule/onnx', onnx as unknown as Record<string, unknown>, {
  toONNX: () => {
    const { g, y } = smallGraph();
    return [g, { outputs: [y] }];
  },
});

describe('objects', () => {
  fuzzMethods('Graph', () => smallGraph().g, {
    run: (g: graph.Graph) => [[g.node(3)], feeds(), {}],
    compile: (g: graph.Graph) => [{ outputs: [g.node(3)] }],
    setVariable: () => ['w', graph.zeros([3, 2])],
    apply: (g: graph.Graph) => ['add', [g.node(0), g.node(0)], {}],
  });
  fuzzMethods('Node', () => smallGraph().y, {
    reshape: () => [['batch', 2]],
    sum: () => [[1], true],
    slice: () => [[0, 0], [1, 1]],
    matmul: (y: graph.Node) => [y.graph.constant([[1], [2]]), {}],
    batchNorm: (y: graph.Node) => [y.graph.constant([1, 2]), y.graph.constant([0, 1]), y.graph.constant([0, 0]), y.graph.constant([1, 1]), { epsilon: 1e-3 }],
    batchNormTraining: (y: graph.Node) => [y.graph.constant([1, 2]), y.graph.constant([0, 1]), { epsilon: 1e-3 }],
    layerNorm: (y: graph.Node) => [y.graph.constant([1, 2]), y.graph.constant([0, 1]), { axes: 1, epsilon: 1e-3 }],
  });
  fuzzMethods('Tensor', () => graph.tensor([[1, 2], [3, 4]]), { get: () => [1, 1], reshape: () => [[4]] });
  fuzzMethods('Executable', () => {
    const { g, y } = smallGraph();
    const run = g.compile({ outputs: [y] });
    return { run };
  }, { run: () => [feeds()] });
  fuzzMethods('VariableStore', () => smallGraph().g.state);
  fuzzMethods('AttrReader', () => new graph.AttrReader({ axes: [1], name: 'x' }));

  const trainer = () =>
    new nn.Trainer({ model: nn.sequential([nn.dense(4, { activation: 'tanh' }), nn.dropout(0.8), nn.dense(2)]), inputUnits: 3, targetUnits: 2, loss: nn.crossEntropyFromLogits, rule: optim.adam({ lr: 0.01 }) });
  const data = () => ({ x: graph.zeros([4, 3]), y: graph.zeros([4, 2]) });
  fuzzMethods('Trainer', trainer, { fit: () => [data(), { epochs: 1, batchSize: 2, progress: 'none' }], evaluate: () => [data(), 2], step: () => [data()] }, ['save', 'load', 'saveModel']);
  fuzzMethods('Model', () => nn.sequential([nn.dense(4), nn.dropout(0.5), nn.dense(2)]), { build: () => [new graph.Graph(), 3, { seed: 1 }] });
  fuzzMethods('Model (built)', () => {
    const model = nn.sequential([nn.dense(4), nn.dropout(0.5), nn.dense(2)]);
    const g = new graph.Graph();
    return model.build(g, 3, { seed: 1 });
  }, { forward: (m: nn.Model) => [[...m.parameters.values()][0]!.graph.input('x', [2, 3]), { training: true }] });
  for (const [name, layer] of [
    ['dense', () => nn.dense(3)],
    ['dropout', () => nn.dropout(0.5)],
    ['activation', () => nn.activation('relu')],
    ['batchNorm', () => nn.batchNorm()],
    ['layerNorm', () => nn.layerNorm()],
    ['reshape', () => nn.reshape([2])],
    ['flatten', () => nn.flatten()],
    ['conv2d', () => nn.conv2d({ filters: 2, kernelSize: 1 })],
    ['maxPool2d', () => nn.maxPool2d({ windowShape: 1 })],
    ['avgPool2d', () => nn.avgPool2d({ windowShape: 1 })],
  ] as const) {
    fuzzMethods(`Layer ${name}`, layer, { build: () => [{ graph: new graph.Graph(), inputUnits: 2, name: 'l1', seed: 1, dtype: 'float64' }] });
  }
  fuzzMethods('Minimization', () => {
    const { loss, w } = smallGraph();
    return optim.minimize(loss, [w], optim.adam({ lr: 0.1 }));
  });
  for (const [name, rule] of Object.entries({
    sgd: () => optim.sgd({ lr: 0.1 }),
    polyak: () => optim.polyak({ lr: 0.1, momentum: 0.9 }),
    nesterov: () => optim.nesterov({ lr: 0.1 }),
    sutskever: () => optim.sutskever({ lr: 0.1, momentum: 0.9 }),
    adagrad: () => optim.adagrad({ lr: 0.1 }),
    rmsprop: () => optim.rmsprop({ lr: 0.1 }),
    rmspropGraves: () => optim.rmspropGraves({ lr: 0.1 }),
    adam: () => optim.adam({ lr: 0.1 }),
    adamw: () => optim.adamw({ lr: 0.1, weightDecay: 0.01 }),
    newton: () => optim.newton({ lr: 0.1 }),
    chain: () => optim.chain(optim.clipByGlobalNorm(1), optim.addRegularization(optim.l2Squared, 0.1), optim.sgd({ lr: 0.1 })),
  })) {
    fuzzMethods(`UpdateRule ${name}`, rule);
  }
});

it('the cap this test puts on allocations is in place', () => {
  expect(() => graph.zeros([CAP + 1])).toThrow(/more than this test lets the library allocate/);
});
