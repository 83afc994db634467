import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A browser build of the four core packages, made as a user's bundler makes it (Vite, the
// `browser` condition): no Node module may be reached, mathjs must stay out unless the mathjs
// bridge is used, and the bundle must still compute — it is imported here, where it finds no
// Worker and no `document`, so the kernels take their one-thread path and nn has no files.

// Inside the repository, so that the entry resolves the workspace packages as a user's code does.
const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'browser-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` (an ES module) for the browser; returns the bundle's text and its path. */
async function bundle(name: string, source: string): Promise<{ code: string; file: string }> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
    build: {
      write: true,
      outDir: join(dir, `out-${name}`),
      minify: false,
      lib: { entry, formats: ['es'], fileName: name },
      rollupOptions: { external: [] },
    },
  });
  const output = (Array.isArray(result) ? result[0]! : result) as { output: { type: string; code?: string; fileName: string }[] };
  const chunks = output.output.filter((o) => o.type === 'chunk');
  return { code: chunks.map((c) => c.code ?? '').join('\n'), file: join(dir, `out-${name}`, chunks[0]!.fileName) };
}

const TRAIN = `
import { Graph, tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { adam, minimize } from '@chainrule/optim';
import { Trainer, checkpointToText, dense, restoreCheckpoint, saveCheckpoint, sequential, squaredLoss } from '@chainrule/nn';

export function xorCheckpoint() {
  const data = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[0], [1], [1], [0]]) };
  const make = () => new Trainer({ model: sequential([dense(8, { activation: 'tanh' }), dense(1)]), inputUnits: 2, targetUnits: 1, loss: squaredLoss, rule: adam({ lr: 0.05 }), seed: 4 });
  const trainer = make();
  trainer.fit(data, { epochs: 20, batchSize: 4, progress: 'none' });
  const text = checkpointToText(trainer.graph, { epoch: trainer.epoch });
  const copy = make();
  const progress = restoreCheckpoint(copy.graph, text);
  let saveError = '';
  try {
    saveCheckpoint(trainer.graph, 'run.ckpt.json');
  } catch (e) {
    saveError = e.message;
  }
  return { text, progress, same: checkpointToText(copy.graph, progress) === text, saveError };
}

export function train() {
  const g = new Graph();
  const x = g.input('x', ['batch', 2]);
  const y = g.input('y', ['batch', 1]);
  const w = g.variable('w', [2, 1], 0.1);
  const loss = x.matmul(w).sigmoid().sub(y).square().mean();
  const [dw] = grad(loss, [w]);
  const step = g.compile({ outputs: [loss, dw], updates: minimize(loss, [w], adam({ lr: 0.05 })), executor: 'compiled' });
  const feeds = { x: tensor([[0, 1], [1, 0]]), y: tensor([[1], [0]]) };
  const first = step(feeds)[0].item();
  for (let i = 0; i < 200; i++) step(feeds);
  return [first, step(feeds)[0].item()];
}
`;

describe('a browser build of graph, autodiff, optim and nn', () => {
  let code = '';
  let file = '';
  beforeAll(async () => {
    ({ code, file } = await bundle('train', TRAIN));
  }, 120_000);

  it('bundles without any Node module, Buffer or process', () => {
    expect(code.length).toBeGreaterThan(10_000);
    expect(code.match(/["']node:[a-z_/]+["']/g) ?? []).toEqual([]);
    expect(code.match(/\b(?:Buffer|process)\.[a-zA-Z]+/g) ?? []).toEqual([]);
    expect(code.match(/\brequire\(/g) ?? []).toEqual([]);
  });

  it('leaves mathjs out when the mathjs bridge is not used', () => {
    expect(code).not.toMatch(/typed-function|mathjs/i);
  });

  it('still trains, on the one-thread path', async () => {
    const { train } = (await import(pathToFileURL(file).href)) as { train: () => [number, number] };
    const [first, last] = train();
    expect(first).toBeCloseTo(0.2506, 3);
    expect(last).toBeLessThan(first / 4);
  });

  it('saves checkpoints as text, the same text as in Node, and says a file needs Node', async () => {
    const { xorCheckpoint } = (await import(pathToFileURL(file).href)) as { xorCheckpoint: () => { text: string; progress: Record<string, number>; same: boolean; saveError: string } };
    const inPage = xorCheckpoint();
    expect(inPage.progress).toEqual({ epoch: 20 });
    expect(inPage.same).toBe(true);
    expect(inPage.saveError).toMatch(/saveCheckpoint needs files.*checkpointToText and restoreCheckpoint/);
    // The same training in Node, through the packages' Node builds, writes the same checkpoint.
    const nn = await import('@chainrule/nn');
    const { adam } = await import('@chainrule/optim');
    const { tensor } = await import('@chainrule/graph');
    const data = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[0], [1], [1], [0]]) };
    const trainer = new nn.Trainer({ model: nn.sequential([nn.dense(8, { activation: 'tanh' }), nn.dense(1)]), inputUnits: 2, targetUnits: 1, loss: nn.squaredLoss, rule: adam({ lr: 0.05 }), seed: 4 });
    trainer.fit(data, { epochs: 20, batchSize: 4, progress: 'none' });
    expect(nn.checkpointToText(trainer.graph, { epoch: trainer.epoch })).toBe(inPage.text);
  });

  it('takes mathjs in when the bridge is used, and the bridge works', async () => {
    const printed = await bundle(
      'print',
      `import { Graph } from '@chainrule/graph';\nimport { toExpression } from '@chainrule/graph/mathjs';\nexport const text = toExpression(new Graph().input('x', []).sigmoid().mul(2));\n`,
    );
    expect(printed.code).toMatch(/typed-function|mathjs/i);
    const { text } = (await import(pathToFileURL(printed.file).href)) as { text: string };
    expect(text).toBe('sigmoid(x) * 2');
  }, 120_000);
});
