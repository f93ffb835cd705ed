// Reading a metric series, downsampled on the server to at most `maxPoints` points.
//
// Downsampling is min/max decimation over step buckets: each bucket contributes its lowest and
// its highest point (at their true steps, in step order). A chart of the result has the same
// envelope as the full series: spikes (a blow-up, a loss jump after resume) are never averaged
// away, which LTTB or striding can do. Per-bucket mean and count come along for smoothed lines
// and bands.
//
// Short ranges are bucketed exactly from the raw points (one GROUP BY scan each for minima and
// maxima). Long ranges (> RAW_SCAN_LIMIT points) merge the 256-step rollups maintained on
// write, so a 1M-point series costs ~4k row reads instead of 1M; bucket edges then snap to
// 256-step boundaries, and extremes stay exact.
import type Database from 'better-sqlite3';
import { addPoints, emptyRollup, fromDb, mergeRollups, ROLLUP_STEPS, type RawPoint, type Rollup } from './metric-rollups.js';

export interface SeriesPoint {
  step: number;
  /** NaN where the run logged NaN. */
  value: number;
  wallTime: number;
}

export interface SeriesBucket {
  /** First and last step covered by the bucket (inclusive). */
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
  /** How to downsample: 'auto' (default) picks rollups for long ranges. For tests/benchmarks. */
  strategy?: 'auto' | 'raw' | 'rollup';
}

/** Above this many points in range, 'auto' reads rollups instead of raw points. */
export const RAW_SCAN_LIMIT = 100_000;

const num = (v: number | null): number => (v == null ? NaN : v);

interface SeriesRow {
  id: number;
  n: number;
  first_step: number | null;
  last_step: number | null;
}

export function readMetricSeries(db: Database.Database, runId: string, key: string, opts: SeriesOptions = {}): MetricSeries {
  const maxPoints = Math.max(4, Math.floor(opts.maxPoints ?? 1000));
  const empty: MetricSeries = { runId, key, total: 0, downsampled: false, points: [] };
  const series = db.prepare('SELECT id, n, first_step, last_step FROM metric_series WHERE run_id = ? AND key = ?').get(runId, key) as
    | SeriesRow
    | undefined;
  if (!series || series.n === 0 || series.first_step == null || series.last_step == null) return empty;
  const lo = Math.max(opts.stepMin ?? -Infinity, series.first_step);
  const hi = Math.min(opts.stepMax ?? Infinity, series.last_step);
  if (lo > hi) return empty;
  const whole = lo === series.first_step && hi === series.last_step;
  const total = whole
    ? series.n
    : (db.prepare('SELECT count(*) FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ?').pluck().get(series.id, lo, hi) as number);
  if (total === 0) return empty;

  if (total <= maxPoints) {
    const rows = db
      .prepare('SELECT step, value, wall_time FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step')
      .raw()
      .all(series.id, lo, hi) as [number, number | null, number][];
    return { runId, key, total, downsampled: false, points: rows.map(([step, value, wallTime]) => ({ step, value: num(value), wallTime })) };
  }

  const nb = Math.floor(maxPoints / 2); // two points per bucket
  const span = hi - lo + 1;
  const strategy = opts.strategy ?? 'auto';
  // Rollups only help when an output bucket spans at least two rollup buckets.
  const useRollups = strategy === 'rollup' || (strategy === 'auto' && total > RAW_SCAN_LIMIT && span / nb >= 2 * ROLLUP_STEPS);
  const folded = useRollups ? bucketsFromRollups(db, series.id, lo, hi, nb) : bucketsFromPoints(db, series.id, lo, hi, nb);

  const points: SeriesPoint[] = [];
  const buckets: SeriesBucket[] = [];
  for (const { r, stepStart, stepEnd } of folded) {
    if (r.n === 0) continue;
    if (r.minStep !== null && r.maxStep !== null) {
      const a = { step: r.minStep, value: r.minValue!, wallTime: r.minWall! };
      const c = { step: r.maxStep, value: r.maxValue!, wallTime: r.maxWall! };
      if (a.step === c.step) points.push(a);
      else points.push(...(a.step < c.step ? [a, c] : [c, a]));
    }
    buckets.push({
      stepStart,
      stepEnd,
      min: num(r.minValue),
      max: num(r.maxValue),
      mean: r.sum === null || r.nValues === 0 ? NaN : r.sum / r.nValues,
      n: r.n,
    });
  }
  return { runId, key, total, downsampled: true, points, buckets };
}

