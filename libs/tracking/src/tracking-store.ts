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
import { configHash, groupKey as computeGroupKey } from '@workbench/config';
import { DEFAULT_RETRY, withBusyRetry, type RetryOptions } from './busy-retry.js';
import { TrackingFileError, TrackingInputError } from './errors.js';
import { sqliteFileError } from './sqlite-file-error.js';
import { newRunId } from './ids.js';
import { assertValidId } from './run/layout.js';
import { STORE_DATABASES } from './store-database.js';
import type { RunRecorder } from './run/run-recorder.js';
import { checkRunTransition, EXIT_STATUSES, isExitStatus, sqlMayBecome } from './run/status.js';
import type { OpenDatabaseOptions } from './open-database.js';
import type { IngestResult, TrackingRecord } from './records.js';
import { buildRunOrder, buildRunWhere, type MetricAgg, type RunFilter, type RunQuery } from './run-filter.js';
import { groupRunRows, type GroupMetricSpec, type RunGroup } from './run-groups.js';
import { parseJson, RUN_COLUMNS_NO_CONFIG, toRunRow, type RunDbRow } from './run-row.js';
import { MetricWriter, type MetricWriterOptions } from './metric-writer.js';
import { readMetricSeries, type MetricSeries, type SeriesOptions } from './metric-series.js';
import { RollupMaintainer, type RawPoint } from './metric-rollups.js';
import * as judgmentStore from './judgments.js';
import * as runOutputs from './run-outputs.js';
import type { StoreContext } from './store-context.js';
import * as sweepStore from './sweeps.js';
import type { SweepListOptions } from './sweeps.js';
import * as archive from './archive.js';
import { processAlive } from './process-alive.js';
import { applyRecord } from './apply-record.js';
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
  JudgmentCount,
  JudgmentFilter,
  JudgmentInput,
  JudgmentRow,
  MetricPoint,
  NewRun,
  NewSweep,
  NewSweepJob,
  RunRow,
  RunStatus,
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

const num = (v: number | null): number => (v == null ? NaN : v);
/** SQLite stores NaN as NULL: make that explicit. ±Infinity are stored as is. */
const storable = (v: number): number | null => (Number.isNaN(v) ? null : v);


export class TrackingStore implements RunRecorder {
  readonly staleAfterSeconds: number;
  private readonly retry: RetryOptions;
  private readonly stmts: ReturnType<typeof prepareStatements>;
  private readonly rollups: RollupMaintainer;
  private localWrites = 0;
  /** Writers handed out, flushed on close so no buffered point is lost. */
  private readonly writers = new Set<MetricWriter>();
  private readonly ctx: StoreContext;

  /** The better-sqlite3 handle: private (ES `#`), so the app and the libraries go through the
   *  methods; tests reach it with `storeDatabase` from `@workbench/tracking/testing`. */
  readonly #db: Database.Database;

  constructor(
    db: Database.Database,
    readonly path: string,
    private readonly opts: StoreOptions = {},
  ) {
    this.#db = db;
    STORE_DATABASES.set(this, db);
    this.staleAfterSeconds = opts.staleAfterSeconds ?? 300;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.stmts = prepareStatements(db);
    this.rollups = new RollupMaintainer(db);
    this.ctx = {
      db,
      write: (fn) => this.write(fn),
      runExists: (id) => this.stmts.runExists.get(id) !== undefined,
      markStale: () => void this.markStaleRunsCrashed(),
    };
  }

  /** False once `close()` ran. */
  get isOpen(): boolean {
    return this.#db.open;
  }

