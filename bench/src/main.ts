/**
 * `pnpm bench [--quick] [--json FILE] [--only ITEMS] [--contenders KEYS] [--memory-steps N]`:
 * chainrule against TensorFlow.js (cpu and wasm backends) and, for the MLP, ONNX Runtime running
 * chainrule's exported graph, in one process, interleaved; see
 * bench/README.md.
 * A script, not a test: it prints and records figures and asserts nothing about them.
 */
import os from 'node:os';
import path from 'node:path';
import { setKernelOptions } from '@chainrule/graph';
import { ALL_THREADS, availableExecutors, EXECUTOR_KEYS, kernelVariants, DEFAULT_KERNELS } from './chainrule.js';
import { canCollect } from './memory.js';
import { Figures } from './report.js';
import { runMatmul, runMemory, runMlp, runSmallGraph, runWide, type Lineup, type Plan } from './items.js';
import { setupTfjs, TF_KEYS } from './tfjs.js';
import { tfjsWasmFolder } from './tfjs-files.js';
import { runBrowserBench } from './browser.js';
import { runCnn } from './cnn-item.js';
import { ORT_THREADS, ortKey } from './onnx.js';
import { PYTORCH_KEY } from './pytorch.js';

const ITEMS = ['mlp', 'small', 'matmul', 'memory', 'wide', 'cnn'] as const;
type Item = (typeof ITEMS)[number];

interface Args {
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly only: readonly Item[];
  readonly memorySteps: number | undefined;
  readonly contenders: readonly string[] | undefined;
  readonly browser: boolean;
}

const CONTENDERS = [
  'chainrule_interpreter',
  'chainrule_compiled',
  'chainrule_compiled_wasm_1t',
  'chainrule_compiled_js',
  'chainrule_js',
  'chainrule_wasm_1t',
  'chainrule_wasm_mt',
  'tfjs_cpu',
  'tfjs_wasm',
  'closure',
  ...ORT_THREADS.map(ortKey),
  PYTORCH_KEY,
];

