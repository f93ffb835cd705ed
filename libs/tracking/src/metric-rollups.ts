// Per-series rollups of fixed 256-step buckets (min/max point, sum, count), maintained on every
// metric write. They make two things cheap at 1M+ points: run-table summaries (last/min/max in
// `metric_series`) and downsampled charts of long ranges (read ~points/256 rows instead of all).
//
// Appending (steps beyond the series' last step: the normal case) merges the batch into the
// existing rollup rows; a write that may replace points (resume re-logs steps, out-of-order
// logging) recomputes the touched buckets from the raw points, so replaced values never linger.
import type Database from 'better-sqlite3';

export const ROLLUP_STEPS = 256;

export function bucketOf(step: number): number {
  return Math.floor(step / ROLLUP_STEPS);
}

export interface RawPoint {
  step: number;
  value: number | null; // null = NaN
  wall: number;
}

export interface Rollup {
  bucket: number;
  n: number;
  nValues: number;
  sum: number | null;
  minValue: number | null;
  minStep: number | null;
  minWall: number | null;
  maxValue: number | null;
  maxStep: number | null;
  maxWall: number | null;
}

export function emptyRollup(bucket: number): Rollup {
  return { bucket, n: 0, nValues: 0, sum: 0, minValue: null, minStep: null, minWall: null, maxValue: null, maxStep: null, maxWall: null };
}

/** Fold points into a rollup (ties keep the earliest step, like a stable scan). */
export function addPoints(r: Rollup, points: RawPoint[]): Rollup {
  const out = { ...r };
  for (const p of points) {
    out.n++;
    if (p.value === null) continue;
    out.nValues++;
    out.sum = out.sum === null ? null : out.sum + p.value;
    if (out.minValue === null || p.value < out.minValue || (p.value === out.minValue && p.step < out.minStep!)) {
      out.minValue = p.value;
      out.minStep = p.step;
      out.minWall = p.wall;
    }
    if (out.maxValue === null || p.value > out.maxValue || (p.value === out.maxValue && p.step < out.maxStep!)) {
      out.maxValue = p.value;
      out.maxStep = p.step;
      out.maxWall = p.wall;
    }
  }
  if (out.sum !== null && Number.isNaN(out.sum)) out.sum = null; // +Inf + -Inf
  return out;
}

export function mergeRollups(a: Rollup, b: Rollup): Rollup {
  const out = { ...a, n: a.n + b.n, nValues: a.nValues + b.nValues };
  out.sum = a.sum === null || b.sum === null ? null : a.sum + b.sum;
  if (out.sum !== null && Number.isNaN(out.sum)) out.sum = null;
  if (b.minValue !== null && (out.minValue === null || b.minValue < out.minValue || (b.minValue === out.minValue && b.minStep! < out.minStep!))) {
    out.minValue = b.minValue;
    out.minStep = b.minStep;
    out.minWall = b.minWall;
  }
  if (b.maxValue !== null && (out.maxValue === null || b.maxValue > out.maxValue || (b.maxValue === out.maxValue && b.maxStep! < out.maxStep!))) {
    out.maxValue = b.maxValue;
    out.maxStep = b.maxStep;
    out.maxWall = b.maxWall;
  }
  return out;
}

interface RollupDbRow {
  bucket: number;
  n: number;
  n_values: number;
  sum_value: number | null;
  min_value: number | null;
  min_step: number | null;
  min_wall: number | null;
  max_value: number | null;
  max_step: number | null;
  max_wall: number | null;
}

export function fromDb(r: RollupDbRow): Rollup {
  return {
    bucket: r.bucket,
    n: r.n,
    nValues: r.n_values,
    sum: r.sum_value,
    minValue: r.min_value,
    minStep: r.min_step,
    minWall: r.min_wall,
    maxValue: r.max_value,
    maxStep: r.max_step,
    maxWall: r.max_wall,
  };
}

interface SeriesSummaryRow {
  n: number;
  last_step: number | null;
}

/** Keeps `metric_rollups` and the summary columns of `metric_series` in step with the points.
 *  Call inside the write transaction, after the points of a batch were upserted. */
