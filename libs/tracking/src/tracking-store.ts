// The tracking store: one SQLite file (WAL) shared by every process of a machine. Writes are
// short IMMEDIATE transactions retried with backoff on SQLITE_BUSY; reads never block writers.
//
//   const store = openStore(cfg.tracking.db);
//   const run = store.createRun({ method: 'bicyclegan', config });
//   const metrics = store.metricWriter(run.id);
//   metrics.log(step, { G_GAN: 0.7, G_L1: 0.31 });      // buffered, batched
//   store.heartbeat(run.id);                             // every iteration or few seconds
//   await metrics.close(); store.finishRun(run.id, 'finished');
import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { DEFAULT_RETRY, withBusyRetry, type RetryOptions } from './busy-retry.js';
import { configHash, groupKey as computeGroupKey } from './config-hash.js';
import { TrackingInputError } from './errors.js';
import { newRunId, newSweepId } from './ids.js';
import type { OpenDatabaseOptions } from './open-database.js';
import type { IngestResult, TrackingRecord } from './records.js';
import { buildRunOrder, buildRunWhere, type MetricAgg, type RunFilter, type RunQuery } from './run-filter.js';
import { groupRunRows, type GroupMetricSpec, type RunGroup } from './run-groups.js';
import { parseJson, RUN_COLUMNS_NO_CONFIG, toRunRow, type RunDbRow } from './run-row.js';
import { MetricWriter, type MetricWriterOptions } from './metric-writer.js';
import { readMetricSeries, type MetricSeries, type SeriesOptions } from './metric-series.js';
import { RollupMaintainer, type RawPoint } from './metric-rollups.js';
import { wilsonInterval } from './wilson.js';
import { processAlive } from './process-alive.js';
import { assertRecord } from './record-validation.js';
import { fromWireNumber } from './wire-number.js';
import { readGroupSeries, type GroupSeries } from './group-series.js';
import type {
  ArtifactInput,
  ArtifactRow,
  EvalResultInput,
  EvalResultRow,
  ExitStatus,
  FoolingRate,
  JudgmentInput,
  JudgmentRow,
  MetricPoint,
  NewRun,
  NewSweep,
  NewSweepJob,
  RunRow,
  RunStatus,
  SweepJobRow,
  SweepJobUpdate,
  SweepRow,
  SweepStatus,
  SweepWithJobs,
} from './types.js';

export interface StoreOptions extends OpenDatabaseOptions {
  /** A running run whose heartbeat is older than this is `crashed` (default 300 s). Writers
   *  should heartbeat well within it (the trainer does every iteration / few seconds). */
  staleAfterSeconds?: number;
}

export interface MetricSummary {
  runId: string;
  key: string;
  last: number;
  lastStep: number;
  min: number;
  max: number;
  /** points in the series */
  n: number;
}

export interface ResumeOptions {
  at?: number;
  pid?: number | null;
  host?: string | null;
  /** Resume even if the run looks alive (fresh heartbeat). Replayed records use this. */
  force?: boolean;
}

const EXIT_STATUSES: readonly ExitStatus[] = ['finished', 'failed', 'killed'];
const num = (v: number | null): number => (v == null ? NaN : v);
/** SQLite stores NaN as NULL: make that explicit. ±Infinity are stored as is. */
const storable = (v: number): number | null => (Number.isNaN(v) ? null : v);

interface SweepDbRow {
  id: string;
  name: string;
  experiment: string | null;
  status: string;
  grid: string;
  overrides: string;
  launcher: string;
  sweep_dir: string | null;
  command: string | null;
  created_at: number;
  updated_at: number;
}

export class TrackingStore {
  readonly staleAfterSeconds: number;
  private readonly retry: RetryOptions;
  private readonly seriesIds = new Map<string, number>();
  private readonly stmts: ReturnType<typeof prepareStatements>;
  private readonly rollups: RollupMaintainer;
  private localWrites = 0;

  constructor(
    /** The better-sqlite3 handle, for ad-hoc read queries (prefer the methods). */
    readonly db: Database.Database,
    readonly path: string,
    private readonly opts: StoreOptions = {},
  ) {
    this.staleAfterSeconds = opts.staleAfterSeconds ?? 300;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.stmts = prepareStatements(db);
    this.rollups = new RollupMaintainer(db);
  }

  get readonly(): boolean {
    return this.opts.readonly ?? false;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Run `fn` in an IMMEDIATE transaction (write lock up front: no deadlock-y lock upgrade),
   *  retried with backoff while another process holds the lock. Nested calls join the outer one. */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const tx = this.db.transaction(fn);
    const out = withBusyRetry(() => tx.immediate(), this.retry);
    this.localWrites++;
    return out;
  }

  /** Changes whenever the database changed (any process, this one included): poll it cheaply
   *  (no table read) to push live updates only when there is something new. */
  changeToken(): string {
    return `${this.db.pragma('data_version', { simple: true }) as number}:${this.localWrites}`;
  }

