// The page of `pnpm bench --browser`: items 1 (the MLP training step) and 2 (the small graph) in the
// browser, chainrule against tfjs's wasm and cpu backends in the same page, interleaved as in Node.
import { kernelOptions } from '@chainrule/graph';
import { mlpData } from '../src/data.js';
import { chainruleMlp, tfjsMlp } from '../src/mlp.js';
import { chainruleSmall, smallProgram, tfjsSmall } from '../src/small-graph.js';
import { interleaved, type Contender, type TimingPlan } from '../src/timing.js';
import { setupTfjs } from '../src/tfjs.js';
import { firstRun, timedTraining } from '../src/training.js';

/** Steps (or evaluations) per second by contender, and what ran. */
export interface BrowserBench {
  readonly mlp: Record<string, number>;
  readonly small: Record<string, number>;
  readonly tfjs: { version: string; wasmSimd: boolean; wasmThreads: boolean };
  readonly kernels: ReturnType<typeof kernelOptions>;
  readonly userAgent: string;
}

async function bench(wasmPrefix: string, quick: boolean): Promise<BrowserBench> {
  const tfjs = await setupTfjs(wasmPrefix);
  const mlpPlan: TimingPlan = quick ? { warmupMs: 250, reps: 3, blockMs: 200, minCalls: 1 } : { warmupMs: 1000, reps: 7, blockMs: 600, minCalls: 2 };
  const smallPlan: TimingPlan = quick ? { warmupMs: 100, reps: 3, blockMs: 100, minCalls: 3 } : { warmupMs: 300, reps: 7, blockMs: 200, minCalls: 3 };
  const data = mlpData();
  // Every block starts from the initial parameters and a fresh Adam (reset untimed), as in Node.
  const mlpSteps: Contender[] = [];
  for (const c of [chainruleMlp('compiled', data), chainruleMlp('interpreter', data), await tfjsMlp('wasm', data), await tfjsMlp('cpu', data)]) {
    mlpSteps.push({ ...timedTraining(c, await firstRun(c)).step, key: c.key });
  }
  const mlpRates = await interleaved(mlpSteps, mlpPlan);
  const program = smallProgram();
  const small: Contender[] = [chainruleSmall(program, 'compiled'), chainruleSmall(program, 'interpreter'), await tfjsSmall(program, 'wasm'), await tfjsSmall(program, 'cpu')];
  const smallRates = await interleaved(small, smallPlan);
  const perSecond = (rates: Map<string, { perSecond: number }>) => Object.fromEntries([...rates].map(([k, r]) => [k, r.perSecond]));
  return { mlp: perSecond(mlpRates), small: perSecond(smallRates), tfjs, kernels: kernelOptions(), userAgent: navigator.userAgent };
}

(globalThis as { chainruleBench?: typeof bench }).chainruleBench = bench;
