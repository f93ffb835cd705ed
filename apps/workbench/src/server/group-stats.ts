// Runs grouped by config ignoring the seed, fast enough for 10k runs: grouping uses the light run
// rows (no config parsing), and mean ± std (n) is computed only for the groups on the visible page,
// from one query that reads each member's last value per metric (an index lookup per series).
import { meanStd, type MeanStd, type RunFilter, type RunRow, type TrackingStore } from '@workbench/tracking';

export interface GroupPageEntry {
  groupKey: string;
  members: RunRow[]; // newest first
}

/** All groups matching the filter (newest activity first) and the requested page of them. */
export function groupPage(store: TrackingStore, filter: RunFilter, offset: number, limit: number): { total: number; page: GroupPageEntry[] } {
  const { runs } = store.listRuns({ ...filter, sort: 'createdAt', order: 'desc', includeConfig: false });
  const groups = new Map<string, RunRow[]>();
  for (const r of runs) {
    const list = groups.get(r.groupKey);
    if (list) list.push(r);
    else groups.set(r.groupKey, [r]);
  }
  const all = [...groups.entries()].map(([groupKey, members]) => ({ groupKey, members }));
  return { total: all.length, page: all.slice(offset, offset + limit) };
}

/** Last logged value of each (run, key); a JSON array parameter keeps it to one bound value. */
export function lastValues(store: TrackingStore, runIds: string[], keys: string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  if (!runIds.length || !keys.length) return out;
  const rows = store.db
    .prepare(
      `SELECT s.run_id AS runId, s.key AS key,
              (SELECT p.value FROM metric_points p WHERE p.series_id = s.id ORDER BY p.step DESC LIMIT 1) AS v
       FROM metric_series s
       WHERE s.run_id IN (SELECT value FROM json_each(?)) AND s.key IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(runIds), JSON.stringify(keys)) as { runId: string; key: string; v: number | null }[];
  for (const r of rows) {
    if (r.v === null) continue; // NaN is stored as NULL: not a finite value to average
    let m = out.get(r.runId);
    if (!m) out.set(r.runId, (m = new Map()));
    m.set(r.key, r.v);
  }
  return out;
}

/** Eval results (metric → value) of many runs in one query. */
export function evalValues(store: TrackingStore, runIds: string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  if (!runIds.length) return out;
  const rows = store.db
    .prepare('SELECT run_id AS runId, metric, value FROM eval_results WHERE run_id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(runIds)) as { runId: string; metric: string; value: number | null }[];
  for (const r of rows) {
    if (r.value === null) continue;
    let m = out.get(r.runId);
    if (!m) out.set(r.runId, (m = new Map()));
    m.set(r.metric, r.value);
  }
  return out;
}

/** mean ± std (n) per key over the members that have a finite value. */
export function groupStats(members: RunRow[], keys: string[], values: Map<string, Map<string, number>>): Record<string, MeanStd> {
  const stats: Record<string, MeanStd> = {};
  for (const key of keys) {
    const xs = members.map((m) => values.get(m.id)?.get(key)).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (xs.length) stats[key] = meanStd(xs);
  }
  return stats;
}
