// Reading a metric series, downsampled on the server to at most `maxPoints` points.
//
// Downsampling is min/max decimation over equal step buckets: each bucket contributes its
// lowest and its highest point (at their true steps, in step order). A chart of the result has
// the same envelope as the full series: spikes (a NaN-ish blow-up, a loss jump after resume)
// are never averaged away, which LTTB or plain striding can do. Per-bucket mean and count are
// returned too, for smoothed lines and bands.
import type Database from 'better-sqlite3';

export interface SeriesPoint {
  step: number;
  /** NaN where the run logged NaN. */
  value: number;
  wallTime: number;
}

export interface SeriesBucket {
  /** First and last step of the bucket's range (nominal, inclusive). */
  stepStart: number;
  stepEnd: number;
  min: number;
  max: number;
  mean: number;
  /** points in the bucket (including NaN points) */
  n: number;
}

export interface MetricSeries {
  runId: string;
  key: string;
  /** Points stored in the requested step range. */
  total: number;
  downsampled: boolean;
  points: SeriesPoint[];
  /** Present when downsampled. */
  buckets?: SeriesBucket[];
}

export interface SeriesOptions {
  /** Upper bound on returned points (default 1000, minimum 4). */
  maxPoints?: number;
  stepMin?: number;
  stepMax?: number;
}

const num = (v: number | null): number => (v == null ? NaN : v);

export function readMetricSeries(db: Database.Database, runId: string, key: string, opts: SeriesOptions = {}): MetricSeries {
  const maxPoints = Math.max(4, Math.floor(opts.maxPoints ?? 1000));
  const empty: MetricSeries = { runId, key, total: 0, downsampled: false, points: [] };
  const series = db.prepare('SELECT id FROM metric_series WHERE run_id = ? AND key = ?').get(runId, key) as
    | { id: number }
    | undefined;
  if (!series) return empty;
  const lo0 = opts.stepMin ?? Number.MIN_SAFE_INTEGER;
  const hi0 = opts.stepMax ?? Number.MAX_SAFE_INTEGER;
  const range = db
    .prepare(
      'SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ?',
    )
    .get(series.id, lo0, hi0) as { n: number; lo: number | null; hi: number | null };
  if (range.n === 0 || range.lo == null || range.hi == null) return empty;

  if (range.n <= maxPoints) {
    const rows = db
      .prepare(
        'SELECT step, value, wall_time FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step',
      )
      .raw()
      .all(series.id, range.lo, range.hi) as [number, number | null, number][];
    return {
      runId,
      key,
      total: range.n,
      downsampled: false,
      points: rows.map(([step, value, wallTime]) => ({ step, value: num(value), wallTime })),
    };
  }

  // Two points per bucket; bucket b covers steps [lo + b*span/B, lo + (b+1)*span/B).
  const nb = Math.floor(maxPoints / 2);
  const span = range.hi - range.lo + 1;
  // CAST: better-sqlite3 binds JS numbers as REAL, which would make every row its own bucket.
  const bucketExpr = `CAST(((step - :lo) * :nb) / :span AS INTEGER)`;
  const params = { sid: series.id, lo: range.lo, hi: range.hi, nb, span };
  // SQLite "bare column" rule: with exactly one min()/max() aggregate, step and wall_time come
  // from the row holding that extreme. Hence one query for minima (+ mean, count), one for maxima.
  const mins = db
    .prepare(
      `SELECT ${bucketExpr} AS b, min(value) AS v, step, wall_time, avg(value) AS mean, count(*) AS n
       FROM metric_points WHERE series_id = :sid AND step BETWEEN :lo AND :hi GROUP BY b ORDER BY b`,
    )
    .all(params) as { b: number; v: number | null; step: number; wall_time: number; mean: number | null; n: number }[];
  const maxs = db
    .prepare(
      `SELECT ${bucketExpr} AS b, max(value) AS v, step, wall_time
       FROM metric_points WHERE series_id = :sid AND step BETWEEN :lo AND :hi GROUP BY b ORDER BY b`,
    )
    .all(params) as { b: number; v: number | null; step: number; wall_time: number }[];
  const maxByBucket = new Map(maxs.map((m) => [m.b, m]));

  const points: SeriesPoint[] = [];
  const buckets: SeriesBucket[] = [];
  for (const m of mins) {
    const x = maxByBucket.get(m.b)!;
    const a = { step: m.step, value: num(m.v), wallTime: m.wall_time };
    const c = { step: x.step, value: num(x.v), wallTime: x.wall_time };
    if (a.step === c.step) points.push(a);
    else points.push(...(a.step < c.step ? [a, c] : [c, a]));
    buckets.push({
      stepStart: range.lo + Math.ceil((m.b * span) / nb),
      stepEnd: Math.min(range.hi, range.lo + Math.ceil(((m.b + 1) * span) / nb) - 1),
      min: num(m.v),
      max: num(x.v),
      mean: num(m.mean),
      n: m.n,
    });
  }
  return { runId, key, total: range.n, downsampled: true, points, buckets };
}