interface Folded {
  r: Rollup;
  stepStart: number;
  stepEnd: number;
}

/** Exact buckets [lo + b*span/nb, lo + (b+1)*span/nb) from the raw points. */
function bucketsFromPoints(db: Database.Database, seriesId: number, lo: number, hi: number, nb: number): Folded[] {
  const span = hi - lo + 1;
  // CAST: better-sqlite3 binds JS numbers as REAL, which would make every row its own bucket.
  const bucketExpr = `CAST(((step - :lo) * :nb) / :span AS INTEGER)`;
  const params = { sid: seriesId, lo, hi, nb, span };
  // SQLite "bare column" rule: with exactly one min()/max() aggregate, step and wall_time come
  // from the row holding that extreme. Hence one query for minima (+ sum, counts), one for maxima.
  const mins = db
    .prepare(
      `SELECT ${bucketExpr} AS b, min(value) AS v, step, wall_time AS wall, sum(value) AS sum, count(value) AS nv, count(*) AS n
       FROM metric_points WHERE series_id = :sid AND step BETWEEN :lo AND :hi GROUP BY b ORDER BY b`,
    )
    .all(params) as { b: number; v: number | null; step: number; wall: number; sum: number | null; nv: number; n: number }[];
  const maxs = db
    .prepare(
      `SELECT ${bucketExpr} AS b, max(value) AS v, step, wall_time AS wall
       FROM metric_points WHERE series_id = :sid AND step BETWEEN :lo AND :hi GROUP BY b ORDER BY b`,
    )
    .all(params) as { b: number; v: number | null; step: number; wall: number }[];
  const maxByBucket = new Map(maxs.map((m) => [m.b, m]));
  return mins.map((m) => {
    const x = maxByBucket.get(m.b)!;
    const hasValue = m.v !== null;
    return {
      r: {
        bucket: m.b,
        n: m.n,
        nValues: m.nv,
        sum: m.sum,
        minValue: m.v,
        minStep: hasValue ? m.step : null,
        minWall: hasValue ? m.wall : null,
        maxValue: x.v,
        maxStep: hasValue ? x.step : null,
        maxWall: hasValue ? x.wall : null,
      },
      stepStart: lo + Math.ceil((m.b * span) / nb),
      stepEnd: Math.min(hi, lo + Math.ceil(((m.b + 1) * span) / nb) - 1),
    };
  });
}

/** Output buckets merged from 256-step rollups; the (at most two) rollup buckets cut by the
 *  range edges are recomputed from their raw points inside the range. */
function bucketsFromRollups(db: Database.Database, seriesId: number, lo: number, hi: number, nb: number): Folded[] {
  const span = hi - lo + 1;
  const bLo = Math.floor(lo / ROLLUP_STEPS);
  const bHi = Math.floor(hi / ROLLUP_STEPS);
  const base: Rollup[] = [];
  const partial = (b: number): Rollup => {
    const pts = db
      .prepare('SELECT step, value, wall_time AS wall FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step')
      .all(seriesId, Math.max(lo, b * ROLLUP_STEPS), Math.min(hi, b * ROLLUP_STEPS + ROLLUP_STEPS - 1)) as RawPoint[];
    return addPoints(emptyRollup(b), pts);
  };
  base.push(partial(bLo));
  if (bHi > bLo + 1) {
    const rows = db
      .prepare('SELECT * FROM metric_rollups WHERE series_id = ? AND bucket BETWEEN ? AND ? ORDER BY bucket')
      .all(seriesId, bLo + 1, bHi - 1) as Parameters<typeof fromDb>[0][];
    for (const row of rows) base.push(fromDb(row));
  }
  if (bHi > bLo) base.push(partial(bHi));

  const out = new Map<number, Folded>();
  for (const r of base) {
    if (r.n === 0) continue;
    const start = Math.max(lo, r.bucket * ROLLUP_STEPS);
    const end = Math.min(hi, r.bucket * ROLLUP_STEPS + ROLLUP_STEPS - 1);
    const o = Math.min(nb - 1, Math.floor(((start - lo) * nb) / span));
    const f = out.get(o);
    if (f) {
      f.r = mergeRollups(f.r, r);
      f.stepEnd = end;
    } else out.set(o, { r, stepStart: start, stepEnd: end });
  }
  return [...out.values()];
}
