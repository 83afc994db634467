// The page of `pnpm test:browser`: runs chainrule in the browser and reports what it computed, for
// run.mjs to compare with Node. Bundled by Vite with the `browser` condition, as a user's app is.
import { Graph, Tensor, kernelOptions, setKernelOptions, tensor } from '@chainrule/graph';
import { grad } from '@chainrule/autodiff';
import { checkpointToText, restoreCheckpoint } from '@chainrule/nn';
import { classifier, engineMathResults, exactComputations, mlpProblem } from './shared.js';

/** Every result as plain data (bits of floats as hex, so nothing is lost on the way to Node). */
async function checks(nodeCheckpoint: string): Promise<Record<string, unknown>> {
  const kernels = kernelOptions();
  const threadsAfterAskingFour = setKernelOptions({ threads: 4 }).threads;
  setKernelOptions({ threads: kernels.threads });
  const exact = exactComputations();
  // The same product on both kernel backends: bit-identical in float64.
  const g = new Graph();
  const a = g.input('a', [96, 80]);
  const b = g.input('b', [80, 72]);
  const product = g.compile({ outputs: [a.matmul(b)], executor: 'compiled' });
  const fill = (n: number, s: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * s) * 3);
  const feeds = { a: new Tensor(fill(96 * 80, 0.37), [96, 80]), b: new Tensor(fill(80 * 72, 0.11), [80, 72]) };
  setKernelOptions({ backend: 'js' });
  const viaJs = product(feeds)[0]!.data;
  setKernelOptions({ backend: 'auto' });
  const viaAuto = product(feeds)[0]!.data;
  const sameProduct = viaJs.every((v, i) => Object.is(v, viaAuto[i]));
  // A small classifier with dropout and Adam, trained in the page.
  const { data, test } = mlpProblem();
  const make = classifier;
  const trainer = make();
  const seen: number[] = [];
  trainer.fit(data, { epochs: 30, batchSize: 32, progress: 'none', callbacks: [(r) => void seen.push(r.loss)] });
  const testError = trainer.evaluate(test)['error'];
  // Checkpoints: the page's text restored and written again is the same text; Node's likewise.
  const pageCheckpoint = checkpointToText(trainer.graph, { epoch: trainer.epoch });
  const again = make();
  restoreCheckpoint(again.graph, pageCheckpoint);
  const fromNode = make();
  const nodeProgress = restoreCheckpoint(fromNode.graph, nodeCheckpoint);
  // A gradient, to show autodiff runs in the page.
  const h = new Graph();
  const x = h.input('x', [3]);
  const [dx] = grad(x.mul(x).sum(), [x]);
  const gradient = Array.from(h.run([dx!], { x: tensor([1, 2, 3]) })[0]!.data);
  return {
    kernels,
    threadsAfterAskingFour,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    exact,
    engineMath: engineMathResults(),
    sameProduct,
    epochs: seen.length,
    firstLoss: seen[0],
    lastLoss: seen.at(-1),
    testError,
    pageCheckpoint,
    pageCheckpointAgain: checkpointToText(again.graph, { epoch: trainer.epoch }),
    nodeCheckpointAgain: checkpointToText(fromNode.graph, nodeProgress),
    gradient,
  };
}

(globalThis as { chainruleChecks?: typeof checks }).chainruleChecks = checks;
