/**
 * Items 1 to 6 of the benchmark (item 7, the CNN, is in cnn-item.ts): each builds its contenders, times them interleaved, prints a
 * table and its ratios, and records every figure under the keys documented in bench/README.md.
 */
import { setKernelOptions } from '@chainrule/graph';
import { ALL_THREADS, DEFAULT_KERNELS, EXECUTOR_KEYS, tryChainrule, type ExecutorKind, type KernelVariant } from './chainrule.js';
import { MLP_BATCH, MLP_LAYERS, mlpData, mlpMatmulFlops, WIDE_BATCH, WIDE_LAYERS } from './data.js';
import { checkCores, FREE_CORES, type CoreCheck } from './cores.js';
import { startSpinner } from './spinner.js';
import { chainruleMatmul, gflops, MATMUL_SHAPES, ORIENTATIONS, shapeKey, tfjsMatmul, type MatmulShape } from './matmul.js';
import { measureMemory } from './memory.js';
import { onnxMlp } from './onnx.js';
import { findTorch, PYTORCH_KEY, torchMlp, type TorchMlp } from './pytorch.js';
import { chainruleMlp, tfjsMlp } from './mlp.js';
import { fmt, fmtMiB, fmtRatio, ratioLine, short, type Figures, table } from './report.js';
import { chainruleSmall, closureSmall, smallProgram, tfjsSmall } from './small-graph.js';
import { interleaved, type Contender, type Rate, type TimingPlan } from './timing.js';
import { firstRun, timedTraining, type Opening, type TrainingContender } from './training.js';
import { TF_KEYS, useBackend, type TfBackend } from './tfjs.js';

/** How much to measure (quick and full modes differ only here). */
export interface Plan {
  readonly mlp: TimingPlan;
  readonly small: TimingPlan;
  readonly matmul: TimingPlan;
  readonly wide: TimingPlan;
  /** Edge lengths of the square products (the MLP's shapes are always measured). */
  readonly matmulCubes: readonly number[];
  /** The CNN training step (item 7). */
  readonly cnn: TimingPlan;
  /** Training steps between memory readings (10,000 in the full run)… */
  readonly memorySteps: number;
  /** …unless a contender would need more than this many seconds for them. */
  readonly memoryBudgetS: number;
}

/** Which contenders take part (`--contenders` narrows it). */
export interface Lineup {
  readonly executors: readonly ExecutorKind[];
  /** Extra MLP contenders: the compiling executor under other kernel settings (`chainrule_compiled_js`, …). */
  readonly mlpVariants: readonly KernelVariant[];
  /** The kernel settings the matmul item compares (`chainrule_js`, `chainrule_wasm_1t`, `chainrule_wasm_mt`). */
  readonly matmulVariants: readonly KernelVariant[];
  readonly backends: readonly TfBackend[];
  readonly closure: boolean;
  /** ONNX Runtime's thread counts (MLP items only). */
  readonly ortThreads: readonly number[];
  /** Whether to run PyTorch (one thread, in a subprocess) in the MLP items, where torch imports. */
  readonly pytorch: boolean;
}

const spreadCell = (spread: number): string => `±${Math.round((spread * 100) / 2)}%`;

let mlpContenders: TrainingContender[] | undefined;
const openings = new Map<string, Opening>();
const mlpRates = new Map<string, number>();

/** The MLP contenders, built once; each has run its forward pass (the initial loss) and two steps, and been reset. */
async function mlpSet(lineup: Lineup): Promise<TrainingContender[]> {
  if (mlpContenders === undefined) {
    const data = mlpData();
    const opened = async (c: TrainingContender): Promise<TrainingContender> => {
      openings.set(c.key, await firstRun(c));
      return c;
    };
    const built: (TrainingContender | undefined)[] = [];
    for (const k of lineup.executors) built.push(await tryChainrule(k, 'the MLP', () => opened(chainruleMlp(k, data))));
    for (const v of lineup.mlpVariants) built.push(await tryChainrule('compiled', `the MLP (${v.suffix})`, () => opened(chainruleMlp('compiled', data, v))));
    for (const b of lineup.backends) built.push(await opened(await tfjsMlp(b, data)));
    for (const t of lineup.ortThreads) built.push(await opened(await onnxMlp(t, data)));
    mlpContenders = built.filter((c) => c !== undefined);
  }
  return mlpContenders;
}