  // ---------------------------------------------------------------- runs

  createRun(input: NewRun): RunRow {
    if (!input.method) throw new TrackingInputError('createRun needs a method (e.g. bicyclegan)');
    if (!input.config || typeof input.config !== 'object') throw new TrackingInputError('createRun needs the resolved config object');
    const at = input.at ?? Date.now();
    let id = input.id ?? newRunId(new Date(at));
    // A generated id is unique with overwhelming odds; never fail a run on the rare clash.
    while (input.id === undefined && this.stmts.runExists.get(id)) id = newRunId(new Date(at));
    const configSeed = (input.config as { seed?: unknown }).seed;
    const seed = input.seed !== undefined ? input.seed : typeof configSeed === 'number' ? configSeed : null;
    const row = {
      id,
      name: input.name ?? (typeof input.config.name === 'string' && input.config.name ? input.config.name : id),
      method: input.method,
      config: JSON.stringify(input.config),
      config_hash: configHash(input.config),
      group_key: input.groupKey ?? computeGroupKey(input.config),
      seed,
      experiment: input.experiment ?? null,
      at,
      git_commit: input.gitCommit ?? null,
      git_dirty: input.gitDirty == null ? null : input.gitDirty ? 1 : 0,
      host: input.host === undefined ? hostname() : input.host,
      pid: input.pid === undefined ? process.pid : input.pid,
      backend: input.backend ?? null,
      package_versions: JSON.stringify(input.packageVersions ?? {}),
      command: input.command ?? null,
      run_dir: input.runDir ?? null,
      sweep_id: input.sweepId ?? null,
      job_id: input.jobId ?? null,
      tags: JSON.stringify(input.tags ?? []),
      notes: input.notes ?? null,
    };
    this.write(() => {
      if (this.stmts.runExists.get(id)) throw new TrackingInputError(`run ${id} already exists: pick another id or resume it`);
      if (row.sweep_id && !this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(row.sweep_id)) {
        throw new TrackingInputError(`unknown sweep ${row.sweep_id}: create the sweep before its runs`);
      }
      this.stmts.insertRun.run(row);
    });
    return this.getRun(id)!;
  }

