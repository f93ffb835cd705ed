// The one column-table printer of the CLI and the benchmarks: cells padded to their column's
// widest cell. `plain` is what a terminal shows (columns two spaces apart, a dashed rule under the
// header where asked, trailing blanks trimmed); `markdown` is a GitHub table for reports.

export type ColumnAlign = 'left' | 'right';

export interface TableOptions {
  /** `plain` (default) or `markdown` (`| a | b |` with a `|---|` rule; always has the rule). */
  style?: 'plain' | 'markdown';
  /** plain only: a line of dashes under the header (default false). */
  rule?: boolean;
  /** Per column; missing entries are left-aligned (numbers read better right-aligned). */
  align?: readonly ColumnAlign[];
}

/** `header` and `rows` (each as long as the header) as lines of aligned text, joined with `\n`. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`internal: a table row has ${row.length} cells, the header ${header.length}`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const pad = (cells: readonly string[]) => cells.map((c, i) => (opts.align?.[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)));
  if (opts.style === 'markdown') {
    const line = (cells: readonly string[]) => `| ${pad(cells).join(' | ')} |`;
    return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  }
  const line = (cells: readonly string[]) => pad(cells).join('  ').trimEnd();
  return [line(header), ...(opts.rule ? [line(widths.map((w) => '-'.repeat(w)))] : []), ...rows.map(line)].join('\n');
}
