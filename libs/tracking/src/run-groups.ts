// Runs that share a config up to the seed (same group key), summarised as mean ± std (n) of
// chosen metrics: the numbers in the paper's ablation tables.
import type { MetricAgg } from './run-filter.js';
import type { RunRow } from './types.js';

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n - 1); NaN when n < 2. */
  std: number;
  /** runs that have the metric (finite values only) */
  n: number;
}

export interface GroupMetricSpec {
  key: string;
  /** Which value of each run's series: the last logged (default), the minimum or the maximum.
   *  `eval` uses the run's eval result named `key` instead of a metric series. */
  agg?: MetricAgg | 'eval';
}

export interface RunGroup {
  groupKey: string;
  /** runs in the group (all statuses that passed the filter) */
  n: number;
  runIds: string[];
  seeds: (number | null)[];
  method: string;
  /** Config of the newest run in the group (they agree on everything but ignored keys). */
  config: Record<string, unknown>;
  statuses: Record<string, number>;
  /** Keyed `${key}` for agg last / eval, `${key}:min` / `${key}:max` otherwise. */
  metrics: Record<string, MeanStd>;
}

export function meanStd(values: number[]): MeanStd {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: NaN, n };
  const ss = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

export function metricLabel(spec: GroupMetricSpec): string {
  const agg = spec.agg ?? 'last';
  return agg === 'last' || agg === 'eval' ? spec.key : `${spec.key}:${agg}`;
}

/** Runs that differ only by seed (and bookkeeping): one group key, its runs newest first. */
export interface SeedGroup {
  groupKey: string;
  /** Never empty: a group exists because a run has its key. */
  runs: [RunRow, ...RunRow[]];
}

/**
 * The one grouping of runs over seeds (the store's groups, the paper tables): by the group key
 * the store recorded (`groupKey` of `@workbench/config`), runs newest first in each group, groups
 * in the order of their newest run. `order: 'given'` keeps the order of `runs` instead (groups in
 * the order of their first run): the compare page lists groups as the user listed the runs.
 */
export function groupOverSeeds(runs: readonly RunRow[], opts: { order?: 'newest' | 'given' } = {}): SeedGroup[] {
  const byKey = new Map<string, SeedGroup['runs']>();
  const ordered = opts.order === 'given' ? runs : [...runs].sort((a, b) => b.createdAt - a.createdAt);
  for (const r of ordered) {
    const list = byKey.get(r.groupKey);
    if (list) list.push(r);
    else byKey.set(r.groupKey, [r]);
  }
  return [...byKey].map(([groupKey, members]) => ({ groupKey, runs: members }));
}

/** Group `runs` over seeds with mean ± std (n) of `specs`; `value(runId, spec)` supplies each run's number. */
export function groupRunRows(
  runs: RunRow[],
  specs: GroupMetricSpec[],
  value: (runId: string, spec: GroupMetricSpec) => number | undefined,
): RunGroup[] {
  const groups: RunGroup[] = [];
  for (const { groupKey: key, runs: members } of groupOverSeeds(runs)) {
    const statuses: Record<string, number> = {};
    for (const m of members) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
    const metrics: Record<string, MeanStd> = {};
    for (const spec of specs) {
      const vals = members.map((m) => value(m.id, spec)).filter((v): v is number => v !== undefined);
      metrics[metricLabel(spec)] = meanStd(vals);
    }
    groups.push({
      groupKey: key,
      n: members.length,
      runIds: members.map((m) => m.id),
      seeds: members.map((m) => m.seed),
      method: members[0].method,
      config: members[0].config,
      statuses,
      metrics,
    });
  }
  return groups;
}
