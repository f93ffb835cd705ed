// Hyperparameters against metrics: one point per run with the config keys that vary among the
// runs (the swept axes), every eval result and the last value of every logged metric. The
// dashboard's parallel-coordinates and scatter views plot these columns against each other.
import { evalMetricBetter, evalMetricLabel } from '@workbench/metrics';
import { flattenConfig, type RunRow, type RunStatus, type TrackingStore } from '@workbench/tracking';
import { finiteOrNull, isBookkeepingKey } from './run-views.js';

export type HparamValue = number | string | boolean | null;

export interface HparamColumn {
  /** `config:<key>`, `eval:<metric>` or `metric:<key>` (last value). */
  id: string;
  kind: 'config' | 'eval' | 'metric';
  key: string;
  label: string;
  /** Every present value is a number: a continuous axis; else categorical with `values`. */
  numeric: boolean;
  /** Distinct values in display order (categorical columns only). */
  values?: HparamValue[];
  better?: 'higher' | 'lower';
}

export interface HparamPoint {
  id: string;
  name: string;
  method: string;
  seed: number | null;
  status: RunStatus;
  values: Record<string, HparamValue>;
}

function column(id: string, kind: HparamColumn['kind'], key: string, label: string, present: HparamValue[]): HparamColumn {
  const numeric = present.every((v) => typeof v === 'number');
  if (numeric) return { id, kind, key, label, numeric };
  const values = [...new Map(present.map((v) => [JSON.stringify(v), v])).values()].sort((a, b) => String(a).localeCompare(String(b), undefined, { numeric: true }));
  return { id, kind, key, label, numeric, values };
}

export function hparamPoints(store: TrackingStore, runs: RunRow[]): { columns: HparamColumn[]; points: HparamPoint[] } {
  const ids = runs.map((r) => r.id);
  const points: HparamPoint[] = runs.map((r) => ({ id: r.id, name: r.name, method: r.method, seed: r.seed, status: r.status, values: {} }));
  const byId = new Map(points.map((p) => [p.id, p]));
  const columns: HparamColumn[] = [];

  // Config: the keys whose values differ among these runs (a key missing in some runs differs).
  const flats = runs.map((r) => flattenConfig(r.config));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !isBookkeepingKey(k)).sort();
  for (const key of keys) {
    const present = flats.map((f) => f[key]).filter((v) => v !== undefined);
    const distinct = new Set(flats.map((f) => JSON.stringify(f[key] ?? null)));
    if (distinct.size < 2) continue;
    const scalar = (v: unknown): HparamValue => (v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as HparamValue));
    points.forEach((p, i) => (p.values[`config:${key}`] = scalar(flats[i]?.[key])));
    columns.push(column(`config:${key}`, 'config', key, key, present.map(scalar)));
  }

  const evalKeys = new Set<string>();
  for (const e of store.evalResults({ runIds: ids })) {
    const p = byId.get(e.runId);
    if (!p) continue;
    p.values[`eval:${e.metric}`] = finiteOrNull(e.value);
    evalKeys.add(e.metric);
  }
  for (const key of [...evalKeys].sort()) {
    columns.push({ id: `eval:${key}`, kind: 'eval', key, label: evalMetricLabel(key), numeric: true, better: evalMetricBetter(key) });
  }

  const metricKeys = new Set<string>();
  for (const s of store.metricSummaries(ids)) {
    byId.get(s.runId)!.values[`metric:${s.key}`] = finiteOrNull(s.last);
    metricKeys.add(s.key);
  }
  for (const key of [...metricKeys].sort()) columns.push({ id: `metric:${key}`, kind: 'metric', key, label: `${key} (last)`, numeric: true });

  return { columns, points };
}
