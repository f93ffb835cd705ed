// A sweep's results as tables: one row per config group (the grid values except the seed), one
// column per evaluation metric plus the realism fooling rate, each cell mean ± std (n) over seeds.
// This is the API's JSON table shape (`PaperTable`); the paper-layout tables of @workbench/metrics
// are converted into the same shape when that library provides them (see paper-tables.ts).
import type { TrackingStore } from '@workbench/tracking';
import { meanStd, wilsonInterval } from '@workbench/tracking';
import { finiteOrNull, flattenConfig } from './run-views.js';

export interface TableCell {
  mean: number | null;
  std: number | null;
  n: number;
  /** Preformatted text when the cell is not a plain mean ± std (e.g. a rate with a CI). */
  text?: string;
  /** Confidence interval, when the cell is a proportion. */
  low?: number;
  high?: number;
}

export interface PaperTable {
  id: string;
  title: string;
  caption?: string;
  rowHeader: string[];
  columns: Array<{ key: string; label: string }>;
  rows: Array<{ labels: string[]; cells: Record<string, TableCell> }>;
}

const IGNORED_AXES = new Set(['seed', 'name']);

export function sweepResultsTable(store: TrackingStore, sweepId: string, grid: Record<string, unknown>): PaperTable | null {
  const { runs } = store.listRuns({ sweepId, sort: 'createdAt', order: 'asc' });
  if (!runs.length) return null;
  // Row axes: the grid's keys except the seed; without a grid, the config keys that vary.
  let axes = Object.keys(grid).filter((k) => !IGNORED_AXES.has(k));
  const flat = new Map(runs.map((r) => [r.id, flattenConfig(r.config)]));
  if (!axes.length) {
    const keys = new Set([...flat.values()].flatMap((f) => Object.keys(f)));
    axes = [...keys].filter((k) => !IGNORED_AXES.has(k) && new Set([...flat.values()].map((f) => JSON.stringify(f[k]))).size > 1);
  }
  if (!axes.length) axes = ['method'];
  const evals = store.evalResults({ sweepId });
  const metricNames = [...new Set(evals.map((e) => e.metric))].sort();
  const rates = new Map(store.foolingRates(runs.map((r) => r.id)).map((f) => [f.runId, f]));
  const byGroup = new Map<string, typeof runs>();
  for (const r of runs) byGroup.set(r.groupKey, [...(byGroup.get(r.groupKey) ?? []), r]);
  const value = (runId: string, metric: string) => evals.find((e) => e.runId === runId && e.metric === metric)?.value;

  const rows: PaperTable['rows'] = [];
  for (const members of byGroup.values()) {
    const f = flat.get(members[0].id)!;
    const labels = axes.map((a) => (a === 'method' ? members[0].method : formatValue(f[a])));
    const cells: Record<string, TableCell> = {};
    for (const m of metricNames) {
      const ms = meanStd(members.map((r) => value(r.id, m)).filter((v): v is number => v !== undefined));
      if (ms.n) cells[m] = { mean: finiteOrNull(ms.mean), std: finiteOrNull(ms.std), n: ms.n };
    }
    // Fooling rate: judgments pooled over the group's seeds, Wilson interval.
    let n = 0;
    let fooled = 0;
    for (const r of members) {
      const fr = rates.get(r.id);
      if (fr) {
        n += fr.n;
        fooled += fr.fooled;
      }
    }
    if (n) {
      const pooled = wilsonInterval(fooled, n, 0.95);
      cells.fooling_rate = { mean: fooled / n, std: null, n, low: pooled.low, high: pooled.high, text: `${pct(fooled / n)} [${pct(pooled.low)}, ${pct(pooled.high)}] (${n})` };
    }
    rows.push({ labels, cells });
  }
  const columns = metricNames.map((m) => ({ key: m, label: m }));
  if (rows.some((r) => r.cells.fooling_rate)) columns.push({ key: 'fooling_rate', label: 'fooling rate (95% CI)' });
  if (!columns.length) return null;
  return {
    id: 'sweep-results',
    title: 'Results by configuration',
    caption: 'mean ± std (n) over seeds; fooling rate pooled over seeds with a Wilson 95% interval',
    rowHeader: axes,
    columns,
    rows,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}