export class RollupMaintainer {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      summary: db.prepare('SELECT n, last_step FROM metric_series WHERE id = ?'),
      getRollup: db.prepare('SELECT * FROM metric_rollups WHERE series_id = ? AND bucket = ?'),
      putRollup: db.prepare(
        `INSERT OR REPLACE INTO metric_rollups (series_id, bucket, n, n_values, sum_value, min_value, min_step, min_wall, max_value, max_step, max_wall)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      delRollup: db.prepare('DELETE FROM metric_rollups WHERE series_id = ? AND bucket = ?'),
      bucketPoints: db.prepare('SELECT step, value, wall_time AS wall FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step'),
      appendSummary: db.prepare(
        `UPDATE metric_series SET n = n + :n, first_step = coalesce(first_step, :first), last_step = :last,
           last_value = :lastValue, last_wall = :lastWall,
           min_value = CASE WHEN :min IS NULL THEN min_value WHEN min_value IS NULL OR :min < min_value THEN :min ELSE min_value END,
           max_value = CASE WHEN :max IS NULL THEN max_value WHEN max_value IS NULL OR :max > max_value THEN :max ELSE max_value END
         WHERE id = :id`,
      ),
      recomputeSummary: db.prepare(
        `UPDATE metric_series SET
           n = (SELECT ifnull(sum(n), 0) FROM metric_rollups WHERE series_id = :id),
           min_value = (SELECT min(min_value) FROM metric_rollups WHERE series_id = :id),
           max_value = (SELECT max(max_value) FROM metric_rollups WHERE series_id = :id),
           first_step = (SELECT step FROM metric_points WHERE series_id = :id ORDER BY step LIMIT 1),
           last_step = (SELECT step FROM metric_points WHERE series_id = :id ORDER BY step DESC LIMIT 1),
           last_value = (SELECT value FROM metric_points WHERE series_id = :id ORDER BY step DESC LIMIT 1),
           last_wall = (SELECT wall_time FROM metric_points WHERE series_id = :id ORDER BY step DESC LIMIT 1)
         WHERE id = :id`,
      ),
    };
  }

  /** `points`: what was just upserted for one series (any order, duplicates allowed). */
  afterWrite(seriesId: number, points: RawPoint[]): void {
    if (points.length === 0) return;
    // Sequential upsert semantics: the last write of a step wins.
    const byStep = new Map<number, RawPoint>();
    for (const p of points) byStep.set(p.step, p);
    const batch = [...byStep.values()].sort((a, b) => a.step - b.step);
    const first = batch[0];
    const last = batch.at(-1);
    if (first === undefined || last === undefined) return; // no points (checked above)
    const sum = this.s.summary.get(seriesId) as SeriesSummaryRow;
    const appendOnly = sum.n === 0 || first.step > sum.last_step!;
    const buckets = new Map<number, RawPoint[]>();
    for (const p of batch) {
      const b = bucketOf(p.step);
      const list = buckets.get(b);
      if (list) list.push(p);
      else buckets.set(b, [p]);
    }
    if (appendOnly) {
      let whole = emptyRollup(0);
      for (const [b, pts] of buckets) {
        const existing = this.s.getRollup.get(seriesId, b) as RollupDbRow | undefined;
        const part = addPoints(emptyRollup(b), pts);
        whole = mergeRollups(whole, part);
        this.put(seriesId, existing ? mergeRollups(fromDb(existing), part) : part);
      }
      this.s.appendSummary.run({
        id: seriesId,
        n: batch.length,
        first: first.step,
        last: last.step,
        lastValue: last.value,
        lastWall: last.wall,
        min: whole.minValue,
        max: whole.maxValue,
      });
    } else {
      for (const b of buckets.keys()) this.recomputeBucket(seriesId, b);
      this.s.recomputeSummary.run({ id: seriesId });
    }
  }

  /** Rebuild every rollup and the summary of a series from its points (migration backfill). */
  rebuildSeries(seriesId: number): void {
    this.db.prepare('DELETE FROM metric_rollups WHERE series_id = ?').run(seriesId);
    const rows = this.db
      .prepare('SELECT step >> 8 AS bucket FROM metric_points WHERE series_id = ? GROUP BY bucket')
      .pluck()
      .all(seriesId) as number[];
    for (const b of rows) this.recomputeBucket(seriesId, b);
    this.s.recomputeSummary.run({ id: seriesId });
  }

  private recomputeBucket(seriesId: number, bucket: number): void {
    const pts = this.s.bucketPoints.all(seriesId, bucket * ROLLUP_STEPS, bucket * ROLLUP_STEPS + ROLLUP_STEPS - 1) as RawPoint[];
    if (pts.length === 0) this.s.delRollup.run(seriesId, bucket);
    else this.put(seriesId, addPoints(emptyRollup(bucket), pts));
  }

  private put(seriesId: number, r: Rollup): void {
    this.s.putRollup.run(seriesId, r.bucket, r.n, r.nValues, r.sum, r.minValue, r.minStep, r.minWall, r.maxValue, r.maxStep, r.maxWall);
  }
}
