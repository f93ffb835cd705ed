// THE statuses of runs, sweep jobs and sweeps (closed lists), and what a run's status may become.
// The store's status writes (finish, resume, heartbeat, mark crashed) take their SQL conditions
// from RUN_TRANSITIONS below and check single-run changes with `checkRunTransition`, so the rules
// are written once; the dashboard reads the lists from the API (`/api/runs` facets), not a copy.
import { TrackingInputError } from '../errors.js';

/** Run states. `crashed` = heartbeat older than the threshold, or its process provably gone, with
 *  no exit recorded (kill -9, OOM killer, power loss); it is computed, never reported by a run. */
export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a run may report when it ends. */
export const EXIT_STATUSES = ['finished', 'failed', 'killed'] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

/** Sweep job states, written by the sweep runner (a job with a run shows its run's status). */
export const JOB_STATUSES = ['pending', 'queued', 'running', 'finished', 'failed', 'killed', 'crashed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Sweep states, written by the sweep runner. */
export const SWEEP_STATUSES = ['pending', 'running', 'finished', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/**
 * What a run's status may become. Read as "from: [to...]":
 * - running -> running: resume takes over a run whose process is gone (stale heartbeat, dead pid);
 * - crashed -> running: resume, or a heartbeat from a run that was only stalled (a suspended laptop);
 * - crashed -> an exit: a stalled run that ends after all records its real end;
 * - killed / failed -> running: resume from the last checkpoint;
 * - finished: nothing (a finished run is a result; train longer in a new run).
 * An exit reported for a run that already ended is not a change: the first exit recorded wins
 * (a SIGTERM handler after a NaN failure keeps `failed`), see `checkRunTransition`.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  running: ['running', 'finished', 'failed', 'killed', 'crashed'],
  crashed: ['running', 'finished', 'failed', 'killed'],
  killed: ['running'],
  failed: ['running'],
  finished: [],
};

export function isRunStatus(s: unknown): s is RunStatus {
  return typeof s === 'string' && (RUN_STATUSES as readonly string[]).includes(s);
}

export function isExitStatus(s: unknown): s is ExitStatus {
  return typeof s === 'string' && (EXIT_STATUSES as readonly string[]).includes(s);
}

export function isJobStatus(s: unknown): s is JobStatus {
  return typeof s === 'string' && (JOB_STATUSES as readonly string[]).includes(s);
}

/** The statuses a run may leave for `to` (the store's SQL conditions are built from this). */
export function runStatusesThatMayBecome(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => RUN_TRANSITIONS[from].includes(to));
}

/** `status IN ('a', 'b')` over the statuses that may become `to` (constants only, no user input). */
export function sqlMayBecome(to: RunStatus, column = 'status'): string {
  return `${column} IN (${runStatusesThatMayBecome(to).map((s) => `'${s}'`).join(', ')})`;
}

/** Why a run in each status cannot become `running`, for the refusal message. */
const NO_RESUME: Partial<Record<RunStatus, string>> = {
  finished: 'a finished run is a result; to train longer, start a new run',
};

/**
 * Whether a status change of run `runId` applies: true = write it; false = an exit for a run that
 * already ended (the first exit wins, nothing changes). Anything else outside RUN_TRANSITIONS is a
 * TrackingInputError naming `from -> to`.
 */
export function checkRunTransition(runId: string, from: RunStatus, to: RunStatus): boolean {
  if (RUN_TRANSITIONS[from].includes(to)) return true;
  if (isExitStatus(to) && isExitStatus(from)) return false;
  const why = to === 'running' ? NO_RESUME[from] : undefined;
  throw new TrackingInputError(`run ${runId}: status ${from} -> ${to} is not allowed${why ? ` (${why})` : ''}`);
}
