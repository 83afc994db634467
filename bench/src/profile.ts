/**
 * `pnpm --filter @chainrule/bench cpu-profile [--item mlp|small|cnn] [--executor interpreter|compiled]
 * [--threads N] [--steps N] [--out FILE]`: a CPU profile of chainrule's MLP training step (item 1), of the
 * small graph's value and gradient (item 2) or of the CNN training step (item 7), summarised as self time per
 * function and per source file. `--threads N` sets the kernels' thread count (default: every core). `--out`
 * also writes the raw .cpuprofile (open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { kernelOptions, setKernelOptions } from '@chainrule/graph';
import type { ExecutorKind } from './chainrule.js';
import { mlpData } from './data.js';
import { chainruleMlp } from './mlp.js';
import { chainruleSmall, smallProgram } from './small-graph.js';
import { chainruleCnn } from './cnn-chainrule.js';
import { cnnData } from './cnn-data.js';

type Item = 'mlp' | 'small' | 'cnn';
const ITEMS: readonly string[] = ['mlp', 'small', 'cnn'];
const STEPS: Record<Item, number> = { mlp: 30, small: 20_000, cnn: 5 };
const WHAT: Record<Item, string> = { mlp: 'MLP steps', small: 'small-graph evaluations', cnn: 'CNN steps' };

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function parse(argv: readonly string[]): { item: Item; executor: ExecutorKind; threads: number | undefined; steps: number | undefined; out: string | undefined } {
  let item: Item = 'mlp';
  let threads: number | undefined;
  let executor: ExecutorKind = 'interpreter';
  let steps: number | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    else if (a === '--item' && ITEMS.includes(argv[i + 1] ?? '')) item = argv[++i] as Item;
    else if (a === '--executor' && (argv[i + 1] === 'interpreter' || argv[i + 1] === 'compiled')) executor = argv[++i] as ExecutorKind;
    else if (a === '--steps') steps = Number(argv[++i]);
    else if (a === '--threads') threads = Number(argv[++i]);
    else if (a === '--out') out = path.resolve(process.env['INIT_CWD'] ?? process.cwd(), argv[++i] ?? 'mlp.cpuprofile');
    else throw new Error(`unknown argument ${a}; usage: cpu-profile [--item mlp|small|cnn] [--executor interpreter|compiled] [--threads N] [--steps N] [--out FILE]`);
  }
  return { item, executor, threads, steps, out };
}

/** Self time per key, in milliseconds, largest first. */
function selfTime(p: Profile, keyOf: (n: ProfileNode) => string): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const key = keyOf(byId.get(id)!);
    totals.set(key, (totals.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function where(n: ProfileNode): string {
  const url = n.callFrame.url;
  if (url === '') return '(V8 builtin, GC or generated code)';
  const m = /\/(packages\/[^/]+\/src\/.*)$/.exec(url) ?? /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(url);
  return m?.[1] ?? path.basename(url);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const { executor, out } = args;
  const steps = args.steps ?? STEPS[args.item];
  if (args.threads !== undefined) setKernelOptions({ threads: args.threads });
  const run = { mlp: () => chainruleMlp(executor, mlpData()).step, small: () => chainruleSmall(smallProgram(), executor).run, cnn: () => chainruleCnn(executor, cnnData()).step }[args.item]();
  for (let i = 0; i < Math.min(steps, 100); i++) run(); // warm-up: compile, specialise, optimise
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) run();
  const ms = performance.now() - t0;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  if (out !== undefined) writeFileSync(out, JSON.stringify(profile));

  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  const what = WHAT[args.item];
  console.log(`chainrule ${executor}, ${kernelOptions().threads} kernel thread(s): ${steps} ${what} in ${ms.toFixed(0)} ms (${((steps * 1000) / ms).toFixed(2)} per s); ${total.toFixed(0)} ms sampled`);
  const show = (title: string, rows: [string, number][], n: number): void => {
    console.log(`\n${title}`);
    for (const [k, t] of rows.slice(0, n)) console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${t.toFixed(0).padStart(6)} ms  ${k}`);
  };
  const line = (n: ProfileNode): string => (n.callFrame.url !== '' && n.callFrame.lineNumber > 0 ? `:${n.callFrame.lineNumber + 1}` : '');
  show('self time by function', selfTime(profile, (n) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n)}${line(n)}`), 25);
  show('self time by file', selfTime(profile, where), 12);
  if (out !== undefined) console.log(`\nraw profile written to ${out}`);
}

await main();
