// What a run produces besides metric series: artifacts (image grids, checkpoints, exports) and
// evaluation results. Functions over a StoreContext; TrackingStore exposes them as methods.
import { TrackingInputError } from './errors.js';
import { parseJson } from './run-row.js';
import type { StoreContext } from './store-context.js';
import type { ArtifactInput, ArtifactRow, EvalResultInput, EvalResultRow } from './types.js';
import { fromWireNumber } from './wire-number.js';

const num = (v: number | null): number => (v == null ? NaN : v);
/** SQLite stores NaN as NULL: make that explicit. */
const storable = (v: number): number | null => (Number.isNaN(v) ? null : v);

const UPSERT_ARTIFACT = `
  INSERT INTO artifacts (run_id, kind, step, path, meta, created_at) VALUES (:run_id, :kind, :step, :path, :meta, :at)
  ON CONFLICT (run_id, kind, ifnull(step, -1), path) DO UPDATE SET meta = excluded.meta
  RETURNING id`;

const UPSERT_EVAL = `
  INSERT INTO eval_results (run_id, metric, value, stderr, n, step, details, created_at)
  VALUES (:run_id, :metric, :value, :stderr, :n, :step, :details, :at)
  ON CONFLICT (run_id, metric) DO UPDATE SET value = excluded.value, stderr = excluded.stderr, n = excluded.n,
  step = excluded.step, details = excluded.details, created_at = excluded.created_at`;

/** Record an image grid, checkpoint or other file of a run. Idempotent on (run, kind, step,
 *  path): re-recording updates meta. Returns the artifact id. */
export function addArtifact(ctx: StoreContext, runId: string, a: ArtifactInput): number {
  if (!a.kind || !a.path) throw new TrackingInputError('an artifact needs a kind and a path');
  return ctx.write(() => {
    if (!ctx.runExists(runId)) throw new TrackingInputError(`unknown run ${runId}`);
    const row = ctx.db.prepare(UPSERT_ARTIFACT).get({
      run_id: runId,
      kind: a.kind,
      step: a.step ?? null,
      path: a.path,
      meta: JSON.stringify(a.meta ?? {}),
      at: a.at ?? Date.now(),
    }) as { id: number };
    return row.id;
  });
}

/** Artifacts of a run, by step then id; filter by kind(s) and/or step. */
/** Forget an artifact whose file is gone (e.g. a deleted checkpoint folder); true if it was recorded. */
export function removeArtifact(ctx: StoreContext, runId: string, kind: string, path: string): boolean {
  return ctx.write(() => ctx.db.prepare('DELETE FROM artifacts WHERE run_id = ? AND kind = ? AND path = ?').run(runId, kind, path).changes > 0);
}

export function listArtifacts(ctx: StoreContext, runId: string, filter: { kind?: string | string[]; step?: number } = {}): ArtifactRow[] {
  const where = ['run_id = ?'];
  const params: unknown[] = [runId];
  if (filter.kind !== undefined) {
    const kinds = Array.isArray(filter.kind) ? filter.kind : [filter.kind];
    where.push(`kind IN (${kinds.map(() => '?').join(',') || 'NULL'})`);
    params.push(...kinds);
  }
  if (filter.step !== undefined) {
    where.push('step = ?');
    params.push(filter.step);
  }
  const rows = ctx.db
    .prepare(`SELECT * FROM artifacts WHERE ${where.join(' AND ')} ORDER BY step NULLS FIRST, id`)
    .all(...params) as { id: number; run_id: string; kind: string; step: number | null; path: string; meta: string; created_at: number }[];
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    kind: r.kind,
    step: r.step,
    path: r.path,
    meta: parseJson(r.meta, {}),
    createdAt: r.created_at,
  }));
}

/** Steps that have an artifact of `kind` (the image-grid step slider). */
export function artifactSteps(ctx: StoreContext, runId: string, kind: string): number[] {
  return ctx.db
    .prepare('SELECT DISTINCT step FROM artifacts WHERE run_id = ? AND kind = ? AND step IS NOT NULL ORDER BY step')
    .pluck()
    .all(runId, kind) as number[];
}


/** Insert or replace the result of `metric` for a run. */
export function upsertEvalResult(ctx: StoreContext, runId: string, r: EvalResultInput): void {
  if (!r.metric) throw new TrackingInputError('an eval result needs a metric name');
  const value = fromWireNumber(r.value);
  if (value === undefined) throw new TrackingInputError(`eval result ${r.metric}: value must be a number, got ${JSON.stringify(r.value)}`);
  ctx.write(() => {
    if (!ctx.runExists(runId)) throw new TrackingInputError(`unknown run ${runId}`);
    ctx.db.prepare(UPSERT_EVAL).run({
      run_id: runId,
      metric: r.metric,
      value: storable(value),
      stderr: r.stderr ?? null,
      n: r.n ?? null,
      step: r.step ?? null,
      details: JSON.stringify(r.details ?? {}),
      at: r.at ?? Date.now(),
    });
  });
}

/** Eval results of given runs, or of every run of a sweep. */
export function evalResults(ctx: StoreContext, where: { runId?: string; runIds?: string[]; sweepId?: string }): EvalResultRow[] {
  const ids = where.runIds ?? (where.runId !== undefined ? [where.runId] : undefined);
  let rows: Record<string, unknown>[];
  if (ids) {
    rows = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      rows.push(
        ...(ctx.db
          .prepare(`SELECT * FROM eval_results WHERE run_id IN (${chunk.map(() => '?').join(',')}) ORDER BY run_id, metric`)
          .all(...chunk) as Record<string, unknown>[]),
      );
    }
  } else if (where.sweepId !== undefined) {
    rows = ctx.db
      .prepare(
        'SELECT e.* FROM eval_results e JOIN runs r ON r.id = e.run_id WHERE r.sweep_id = ? ORDER BY e.run_id, e.metric',
      )
      .all(where.sweepId) as Record<string, unknown>[];
  } else {
    throw new TrackingInputError('evalResults needs runId, runIds or sweepId');
  }
  return rows.map((r) => ({
    runId: r.run_id as string,
    metric: r.metric as string,
    value: num(r.value as number | null),
    stderr: r.stderr as number | null,
    n: r.n as number | null,
    step: r.step as number | null,
    details: parseJson(r.details as string, {}),
    createdAt: r.created_at as number,
  }));
}