const USAGE = `usage: pnpm bench [--browser] [--quick] [--json FILE] [--only ${ITEMS.join(',')}] [--contenders ${CONTENDERS.join(',')}] [--memory-steps N] (see bench/README.md)`;

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let json: string | undefined;
  let only: readonly Item[] = ITEMS;
  let memorySteps: number | undefined;
  let contenders: readonly string[] | undefined;
  let browser = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--') continue; // pnpm passes the separator through
    else if (a === '--quick') quick = true;
    else if (a === '--browser') browser = true;
    else if (a === '--json') json = path.resolve(process.env['INIT_CWD'] ?? process.cwd(), value()); // relative to where pnpm was run
    else if (a === '--only') {
      const names = value().split(',');
      const bad = names.filter((n) => !(ITEMS as readonly string[]).includes(n));
      if (bad.length > 0) throw new Error(`--only: unknown item(s) ${bad.join(', ')}; items are ${ITEMS.join(', ')}`);
      only = names as Item[];
    } else if (a === '--contenders') {
      contenders = value().split(',');
      const bad = contenders.filter((n) => !CONTENDERS.includes(n));
      if (bad.length > 0) throw new Error(`--contenders: unknown contender(s) ${bad.join(', ')}; contenders are ${CONTENDERS.join(', ')}`);
    } else if (a === '--memory-steps') {
      memorySteps = Number(value());
      if (!Number.isSafeInteger(memorySteps) || memorySteps < 1) throw new Error('--memory-steps needs a positive integer');
    } else if (a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}; ${USAGE}`);
  }
  return { quick, json, only, memorySteps, contenders, browser };
}

const FULL: Plan = {
  mlp: { warmupMs: 1000, reps: 7, blockMs: 600, minCalls: 2 },
  small: { warmupMs: 300, reps: 7, blockMs: 200, minCalls: 3 },
  matmul: { warmupMs: 100, reps: 5, blockMs: 150, minCalls: 1 },
  wide: { warmupMs: 1000, reps: 7, blockMs: 800, minCalls: 2 },
  matmulCubes: [64, 256, 512],
  cnn: { warmupMs: 3000, reps: 5, blockMs: 1500, minCalls: 1 },
  memorySteps: 10_000,
  memoryBudgetS: 30,
};

const QUICK: Plan = {
  mlp: { warmupMs: 250, reps: 3, blockMs: 200, minCalls: 1 },
  small: { warmupMs: 100, reps: 3, blockMs: 100, minCalls: 3 },
  matmul: { warmupMs: 20, reps: 3, blockMs: 30, minCalls: 1 },
  wide: { warmupMs: 300, reps: 3, blockMs: 300, minCalls: 1 },
  matmulCubes: [64, 256],
  cnn: { warmupMs: 1500, reps: 3, blockMs: 300, minCalls: 1 },
  memorySteps: 200,
  memoryBudgetS: 2,
};

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (args.browser) {
    await runBrowserBench(args.quick);
    return;
  }
  const base = args.quick ? QUICK : FULL;
  const plan: Plan = args.memorySteps === undefined ? base : { ...base, memorySteps: args.memorySteps, memoryBudgetS: Infinity };
  const figures = new Figures();
  const cpus = os.cpus();
  const { kinds, note } = availableExecutors();
  const variants = kernelVariants();
  setKernelOptions(DEFAULT_KERNELS);
  const wanted = (key: string): boolean => args.contenders === undefined || args.contenders.includes(key);
  const lineup: Lineup = {
    executors: kinds.filter((k) => wanted(EXECUTOR_KEYS[k])),
    mlpVariants: kinds.includes('compiled') ? variants.filter((v) => v.suffix !== 'wasm_mt' && wanted(`chainrule_compiled_${v.suffix}`)) : [],
    matmulVariants: variants.filter((v) => wanted(`chainrule_${v.suffix}`)),
    backends: (['cpu', 'wasm'] as const).filter((b) => wanted(TF_KEYS[b])),
    closure: wanted('closure'),
    ortThreads: ORT_THREADS.filter((t) => wanted(ortKey(t))),
    pytorch: wanted(PYTORCH_KEY),
  };
  const tfInfo = await setupTfjs(tfjsWasmFolder());

  console.log(`chainrule bench (${args.quick ? 'quick' : 'full'} mode)`);
  console.log(`machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ${os.platform()}/${os.arch()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`runtime: Node ${process.version}, V8 ${process.versions.v8}; tfjs ${tfInfo.version} (wasm: SIMD ${tfInfo.wasmSimd ? 'on' : 'off'}, threads ${tfInfo.wasmThreads ? 'on' : 'off'})`);
  console.log(
    `chainrule executors: ${kinds.map((k) => EXECUTOR_KEYS[k]).join(', ')}` + (kinds.includes('compiled') ? '' : ` — the compiling executor is left out (${note})`),
  );
  console.log(
    `chainrule kernels: ${variants.some((v) => v.suffix === 'wasm_1t') ? `WebAssembly SIMD, ${ALL_THREADS} threads by default` : 'JavaScript only (no WebAssembly SIMD here)'}`,
  );
  const load = os.loadavg().map((x) => x.toFixed(2));
  console.log(`load average at start: ${load.join(', ')} (1, 5, 15 min)${os.loadavg()[0]! > 0.5 ? ' — other work is running: absolute figures drop, ratios (interleaved) hold up better' : ''}`);
  console.log('figures are medians of interleaved repetitions after warm-up; ratios are chainrule ÷ peer (above 1× = chainrule faster)\n');
  figures.set('meta.mode', args.quick ? 'quick' : 'full');
  figures.set('meta.cpu', cpus[0]?.model.trim() ?? 'unknown');
  figures.set('meta.cores', cpus.length);
  figures.set('meta.node', process.version);
  figures.set('meta.tfjs', tfInfo.version);
  figures.set('meta.tfjs_wasm_simd', tfInfo.wasmSimd);
  figures.set('meta.tfjs_wasm_threads', tfInfo.wasmThreads);
  figures.set('meta.chainrule_executors', kinds.join(','));
  figures.set('meta.chainrule_kernels', variants.map((v) => v.suffix).join(','));
  figures.set('meta.chainrule_threads', ALL_THREADS);
  if (args.contenders !== undefined) {
    console.log(`contenders: ${args.contenders.join(', ')} only`);
    figures.set('meta.contenders', args.contenders.join(','));
  }
  figures.set('meta.date', new Date().toISOString());
  figures.set('meta.loadavg_start', os.loadavg()[0]!);

  const t0 = performance.now();
  if (args.only.includes('mlp')) await runMlp(plan, lineup, figures);
  if (args.only.includes('small')) await runSmallGraph(plan, lineup, figures);
  if (args.only.includes('matmul')) await runMatmul(plan, lineup, figures);
  if (args.only.includes('memory')) {
    if (canCollect()) await runMemory(plan, lineup, figures);
    else console.log('5. memory: skipped (start node with --expose-gc; `pnpm bench` does)');
  }
  if (args.only.includes('wide')) await runWide(plan, lineup, figures);
  if (args.only.includes('cnn')) await runCnn(plan.cnn, lineup, figures, args.quick);
  const seconds = (performance.now() - t0) / 1000;
  figures.set('meta.seconds', seconds);
  figures.set('meta.loadavg_end', os.loadavg()[0]!);
  console.log(`\ndone in ${seconds.toFixed(1)} s`);
  if (args.json !== undefined) {
    figures.writeJson(args.json);
    console.log(`figures written to ${args.json}`);
  }
}

await main();