/** Items 1 and 4: MLP training step and forward pass, timed in one interleaved group. */
export async function runMlp(plan: Plan, lineup: Lineup, figures: Figures): Promise<void> {
  console.log(`1. MLP ${MLP_LAYERS.join('-')} training step (ReLU, softmax cross-entropy, Adam, batch ${MLP_BATCH}, float32)`);
  console.log(`4. the same forward pass alone (loss only)`);
  const flops = mlpMatmulFlops();
  console.log(`  matmul work: ${fmt(flops.forward / 1e6)} MFLOP per forward pass, ${fmt(flops.step / 1e6)} MFLOP per step`);
  figures.set('mlp.matmul_mflop_forward', flops.forward / 1e6);
  figures.set('mlp.matmul_mflop_step', flops.step / 1e6);
  const cs = await mlpSet(lineup);
  const torch = lineup.pytorch ? await startTorch() : undefined;
  if (torch !== undefined) {
    openings.set(torch.key, torch.opening);
    figures.set('meta.pytorch', torch.version);
    figures.set('meta.pytorch_blas', torch.blas);
  }
  const initial: string[] = [];
  for (const key of [...cs.map((c) => c.key), ...(torch === undefined ? [] : [torch.key])]) {
    figures.set(`mlp.initial_loss.${key}`, openings.get(key)!.loss);
    initial.push(`${key} ${openings.get(key)!.loss.toFixed(5)}`);
  }
  console.log(`  initial loss (same init and data everywhere): ${initial.join(', ')}`);
  console.log('  every timed block starts from these initial parameters and a fresh Adam (each contender is reset before it, untimed)');
  const timed: Contender[] = cs.flatMap((c) => Object.values(timedTraining(c, openings.get(c.key)!)));
  if (torch !== undefined) {
    for (const what of ['step', 'forward'] as const) {
      const opening = what === 'step' ? torch.opening.steps : [torch.opening.loss];
      timed.push({ key: `${torch.key}:${what}`, reset: torch.reset, opening, run: () => undefined, block: (ms, minCalls) => torch.block(what, ms, minCalls) });
    }
  }
  let rates: Map<string, Rate>;
  try {
    rates = await interleaved(timed, plan.mlp);
  } finally {
    torch?.close();
  }
  const rows = [['contender', 'steps/s', '', 'matmul GFLOP/s', 'forwards/s', '', 'step ÷ forward']];
  const steps = new Map<string, number>();
  const forwards = new Map<string, number>();
  for (const c of [...cs, ...(torch === undefined ? [] : [torch])]) {
    const s = rates.get(`${c.key}:step`)!;
    const f = rates.get(`${c.key}:forward`)!;
    steps.set(c.key, s.perSecond);
    forwards.set(c.key, f.perSecond);
    mlpRates.set(c.key, s.perSecond);
    figures.set(`mlp_step.${c.key}.steps_per_s`, s.perSecond);
    figures.set(`mlp_forward.${c.key}.forwards_per_s`, f.perSecond);
    figures.set(`step_over_forward.${c.key}`, f.perSecond / s.perSecond);
    figures.set(`mlp_step.${c.key}.matmul_gflops`, (s.perSecond * flops.step) / 1e9);
    rows.push([c.key, fmt(s.perSecond), spreadCell(s.spread), fmt((s.perSecond * flops.step) / 1e9), fmt(f.perSecond), spreadCell(f.spread), `${fmt(f.perSecond / s.perSecond)}×`]);
  }
  table(rows);
  console.log(`  step ratios: ${ratioLine(figures.ratios('mlp_step', steps))}`);
  console.log(`  forward ratios: ${ratioLine(figures.ratios('mlp_forward', forwards))}`);
  if (torch !== undefined && steps.has('chainrule_compiled_wasm_1t')) {
    const one = (m: Map<string, number>): string => fmtRatio(m.get('chainrule_compiled_wasm_1t')! / m.get(torch.key)!);
    console.log(`  chainrule ÷ PyTorch ${torch.version}, one thread each (cr-compiled_wasm_1t/${short(torch.key)}): step ${one(steps)}, forward ${one(forwards)}`);
  }
  console.log('');
}

/** The PyTorch contender, or `undefined` with a printed note when torch is not installed or fails to start. */
async function startTorch(): Promise<TorchMlp | undefined> {
  const found = findTorch();
  if ('why' in found) {
    console.log(`  NOTE ${PYTORCH_KEY} skipped: ${found.why}`);
    return undefined;
  }
  try {
    const torch = await torchMlp(found.python, mlpData());
    console.log(`  PyTorch ${torch.version} (${found.python}, BLAS ${torch.blas}), one thread, in a subprocess that times its own blocks`);
    return torch;
  } catch (e) {
    console.log(`  NOTE ${PYTORCH_KEY} skipped: ${(e as Error).message}`);
    return undefined;
  }
}

