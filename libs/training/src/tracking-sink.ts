// What the trainer needs from tracking: the write side of a store. The local SQLite store
// (`openStore`, @workbench/tracking) and the remote client (`RemoteTrackingClient`,
// @workbench/remote-tracking, used when `tracking.uri` is set) both implement it; the trainer
// awaits the calls that may go over the network (getRun, createRun, resumeRun).
import type { ArtifactInput, ArtifactRow, ExitStatus, NewRun, RunRow } from '@workbench/tracking';

export interface TrackingSinkMetricWriter {
  log(step: number, values: Record<string, number>, wallTime?: number): void;
  /** Buffered points are durable (in the database, or in the remote client's spool file). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface TrackingSink {
  /** The database file or server URI (for messages). */
  readonly path: string;
  getRun(runId: string): RunRow | undefined | Promise<RunRow | undefined>;
  createRun(run: NewRun): unknown;
  resumeRun(runId: string): unknown;
  heartbeat(runId: string, at?: number): void;
  addArtifact(runId: string, artifact: ArtifactInput): unknown;
  /** The local store only: resume checks the recorded checkpoints against the run folder. */
  listArtifacts?(runId: string, filter: { kind?: string }): ArtifactRow[];
  removeArtifact?(runId: string, kind: string, path: string): unknown;
  finishRun(runId: string, status: ExitStatus, reason?: string | null): unknown;
  metricWriter(runId: string): TrackingSinkMetricWriter;
}
