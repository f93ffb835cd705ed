// The JSON shapes of runs in the API: a row of the runs table (summary) and the columns worth
// showing for a page of runs (config keys that vary, metric and eval keys present).
import { EVAL_METRICS, evalMetricLabel } from '@workbench/metrics';
import type { GroupStat } from './group-stats.js';
import { BOOKKEEPING_KEYS } from '@workbench/config';
import { flattenConfig, nullProto, type RunGroup, type RunRow, type RunStatus, type TrackingStore } from '@workbench/tracking';

export interface MetricCell {
  last: number | null;
  step: number;
  min: number | null;
  max: number | null;
}

export interface RunSummary {
  id: string;
  name: string;
  method: string;
  status: RunRow['status'];
  exitReason: string | null;
  tags: string[];
  seed: number | null;
  sweepId: string | null;
  groupKey: string;
  startedAt: number;
  endedAt: number | null;
  heartbeatAt: number;
  durationMs: number;
  archivedAt: number | null;
  /** Flattened config (`model.nz` → 8). */
  config: Record<string, unknown>;
  metrics: Record<string, MetricCell>;
  evals: Record<string, { value: number | null; stderr: number | null; n: number | null }>;
}

/** Never a config column: the bookkeeping keys the config hash leaves out (names, paths, where to
 *  track and launch) and `method`, which has its own column. A prefix covers its dotted keys. */
const NOT_COLUMNS: readonly string[] = [...BOOKKEEPING_KEYS, 'method'];
const isNotColumn = (key: string) => NOT_COLUMNS.some((p) => key === p || key.startsWith(`${p}.`));
/** Names, paths and where to track or launch: never a hyperparameter. */
export const isBookkeepingKey = (key: string) => BOOKKEEPING_KEYS.some((p) => key === p || key.startsWith(`${p}.`));
const MAX_CONFIG_COLUMNS = 6;
const MAX_METRIC_COLUMNS = 3;

/** JSON has no NaN/Infinity: send null and let the UI print '—'. */
export const finiteOrNull = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/** `T` with its number field(s) `K` as sent through `finiteOrNull`. */
export type FiniteOrNull<T, K extends keyof T> = Omit<T, K> & { [P in K]: number | null };

export function summarizeRuns(store: TrackingStore, runs: RunRow[]): RunSummary[] {
  const ids = runs.map((r) => r.id);
  const metrics = new Map<string, Record<string, MetricCell>>();
  for (const m of store.metricSummaries(ids)) {
    const cells = metrics.get(m.runId) ?? nullProto<MetricCell>();
    cells[m.key] = { last: finiteOrNull(m.last), step: m.lastStep, min: finiteOrNull(m.min), max: finiteOrNull(m.max) };
    metrics.set(m.runId, cells);
  }
  const evals = new Map<string, RunSummary['evals']>();
  for (const e of store.evalResults({ runIds: ids })) {
    const cells = evals.get(e.runId) ?? nullProto<RunSummary['evals'][string]>();
    cells[e.metric] = { value: finiteOrNull(e.value), stderr: e.stderr, n: e.n };
    evals.set(e.runId, cells);
  }
  return runs.map((r) => ({
    id: r.id,
    name: r.name,
    method: r.method,
    status: r.status,
    exitReason: r.exitReason,
    tags: r.tags,
    seed: r.seed,
    sweepId: r.sweepId,
    groupKey: r.groupKey,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    heartbeatAt: r.heartbeatAt,
    durationMs: r.durationMs,
    archivedAt: r.archivedAt,
    config: flattenConfig(r.config ?? {}),
    metrics: metrics.get(r.id) ?? {},
    evals: evals.get(r.id) ?? {},
  }));
}

export interface Columns {
  config: string[];
  metrics: string[];
  evals: string[];
  /** Every key the page could show (for the column chooser). */
  available: { config: string[]; metrics: string[]; evals: string[] };
  /** Display names of eval results: the paper tables' names (`LPIPS v0.0 diversity`). */
  labels: Record<string, string>;
}

/** Columns for a page: only the config keys whose values differ across the listed runs (none when
 *  they all share a config), the losses, and the paper's evaluation results (diversity, mode
 *  coverage, reconstruction) named as in the tables. */
