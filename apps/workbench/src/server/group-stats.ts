// Runs grouped by config ignoring the seed, fast enough for 10k runs: grouping uses the light run
// rows (no config parsing), and mean ± std (n) is computed only for the groups on the visible page,
// from the store's series summaries (each member's last value per metric is one stored row).
import { meanInterval } from '@workbench/metrics/stats';
import { flattenConfig, groupOverSeeds, nullProto, type MeanStd, type RunFilter, type RunRow, type SeedGroup, type TrackingStore } from '@workbench/tracking';

/** mean ± std (n) of a group, with the Student-t 95 % interval of the mean (NaN for n < 2). */
export interface GroupStat extends MeanStd {
  lo: number;
  hi: number;
}

export interface GroupPageEntry {
  groupKey: string;
  members: SeedGroup['runs']; // newest first, never empty
  /** Grouped by chosen keys: their values as a runs-table config filter (`method=bicyclegan;model.nz=8`). */
  configFilter?: string;
}

/** How groups are ordered: newest run first (default), group size, or a metric's / eval's mean. */
export type GroupSort = { by: 'newest' } | { by: 'n' } | { by: 'metric' | 'eval'; key: string };

/** A config value as a runs-table filter operand: numbers, booleans and null as they are,
 *  strings bare unless they would parse as something else (then quoted). */
function filterValue(v: unknown): string {
  if (typeof v !== 'string') return JSON.stringify(v ?? null);
  return v === '' || v === 'true' || v === 'false' || v === 'null' || Number.isFinite(Number(v)) ? `"${v}"` : v;
}

/** Runs grouped by the values of chosen config keys (e.g. `method`, `model.nz`), averaging over
 *  every other key, seeds included. Missing keys count as null. */
export function byConfigKeys(runs: RunRow[], keys: string[]): GroupPageEntry[] {
  const groups = new Map<string, GroupPageEntry>();
  for (const r of runs) {
    const flat = flattenConfig(r.config);
    const parts = keys.map((k) => `${k}=${filterValue(flat[k])}`);
    const label = parts.join(' · ');
    const g = groups.get(label);
    if (g) g.members.push(r);
    else groups.set(label, { groupKey: label, members: [r], configFilter: parts.join(';') });
  }
  return [...groups.values()];
}

/** All groups matching the filter, sorted, and the requested page of them. Without `by`, runs
 *  that share a config up to the seed form a group; with `by`, runs sharing those keys' values.
 *  Sorting by a mean reads one value per member run (an index lookup each); groups without it
 *  sort last. */
export function groupPage(store: TrackingStore, filter: RunFilter, offset: number, limit: number, sort: GroupSort = { by: 'newest' }, order: 'asc' | 'desc' = 'desc', by?: string[]): { total: number; page: GroupPageEntry[] } {
  const { runs } = store.listRuns({ ...filter, sort: 'createdAt', order: 'desc', includeConfig: by !== undefined });
  let all = by ? byConfigKeys(runs, by) : groupOverSeeds(runs).map(({ groupKey, runs: members }): GroupPageEntry => ({ groupKey, members }));
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

/** Adds `value` under (runId, key) unless it is NaN (stored as NULL: nothing to average). */
function put(out: Map<string, Map<string, number>>, runId: string, key: string, value: number): void {
  if (Number.isNaN(value)) return;
  let m = out.get(runId);
  if (!m) out.set(runId, (m = new Map()));
  m.set(key, value);
}

/** Last logged value of each (run, key): the store's series summaries (one row read per series). */
export function lastValues(store: TrackingStore, runIds: string[], keys: string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const s of store.metricSummaries(runIds, keys)) put(out, s.runId, s.key, s.last);
  return out;
}

/** Eval results (metric → value) of many runs. */
export function evalValues(store: TrackingStore, runIds: string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const e of store.evalResults({ runIds })) put(out, e.runId, e.metric, e.value);
  return out;
}

/** mean ± std (n) and the 95 % interval of the mean per key over the members that have a finite value. */
export function groupStats(members: RunRow[], keys: string[], values: Map<string, Map<string, number>>): Record<string, GroupStat> {
  const stats = nullProto<GroupStat>();
  for (const key of keys) {
    const xs = members.map((m) => values.get(m.id)?.get(key)).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (!xs.length) continue;
    const iv = meanInterval(xs, 0.95);
    stats[key] = { mean: iv.mean, std: iv.sd, n: iv.n, lo: iv.lo, hi: iv.hi };
  }
  return stats;
}