/** Item 2: value and gradient of a 100-op scalar function of two inputs. */
export async function runSmallGraph(plan: Plan, lineup: Lineup, figures: Figures): Promise<void> {
  const prog = smallProgram();
  console.log(`2. value and gradient of f(x, y) built from ${prog.length} elementwise ops (chainrule and closure float64, tfjs float32)`);
  const closure = closureSmall(prog);
  const contenders: (Contender & { eval: () => readonly number[] })[] = [];
  for (const k of lineup.executors) {
    const c = await tryChainrule(k, 'the small graph', () => {
      const made = chainruleSmall(prog, k);
      made.run();
      return made;
    });
    if (c !== undefined) contenders.push({ key: c.key, run: () => void c.run(), eval: c.run });
  }
  for (const b of lineup.backends) {
    const c = await tfjsSmall(prog, b);
    contenders.push({ key: c.key, enter: c.enter, run: () => void c.run(), eval: c.run });
  }
  if (lineup.closure) contenders.push({ key: 'closure', run: () => void closure(), eval: closure });
  const ref = closure();
  const agreement: string[] = [];
  for (const c of contenders) {
    await c.enter?.();
    const got = c.eval();
    const err = Math.max(...ref.map((r, i) => Math.abs(got[i]! - r) / Math.max(1e-30, Math.abs(r))));
    figures.set(`small_graph.max_rel_diff_vs_closure.${c.key}`, err);
    agreement.push(`${c.key} ${err.toExponential(1)}`);
  }
  figures.set('small_graph.ops', prog.length);
  console.log(`  f = ${ref[0]!.toPrecision(6)}, ∇f = (${ref[1]!.toPrecision(6)}, ${ref[2]!.toPrecision(6)}); max relative difference from the closure: ${agreement.join(', ')}`);
  const rates = await interleaved(contenders, plan.small);
  const perSecond = new Map<string, number>();
  const rows = [['contender', 'evals/s', '']];
  for (const c of contenders) {
    const r = rates.get(c.key)!;
    perSecond.set(c.key, r.perSecond);
    figures.set(`small_graph.${c.key}.evals_per_s`, r.perSecond);
    rows.push([c.key, fmt(r.perSecond), spreadCell(r.spread)]);
  }
  table(rows);
  console.log(`  ratios: ${ratioLine(figures.ratios('small_graph', perSecond))}`);
  console.log('');
}

/** Item 3: matmul GFLOP/s per shape and orientation. */
export async function runMatmul(plan: Plan, lineup: Lineup, figures: Figures): Promise<void> {
  const shapes: MatmulShape[] = [...plan.matmulCubes.map((d) => ({ m: d, k: d, n: d })), ...MATMUL_SHAPES.filter((s) => !(s.m === s.k && s.k === s.n))];
  const skipped = MATMUL_SHAPES.filter((s) => s.m === s.k && s.k === s.n && !plan.matmulCubes.includes(s.m));
  console.log(`3. matmul GFLOP/s, float32, op(A) m×k · op(B) k×n${skipped.length > 0 ? ` (quick mode: ${skipped.map(shapeKey).join(', ')} skipped)` : ''}`);
  const keys = [...lineup.matmulVariants.map((v) => `chainrule_${v.suffix}`), ...lineup.backends.map((b) => TF_KEYS[b])];
  // The table shows the ratios of the one-thread and all-core WebAssembly kernels; the JSON has every ratio.
  const shown = keys.filter((k) => k === 'chainrule_wasm_1t' || k === 'chainrule_wasm_mt');
  const ratioKeys = shown.flatMap((a) => lineup.backends.map((b) => `${short(a)}/${short(TF_KEYS[b])}`));
  const header = ['m×k×n', 'op(A)·op(B)', ...keys.map(short), ...ratioKeys];
  const widths = header.map((h, j) => Math.max(h.length, j < 2 ? 11 : 6));
  console.log(`  GFLOP/s per contender (cr-js: JavaScript kernels; cr-wasm_1t: WebAssembly SIMD, one thread; cr-wasm_mt: ${ALL_THREADS} threads), then ratios chainrule ÷ tfjs`);
  table([header], widths);
  for (const s of shapes) {
    for (const o of ORIENTATIONS) {
      const what = `matmul ${shapeKey(s)} ${o.label}`;
      const contenders: Contender[] = [];
      for (const v of lineup.matmulVariants) {
        const c = await tryChainrule('compiled', what, () => {
          const made = chainruleMatmul(s, o, v);
          void made.enter?.();
          made.run();
          return made;
        });
        if (c !== undefined) contenders.push(c);
      }
      const peers = [];
      for (const b of lineup.backends) peers.push(await tfjsMatmul(s, o, b));
      const rates = await interleaved([...contenders, ...peers], plan.matmul);
      for (const p of peers) p.dispose();
      const g = new Map<string, number>();
      for (const [key, r] of rates) {
        g.set(key, gflops(s, r.perSecond));
        figures.set(`matmul.${shapeKey(s)}.${o.key}.${key}.gflops`, gflops(s, r.perSecond));
      }
      const ratios = new Map(figures.ratios(`matmul.${shapeKey(s)}.${o.key}`, g));
      table([[shapeKey(s), o.label, ...keys.map((k) => fmt(g.get(k) ?? NaN)), ...ratioKeys.map((k) => (ratios.has(k) ? `${fmt(ratios.get(k)!)}×` : '–'))]], widths);
    }
  }
  console.log('');
}

