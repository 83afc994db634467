/**
 * Collecting figures under stable dotted keys (documented in bench/README.md) and printing them.
 */
import { writeFileSync } from 'node:fs';

/** A figure's value. */
export type Figure = number | string | boolean;

/** chainrule contenders that the others are also compared with: the reference interpreter, and the JavaScript kernels. */
const BASELINES = new Set(['chainrule_interpreter', 'chainrule_compiled_js', 'chainrule_js']);

/** Every figure of a run, by key, in the order recorded. */
export class Figures {
  private readonly map = new Map<string, Figure>();

  /** Records a figure (numbers are kept to 4 significant digits in the JSON). */
  set(key: string, value: Figure): void {
    this.map.set(key, typeof value === 'number' ? Number(value.toPrecision(4)) : value);
  }

  /** A recorded number, or `undefined`. */
  num(key: string): number | undefined {
    const v = this.map.get(key);
    return typeof v === 'number' ? v : undefined;
  }

  /**
   * Records ratio figures `ratio.<item>.<a>_vs_<b>` = rate(a) / rate(b) for every chainrule
   * contender a and every other contender b present (above 1: chainrule is faster); a compiled
   * executor is also compared with the interpreter, not the other way round.
   *
   * @param item - the item key (e.g. `mlp_step`, `matmul.64x64x64.ab`).
   * @param rates - rate per contender key.
   * @returns `[label, ratio]` pairs, labels such as `cr-compiled/tf-cpu`.
   */
  ratios(item: string, rates: ReadonlyMap<string, number>): [string, number][] {
    const mine = [...rates.keys()].filter((k) => k.startsWith('chainrule_'));
    const pairs: [string, number][] = [];
    for (const a of mine) {
      for (const b of rates.keys()) {
        if (a === b || (b.startsWith('chainrule_') && !BASELINES.has(b))) continue;
        const r = rates.get(a)! / rates.get(b)!;
        this.set(`ratio.${item}.${a}_vs_${b}`, r);
        pairs.push([`${short(a)}/${short(b)}`, r]);
      }
    }
    return pairs;
  }

  /** Writes every figure as one flat JSON object. */
  writeJson(file: string): void {
    writeFileSync(file, JSON.stringify(Object.fromEntries(this.map), null, 2) + '\n');
  }
}

/** A short label of a contender key (`cr-compiled`, `tf-wasm`, `ort-2t`, `pt-1t`). */
export function short(key: string): string {
  return key.replace('chainrule_', 'cr-').replace('tfjs_', 'tf-').replace('onnxruntime_', 'ort-').replace('pytorch_', 'pt-');
}

/** A number with 3 significant digits and thousands separators. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toString();
}

/** A ratio, e.g. `3.2×` or `0.041×`. */
export function fmtRatio(x: number): string {
  return `${fmt(x)}×`;
}

/** Ratio pairs as one line, e.g. `cr-compiled/tf-cpu 3.2×, …`. */
export function ratioLine(pairs: readonly [string, number][]): string {
  return pairs.map(([label, r]) => `${label} ${fmtRatio(r)}`).join(', ');
}

/** Bytes as MiB with a sign, e.g. `+1.25 MiB`. */
export function fmtMiB(bytes: number, signed = false): string {
  const s = (bytes / 2 ** 20).toFixed(2);
  return `${signed && bytes >= 0 ? '+' : ''}${s} MiB`;
}

/**
 * Prints rows as an aligned table: the first column left-aligned, the others right-aligned.
 *
 * @param rows - cells; the first row is the header.
 * @param widths - minimum column widths (for tables printed a row at a time).
 * @param indent - printed before each line.
 */
export function table(rows: readonly (readonly string[])[], widths: readonly number[] = [], indent = '  '): void {
  const w = rows[0]!.map((_, j) => Math.max(widths[j] ?? 0, ...rows.map((r) => (r[j] ?? '').length)));
  for (const r of rows) console.log(indent + r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  '));
}
