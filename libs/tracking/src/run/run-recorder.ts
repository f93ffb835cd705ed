// THE write side of tracking a run, as training sees it: one interface implemented by the local
// SQLite store (`TrackingStore`) and the remote client (`RemoteTrackingClient` of
// @workbench/remote-tracking, used when `tracking.uri` is set). The calls that may go over the
// network (getRun, createRun, resumeRun) may return promises; training awaits them. Records
// (records.ts, `RunTracker`) are how the remote client carries these calls, not a second interface.
import type { ArtifactInput, ArtifactRow, ExitStatus, NewRun, RunRow } from '../types.js';

/** A value, or a promise of it (a remote call). */
export type MaybePromise<T> = T | Promise<T>;

/** Where a run's metric points go, buffered. */
export interface RunMetricWriter {
  log(step: number, values: Record<string, number>, wallTime?: number): void;
  /** Buffered points are durable (in the database, or in the remote client's spool file). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface RunRecorder {
  /** The database file or server URI (for messages). */
  readonly path: string;
  getRun(runId: string): MaybePromise<RunRow | undefined>;
  createRun(run: NewRun): MaybePromise<{ id: string }>;
  /** Back to `running` (refused for a finished run, see run/status.ts); the local store returns the row. */
  resumeRun(runId: string): MaybePromise<RunRow | void>;
  heartbeat(runId: string, at?: number): void;
  addArtifact(runId: string, artifact: ArtifactInput): void;
  /** The local store only: resume checks the recorded checkpoints against the run folder. */
  listArtifacts?(runId: string, filter: { kind?: string }): ArtifactRow[];
  removeArtifact?(runId: string, kind: string, path: string): void;
  /** The run's end (the first exit recorded wins). */
  finishRun(runId: string, status: ExitStatus, reason?: string | null): void;
  metricWriter(runId: string): RunMetricWriter;
}
