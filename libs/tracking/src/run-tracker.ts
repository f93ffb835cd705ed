// A training process's view of tracking, expressed entirely as records (records.ts), so the same
// code reports to the local SQLite file or to a remote workbench server:
//
//   const tracker = RunTracker.create(localSink(store), { method, config });      // local
//   const tracker = RunTracker.create(httpSink /* issue 8 */, { id, method, config });
//   tracker.log(step, { G_GAN: 0.7 }); tracker.heartbeat(); await tracker.finish('finished');
//
// Records carry their own timestamps and, for remote sinks, idempotency keys
// `${clientId}:${seq}`, so a sink may retry or spool and replay them later without duplicates.
import { randomBytes } from 'node:crypto';
import { newRunId } from './ids.js';
import { MetricWriter, type MetricWriterOptions } from './metric-writer.js';
import type { TrackingRecord } from './records.js';
import type { TrackingStore } from './tracking-store.js';
import type { ArtifactInput, EvalResultInput, ExitStatus, MetricPoint, NewRun } from './types.js';
import { toWireNumber } from './wire-number.js';

/** Where records go. Sync (the local store) or async (HTTP with retry/spool). Must keep order. */
export type RecordSink = (records: TrackingRecord[]) => void | Promise<void>;

/** A sink that applies records to a local store (no idempotency keys needed: no retries). */
export function localSink(store: TrackingStore): RecordSink {
  return (records) => {
    store.ingest(records);
  };
}

export interface RunTrackerOptions {
  /** Prefix of idempotency keys; a random one by default; null = no keys (local sinks). */
  clientId?: string | null;
  /** Heartbeats closer together than this are dropped (default 5000 ms). */
  heartbeatEveryMs?: number;
  metrics?: MetricWriterOptions;
}

export class RunTracker {
  private seq = 0;
  private chain: Promise<void> | null = null;
  private lastBeat = 0;
  private readonly clientId: string | null;
  private readonly beatEvery: number;
  private readonly metrics: MetricWriter;

  private constructor(
    private readonly sink: RecordSink,
    readonly runId: string,
    opts: RunTrackerOptions,
  ) {
    this.clientId = opts.clientId === undefined ? `${runId}:${randomBytes(4).toString('hex')}` : opts.clientId;
    this.beatEvery = opts.heartbeatEveryMs ?? 5000;
    // Non-finite values as strings: JSON would turn NaN into null and Infinity into null.
    const wire = (points: MetricPoint[]) => points.map((p) => (Number.isFinite(p.value) ? p : { ...p, value: toWireNumber(p.value) as number }));
    this.metrics = new MetricWriter((id, points) => this.emit([{ op: 'metrics', runId: id, points: wire(points) }]), runId, opts.metrics);
  }

  /** Start a new run (its id is generated here when absent, so records can be replayed). */
  static create(sink: RecordSink, run: NewRun, opts: RunTrackerOptions = {}): RunTracker {
    const at = run.at ?? Date.now();
    const id = run.id ?? newRunId(new Date(at));
    const t = new RunTracker(sink, id, opts);
    void t.emit([{ op: 'createRun', run: { ...run, id, at } }]);
    t.lastBeat = at;
    return t;
  }

  /** Continue an existing run (after a crash, kill or preemption). */
  static resume(sink: RecordSink, runId: string, opts: RunTrackerOptions & { pid?: number; host?: string } = {}): RunTracker {
    const t = new RunTracker(sink, runId, opts);
    const at = Date.now();
    void t.emit([{ op: 'resumeRun', runId, at, pid: opts.pid ?? process.pid, host: opts.host ?? null }]);
    t.lastBeat = at;
    return t;
  }

  log(step: number, values: Record<string, number>, wallTime?: number): void {
    this.metrics.log(step, values, wallTime);
  }

  point(key: string, step: number, value: number, wallTime?: number): void {
    this.metrics.point(key, step, value, wallTime);
  }

  /** Cheap to call every iteration: sends at most one heartbeat per `heartbeatEveryMs`. */
  heartbeat(at: number = Date.now()): void {
    if (at - this.lastBeat < this.beatEvery) return;
    this.lastBeat = at;
    void this.emit([{ op: 'heartbeat', runId: this.runId, at }]);
  }

  artifact(a: ArtifactInput): void {
    void this.emit([{ op: 'artifact', runId: this.runId, artifact: { ...a, at: a.at ?? Date.now() } }]);
  }

  evalResult(r: EvalResultInput): void {
    void this.emit([{ op: 'evalResult', runId: this.runId, result: { ...r, value: toWireNumber(r.value) as number, at: r.at ?? Date.now() } }]);
  }

  /** Send buffered metrics; resolves when the sink has taken every record so far. */
  async flush(): Promise<void> {
    await this.metrics.flush();
    await this.chain;
  }

  /** Flush, then record the exit. */
  async finish(status: ExitStatus, reason?: string | null): Promise<void> {
    await this.metrics.close();
    void this.emit([{ op: 'finishRun', runId: this.runId, status, reason: reason ?? null, at: Date.now() }]);
    await this.chain;
  }

  /** Hand records to the sink in order: synchronously while the sink is synchronous, chained
   *  behind the previous call once it returned a promise. Callers that do not await it (`void`)
   *  rely on flush()/finish(), which await the chain and so surface a failed send. */
  private emit(records: TrackingRecord[]): void | Promise<void> {
    const keyed = this.clientId === null ? records : records.map((r) => ({ ...r, key: `${this.clientId}:${this.seq++}` }));
    if (this.chain) {
      this.chain = this.chain.then(() => this.sink(keyed));
      return this.chain;
    }
    const out = this.sink(keyed);
    if (out instanceof Promise) {
      this.chain = out;
      return out;
    }
  }
}
