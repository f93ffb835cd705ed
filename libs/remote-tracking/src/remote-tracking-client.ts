// A training process's tracking store when the database is on another machine (`tracking.uri`).
// It offers the write methods the trainer uses on the local store (createRun, resumeRun, getRun,
// heartbeat, addArtifact, metricWriter, finishRun), expressed as tracking records (RunTracker):
//
//   record -> appended to the spool file (append-only, survives a dead server and SIGKILL)
//          -> uploaded in order, in batches, by a background uploader with exponential backoff
//          -> the server applies each batch with store.ingest (idempotency keys: no duplicates)
//
// When the server is unreachable the records simply wait in the spool; the uploader keeps
// trying, and whatever is still not acknowledged at close() stays in the spool for
// `workbench sync <spool>`.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  RunTracker,
  appendSpool,
  type ArtifactInput,
  type ExitStatus,
  type NewRun,
  type RecordSink,
  type RunRecorder,
  type RunRow,
  type TrackingRecord,
} from '@workbench/tracking';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { IngestHttpError, fetchRun, ingestUrl } from './ingest-client.js';
import { RemoteTrackingError } from './remote-tracking-error.js';
import { readAckedOffset, removeSpool, spoolSize } from './spool-file.js';
import { uploadSpool, type UploadResult } from './upload-spool.js';

export const SPOOL_FILE_NAME = 'tracking-spool.jsonl';

export interface RemoteTrackingOptions {
  /** `http://host:port` of a `workbench serve` (its `POST /api/ingest`). */
  uri: string;
  /** The server's `serve.token`. */
  token: string;
  /** Spool file; default `<run dir>/tracking-spool.jsonl` (known once the run is created/resumed). */
  spoolPath?: string;
  /** Wait this long for more records before sending a batch (default 500 ms). */
  batchDelayMs?: number;
  /** Records per POST (default 500). */
  maxBatchRecords?: number;
  /** How long close() keeps trying to upload what is left (default env WORKBENCH_TRACKING_CLOSE_TIMEOUT_MS, else 15 s; Slurm's KillWait is 30 s). */
  closeTimeoutMs?: number;
  /** How long createRun/resumeRun wait for the server's answer before spooling on (default 10 s). */
  confirmTimeoutMs?: number;
  /** Keep the spool file after everything was uploaded (default: remove it). */
  keepSpool?: boolean;
  backoff?: BackoffOptions;
  timeoutMs?: number;
  /** Messages (server unreachable, spool left behind); default stderr. */
  log?: (msg: string) => void;
}

export interface RemoteCloseResult {
  spoolPath: string | null;
  /** Bytes of the spool not acknowledged by the server (0 = everything uploaded). */
  pendingBytes: number;
  uploadedRecords: number;
  rejected: number;
}

/** The metric writer the trainer gets: same calls as the local store's MetricWriter. */
export interface RemoteMetricWriter {
  log(step: number, values: Record<string, number>, wallTime?: number): void;
  point(key: string, step: number, value: number, wallTime?: number): void;
  /** Buffered points go to the spool (durable on disk); upload continues in the background. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The run's config as stored: without the server token (never written into any database). */
function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const serve = config.serve as Record<string, unknown> | undefined;
  if (!serve || !serve.token) return config;
  return { ...config, serve: { ...serve, token: '' } };
}