  /** Record that the run is alive. A run marked `crashed` that heartbeats again was only
   *  stalled (a very long step, a suspended laptop): it goes back to `running`. */
  heartbeat(runId: string, at: number = Date.now()): void {
    const changes = this.write(() => this.stmts.heartbeat.run({ id: runId, at }).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  /** Record the end of a run. Only a running (or crashed-looking) run can end: the first exit
   *  recorded wins, so a SIGTERM handler after a NaN failure keeps `failed`. Returns whether
   *  the status changed. */
  finishRun(runId: string, status: ExitStatus, reason?: string | null, at: number = Date.now()): boolean {
    if (!EXIT_STATUSES.includes(status)) {
      throw new TrackingInputError(`a run cannot end as '${status}': use finished, failed or killed`);
    }
    return this.write(() => {
      const changes = this.stmts.finish.run({ id: runId, status, reason: reason ?? null, at }).changes;
      if (changes === 0 && !this.stmts.runExists.get(runId)) throw new TrackingInputError(`unknown run ${runId}`);
      return changes > 0;
    });
  }

  /** Bring a run back to `running` (training resumes from its checkpoint). Refuses a run whose
   *  heartbeat is fresh (two processes must not train one run) unless its process is provably
   *  gone (same host, pid no longer exists). */
  resumeRun(runId: string, opts: ResumeOptions = {}): RunRow {
    const at = opts.at ?? Date.now();
    this.write(() => {
      const r = this.stmts.getRun.get(runId) as RunDbRow | undefined;
      if (!r) throw new TrackingInputError(`unknown run ${runId}: check the id with 'workbench runs'`);
      // A fresh heartbeat means alive, unless the run's process was on this machine and is gone
      // (kill -9 a moment ago): then resuming right away is fine.
      const provedDead = r.host === hostname() && r.pid !== null && r.pid !== process.pid && !processAlive(r.pid);
      if (!opts.force && !provedDead && r.status === 'running' && at - r.heartbeat_at < this.staleAfterSeconds * 1000) {
        throw new TrackingInputError(
          `run ${runId} is still running (heartbeat ${Math.round((at - r.heartbeat_at) / 1000)} s ago): stop it before resuming`,
        );
      }
      this.stmts.resume.run({
        id: runId,
        at,
        pid: opts.pid === undefined ? process.pid : opts.pid,
        host: opts.host === undefined ? hostname() : opts.host,
      });
    });
    return this.getRun(runId)!;
  }

  /** Mark running runs whose heartbeat is older than the threshold as `crashed`. Returns how
   *  many changed. List queries call it; call it yourself for other reads. */
  markStaleRunsCrashed(thresholdSeconds: number = this.staleAfterSeconds, now: number = Date.now()): number {
    if (this.readonly) return 0;
    // Cheap read first so list queries do not take the write lock when nothing is stale.
    const cutoff = now - thresholdSeconds * 1000;
    if (!this.stmts.anyStale.get(cutoff)) return 0;
    return this.write(() => this.stmts.markCrashed.run({ cutoff, threshold: String(thresholdSeconds) }).changes);
  }

  setTags(runId: string, tags: string[]): void {
    const changes = this.write(() => this.db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify(tags), runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  setNotes(runId: string, notes: string | null): void {
    const changes = this.write(() => this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  renameRun(runId: string, name: string): void {
    const changes = this.write(() => this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  /** Delete a run and everything it logged (metrics, artifacts rows, evals, judgments). Files on
   *  disk are the caller's business. */
  deleteRun(runId: string): boolean {
    for (const k of [...this.seriesIds.keys()]) if (k.startsWith(runId + '\u0000')) this.seriesIds.delete(k);
    return this.write(() => this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0);
  }

  // ---------------------------------------------------------------- metrics

  /** Write points in one transaction. Re-logging (run, key, step) replaces the old point. */
  logMetrics(runId: string, points: MetricPoint[]): void {
    if (points.length === 0) return;
    const now = Date.now();
    const values = points.map((p) => {
      if (typeof p.key !== 'string' || p.key === '') throw new TrackingInputError(`metric key must be a non-empty string (run ${runId})`);
      if (!Number.isSafeInteger(p.step)) throw new TrackingInputError(`metric ${p.key}: step must be an integer, got ${p.step}`);
      const v = fromWireNumber(p.value);
      if (v === undefined) throw new TrackingInputError(`metric ${p.key}: value must be a number, got ${JSON.stringify(p.value)}`);
      return v;
    });
    this.write(() => {
      const bySeries = new Map<number, RawPoint[]>();
      for (const [i, p] of points.entries()) {
        const sid = this.seriesId(runId, p.key);
        const raw = { step: p.step, value: storable(values[i]), wall: p.wallTime ?? now };
        this.stmts.upsertPoint.run(sid, raw.step, raw.value, raw.wall);
        const list = bySeries.get(sid);
        if (list) list.push(raw);
        else bySeries.set(sid, [raw]);
      }
      for (const [sid, pts] of bySeries) this.rollups.afterWrite(sid, pts);
    });
  }

  /** A buffered writer for one run (see MetricWriter). Close it before finishRun. */
  metricWriter(runId: string, opts?: MetricWriterOptions): MetricWriter {
    return new MetricWriter((id, points) => this.logMetrics(id, points), runId, opts);
  }

  private seriesId(runId: string, key: string): number {
    const cacheKey = runId + '\u0000' + key;
    const cached = this.seriesIds.get(cacheKey);
    if (cached !== undefined) return cached;
    let row = this.stmts.getSeries.get(runId, key) as { id: number } | undefined;
    if (!row) {
      if (!this.stmts.runExists.get(runId)) throw new TrackingInputError(`unknown run ${runId}: create it before logging metrics`);
      this.stmts.insertSeries.run(runId, key);
      row = this.stmts.getSeries.get(runId, key) as { id: number };
    }
    this.seriesIds.set(cacheKey, row.id);
    return row.id;
  }

  /** Metric keys a run has logged, sorted. */
  metricKeys(runId: string): string[] {
    return this.db.prepare('SELECT key FROM metric_series WHERE run_id = ? ORDER BY key').pluck().all(runId) as string[];
  }

  /** A series, downsampled server-side to at most `maxPoints` (min/max per step bucket). */
  metricSeries(runId: string, key: string, opts?: SeriesOptions): MetricSeries {
    return readMetricSeries(this.db, runId, key, opts);
  }

  /** Last (by step), min, max and count of metrics per run: one row per (run, key) with points,
   *  in the order of `runIds`, keys sorted. `keys` absent = all keys. O(1) per row (the summary
   *  is maintained on write). */
  metricSummaries(runIds: string[], keys?: string[]): MetricSummary[] {
    if (runIds.length === 0 || keys?.length === 0) return [];
    const order = new Map(runIds.map((id, i) => [id, i]));
    const out: MetricSummary[] = [];
    // Chunks keep the bound-parameter count far below SQLite's limit.
    for (let i = 0; i < runIds.length; i += 500) {
      const ids = runIds.slice(i, i + 500);
      const keyClause = keys ? ` AND key IN (${keys.map(() => '?').join(',')})` : '';
      const rows = this.db
        .prepare(
          `SELECT run_id, key, n, last_step, last_value, min_value, max_value FROM metric_series
           WHERE run_id IN (${ids.map(() => '?').join(',')})${keyClause} AND n > 0`,
        )
        .all(...ids, ...(keys ?? [])) as {
        run_id: string;
        key: string;
        n: number;
        last_step: number;
        last_value: number | null;
        min_value: number | null;
        max_value: number | null;
      }[];
      for (const r of rows) {
        out.push({ runId: r.run_id, key: r.key, last: num(r.last_value), lastStep: r.last_step, min: num(r.min_value), max: num(r.max_value), n: r.n });
      }
    }
    return out.sort((a, b) => order.get(a.runId)! - order.get(b.runId)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** One number per run for a metric: its last, min or max value; undefined when never logged
   *  (or, for min/max, when every value was NaN). */
  metricValue(runId: string, key: string, agg: MetricAgg = 'last'): number | undefined {
    const s = this.db
      .prepare('SELECT n, last_value, min_value, max_value FROM metric_series WHERE run_id = ? AND key = ?')
      .get(runId, key) as { n: number; last_value: number | null; min_value: number | null; max_value: number | null } | undefined;
    if (!s || s.n === 0) return undefined;
    if (agg === 'last') return num(s.last_value);
    const v = agg === 'min' ? s.min_value : s.max_value;
    return v == null ? undefined : v;
  }

  // ---------------------------------------------------------------- artifacts

  /** Record an image grid, checkpoint or other file of a run. Idempotent on (run, kind, step,
   *  path): re-recording updates meta. Returns the artifact id. */
  addArtifact(runId: string, a: ArtifactInput): number {
    if (!a.kind || !a.path) throw new TrackingInputError('an artifact needs a kind and a path');
    return this.write(() => {
      if (!this.stmts.runExists.get(runId)) throw new TrackingInputError(`unknown run ${runId}`);
      const row = this.stmts.upsertArtifact.get({
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
  listArtifacts(runId: string, filter: { kind?: string | string[]; step?: number } = {}): ArtifactRow[] {
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
    const rows = this.db
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
  artifactSteps(runId: string, kind: string): number[] {
    return this.db
      .prepare('SELECT DISTINCT step FROM artifacts WHERE run_id = ? AND kind = ? AND step IS NOT NULL ORDER BY step')
      .pluck()
      .all(runId, kind) as number[];
  }

  // ---------------------------------------------------------------- eval results

  /** Insert or replace the result of `metric` for a run. */
  upsertEvalResult(runId: string, r: EvalResultInput): void {
    if (!r.metric) throw new TrackingInputError('an eval result needs a metric name');
    this.write(() => {
      if (!this.stmts.runExists.get(runId)) throw new TrackingInputError(`unknown run ${runId}`);
      this.stmts.upsertEval.run({
        run_id: runId,
        metric: r.metric,
        value: storable(fromWireNumber(r.value) ?? NaN),
        stderr: r.stderr ?? null,
        n: r.n ?? null,
        step: r.step ?? null,
        details: JSON.stringify(r.details ?? {}),
        at: r.at ?? Date.now(),
      });
    });
  }

  /** Eval results of given runs, or of every run of a sweep. */
  evalResults(where: { runId?: string; runIds?: string[]; sweepId?: string }): EvalResultRow[] {
    const ids = where.runIds ?? (where.runId !== undefined ? [where.runId] : undefined);
    let rows: Record<string, unknown>[];
    if (ids) {
      rows = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        rows.push(
          ...(this.db
            .prepare(`SELECT * FROM eval_results WHERE run_id IN (${chunk.map(() => '?').join(',')}) ORDER BY run_id, metric`)
            .all(...chunk) as Record<string, unknown>[]),
        );
      }
    } else if (where.sweepId !== undefined) {
      rows = this.db
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

  // ---------------------------------------------------------------- realism study

  /** Record one answer; with `key`, a resubmitted answer is a no-op. Returns the judgment id. */
  addJudgment(j: JudgmentInput): number {
    if (j.chosen !== 'real' && j.chosen !== 'fake') throw new TrackingInputError(`judgment.chosen must be 'real' or 'fake'`);
    return this.write(() => {
      if (!this.stmts.runExists.get(j.runId)) throw new TrackingInputError(`unknown run ${j.runId}`);
      if (j.key) {
        const existing = this.db.prepare('SELECT id FROM judgments WHERE idem_key = ?').get(j.key) as { id: number } | undefined;
        if (existing) return existing.id;
      }
      const info = this.stmts.insertJudgment.run({
        run_id: j.runId,
        real_ref: j.realRef,
        fake_ref: j.fakeRef,
        chosen: j.chosen,
        response_ms: j.responseMs ?? null,
        shown_ms: j.shownMs ?? null,
        real_side: j.realSide ?? null,
        participant: j.participant ?? null,
        session: j.session ?? null,
        idem_key: j.key ?? null,
        at: j.at ?? Date.now(),
      });
      return Number(info.lastInsertRowid);
    });
  }

  judgments(runId: string, opts: { limit?: number; offset?: number } = {}): JudgmentRow[] {
    const rows = this.db
      .prepare('SELECT * FROM judgments WHERE run_id = ? ORDER BY id LIMIT ? OFFSET ?')
      .all(runId, opts.limit ?? -1, opts.offset ?? 0) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as number,
      runId: r.run_id as string,
      realRef: r.real_ref as string,
      fakeRef: r.fake_ref as string,
      chosen: r.chosen as 'real' | 'fake',
      responseMs: r.response_ms as number | null,
      shownMs: r.shown_ms as number | null,
      realSide: r.real_side as 'left' | 'right' | null,
      participant: r.participant as string | null,
      session: r.session as string | null,
      createdAt: r.created_at as number,
    }));
  }

  /** Fooling rate (fake picked as real) per run with a Wilson interval. Runs without answers
   *  are omitted; `runIds` absent = every run with answers. */
  foolingRates(runIds?: string[], confidence = 0.95): FoolingRate[] {
    const rows = (
      runIds
        ? runIds.length === 0
          ? []
          : this.db
              .prepare(
                `SELECT run_id, count(*) AS n, sum(chosen = 'fake') AS fooled FROM judgments
                 WHERE run_id IN (${runIds.map(() => '?').join(',')}) GROUP BY run_id ORDER BY run_id`,
              )
              .all(...runIds)
        : this.db
            .prepare(`SELECT run_id, count(*) AS n, sum(chosen = 'fake') AS fooled FROM judgments GROUP BY run_id ORDER BY run_id`)
            .all()
    ) as { run_id: string; n: number; fooled: number }[];
    return rows.map((r) => ({ runId: r.run_id, n: r.n, fooled: r.fooled, rate: r.fooled / r.n, ...wilsonInterval(r.fooled, r.n, confidence), confidence }));
  }

  foolingRate(runId: string, confidence = 0.95): FoolingRate {
    return this.foolingRates([runId], confidence)[0] ?? { runId, n: 0, fooled: 0, rate: NaN, low: 0, high: 1, confidence };
  }

  // ---------------------------------------------------------------- sweeps

  createSweep(s: NewSweep = {}): SweepRow {
    const at = s.at ?? Date.now();
    const id = s.id ?? newSweepId(new Date(at));
    this.write(() => {
      if (this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id)) throw new TrackingInputError(`sweep ${id} already exists`);
      this.db
        .prepare(
          `INSERT INTO sweeps (id, name, experiment, status, grid, overrides, launcher, sweep_dir, command, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          s.name ?? id,
          s.experiment ?? null,
          s.status ?? 'pending',
          JSON.stringify(s.grid ?? {}),
          JSON.stringify(s.overrides ?? []),
          JSON.stringify(s.launcher ?? {}),
          s.sweepDir ?? null,
          s.command ?? null,
          at,
          at,
        );
    });
    return this.getSweepRow(id)!;
  }

  /** Update a sweep's status and/or launcher info. */
  updateSweep(sweepId: string, u: { status?: SweepStatus; launcher?: Record<string, unknown>; sweepDir?: string | null; at?: number }): void {
    const changes = this.write(
      () =>
        this.db
          .prepare(
            `UPDATE sweeps SET status = coalesce(?, status), launcher = coalesce(?, launcher),
               sweep_dir = CASE WHEN ? THEN ? ELSE sweep_dir END, updated_at = ? WHERE id = ?`,
          )
          .run(
            u.status ?? null,
            u.launcher ? JSON.stringify(u.launcher) : null,
            u.sweepDir !== undefined ? 1 : 0,
            u.sweepDir ?? null,
            u.at ?? Date.now(),
            sweepId,
          ).changes,
    );
    if (changes === 0) throw new TrackingInputError(`unknown sweep ${sweepId}`);
  }

  /** Add (or re-plan) jobs. An existing job id keeps its status, run, attempts and Slurm ids;
   *  its index and overrides are updated. */
  addSweepJobs(sweepId: string, jobs: NewSweepJob[], at: number = Date.now()): void {
    this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(sweepId)) throw new TrackingInputError(`unknown sweep ${sweepId}`);
      const up = this.db.prepare(
        `INSERT INTO sweep_jobs (sweep_id, job_id, idx, overrides, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sweep_id, job_id) DO UPDATE SET idx = excluded.idx, overrides = excluded.overrides, updated_at = excluded.updated_at`,
      );
      // Re-planning may permute indices: park the re-planned jobs on negative indices first so
      // the UNIQUE (sweep_id, idx) constraint only trips on a real clash with another job.
      const park = this.db.prepare('UPDATE sweep_jobs SET idx = -1 - idx WHERE sweep_id = ? AND job_id = ? AND idx >= 0');
      for (const j of jobs) park.run(sweepId, j.jobId);
      this.db.prepare('UPDATE sweeps SET updated_at = ? WHERE id = ?').run(at, sweepId);
      for (const j of jobs) {
        try {
          up.run(sweepId, j.jobId, j.index, JSON.stringify(j.overrides), j.status ?? 'pending', at, at);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
            throw new TrackingInputError(`sweep ${sweepId}: index ${j.index} of job ${j.jobId} is already used by another job`);
          }
          throw err;
        }
      }
    });
  }

  updateSweepJob(sweepId: string, jobId: string, u: SweepJobUpdate): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (col: string, v: unknown) => (sets.push(`${col} = ?`), params.push(v));
    if (u.status !== undefined) set('status', u.status);
    if (u.runId !== undefined) set('run_id', u.runId);
    if (u.attempts !== undefined) set('attempts', u.attempts);
    if (u.incrementAttempts) sets.push('attempts = attempts + 1');
    if (u.slurmJobId !== undefined) set('slurm_job_id', u.slurmJobId);
    if (u.slurmArrayTaskId !== undefined) set('slurm_array_task_id', u.slurmArrayTaskId);
    if (u.exitReason !== undefined) set('exit_reason', u.exitReason);
    if (u.startedAt !== undefined) set('started_at', u.startedAt);
    if (u.endedAt !== undefined) set('ended_at', u.endedAt);
    set('updated_at', u.at ?? Date.now());
    const changes = this.write(() => {
      const n = this.db.prepare(`UPDATE sweep_jobs SET ${sets.join(', ')} WHERE sweep_id = ? AND job_id = ?`).run(...params, sweepId, jobId).changes;
      // A job change is a sweep change (live views poll sweeps.updated_at).
      if (n > 0) this.db.prepare('UPDATE sweeps SET updated_at = ? WHERE id = ?').run(u.at ?? Date.now(), sweepId);
      return n;
    });
    if (changes === 0) throw new TrackingInputError(`unknown job ${jobId} in sweep ${sweepId}`);
  }

  private getSweepRow(id: string): SweepRow | undefined {
    const r = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepDbRow | undefined;
    return r && toSweepRow(r);
  }

  /** A sweep with its jobs (by index), each with the status of its run. */
  getSweep(id: string): SweepWithJobs | undefined {
    const sweep = this.getSweepRow(id);
    if (!sweep) return undefined;
    this.markStaleRunsCrashed();
    const rows = this.db
      .prepare(
        `SELECT j.*, r.status AS run_status FROM sweep_jobs j LEFT JOIN runs r ON r.id = j.run_id
         WHERE j.sweep_id = ? ORDER BY j.idx`,
      )
      .all(id) as Record<string, unknown>[];
    const jobs: SweepJobRow[] = rows.map((r) => ({
      sweepId: r.sweep_id as string,
      jobId: r.job_id as string,
      index: r.idx as number,
      overrides: parseJson<string[]>(r.overrides as string, []),
      status: r.status as string,
      runId: r.run_id as string | null,
      runStatus: (r.run_status as RunStatus | null) ?? null,
      attempts: r.attempts as number,
      slurmJobId: r.slurm_job_id as string | null,
      slurmArrayTaskId: r.slurm_array_task_id as number | null,
      exitReason: r.exit_reason as string | null,
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
      startedAt: r.started_at as number | null,
      endedAt: r.ended_at as number | null,
    }));
    const counts: Record<string, number> = {};
    for (const j of jobs) {
      const s = j.runStatus ?? j.status;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return { ...sweep, jobs, counts };
  }

  /** Sweeps, newest first, with the total count for pagination. */
  listSweeps(opts: { limit?: number; offset?: number } = {}): { sweeps: SweepRow[]; total: number } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM sweeps').get() as { n: number }).n;
    const rows = this.db
      .prepare('SELECT * FROM sweeps ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?')
      .all(opts.limit ?? -1, opts.offset ?? 0) as SweepDbRow[];
    return { sweeps: rows.map(toSweepRow), total };
  }

  // ---------------------------------------------------------------- run queries

  getRun(runId: string): RunRow | undefined {
    this.markStaleRunsCrashed();
    const r = this.stmts.getRun.get(runId) as RunDbRow | undefined;
    return r && toRunRow(r);
  }

  /** Runs matching the filter, sorted and paginated, with the total before pagination.
   *  Stale running runs are marked crashed first. */
  listRuns(q: RunQuery = {}): { runs: RunRow[]; total: number } {
    this.markStaleRunsCrashed();
    const where = buildRunWhere(q);
    const order = buildRunOrder(q.sort, q.order);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM runs r ${where.sql}`).get(...where.params) as { n: number }).n;
    const limit = q.limit ?? -1;
    const includeConfig = q.includeConfig ?? true;
    if (q.limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new TrackingInputError(`limit must be a non-negative integer, got ${q.limit}`);
    const rows = this.db
      .prepare(`SELECT ${includeConfig ? 'r.*' : RUN_COLUMNS_NO_CONFIG} FROM runs r ${where.sql} ${order.sql} LIMIT ? OFFSET ?`)
      .all(...where.params, ...order.params, limit, q.offset ?? 0) as RunDbRow[];
    return { runs: rows.map((r) => toRunRow(r, includeConfig)), total };
  }

  /** Runs grouped by config ignoring the seed, with mean ± std (n) of the chosen metrics. Groups
   *  come newest first. */
  groupRuns(filter: RunFilter, metrics: GroupMetricSpec[]): RunGroup[] {
    const { runs } = this.listRuns({ ...filter, sort: 'createdAt', order: 'desc', includeConfig: false });
    const ids = runs.map((r) => r.id);
    const values = new Map<string, number>(); // `${runId}\0${label}` -> value
    const seriesKeys = [...new Set(metrics.filter((m) => m.agg !== 'eval').map((m) => m.key))];
    if (seriesKeys.length > 0) {
      for (const s of this.metricSummaries(ids, seriesKeys)) {
        values.set(`${s.runId}\u0000${s.key}\u0000last`, s.last);
        values.set(`${s.runId}\u0000${s.key}\u0000min`, s.min);
        values.set(`${s.runId}\u0000${s.key}\u0000max`, s.max);
      }
    }
    if (metrics.some((m) => m.agg === 'eval')) {
      for (const e of this.evalResults({ runIds: ids })) values.set(`${e.runId}\u0000${e.metric}\u0000eval`, e.value);
    }
    const groups = groupRunRows(runs, metrics, (runId, spec) => values.get(`${runId}\u0000${spec.key}\u0000${spec.agg ?? 'last'}`));
    // Only the representative (newest) config of each group is parsed.
    for (const g of groups) g.config = parseJson(this.stmts.getRunConfig.get(g.runIds[0]) as string | undefined, {});
    return groups;
  }

  /** One metric over several runs (e.g. a group's seeds) as mean ± std per step bucket. */
  groupSeries(runIds: string[], key: string, opts?: { maxPoints?: number }): GroupSeries {
    return readGroupSeries(this.db, runIds, key, opts);
  }

  /** Config keys (dotted) of the matching runs with how many distinct values each takes and how
   *  many runs have it: the columns worth showing are those with distinct > 1 or runs < total.
   *  Arrays count as single values. Scans every config: pass a filter (a sweep) for big DBs. */
  configKeys(filter: RunFilter = {}): { key: string; distinct: number; runs: number }[] {
    const where = buildRunWhere(filter);
    const rows = this.db
      .prepare(
        `SELECT j.fullkey AS path, count(DISTINCT j.type || ':' || ifnull(j.value, '')) AS distinct_n, count(*) AS runs
         FROM runs r, json_tree(r.config) j
         ${where.sql ? where.sql + ' AND' : 'WHERE'} j.type != 'object' AND instr(j.fullkey, '[') = 0
         GROUP BY j.fullkey ORDER BY j.fullkey`,
      )
      .all(...where.params) as { path: string; distinct_n: number; runs: number }[];
    // '$.model.nz' / '$."a-b".c' -> 'model.nz' / 'a-b.c'
    const dotted = (p: string) => p.slice(2).replace(/"([^"]*)"/g, '$1');
    return rows.map((r) => ({ key: dotted(r.path), distinct: r.distinct_n, runs: r.runs }));
  }

  // ---------------------------------------------------------------- records (remote ingest)

  /** Apply one write expressed as a record (see records.ts). */
  applyRecord(rec: TrackingRecord): void {
    assertRecord(rec);
    switch (rec.op) {
      case 'createRun':
        this.createRun(rec.run);
        return;
      case 'heartbeat':
        this.heartbeat(rec.runId, rec.at);
        return;
      case 'finishRun':
        this.finishRun(rec.runId, rec.status, rec.reason, rec.at);
        return;
      case 'resumeRun':
        this.resumeRun(rec.runId, { at: rec.at, pid: rec.pid, host: rec.host, force: true });
        return;
      case 'metrics':
        this.logMetrics(rec.runId, rec.points);
        return;
      case 'artifact':
        this.addArtifact(rec.runId, rec.artifact);
        return;
      case 'evalResult':
        this.upsertEvalResult(rec.runId, rec.result);
        return;
      case 'judgment':
        this.addJudgment(rec.judgment);
        return;
      case 'setTags':
        this.setTags(rec.runId, rec.tags);
        return;
      case 'createSweep':
        this.createSweep(rec.sweep);
        return;
      case 'updateSweep':
        this.updateSweep(rec.sweepId, { status: rec.status, at: rec.at });
        return;
      case 'addSweepJobs':
        this.addSweepJobs(rec.sweepId, rec.jobs, rec.at);
        return;
      case 'updateSweepJob':
        this.updateSweepJob(rec.sweepId, rec.jobId, rec.update);
        return;
      default:
        throw new TrackingInputError(`unknown tracking record op '${(rec as { op?: unknown }).op}'`);
    }
  }

  /** Apply a batch atomically: all records or none (a bad record rolls the batch back and
   *  throws). Records whose idempotency `key` was applied before are skipped. */
  ingest(records: TrackingRecord[]): IngestResult {
    return this.write(() => {
      let applied = 0;
      let duplicates = 0;
      const seen = this.db.prepare('SELECT 1 FROM ingest_keys WHERE key = ?');
      const remember = this.db.prepare('INSERT INTO ingest_keys (key, applied_at) VALUES (?, ?)');
      if (!Array.isArray(records)) throw new TrackingInputError('an ingest batch must be an array of records');
      records.forEach((rec, i) => assertRecord(rec, i));
      for (const rec of records) {
        if (rec.key !== undefined && rec.key !== null) {
          if (seen.get(rec.key)) {
            duplicates++;
            continue;
          }
          remember.run(rec.key, Date.now());
        }
        this.applyRecord(rec);
        applied++;
      }
      return { applied, duplicates };
    });
  }
}

function toSweepRow(r: SweepDbRow): SweepRow {
  return {
    id: r.id,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    grid: parseJson(r.grid, {}),
    overrides: parseJson(r.overrides, []),
    launcher: parseJson(r.launcher, {}),
    sweepDir: r.sweep_dir,
    command: r.command,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function prepareStatements(db: Database.Database) {
  return {
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    getRunConfig: db.prepare('SELECT config FROM runs WHERE id = ?').pluck(),
    insertRun: db.prepare(
      `INSERT INTO runs (id, name, method, config, config_hash, group_key, seed, status, experiment,
         created_at, started_at, heartbeat_at, git_commit, git_dirty, host, pid, backend, package_versions,
         command, run_dir, sweep_id, job_id, tags, notes)
       VALUES (:id, :name, :method, :config, :config_hash, :group_key, :seed, 'running', :experiment,
         :at, :at, :at, :git_commit, :git_dirty, :host, :pid, :backend, :package_versions,
         :command, :run_dir, :sweep_id, :job_id, :tags, :notes)`,
    ),
    heartbeat: db.prepare(
      `UPDATE runs SET
         heartbeat_at = max(heartbeat_at, :at),
         exit_reason = CASE WHEN status = 'crashed' THEN NULL ELSE exit_reason END,
         ended_at = CASE WHEN status = 'crashed' THEN NULL ELSE ended_at END,
         status = CASE WHEN status = 'crashed' THEN 'running' ELSE status END
       WHERE id = :id`,
    ),
    finish: db.prepare(
      `UPDATE runs SET status = :status, exit_reason = :reason, ended_at = :at, heartbeat_at = max(heartbeat_at, :at)
       WHERE id = :id AND status IN ('running', 'crashed')`,
    ),
    resume: db.prepare(
      `UPDATE runs SET status = 'running', exit_reason = NULL, ended_at = NULL, heartbeat_at = :at,
         resumes = resumes + 1, pid = :pid, host = :host
       WHERE id = :id`,
    ),
    anyStale: db.prepare(`SELECT 1 FROM runs WHERE status = 'running' AND heartbeat_at < ? LIMIT 1`),
    markCrashed: db.prepare(
      `UPDATE runs SET status = 'crashed', ended_at = heartbeat_at,
         exit_reason = 'no heartbeat for ' || :threshold || ' s and no exit recorded (killed with -9, out of memory, or the machine went down?)'
       WHERE status = 'running' AND heartbeat_at < :cutoff`,
    ),
    getSeries: db.prepare('SELECT id FROM metric_series WHERE run_id = ? AND key = ?'),
    insertSeries: db.prepare('INSERT INTO metric_series (run_id, key) VALUES (?, ?) ON CONFLICT (run_id, key) DO NOTHING'),
    upsertPoint: db.prepare(
      `INSERT INTO metric_points (series_id, step, value, wall_time) VALUES (?, ?, ?, ?)
       ON CONFLICT (series_id, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`,
    ),
    upsertArtifact: db.prepare(
      `INSERT INTO artifacts (run_id, kind, step, path, meta, created_at) VALUES (:run_id, :kind, :step, :path, :meta, :at)
       ON CONFLICT (run_id, kind, ifnull(step, -1), path) DO UPDATE SET meta = excluded.meta
       RETURNING id`,
    ),
    upsertEval: db.prepare(
      `INSERT INTO eval_results (run_id, metric, value, stderr, n, step, details, created_at)
       VALUES (:run_id, :metric, :value, :stderr, :n, :step, :details, :at)
       ON CONFLICT (run_id, metric) DO UPDATE SET value = excluded.value, stderr = excluded.stderr, n = excluded.n,
         step = excluded.step, details = excluded.details, created_at = excluded.created_at`,
    ),
    insertJudgment: db.prepare(
      `INSERT INTO judgments (run_id, real_ref, fake_ref, chosen, response_ms, shown_ms, real_side, participant, session, idem_key, created_at)
       VALUES (:run_id, :real_ref, :fake_ref, :chosen, :response_ms, :shown_ms, :real_side, :participant, :session, :idem_key, :at)`,
    ),
  };
}
