// Runs grouped by config ignoring the seed, fast enough for 10k runs: grouping uses the light run
// rows (no config parsing), and mean ± std (n) is computed only for the groups on the visible page,
// from one query that reads each member's last value per metric (an index lookup per series).
import { meanStd, type MeanStd, type RunFilter, type RunRow, type TrackingStore } from '@workbench/tracking';

export interface GroupPageEntry {
  groupKey: string;
  members: RunRow[]; // newest first
}

/** How groups are ordered: newest run first (default), group size, or a metric's / eval's mean. */
export type GroupSort = { by: 'newest' } | { by: 'n' } | { by: 'metric' | 'eval'; key: string };

/** All groups matching the filter, sorted, and the requested page of them. Sorting by a mean
 *  reads one value per member run (an index lookup each); groups without it sort last. */
export function groupPage(store: TrackingStore, filter: RunFilter, offset: number, limit: number, sort: GroupSort = { by: 'newest' }, order: 'asc' | 'desc' = 'desc'): { total: number; page: GroupPageEntry[] } {
  const { runs } = store.listRuns({ ...filter, sort: 'createdAt', order: 'desc', includeConfig: false });
  const groups = new Map<string, RunRow[]>();
  for (const r of runs) {
    const list = groups.get(r.groupKey);
    if (list) list.push(r);
    else groups.set(r.groupKey, [r]);
  }
  let all = [...groups.entries()].map(([groupKey, members]) => ({ groupKey, members }));
  const dir = order === 'asc' ? 1 : -1;
  if (sort.by === 'n') all.sort((a, b) => dir * (a.members.length - b.members.length));
  else if (sort.by === 'newest' && order === 'asc') all = all.reverse();
  else if (sort.by === 'metric' || sort.by === 'eval') {
    const ids = runs.map((r) => r.id);
    const values = sort.by === 'metric' ? lastValues(store, ids, [sort.key]) : evalValues(store, ids);
    const mean = new Map(all.map((g) => [g.groupKey, groupStats(g.members, [sort.key], values)[sort.key]?.mean]));
    all.sort((a, b) => {
      const x = mean.get(a.groupKey);
      const y = mean.get(b.groupKey);
      if (x === undefined || !Number.isFinite(x)) return y === undefined || !Number.isFinite(y) ? 0 : 1;
      if (y === undefined || !Number.isFinite(y)) return -1;
      return dir * (x - y);
    });
  }
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