export class RemoteTrackingClient implements RunRecorder {
  /** Where records go (shown in messages, like the local store's file path). */
  readonly path: string;
  private spool: string | null;
  private readonly trackers = new Map<string, RunTracker>();
  private readonly knownRuns = new Map<string, RunRow>();
  private readonly pending: Array<Promise<void>> = [];
  private acked = 0;
  private uploading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private fatal: RemoteTrackingError | null = null;
  private offlineSince: number | null = null;
  private uploaded = 0;
  private rejected = 0;
  private rejectedKeys = new Set<string>();
  private closed = false;
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: RemoteTrackingOptions) {
    ingestUrl(opts.uri); // validate now: a bad URI is a configuration error, not a network one
    this.path = opts.uri;
    this.spool = opts.spoolPath ? resolve(opts.spoolPath) : null;
    this.log = opts.log ?? ((m) => process.stderr.write(`${m}\n`));
    if (this.spool) this.acked = readAckedOffset(this.spool);
  }

  /** The spool file in use (null until the first record). */
  get spoolPath(): string | null {
    return this.spool;
  }

  // ------------------------------------------------------------------ the trainer's interface

  /** The stored run (for `resume=`); retried with backoff for ~10 s while the server is unreachable. */
  async getRun(runId: string): Promise<RunRow | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await fetchRun(this.opts.uri, this.opts.token, runId, { timeoutMs: this.opts.timeoutMs });
        if (row) this.knownRuns.set(runId, row);
        return row;
      } catch (err) {
        if ((err instanceof IngestHttpError && err.fatal) || attempt >= 5) throw err;
        if (attempt === 0) this.log(`remote tracking: ${(err as Error).message}; retrying`);
        await sleep(backoffDelay(attempt, { baseMs: 500, maxMs: 4000, ...this.opts.backoff }));
      }
    }
  }

  /** Record a new run; waits (confirmTimeoutMs) for the server so a wrong token fails now. */
  async createRun(run: NewRun): Promise<{ id: string }> {
    this.useSpool(run.runDir ?? null);
    const tracker = RunTracker.create(this.sink, { ...run, config: redactConfig(run.config), host: run.host ?? hostname(), pid: run.pid ?? process.pid }, { heartbeatEveryMs: 0 });
    this.trackers.set(tracker.runId, tracker);
    await this.confirm(`createRun ${tracker.runId}`);
    return { id: tracker.runId };
  }

  /** Continue a run (after kill, preemption, crash). */
  async resumeRun(runId: string): Promise<void> {
    this.useSpool(this.knownRuns.get(runId)?.runDir ?? null);
    const tracker = RunTracker.resume(this.sink, runId, { heartbeatEveryMs: 0, host: hostname(), pid: process.pid });
    this.trackers.set(runId, tracker);
    await this.confirm(`resumeRun ${runId}`);
  }

  heartbeat(runId: string, at: number = Date.now()): void {
    this.tracker(runId).heartbeat(at);
  }

  addArtifact(runId: string, artifact: ArtifactInput): void {
    this.tracker(runId).artifact(artifact);
  }

  metricWriter(runId: string): RemoteMetricWriter {
    const t = this.tracker(runId);
    return {
      log: (step, values, wallTime) => t.log(step, values, wallTime),
      point: (key, step, value, wallTime) => t.point(key, step, value, wallTime),
      flush: () => t.flush(),
      close: () => t.flush(),
    };
  }

  finishRun(runId: string, status: ExitStatus, reason?: string | null): void {
    this.pending.push(this.tracker(runId).finish(status, reason ?? null));
  }

  /**
   * Upload what is left (for up to closeTimeoutMs). What the server did not acknowledge stays
   * in the spool, and a message says how to upload it later.
   */
  async close(): Promise<RemoteCloseResult> {
    await Promise.all(this.pending);
    for (const t of this.trackers.values()) await t.flush();
    this.closed = true;
    await this.drain(this.opts.closeTimeoutMs ?? (Number(process.env.WORKBENCH_TRACKING_CLOSE_TIMEOUT_MS) || 15_000));
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const spool = this.spool;
    const pendingBytes = spool ? Math.max(0, spoolSize(spool) - this.acked) : 0;
    if (spool && pendingBytes > 0) {
      const why = this.fatal?.message ?? `tracking server ${this.opts.uri} unreachable`;
      this.log(`remote tracking: ${why}; the records not uploaded are kept in ${spool}; upload them with: workbench sync ${spool} tracking.uri=${this.opts.uri}`);
    } else if (spool && !this.opts.keepSpool && this.rejected === 0) {
      removeSpool(spool);
    }
    return { spoolPath: spool, pendingBytes, uploadedRecords: this.uploaded, rejected: this.rejected };
  }

  /** Wait until everything written so far is uploaded, or `timeoutMs` passed. True when done. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.spool && this.acked < spoolSize(this.spool) && !this.fatal && Date.now() < deadline) {
      await this.upload(deadline);
      if (this.acked < spoolSize(this.spool) && !this.fatal) {
        await new Promise((r) => setTimeout(r, Math.min(backoffDelay(this.failures, this.opts.backoff), Math.max(0, deadline - Date.now()))));
      }
    }
    return this.spool === null || this.acked >= spoolSize(this.spool);
  }

  // ------------------------------------------------------------------ internals

  private tracker(runId: string): RunTracker {
    const t = this.trackers.get(runId);
    if (!t) throw new RemoteTrackingError(`run ${runId} was neither created nor resumed through this client`);
    return t;
  }

  private useSpool(runDir: string | null): void {
    if (this.spool) return;
    const dir = resolve(runDir ?? '.');
    mkdirSync(dir, { recursive: true });
    this.spool = join(dir, SPOOL_FILE_NAME);
    // A spool left by an earlier process of this run is uploaded first (its unacknowledged tail).
    this.acked = readAckedOffset(this.spool);
  }

  /** Records reach the spool synchronously, in order; the upload is scheduled. */
  private readonly sink: RecordSink = (records: TrackingRecord[]) => {
    if (!this.spool) this.useSpool(null);
    appendSpool(this.spool as string, records);
    this.schedule(this.opts.batchDelayMs ?? 500);
  };

  private schedule(delayMs: number): void {
    if (this.timer || this.fatal || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.upload(Infinity).then(() => {
        if (this.spool && this.acked < spoolSize(this.spool) && !this.fatal) this.schedule(backoffDelay(this.failures, this.opts.backoff));
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One pass of the uploader over the unacknowledged tail (one at a time). */
  private upload(deadline: number): Promise<void> {
    this.uploading ??= (async () => {
      const spool = this.spool as string;
      const stop = new AbortController();
      const timer = Number.isFinite(deadline) ? setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now())) : null;
      try {
        const r: UploadResult = await uploadSpool(spool, this.opts.uri, this.opts.token, {
          from: this.acked,
          maxAttempts: 1, // the scheduler does the backoff between passes
          maxBatchRecords: this.opts.maxBatchRecords,
          timeoutMs: this.opts.timeoutMs,
          signal: stop.signal,
        });
        this.acked = r.offset;
        this.uploaded += r.records - r.rejected;
        this.rejected += r.rejected;
        for (const k of r.rejectedKeys) this.rejectedKeys.add(k);
        if (r.rejected > 0) this.log(`remote tracking: the server refused ${r.rejected} record(s) (kept in ${spool}.rejected): ${r.firstRejection}`);
        if (this.offlineSince !== null) {
          this.log(`remote tracking: server ${this.opts.uri} reachable again after ${Math.round((Date.now() - this.offlineSince) / 1000)} s; spooled records uploaded`);
          this.offlineSince = null;
        }
        this.failures = 0;
      } catch (err) {
        this.acked = Math.max(this.acked, readAckedOffset(spool));
        if (err instanceof IngestHttpError && err.fatal) {
          this.fatal = err;
          this.log(`remote tracking: ${err.message}; records are kept in ${spool}`);
        } else {
          this.failures++;
          if (this.offlineSince === null) {
            this.offlineSince = Date.now();
            this.log(`remote tracking: ${(err as Error).message}; spooling to ${spool} and retrying with backoff`);
          }
        }
      } finally {
        if (timer) clearTimeout(timer);
        this.uploading = null;
      }
    })();
    return this.uploading;
  }

  /** After createRun/resumeRun: give the server a moment to accept or refuse the run. */
  private async confirm(what: string): Promise<void> {
    await this.drain(this.opts.confirmTimeoutMs ?? 10_000);
    if (this.fatal) throw this.fatal;
    const refused = [...this.rejectedKeys];
    if (refused.length > 0) throw new RemoteTrackingError(`tracking server ${this.opts.uri} refused ${what} (see ${this.spool}.rejected)`, 400, true);
    if (this.offlineSince !== null) this.schedule(backoffDelay(this.failures, this.opts.backoff));
  }
}
