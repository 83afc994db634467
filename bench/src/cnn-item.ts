/**
 * Item 7 of the benchmark: the CNN training step and its forward pass, chainrule against tfjs, in
 * one interleaved group (contenders too slow for that are timed on single calls, with a note).
 */
import { tryChainrule } from './chainrule.js';
import { chainruleCnn } from './cnn-chainrule.js';
import { tfjsCnn } from './cnn-tfjs.js';
import { CNN_BATCH, CNN_BLOCKS, CNN_DENSE, CNN_SIDE, cnnData, cnnFlops } from './cnn-data.js';
import type { Lineup } from './items.js';
import { fmt, ratioLine, table, type Figures } from './report.js';
import { interleaved, timeBlock, type Contender, type TimingPlan } from './timing.js';
import { firstRun, timedTraining, type FirstRun, type TrainingContender } from './training.js';

/** A contender whose first step takes longer than this is timed on single calls, not in the interleaved blocks. */
const SLOW_STEP_MS = 5000;

/**
 * Runs item 7 and records its figures under `cnn_step.*`, `cnn_forward.*` and `cnn.initial_loss.*`.
 *
 * @param plan - the timing plan of the interleaved group.
 * @param lineup - the contenders.
 * @param figures - where figures go.
 * @param quick - quick mode: tfjs's cpu backend (minutes a step) is left out, with a note.
 */
export async function runCnn(plan: TimingPlan, lineup: Lineup, figures: Figures, quick: boolean): Promise<void> {
  const shape = CNN_BLOCKS.map((b) => `conv${b.kernel}×${b.kernel}×${b.outChannels}+BN+ReLU+pool`).join(' → ');
  console.log(`7. CNN ${CNN_SIDE}×${CNN_SIDE}×1: ${shape} → ${CNN_DENSE.join('-')} training step (softmax cross-entropy, Adam, batch ${CNN_BATCH}, float32, NHWC)`);
  const flops = cnnFlops();
  console.log(`  convolution and matmul work: ${fmt(flops.forward / 1e6)} MFLOP per forward pass, ${fmt(flops.step / 1e6)} MFLOP per step`);
  figures.set('cnn.mflop_forward', flops.forward / 1e6);
  figures.set('cnn.mflop_step', flops.step / 1e6);
  const data = cnnData();
  // Each contender's forward pass and first steps (a second only when the first is quick), then a reset.
  const contenders: TrainingContender[] = [];
  const first = new Map<string, FirstRun>();
  const opened = async (c: TrainingContender): Promise<TrainingContender> => {
    first.set(c.key, await firstRun(c, SLOW_STEP_MS));
    return c;
  };
  for (const k of lineup.executors) {
    const c = await tryChainrule(k, 'the CNN', () => opened(chainruleCnn(k, data)));
    if (c !== undefined) contenders.push(c);
  }
  for (const b of lineup.backends) {
    if (quick && b === 'cpu') console.log('  NOTE tfjs_cpu is left out in --quick mode: one step of it takes minutes');
    else contenders.push(await opened(await tfjsCnn(b, data)));
  }

  const initial: string[] = [];
  for (const c of contenders) {
    figures.set(`cnn.initial_loss.${c.key}`, first.get(c.key)!.loss);
    initial.push(`${c.key} ${first.get(c.key)!.loss.toFixed(5)}`);
  }
  console.log(`  initial loss (same init and data everywhere): ${initial.join(', ')}`);
  console.log('  every timed call or block starts from these initial parameters and a fresh Adam (each contender is reset before it, untimed)');

  const fast = contenders.filter((c) => first.get(c.key)!.firstStepMs <= SLOW_STEP_MS);
  const slow = contenders.filter((c) => first.get(c.key)!.firstStepMs > SLOW_STEP_MS);
  const timed: Contender[] = fast.flatMap((c) => Object.values(timedTraining(c, first.get(c.key)!)));
  const rates = await interleaved(timed, plan);
  const steps = new Map<string, number>();
  const forwards = new Map<string, number>();
  for (const c of fast) {
    steps.set(c.key, rates.get(`${c.key}:step`)!.perSecond);
    forwards.set(c.key, rates.get(`${c.key}:forward`)!.perSecond);
  }
  for (const c of slow) {
    // Too slow to interleave: one more call of each (a block of one call), after the first step above.
    const { step, forward } = timedTraining(c, first.get(c.key)!);
    steps.set(c.key, await timeBlock(step, 0, 1));
    forwards.set(c.key, await timeBlock(forward, 0, 1));
    console.log(`  NOTE ${c.key}: its first step took ${(first.get(c.key)!.firstStepMs / 1000).toFixed(1)} s, so it is timed on one more call of each, not interleaved`);
  }
  const rows = [['contender', 'step ms', 'steps/s', 'GFLOP/s', 'forward ms', 'step ÷ forward']];
  for (const c of contenders) {
    const s = steps.get(c.key)!;
    const f = forwards.get(c.key)!;
    figures.set(`cnn_step.${c.key}.steps_per_s`, s);
    figures.set(`cnn_forward.${c.key}.forwards_per_s`, f);
    rows.push([c.key, fmt(1000 / s), fmt(s), fmt((s * flops.step) / 1e9), fmt(1000 / f), `${fmt(f / s)}×`]);
  }
  table(rows);
  console.log(`  step ratios: ${ratioLine(figures.ratios('cnn_step', steps))}`);
  console.log(`  forward ratios: ${ratioLine(figures.ratios('cnn_forward', forwards))}`);
  console.log('');
}
