// One metric over several runs (the seeds of a config) as mean ± std per step bucket: the
// band the compare view draws. Runs are aligned on a common step grid: [lo, hi] is the union of
// their step ranges cut into `maxPoints` buckets; each run contributes its mean inside a bucket,
// and the band is the mean ± sample std of those per-run means.
import type Database from 'better-sqlite3';
import { ROLLUP_STEPS } from './metric-rollups.js';
import { RAW_SCAN_LIMIT } from './metric-series.js';
import { meanStd } from './run-groups.js';

export interface GroupSeriesPoint {
  /** Mean of the steps that fell in the bucket (the logged step when runs log the same steps). */
  step: number;
  mean: number;
  /** Sample std over runs; NaN with fewer than two runs in the bucket. */
  std: number;
  /** runs with a value in the bucket */
  n: number;
  /** lowest / highest per-run mean in the bucket */
  min: number;
  max: number;
}

export interface GroupSeries {
  key: string;
  runIds: string[];
  points: GroupSeriesPoint[];
}

interface SeriesRow {
  id: number;
  run_id: string;
  n: number;
  first_step: number;
  last_step: number;
}

export function readGroupSeries(
  db: Database.Database,
  runIds: string[],
  key: string,
  opts: { maxPoints?: number } = {},
): GroupSeries {
  const maxPoints = Math.max(2, Math.floor(opts.maxPoints ?? 500));
  const get = db.prepare('SELECT id, run_id, n, first_step, last_step FROM metric_series WHERE run_id = ? AND key = ? AND n > 0');
  const series = runIds.map((id) => get.get(id, key) as SeriesRow | undefined).filter((s): s is SeriesRow => s !== undefined);
  if (series.length === 0) return { key, runIds, points: [] };
  const lo = Math.min(...series.map((s) => s.first_step));
  const hi = Math.max(...series.map((s) => s.last_step));
  const span = hi - lo + 1;
  const nb = Math.min(maxPoints, span);

  // bucket -> per-run mean values and the steps seen
  const perBucket = new Map<number, { values: number[]; stepSum: number; stepN: number }>();
  const add = (b: number, mean: number, stepMean: number) => {
    let e = perBucket.get(b);
    if (!e) perBucket.set(b, (e = { values: [], stepSum: 0, stepN: 0 }));
    e.values.push(mean);
    e.stepSum += stepMean;
    e.stepN++;
  };
  const params = (sid: number) => ({ sid, lo, nb, span });
  const fromPoints = db.prepare(
    `SELECT CAST(((step - :lo) * :nb) / :span AS INTEGER) AS b, avg(value) AS v, avg(step) AS s
     FROM metric_points WHERE series_id = :sid AND value IS NOT NULL GROUP BY b`,
  );
  // Long series: bucket the 256-step rollups by their first step (band edges snap to 256 steps).
  const fromRollups = db.prepare(
    `SELECT CAST(((max(bucket * ${ROLLUP_STEPS}, :lo) - :lo) * :nb) / :span AS INTEGER) AS b,
            sum(sum_value) / sum(n_values) AS v, avg(bucket * ${ROLLUP_STEPS} + ${ROLLUP_STEPS / 2}) AS s
     FROM metric_rollups WHERE series_id = :sid AND n_values > 0 AND sum_value IS NOT NULL GROUP BY b`,
  );
  for (const s of series) {
    const useRollups = s.n > RAW_SCAN_LIMIT && span / nb >= 2 * ROLLUP_STEPS;
    const rows = (useRollups ? fromRollups : fromPoints).all(params(s.id)) as { b: number; v: number | null; s: number }[];
    for (const r of rows) if (r.v !== null && Number.isFinite(r.v)) add(r.b, r.v, r.s);
  }
  const points: GroupSeriesPoint[] = [...perBucket.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => {
      const ms = meanStd(e.values);
      return { step: e.stepSum / e.stepN, mean: ms.mean, std: ms.std, n: ms.n, min: Math.min(...e.values), max: Math.max(...e.values) };
    });
  return { key, runIds, points };
}
