// Every write to the store as a plain JSON record. The local store applies them directly
// (`store.applyRecord`, `store.ingest`); a remote client (tracking.uri) POSTs batches of the same
// records to the server, which calls `store.ingest(batch)`. Records carry their own timestamps
// (`at`, `wallTime`) so a replay, even hours later from a spool file, writes exactly what the
// run saw. An optional `key` makes a record idempotent: a record whose key was already applied
// is skipped (clients resend a batch after a timeout without duplicating anything).
import type {
  ArtifactInput,
  EvalResultInput,
  ExitStatus,
  JudgmentInput,
  MetricPoint,
  NewRun,
  NewSweep,
  NewSweepJob,
  SweepJobUpdate,
  SweepStatus,
} from './types.js';

interface Base {
  /** Idempotency key, unique per record (e.g. `${clientId}:${seq}`). */
  key?: string;
}

export type TrackingRecord = Base &
  (
    | { op: 'createRun'; run: NewRun & { id: string } }
    | { op: 'heartbeat'; runId: string; at: number }
    | { op: 'finishRun'; runId: string; status: ExitStatus; reason?: string | null; at: number }
    | { op: 'resumeRun'; runId: string; at: number; pid?: number | null; host?: string | null }
    | { op: 'metrics'; runId: string; points: MetricPoint[] }
    | { op: 'artifact'; runId: string; artifact: ArtifactInput }
    | { op: 'evalResult'; runId: string; result: EvalResultInput }
    | { op: 'judgment'; judgment: JudgmentInput }
    | { op: 'setTags'; runId: string; tags: string[] }
    | { op: 'createSweep'; sweep: NewSweep & { id: string } }
    | { op: 'updateSweep'; sweepId: string; status: SweepStatus; at: number }
    | { op: 'addSweepJobs'; sweepId: string; jobs: NewSweepJob[]; at: number }
    | { op: 'updateSweepJob'; sweepId: string; jobId: string; update: SweepJobUpdate }
  );

export type TrackingOp = TrackingRecord['op'];

export interface IngestResult {
  /** records written */
  applied: number;
  /** records skipped because their key was already applied */
  duplicates: number;
}
