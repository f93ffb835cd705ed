// Public record and row types of the tracking store. Times are epoch MILLISECONDS everywhere
// (columns `*_at`, `wall_time`). JSON columns are parsed into objects in the row types.

import type { JobStatus, RunStatus, SweepStatus } from './run/status.js';

/** The statuses and their transitions live in run/status.ts (one owner). */
export type { ExitStatus, JobStatus, RunStatus, SweepStatus } from './run/status.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Everything `createRun` accepts. Only `method` and `config` are required. */
export interface NewRun {
  /** Run id (also the run folder name). Generated (`newRunId()`) when absent; remote clients
   *  should generate it themselves so that replayed records stay idempotent. */
  id?: string;
  name?: string;
  method: string;
  /** The full resolved config (plain JSON object). */
  config: Record<string, unknown>;
  /** Defaults to `config.seed` when it is a number. */
  seed?: number | null;
  /** Defaults to `groupKey(config)` (config hash ignoring the seed and bookkeeping keys). */
  groupKey?: string;
  experiment?: string | null;
  gitCommit?: string | null;
  gitDirty?: boolean | null;
  host?: string | null;
  pid?: number | null;
  backend?: string | null;
  packageVersions?: Record<string, string>;
  /** The command line that reproduces the run (shell-quoted string). */
  command?: string | null;
  runDir?: string | null;
  sweepId?: string | null;
  jobId?: string | null;
  /** The stored config's version (`CONFIG_VERSION`, run/stored-config.ts, which writes it);
   *  absent = unversioned, read back as version 1 and migrated. */
  configVersion?: number | null;
  tags?: string[];
  notes?: string | null;
  /** Creation/start time (ms); defaults to now. Remote clients set it so replay is exact. */
  at?: number;
}

export interface RunRow {
  id: string;
  name: string;
  method: string;
  config: Record<string, unknown>;
  configHash: string;
  groupKey: string;
  seed: number | null;
  status: RunStatus;
  exitReason: string | null;
  experiment: string | null;
  createdAt: number;
  startedAt: number;
  endedAt: number | null;
  heartbeatAt: number;
  /** endedAt (or heartbeatAt while not ended) minus startedAt, ms. */
  durationMs: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
  host: string | null;
  pid: number | null;
  backend: string | null;
  packageVersions: Record<string, string>;
  command: string | null;
  runDir: string | null;
  sweepId: string | null;
  jobId: string | null;
  /** The version `config` was stored with (1 = before versioning): read it with `storedConfigOf`. */
  configVersion: number;
  tags: string[];
  notes: string | null;
  /** How many times `resumeRun` brought the run back to running. */
  resumes: number;
  /** When the run was archived (hidden from default listings); null = not archived. */
  archivedAt: number | null;
}

export interface MetricPoint {
  key: string;
  step: number;
  /** NaN is stored as NULL (SQLite has no NaN) and read back as NaN. ±Infinity round-trips.
   *  In records (JSON) non-finite values travel as 'NaN' / 'Infinity' / '-Infinity' (or null). */
  value: number;
  /** ms; defaults to now. */
  wallTime?: number;
}

export interface ArtifactInput {
  /** e.g. 'train_grid', 'eval_grid', 'checkpoint', 'samples', 'export'. */
  kind: string;
  /** Path as the writer knows it: relative to the run folder preferred (`images/step-0000100.png`). */
  path: string;
  /** Step the artifact belongs to; null for run-level artifacts. */
  step?: number | null;
  meta?: Record<string, unknown>;
  at?: number;
}

export interface ArtifactRow {
  id: number;
  runId: string;
  kind: string;
  path: string;
  step: number | null;
  meta: Record<string, unknown>;
  createdAt: number;
}

export interface EvalResultInput {
  /** e.g. 'lpips_diversity', 'reconstruction_l1', 'mode_coverage'. Unique per run (upsert key). */
  metric: string;
  value: number;
  stderr?: number | null;
  n?: number | null;
  /** Checkpoint step that was evaluated, if any. */
  step?: number | null;
  details?: Record<string, unknown>;
  at?: number;
}

export interface EvalResultRow {
  runId: string;
  metric: string;
  value: number;
  stderr: number | null;
  n: number | null;
  step: number | null;
  details: Record<string, unknown>;
  createdAt: number;
}