export function pageColumns(items: Array<Pick<RunSummary, 'config' | 'metrics' | 'evals'>>): Columns {
  const values = new Map<string, Set<string>>();
  for (const it of items) {
    for (const [k, v] of Object.entries(it.config)) {
      if (isNotColumn(k)) continue;
      let set = values.get(k);
      if (!set) values.set(k, (set = new Set()));
      set.add(JSON.stringify(v));
    }
  }
  const config = [...values.entries()].filter(([k, set]) => set.size > 1 || items.some((it) => !(k in it.config))).map(([k]) => k);
  // seed last: it is the axis groups collapse.
  config.sort((a, b) => (a === 'seed' ? 1 : b === 'seed' ? -1 : 0));
  const metricKeys = new Set<string>();
  const evalKeys = new Set<string>();
  for (const it of items) {
    for (const k of Object.keys(it.metrics)) metricKeys.add(k);
    for (const k of Object.keys(it.evals)) evalKeys.add(k);
  }
  const allMetrics = [...metricKeys].sort((a, b) => rankMetric(a) - rankMetric(b) || a.localeCompare(b));
  const allEvals = [...evalKeys].sort((a, b) => rankEval(a) - rankEval(b) || a.localeCompare(b));
  const allConfig = [...values.keys()].sort();
  return {
    config: config.slice(0, MAX_CONFIG_COLUMNS),
    metrics: allMetrics.slice(0, MAX_METRIC_COLUMNS),
    evals: defaultEvals(allEvals),
    available: { config: allConfig, metrics: allMetrics, evals: allEvals },
    labels: Object.fromEntries(allEvals.map((k) => [k, evalMetricLabel(k)])),
  };
}

/** One diversity (LPIPS, the paper's v0.0 first; else L1), mode coverage, reconstruction error. */
function defaultEvals(present: string[]): string[] {
  const diversity = present.find((k) => /^diversity_lpips_v/.test(k)) ?? present.find((k) => k === EVAL_METRICS.diversityL1);
  return [diversity, EVAL_METRICS.modeCoverage, EVAL_METRICS.reconstructionL1].filter((k): k is string => k !== undefined && present.includes(k));
}

/** The paper's headline numbers first: LPIPS diversity, mode coverage, reconstruction error. */
function rankEval(key: string): number {
  const order = [/^diversity_lpips/, /^mode_coverage$/, /^reconstruction/, /^diversity_l1$/, /^mode_/];
  const i = order.findIndex((re) => re.test(key));
  return i === -1 ? order.length : i;
}

/** Generator losses first, then discriminator, then the rest. */
function rankMetric(key: string): number {
  if (/^loss_G/i.test(key) || /^G[_/]/.test(key)) return 0;
  if (/^loss_D/i.test(key) || /^D[_/]/.test(key)) return 1;
  if (/loss/i.test(key)) return 2;
  return 3;
}

export interface GroupView {
  groupKey: string;
  n: number;
  method: string;
  runIds: string[];
  runs: Array<{ id: string; name: string; seed: number | null; status: RunStatus }>;
  statuses: Record<string, number>;
  config: Record<string, unknown>;
  /** Grouped by chosen keys: the runs-table config filter that lists the group's runs. */
  configFilter?: string;
  metrics: Record<string, StatView>;
  evals: Record<string, StatView>;
}

/** mean, sample std, n, and the Student-t 95 % interval of the mean (null for n < 2). */
export interface StatView {
  mean: number | null;
  std: number | null;
  n: number;
  lo: number | null;
  hi: number | null;
}

export function groupView(g: Omit<RunGroup, 'metrics'> & { metrics: Record<string, GroupStat>; configFilter?: string }, runsById: Map<string, RunRow>, metricKeys: string[], evalKeys: string[]): GroupView {
  const pick = (keys: string[]) =>
    Object.fromEntries(
      keys.flatMap((k): Array<[string, StatView]> => {
        const m = g.metrics[k];
        return m && m.n > 0 ? [[k, { mean: finiteOrNull(m.mean), std: finiteOrNull(m.std), n: m.n, lo: finiteOrNull(m.lo), hi: finiteOrNull(m.hi) }]] : [];
      }),
    );
  return {
    groupKey: g.groupKey,
    n: g.n,
    method: g.method,
    runIds: g.runIds,
    runs: g.runIds.map((id) => {
      const r = runsById.get(id);
      return { id, name: r?.name ?? id, seed: r?.seed ?? null, status: r?.status ?? 'running' };
    }),
    statuses: g.statuses,
    config: flattenConfig(g.config ?? {}),
    configFilter: g.configFilter,
    metrics: pick(metricKeys),
    evals: pick(evalKeys),
  };
}