/** Item 5: heap, external memory and RSS before and after many training steps. */
export async function runMemory(plan: Plan, lineup: Lineup, figures: Figures): Promise<void> {
  const cap = Number.isFinite(plan.memoryBudgetS) ? `, or as many as fit in ~${plan.memoryBudgetS} s per contender` : '';
  console.log(`5. memory before and after ${plan.memorySteps.toLocaleString('en-US')} MLP training steps${cap} (readings after full GCs)`);
  const cs = await mlpSet(lineup);
  const rows = [['contender', 'steps', 'heap before', 'heap growth', '2nd half', 'external growth', 'RSS before', 'RSS growth', 'tensors']];
  const notes: string[] = [];
  for (const c of cs) {
    if (!mlpRates.has(c.key)) {
      // no rate from item 1 in this run: time a few steps to size the run
      await c.enter();
      const t = performance.now();
      for (let i = 0; i < 3; i++) await c.step();
      mlpRates.set(c.key, 3000 / (performance.now() - t));
    }
    const steps = Math.max(10, Math.min(plan.memorySteps, Math.floor(mlpRates.get(c.key)! * plan.memoryBudgetS)));
    if (steps < plan.memorySteps) notes.push(`${c.key}: ${steps} steps, not ${plan.memorySteps} (≈ ${plan.memoryBudgetS} s at its measured rate; --memory-steps N forces N)`);
    const m = await measureMemory(c, steps);
    const p = `memory.${c.key}`;
    figures.set(`${p}.steps`, m.steps);
    figures.set(`${p}.heap_before_bytes`, m.heapBefore);
    figures.set(`${p}.heap_after_bytes`, m.heapAfter);
    figures.set(`${p}.heap_growth_bytes`, m.heapAfter - m.heapBefore);
    figures.set(`${p}.heap_growth_second_half_bytes`, m.heapAfter - m.heapMid);
    figures.set(`${p}.external_growth_bytes`, m.externalAfter - m.externalBefore);
    figures.set(`${p}.rss_before_bytes`, m.rssBefore);
    figures.set(`${p}.rss_after_bytes`, m.rssAfter);
    figures.set(`${p}.rss_growth_bytes`, m.rssAfter - m.rssBefore);
    if (m.tensorsBefore !== undefined) figures.set(`${p}.tensors_growth`, m.tensorsAfter! - m.tensorsBefore);
    rows.push([
      c.key,
      m.steps.toLocaleString('en-US'),
      fmtMiB(m.heapBefore),
      fmtMiB(m.heapAfter - m.heapBefore, true),
      fmtMiB(m.heapAfter - m.heapMid, true),
      fmtMiB(m.externalAfter - m.externalBefore, true),
      fmtMiB(m.rssBefore),
      fmtMiB(m.rssAfter - m.rssBefore, true),
      m.tensorsBefore === undefined ? '–' : `${m.tensorsAfter! - m.tensorsBefore >= 0 ? '+' : ''}${m.tensorsAfter! - m.tensorsBefore}`,
    ]);
  }
  await useBackend('cpu');
  table(rows);
  for (const n of notes) console.log(`  NOTE ${n}`);
  console.log('  (RSS is the whole process: it includes every contender run before, and never shrinks much)');
}

/**
 * Item 6: two threads against one on a wider MLP (784-1024-1024-10, batch 256, the same step as
 * item 1), whose products are large enough to split. Before and after the timings a spin check
 * ({@link checkCores}) says whether the second core was free, which decides what two threads can
 * give. Then the two are timed again while a child process spins on one core ({@link startSpinner}):
 * two threads must not cost much there.
 */