/** One answer in the realism (AMT-style) study: which of the two images the participant took
 *  for the real one. `chosen: 'fake'` means the generator fooled them. */
export interface JudgmentInput {
  runId: string;
  realRef: string;
  fakeRef: string;
  chosen: 'real' | 'fake';
  responseMs?: number | null;
  /** Exposure time of the pair (the paper flashes for 1000 ms). */
  shownMs?: number | null;
  /** Which side the real image was on. */
  realSide?: 'left' | 'right' | null;
  participant?: string | null;
  session?: string | null;
  /** Client-chosen id that makes a resubmitted answer a no-op. */
  key?: string | null;
  /** A warm-up trial (shown with feedback): stored, never counted in fooling rates. */
  practice?: boolean;
  at?: number;
}

export interface JudgmentRow {
  id: number;
  runId: string;
  realRef: string;
  fakeRef: string;
  chosen: 'real' | 'fake';
  responseMs: number | null;
  shownMs: number | null;
  realSide: 'left' | 'right' | null;
  participant: string | null;
  session: string | null;
  practice: boolean;
  createdAt: number;
}

/** Which realism answers to list or delete: by run, by participant, or both (AND). */
export interface JudgmentFilter {
  runId?: string;
  /** null = answers given without a participant name. */
  participant?: string | null;
  /** true = only practice answers, false = only counted ones; absent = both. */
  practice?: boolean;
}

/** Answers per (run, participant): what the study page lists for review and deletion. */
export interface JudgmentCount {
  runId: string;
  participant: string | null;
  /** counted answers */
  n: number;
  fooled: number;
  practice: number;
  firstAt: number;
  lastAt: number;
}

export interface FoolingRate {
  runId: string;
  /** answers */
  n: number;
  /** answers where the fake was picked as real */
  fooled: number;
  rate: number;
  /** Wilson score interval at `confidence`. */
  low: number;
  high: number;
  confidence: number;
}

export interface NewSweep {
  id?: string;
  name?: string;
  experiment?: string | null;
  /** The multirun grid, e.g. {"method": ["bicyclegan","cvae_gan"], "seed": [0,1,2]}. */
  grid?: Record<string, unknown>;
  /** Base overrides shared by all jobs, e.g. ["data=shapes", "train.iters=200"]. */
  overrides?: string[];
  launcher?: Record<string, unknown>;
  status?: SweepStatus;
  sweepDir?: string | null;
  command?: string | null;
  at?: number;
}

export interface SweepRow {
  id: string;
  name: string;
  experiment: string | null;
  status: SweepStatus;
  grid: Record<string, unknown>;
  overrides: string[];
  launcher: Record<string, unknown>;
  sweepDir: string | null;
  command: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the sweep was archived; null = not archived. */
  archivedAt: number | null;
}

export interface NewSweepJob {
  /** Stable id of the job inside its sweep (e.g. a hash of its overrides); survives re-planning. */
  jobId: string;
  index: number;
  overrides: string[];
  status?: JobStatus;
}

/** Fields the sweep runner updates on a job; absent fields are left unchanged. */
export interface SweepJobUpdate {
  status?: JobStatus;
  runId?: string | null;
  /** Sets attempts to this value. */
  attempts?: number;
  /** Adds one to attempts (e.g. on (re)submission). */
  incrementAttempts?: boolean;
  slurmJobId?: string | null;
  slurmArrayTaskId?: number | null;
  exitReason?: string | null;
  startedAt?: number | null;
  endedAt?: number | null;
  at?: number;
}

export interface SweepJobRow {
  sweepId: string;
  jobId: string;
  index: number;
  overrides: string[];
  status: JobStatus;
  runId: string | null;
  /** Status of the linked run (after stale-heartbeat detection), null without a run. */
  runStatus: RunStatus | null;
  attempts: number;
  slurmJobId: string | null;
  slurmArrayTaskId: number | null;
  exitReason: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface SweepWithJobs extends SweepRow {
  jobs: SweepJobRow[];
  /** Count of jobs per effective status (runStatus when the job has a run, else job status). */
  counts: Record<string, number>;
}
