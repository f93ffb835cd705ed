// The JSON shapes of runs in the API: a row of the runs table (summary) and the columns worth
// showing for a page of runs (config keys that vary, metric and eval keys present).
import { BOOKKEEPING_KEYS, flattenConfig, nullProto, type RunGroup, type RunRow, type TrackingStore } from '@workbench/tracking';

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
  /** Flattened config (`model.nz` → 8). */
  config: Record<string, unknown>;
  metrics: Record<string, MetricCell>;
  evals: Record<string, { value: number | null; stderr: number | null; n: number | null }>;
}

/** Never a config column: the bookkeeping keys the config hash leaves out (names, paths, where to
 *  track and launch) and `method`, which has its own column. A prefix covers its dotted keys. */
const NOT_COLUMNS: readonly string[] = [...BOOKKEEPING_KEYS, 'method'];
const isNotColumn = (key: string) => NOT_COLUMNS.some((p) => key === p || key.startsWith(`${p}.`));
/** Shown when nothing varies on the page, so the table still says what was trained. */
const DEFAULT_COLUMNS = ['model.nz', 'model.encoder', 'model.where_add', 'seed'];
const MAX_CONFIG_COLUMNS = 4;
const MAX_METRIC_COLUMNS = 3;
const MAX_EVAL_COLUMNS = 2;

/** JSON has no NaN/Infinity: send null and let the UI print '—'. */
export const finiteOrNull = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

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
}

/** Columns for a page: config keys whose values differ across the page (else a default set),
 *  every metric and eval key present (metrics capped, losses first). */
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
  const present = (k: string) => items.some((it) => k in it.config);
  let config = [...values.entries()].filter(([k, set]) => set.size > 1 || items.some((it) => !(k in it.config))).map(([k]) => k);
  // seed last: it is the axis groups collapse.
  config.sort((a, b) => (a === 'seed' ? 1 : b === 'seed' ? -1 : 0));
  if (config.length === 0) config = DEFAULT_COLUMNS.filter(present);
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
    evals: allEvals.slice(0, MAX_EVAL_COLUMNS),
    available: { config: allConfig, metrics: allMetrics, evals: allEvals },
  };
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
  runs: Array<{ id: string; name: string; seed: number | null; status: string }>;
  statuses: Record<string, number>;
  config: Record<string, unknown>;
  metrics: Record<string, { mean: number | null; std: number | null; n: number }>;
  evals: Record<string, { mean: number | null; std: number | null; n: number }>;
}

export function groupView(g: RunGroup, runsById: Map<string, RunRow>, metricKeys: string[], evalKeys: string[]): GroupView {
  const pick = (keys: string[]) =>
    Object.fromEntries(
      keys.filter((k) => g.metrics[k] && g.metrics[k].n > 0).map((k) => [k, { mean: finiteOrNull(g.metrics[k].mean), std: finiteOrNull(g.metrics[k].std), n: g.metrics[k].n }]),
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
    metrics: pick(metricKeys),
    evals: pick(evalKeys),
  };
}