export async function runWide(plan: Plan, lineup: Lineup, figures: Figures): Promise<void> {
  console.log(`6. two threads against one: MLP ${WIDE_LAYERS.join('-')} training step (batch ${WIDE_BATCH}, float32, Adam)`);
  const oneThread = lineup.mlpVariants.find((v) => v.suffix === 'wasm_1t');
  if (!lineup.executors.includes('compiled') || oneThread === undefined || ALL_THREADS < 2) {
    console.log(`  skipped: needs the compiling executor, the WebAssembly kernels and at least 2 threads (here ${ALL_THREADS}), and both chainrule_compiled and chainrule_compiled_wasm_1t among the contenders`);
    console.log('');
    return;
  }
  const flops = mlpMatmulFlops(WIDE_LAYERS, WIDE_BATCH);
  console.log(`  matmul work: ${fmt(flops.step / 1e6)} MFLOP per step`);
  const data = mlpData(WIDE_LAYERS, WIDE_BATCH);
  // Each contender is reset before every block, as in item 1: every block times the first steps from the initial parameters.
  const timed: Contender[] = [];
  for (const [what, variant] of [['the wide MLP', undefined], ['the wide MLP (wasm_1t)', oneThread]] as const) {
    const c = await tryChainrule('compiled', what, async () => {
      const made = chainruleMlp('compiled', data, variant);
      return { ...timedTraining(made, await firstRun(made)).step, key: made.key };
    });
    if (c !== undefined) timed.push(c);
  }
  if (timed.length < 2) return;
  const coresLine = (when: string, c: CoreCheck): string =>
    `  spin check ${when}: one loop ${fmt(c.aloneMs)} ms alone, ${fmt(c.pairMs)} ms as a pair on 2 threads: efficiency ${fmt(c.efficiency)} (${c.efficiency >= FREE_CORES ? 'the cores are free' : 'the cores are NOT free: two threads cannot pay'})`;
  const before = await checkCores();
  console.log(coresLine('before', before));
  const rates = await interleaved(timed, plan.wide);
  const after = await checkCores();
  console.log(coresLine('after', after));
  // The same again while a child process spins on one core: two threads must then cost little.
  const spinner = await startSpinner();
  let busy: Map<string, Rate>;
  try {
    busy = await interleaved(timed, plan.wide);
  } finally {
    await spinner.stop();
  }
  const rows = [['contender', 'steps/s', '', 'matmul GFLOP/s', 'one core busy: steps/s', '']];
  for (const c of timed) {
    const [r, b] = [rates.get(c.key)!, busy.get(c.key)!];
    figures.set(`wide_step.${c.key}.steps_per_s`, r.perSecond);
    figures.set(`wide_step.${c.key}.matmul_gflops`, (r.perSecond * flops.step) / 1e9);
    figures.set(`wide_step_busy.${c.key}.steps_per_s`, b.perSecond);
    rows.push([c.key, fmt(r.perSecond), spreadCell(r.spread), fmt((r.perSecond * flops.step) / 1e9), fmt(b.perSecond), spreadCell(b.spread)]);
  }
  table(rows);
  const twoOverOne = (m: Map<string, Rate>): number => m.get('chainrule_compiled')!.perSecond / m.get('chainrule_compiled_wasm_1t')!.perSecond;
  const ratio = twoOverOne(rates);
  const busyRatio = twoOverOne(busy);
  const free = Math.min(before.efficiency, after.efficiency) >= FREE_CORES;
  figures.set('wide.matmul_mflop_step', flops.step / 1e6);
  figures.set('wide.threads', ALL_THREADS);
  figures.set('wide.spin_efficiency_before', before.efficiency);
  figures.set('wide.spin_efficiency_after', after.efficiency);
  figures.set('wide.cores_free', free);
  figures.set('ratio.wide_step.chainrule_compiled_vs_chainrule_compiled_wasm_1t', ratio);
  figures.set('ratio.wide_step_busy.chainrule_compiled_vs_chainrule_compiled_wasm_1t', busyRatio);
  console.log(`  ${ALL_THREADS} threads ÷ 1 thread (cr-compiled/cr-compiled_wasm_1t): ${fmtRatio(ratio)}, with the cores ${free ? 'free' : 'not free'} (spin efficiency ${fmt(before.efficiency)} before, ${fmt(after.efficiency)} after; free from ${FREE_CORES})`);
  console.log(`  ${ALL_THREADS} threads ÷ 1 thread, one core busy (a child process spinning on it throughout): ${fmtRatio(busyRatio)}`);
  setKernelOptions(DEFAULT_KERNELS);
  console.log('');
}
