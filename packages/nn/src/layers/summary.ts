import type { Dim } from '@chainrule/graph';

/**
 * One line of {@link Model.summary}: a layer, the shape of its output and how many scalars its
 * variables hold.
 *
 * @example
 * ```ts
 * const [first]: readonly SummaryRow[] = model.summaryRows();
 * first?.name; // 'dense1'
 * ```
 */
export interface SummaryRow {
  /** The layer's name in the model: its kind and its number among layers of that kind (`dense1`), the scope of its variables. */
  readonly name: string;
  /** The layer's kind (`dense`, `dropout`, …). */
  readonly kind: string;
  /** The shape of the layer's output, batch axis first (`'batch'` when it varies). */
  readonly outputShape: readonly Dim[];
  /** Scalars in the layer's trainable variables. */
  readonly trainable: number;
  /** Scalars in its non-trainable variables (running averages). */
  readonly nonTrainable: number;
}

/** The number of scalars in variables of static shape. */
export function scalarCount(variables: Iterable<{ readonly shape: readonly Dim[] }>): number {
  let n = 0;
  for (const v of variables) n += v.shape.reduce<number>((a, d) => a * (d as number), 1);
  return n;
}

/**
 * The summary as a text table: one line per layer (name, output shape, trainable and non-trainable
 * scalars), the input first and the totals last, columns padded to line up.
 *
 * @param input - the model's input shape.
 * @param rows - one row per layer.
 * @returns the table, lines separated by `\n`.
 */
export function formatSummary(input: readonly Dim[], rows: readonly SummaryRow[]): string {
  const shape = (s: readonly Dim[]): string => `[${s.join(', ')}]`;
  const table = [
    ['layer', 'output shape', 'trainable', 'non-trainable'],
    ['input', shape(input), '', ''],
    ...rows.map((r) => [r.name, shape(r.outputShape), String(r.trainable), String(r.nonTrainable)]),
  ];
  const widths = table[0]!.map((_, j) => Math.max(...table.map((line) => line[j]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 2 * (widths.length - 1)));
  const trainable = rows.reduce((a, r) => a + r.trainable, 0);
  const nonTrainable = rows.reduce((a, r) => a + r.nonTrainable, 0);
  return [
    line(table[0]!),
    rule,
    ...table.slice(1).map(line),
    rule,
    `trainable parameters: ${trainable}`,
    `non-trainable parameters: ${nonTrainable}`,
    `total: ${trainable + nonTrainable}`,
  ].join('\n');
}