  /** SQLite's `PRAGMA data_version`: changes whenever another connection (a trainer, a sweep
   *  runner) commits; this store's own writes do not change it. The live feed polls it. */
  externalChangeVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  /** Runs that were created, heartbeat, ended, or got an eval result or artifact at or after
   *  `from` (ms; at most `limit`), and whether any sweep changed since then (the live feed). */
  changedSince(from: number, limit = 500): { runIds: string[]; sweeps: boolean } {
    const runIds = this.#db
      .prepare(
        `SELECT id FROM runs WHERE heartbeat_at >= @from OR created_at >= @from OR ifnull(ended_at, 0) >= @from
         UNION SELECT run_id FROM eval_results WHERE created_at >= @from
         UNION SELECT run_id FROM artifacts WHERE created_at >= @from LIMIT @limit`,
      )
      .pluck()
      .all({ from, limit }) as string[];
    const sweeps = (this.#db.prepare('SELECT count(*) FROM sweeps WHERE updated_at >= ?').pluck().get(from) as number) > 0;
    return { runIds, sweeps };
  }

  /** Whether a run with this id exists (no stale-run marking, unlike getRun). */
  hasRun(runId: string): boolean {
    return this.stmts.runExists.get(runId) !== undefined;
  }

  /** How many runs the database holds (archived ones included). */
  runCount(): number {
    return this.#db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  }

  /** The distinct methods of all runs, sorted (the dashboard's method menu). */
  methods(): string[] {
    return this.#db.prepare('SELECT DISTINCT method FROM runs ORDER BY method').pluck().all() as string[];
  }

  get readonly(): boolean {
    return this.opts.readonly ?? false;
  }

  /** Flush the buffered points of this store's metric writers, then close the database. */
  close(): void {
    if (!this.#db.open) return;
    for (const w of this.writers) if (!w.closed && w.buffered > 0) void w.flush();
    this.writers.clear();
    this.#db.close();
  }

  /** Run `fn` in an IMMEDIATE transaction (write lock up front: no deadlock-y lock upgrade),
   *  retried with backoff while another process holds the lock. Nested calls join the outer one. */
  write<T>(fn: () => T): T {
    if (this.#db.inTransaction) return fn();
    const tx = this.#db.transaction(fn);
    let out: T;
    try {
      out = withBusyRetry(() => tx.immediate(), this.retry);
    } catch (err) {
      throw sqliteFileError(err, this.path) ?? err; // disk full, read-only: the transaction rolled back
    }
    this.localWrites++;
    return out;
  }

  /** Changes whenever the database changed (any process, this one included): poll it cheaply
   *  (no table read) to push live updates only when there is something new. */
  changeToken(): string {
    return `${this.#db.pragma('data_version', { simple: true }) as number}:${this.localWrites}`;
  }

  // ---------------------------------------------------------------- runs

  createRun(input: NewRun): RunRow {
    if (!input.method) throw new TrackingInputError('createRun needs a method (e.g. bicyclegan)');
    if (!input.config || typeof input.config !== 'object') throw new TrackingInputError('createRun needs the resolved config object');
    if (input.id !== undefined) assertValidId(input.id, 'run');
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
      config_version: input.configVersion ?? null,
      sweep_id: input.sweepId ?? null,
      job_id: input.jobId ?? null,
      tags: JSON.stringify(input.tags ?? []),
      notes: input.notes ?? null,
    };
    this.write(() => {
      if (this.stmts.runExists.get(id)) throw new TrackingInputError(`run ${id} already exists: pick another id or resume it`);
      if (row.sweep_id && !this.#db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(row.sweep_id)) {
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
    if (!isExitStatus(status)) {
      throw new TrackingInputError(`a run cannot end as '${String(status)}': use ${EXIT_STATUSES.join(', ')}`);
    }
    return this.write(() => {
      const from = this.stmts.getStatus.get(runId) as RunStatus | undefined; // the store's own writes: a RunStatus
      if (from === undefined) throw new TrackingInputError(`unknown run ${runId}`);
      if (!checkRunTransition(runId, from, status)) return false;
      return this.stmts.finish.run({ id: runId, status, reason: reason ?? null, at }).changes > 0;
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
      checkRunTransition(runId, r.status, 'running');
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

  /** Mark running runs as `crashed` when their heartbeat is older than the threshold, or at once
   *  when they ran on this host and their process is provably gone (kill -9, OOM killer): the
   *  heartbeat rule stays for runs of other hosts. Returns how many changed. List queries call
   *  it; call it yourself for other reads. */
  markStaleRunsCrashed(thresholdSeconds: number = this.staleAfterSeconds, now: number = Date.now()): number {
    if (this.readonly) return 0;
    // Cheap reads first so list queries do not take the write lock when nothing changed.
    const cutoff = now - thresholdSeconds * 1000;
    const dead = (this.stmts.runningHere.all(hostname()) as { id: string; pid: number }[]).filter((r) => r.pid !== process.pid && !processAlive(r.pid));
    if (dead.length === 0 && !this.stmts.anyStale.get(cutoff)) return 0;
    try {
      return this.write(() => {
        let changes = this.stmts.markCrashed.run({ cutoff, threshold: String(thresholdSeconds) }).changes;
        for (const r of dead) changes += this.stmts.markDead.run({ id: r.id, pid: r.pid, pidText: String(r.pid), host: hostname() }).changes;
        return changes;
      });
    } catch (err) {
      // A full disk or a read-only file must not stop reads: the runs are listed as recorded.
      if (err instanceof TrackingFileError) return 0;
      throw err;
    }
  }

  setTags(runId: string, tags: string[]): void {
    const changes = this.write(() => this.#db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify(tags), runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  setNotes(runId: string, notes: string | null): void {
    const changes = this.write(() => this.#db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  renameRun(runId: string, name: string): void {
    const changes = this.write(() => this.#db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  /** Correct the sweep job a run belongs to (sweep resume relinks runs stored under a job id
   *  the override parser had read as a number). */
  setRunJobId(runId: string, jobId: string): void {
    const changes = this.write(() => this.#db.prepare('UPDATE runs SET job_id = ? WHERE id = ?').run(jobId, runId).changes);
    if (changes === 0) throw new TrackingInputError(`unknown run ${runId}`);
  }

  /** Delete a run and everything it logged (metrics, artifacts rows, evals, judgments). Files on
   *  disk are the caller's business. */
  deleteRun(runId: string): boolean {
    return this.write(() => {
      // A sweep job whose run is gone did not produce a result: `sweep resume` (and --extend)
      // run it again instead of counting it as finished.
      this.#db
        .prepare("UPDATE sweep_jobs SET status = 'pending', run_id = NULL, exit_reason = 'its run ' || run_id || ' was deleted' WHERE run_id = ?")
        .run(runId);
      return this.#db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
    });
  }

  /** Archive runs: hidden from listings that ask for `archived: false` (the dashboard's
   *  default), everything kept. Returns how many were not archived before. */
  archiveRuns(runIds: string[], at: number = Date.now()): number {
    return archive.archiveRuns(this.ctx, runIds, at);
  }

  /** Undo `archiveRuns`. Returns how many were archived. */
  restoreRuns(runIds: string[]): number {
    return archive.restoreRuns(this.ctx, runIds);
  }

  /** Archive a sweep together with its runs; false for an unknown sweep. */
  archiveSweep(sweepId: string, at: number = Date.now()): boolean {
    return archive.archiveSweep(this.ctx, sweepId, at);
  }

  /** Restore a sweep together with its runs; false for an unknown sweep. */
  restoreSweep(sweepId: string): boolean {
    return archive.restoreSweep(this.ctx, sweepId);
  }

  // ---------------------------------------------------------------- metrics

  /** Write points in one transaction. Re-logging (run, key, step) replaces the old point. */
  logMetrics(runId: string, points: MetricPoint[]): void {
    if (points.length === 0) return;
    const now = Date.now();
    const checked = points.map((p) => {
      if (typeof p.key !== 'string' || p.key === '') throw new TrackingInputError(`metric key must be a non-empty string (run ${runId})`);
      if (!Number.isSafeInteger(p.step)) throw new TrackingInputError(`metric ${p.key}: step must be an integer, got ${p.step}`);
      const v = fromWireNumber(p.value);
      if (v === undefined) throw new TrackingInputError(`metric ${p.key}: value must be a number, got ${JSON.stringify(p.value)}`);
      return { p, v };
    });
    this.write(() => {
      // Series ids are resolved inside the transaction, once per key per batch, never cached
      // across transactions: a rolled-back batch frees its new ids and SQLite hands them out
      // again, so a cached id could point at another run's series.
      const ids = new Map<string, number>();
      const bySeries = new Map<number, RawPoint[]>();
      for (const { p, v } of checked) {
        let sid = ids.get(p.key);
        if (sid === undefined) ids.set(p.key, (sid = this.seriesId(runId, p.key)));
        const raw = { step: p.step, value: storable(v), wall: p.wallTime ?? now };
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
    for (const w of this.writers) if (w.closed) this.writers.delete(w);
    const writer = new MetricWriter((id, points) => this.logMetrics(id, points), runId, opts);
    this.writers.add(writer);
    return writer;
  }

  private seriesId(runId: string, key: string): number {
    const row = this.stmts.getSeries.get(runId, key) as { id: number } | undefined;
    if (row) return row.id;
    if (!this.stmts.runExists.get(runId)) throw new TrackingInputError(`unknown run ${runId}: create it before logging metrics`);
    return Number(this.stmts.insertSeries.run(runId, key).lastInsertRowid);
  }

  /** Metric keys a run has logged, sorted. */
  metricKeys(runId: string): string[] {
    return this.#db.prepare('SELECT key FROM metric_series WHERE run_id = ? ORDER BY key').pluck().all(runId) as string[];
  }

  /** A series, downsampled server-side to at most `maxPoints` (min/max per step bucket). */
  metricSeries(runId: string, key: string, opts?: SeriesOptions): MetricSeries {
    return readMetricSeries(this.#db, runId, key, opts);
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
      const rows = this.#db
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
    const s = this.#db
      .prepare('SELECT n, last_value, min_value, max_value FROM metric_series WHERE run_id = ? AND key = ?')
      .get(runId, key) as { n: number; last_value: number | null; min_value: number | null; max_value: number | null } | undefined;
    if (!s || s.n === 0) return undefined;
    if (agg === 'last') return num(s.last_value);
    const v = agg === 'min' ? s.min_value : s.max_value;
    return v == null ? undefined : v;
  }

  // ---------------------------------------------------------------- artifacts and eval results

  /** Record an image grid, checkpoint or other file of a run. Idempotent on (run, kind, step,
   *  path): re-recording updates meta. Returns the artifact id. */
  addArtifact(runId: string, a: ArtifactInput): number {
    return runOutputs.addArtifact(this.ctx, runId, a);
  }

  /** Forget an artifact whose file is gone (a deleted checkpoint folder): the table lists what exists. */
  removeArtifact(runId: string, kind: string, path: string): boolean {
    return runOutputs.removeArtifact(this.ctx, runId, kind, path);
  }

  /** Artifacts of a run, by step then id; filter by kind(s) and/or step. */
  listArtifacts(runId: string, filter: { kind?: string | string[]; step?: number } = {}): ArtifactRow[] {
    return runOutputs.listArtifacts(this.ctx, runId, filter);
  }

  /** Steps that have an artifact of `kind` (the image-grid step slider). */
  artifactSteps(runId: string, kind: string): number[] {
    return runOutputs.artifactSteps(this.ctx, runId, kind);
  }

  /** Insert or replace the result of `metric` for a run. */
  upsertEvalResult(runId: string, r: EvalResultInput): void {
    runOutputs.upsertEvalResult(this.ctx, runId, r);
  }

  /** Eval results of given runs, or of every run of a sweep. */
  evalResults(where: { runId?: string; runIds?: string[]; sweepId?: string }): EvalResultRow[] {
    return runOutputs.evalResults(this.ctx, where);
  }

  // ---------------------------------------------------------------- realism study

  /** Record one answer; with `key`, a resubmitted answer is a no-op. Returns the judgment id. */
  addJudgment(j: JudgmentInput): number {
    return judgmentStore.addJudgment(this.ctx, j);
  }

  judgments(runId: string, opts: { limit?: number; offset?: number } = {}): JudgmentRow[] {
    return judgmentStore.listJudgments(this.ctx, { runId }, opts);
  }

  /** Answers of a run and/or participant (practice ones included unless filtered), oldest first. */
  listJudgments(filter: JudgmentFilter = {}, opts: { limit?: number; offset?: number } = {}): JudgmentRow[] {
    return judgmentStore.listJudgments(this.ctx, filter, opts);
  }

  /** Counted and practice answers per (run, participant). */
  judgmentCounts(filter: JudgmentFilter = {}): JudgmentCount[] {
    return judgmentStore.judgmentCounts(this.ctx, filter);
  }

  /** Delete the answers of a run and/or a participant (an empty filter is refused). */
  deleteJudgments(filter: JudgmentFilter): number {
    return judgmentStore.deleteJudgments(this.ctx, filter);
  }

  /** Fooling rate (fake picked as real) per run with a Wilson interval, practice answers left
   *  out. Runs without answers are omitted; `runIds` absent = every run with answers. */
  foolingRates(runIds?: string[], confidence = 0.95): FoolingRate[] {
    return judgmentStore.foolingRates(this.ctx, runIds, confidence);
  }

  foolingRate(runId: string, confidence = 0.95): FoolingRate {
    return judgmentStore.foolingRate(this.ctx, runId, confidence);
  }

  // ---------------------------------------------------------------- sweeps

  createSweep(s: NewSweep = {}): SweepRow {
    return sweepStore.createSweep(this.ctx, s);
  }

  /** Update a sweep's status, launcher info, folder and/or grid. */
  updateSweep(sweepId: string, u: { status?: SweepStatus; launcher?: Record<string, unknown>; sweepDir?: string | null; grid?: Record<string, unknown>; at?: number }): void {
    sweepStore.updateSweep(this.ctx, sweepId, u);
  }

  /** Add (or re-plan) jobs. An existing job id keeps its status, run, attempts and Slurm ids;
   *  its index and overrides are updated. */
  addSweepJobs(sweepId: string, jobs: NewSweepJob[], at: number = Date.now()): void {
    sweepStore.addSweepJobs(this.ctx, sweepId, jobs, at);
  }

  updateSweepJob(sweepId: string, jobId: string, u: SweepJobUpdate): void {
    sweepStore.updateSweepJob(this.ctx, sweepId, jobId, u);
  }

  /** Delete a sweep and its jobs; its runs stay (their sweep id becomes NULL) unless
   *  `deleteRuns` is set. Returns whether the sweep existed. */
  deleteSweep(id: string, opts: { deleteRuns?: boolean } = {}): boolean {
    if (opts.deleteRuns) {
      for (const runId of this.#db.prepare('SELECT id FROM runs WHERE sweep_id = ?').pluck().all(id) as string[]) this.deleteRun(runId);
    }
    return this.write(() => this.#db.prepare('DELETE FROM sweeps WHERE id = ?').run(id).changes > 0);
  }

  /** A sweep with its jobs (by index), each with the status of its run. */
  getSweep(id: string): SweepWithJobs | undefined {
    return sweepStore.getSweep(this.ctx, id);
  }

  /** Sweeps, newest first, with the total count for pagination. */
  listSweeps(opts: SweepListOptions = {}): { sweeps: SweepRow[]; total: number } {
    return sweepStore.listSweeps(this.ctx, opts);
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
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM runs r ${where.sql}`).get(...where.params) as { n: number }).n;
    const limit = q.limit ?? -1;
    const includeConfig = q.includeConfig ?? true;
    if (q.limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new TrackingInputError(`limit must be a non-negative integer, got ${q.limit}`);
    const rows = this.#db
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
    return readGroupSeries(this.#db, runIds, key, opts);
  }

  /** Config keys (dotted) of the matching runs with how many distinct values each takes and how
   *  many runs have it: the columns worth showing are those with distinct > 1 or runs < total.
   *  Arrays count as single values. Scans every config: pass a filter (a sweep) for big DBs. */
  configKeys(filter: RunFilter = {}): { key: string; distinct: number; runs: number }[] {
    const where = buildRunWhere(filter);
    const rows = this.#db
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
    applyRecord(this, rec);
  }

  /** Apply a batch atomically: all records or none (a bad record rolls the batch back and
   *  throws). Records whose idempotency `key` was applied before are skipped. */
  ingest(records: TrackingRecord[]): IngestResult {
    return this.write(() => {
      let applied = 0;
      let duplicates = 0;
      const seen = this.#db.prepare('SELECT 1 FROM ingest_keys WHERE key = ?');
      const remember = this.#db.prepare('INSERT INTO ingest_keys (key, applied_at) VALUES (?, ?)');
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


function prepareStatements(db: Database.Database) {
  return {
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    getRunConfig: db.prepare('SELECT config FROM runs WHERE id = ?').pluck(),
    getStatus: db.prepare('SELECT status FROM runs WHERE id = ?').pluck(),
    insertRun: db.prepare(
      `INSERT INTO runs (id, name, method, config, config_hash, group_key, seed, status, experiment,
         created_at, started_at, heartbeat_at, git_commit, git_dirty, host, pid, backend, package_versions,
         command, run_dir, config_version, sweep_id, job_id, tags, notes)
       VALUES (:id, :name, :method, :config, :config_hash, :group_key, :seed, 'running', :experiment,
         :at, :at, :at, :git_commit, :git_dirty, :host, :pid, :backend, :package_versions,
         :command, :run_dir, :config_version, :sweep_id, :job_id, :tags, :notes)`,
    ),
    heartbeat: db.prepare(
      `UPDATE runs SET
         heartbeat_at = max(heartbeat_at, :at),
         exit_reason = CASE WHEN status = 'crashed' THEN NULL ELSE exit_reason END,
         ended_at = CASE WHEN status = 'crashed' THEN NULL ELSE ended_at END,
         status = CASE WHEN status = 'crashed' AND ${sqlMayBecome('running')} THEN 'running' ELSE status END
       WHERE id = :id`,
    ),
    finish: db.prepare(
      `UPDATE runs SET status = :status, exit_reason = :reason, ended_at = :at, heartbeat_at = max(heartbeat_at, :at)
       WHERE id = :id AND ${sqlMayBecome('finished')}`,
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
       WHERE status = 'running' AND ${sqlMayBecome('crashed')} AND heartbeat_at < :cutoff`,
    ),
    runningHere: db.prepare(`SELECT id, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL`),
    markDead: db.prepare(
      `UPDATE runs SET status = 'crashed', ended_at = heartbeat_at,
         exit_reason = 'its process ' || :pidText || ' on ' || :host || ' is gone and recorded no exit (killed with -9, out of memory?)'
       WHERE id = :id AND status = 'running' AND ${sqlMayBecome('crashed')} AND pid = :pid`,
    ),
    getSeries: db.prepare('SELECT id FROM metric_series WHERE run_id = ? AND key = ?'),
    insertSeries: db.prepare('INSERT INTO metric_series (run_id, key) VALUES (?, ?)'),
    upsertPoint: db.prepare(
      `INSERT INTO metric_points (series_id, step, value, wall_time) VALUES (?, ?, ?, ?)
       ON CONFLICT (series_id, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`,
    ),
  };
}
