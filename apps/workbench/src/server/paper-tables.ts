// A sweep's paper-layout tables (built by @workbench/metrics, the same as `workbench table`) in the
// API's JSON shape for the UI: label columns, metric columns, cells as mean, 95 % CI and n with the
// Welch test against the reference row, rows with their marks (reference, not converged).
// Fooling-rate cells also carry a Wilson 95% interval over the judgments pooled across the row's seeds.
// Downloads (CSV / Markdown / LaTeX) use the metrics library's formatter unchanged.
import { formatCell, rowMarks, type PaperTable as MetricsTable, type TableFormat } from '@workbench/metrics';
import { nullProto, wilsonInterval, type TrackingStore } from '@workbench/tracking';
import { finiteOrNull } from './run-views.js';

export interface TableCell {
  mean: number | null;
  std: number | null;
  n: number;
  /** 95 % Student-t interval over seeds (null for n < 2). */
  lo: number | null;
  hi: number | null;
  /** mean of the runs' evaluation standard errors, when stored */
  evalSe: number | null;
  /** Welch's t-test against the table's reference row (absent when untestable) */
  p?: number;
  significant?: boolean;
  /** The cell as printed (metric-specific digits; a CI for the fooling rate). */
  text: string;
  /** Wilson 95% interval (fooling rate, percent). */
  low?: number;
  high?: number;
}

export interface PaperTable {
  id: string;
  title: string;
  caption?: string;
  rowHeader: string[];
  columns: Array<{ key: string; label: string; better: 'higher' | 'lower' }>;
  rows: Array<{ labels: string[]; cells: Record<string, TableCell>; runIds: string[]; reference?: boolean; marks: string[] }>;
}

const FOOLING = 'fooling_rate';
/** A Map: `format` comes from the URL, and `toString` or `__proto__` must not look like a format. */
export const DOWNLOAD_FORMATS: ReadonlyMap<string, { format: Exclude<TableFormat, 'json'>; type: string; ext: string }> = new Map([
  ['csv', { format: 'csv', type: 'text/csv; charset=utf-8', ext: 'csv' }],
  ['md', { format: 'md', type: 'text/markdown; charset=utf-8', ext: 'md' }],
  ['latex', { format: 'latex', type: 'application/x-latex; charset=utf-8', ext: 'tex' }],
] as const);

/** The metrics library's tables as the API's JSON tables. */
export function tableViews(store: TrackingStore, tables: MetricsTable[]): PaperTable[] {
  return tables.map((t) => ({
    id: t.id,
    title: t.title,
    caption: t.notes.join(' '),
    rowHeader: t.labelColumns.map((c) => c.label),
    columns: t.metrics.map((m) => ({ key: m.key, label: m.label, better: m.better })),
    rows: t.rows.map((r, ri) => {
      const cells = nullProto<TableCell>();
      for (const m of t.metrics) {
        const v = r.values[m.key];
        if (!v || v.n === 0) continue;
        const cell: TableCell = {
          mean: finiteOrNull(v.mean),
          std: finiteOrNull(v.std),
          n: v.n,
          lo: finiteOrNull(v.lo),
          hi: finiteOrNull(v.hi),
          evalSe: finiteOrNull(v.evalSe ?? NaN),
          ...(v.vsReference ? { p: v.vsReference.p, significant: v.vsReference.significant } : {}),
          text: formatCell(v, m.digits),
        };
        if (m.key === FOOLING && r.runIds.length) {
          let n = 0;
          let fooled = 0;
          for (const f of store.foolingRates(r.runIds)) {
            n += f.n;
            fooled += f.fooled;
          }
          if (n) {
            const ci = wilsonInterval(fooled, n, 0.95);
            cell.low = 100 * ci.low;
            cell.high = 100 * ci.high;
            cell.text += ` · 95% CI [${cell.low.toFixed(1)}, ${cell.high.toFixed(1)}] of ${n}`;
          }
        }
        cells[m.key] = cell;
      }
      return { labels: t.labelColumns.map((c) => r.labels[c.key] ?? ''), cells, runIds: r.runIds, ...(r.reference ? { reference: true } : {}), marks: rowMarks(t, ri) };
    }),
  }));
}
