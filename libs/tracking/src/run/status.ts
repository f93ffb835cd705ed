// THE statuses of runs, sweep jobs and sweeps (closed lists), and what each status may become.
// The store's run status writes (finish, resume, heartbeat, mark crashed) take their SQL conditions
// from RUN_TRANSITIONS below and check single-run changes with `checkRunTransition`; its sweep and
// job writes (updateSweep, updateSweepJob, a re-plan in addSweepJobs) check SWEEP_TRANSITIONS and
// JOB_TRANSITIONS with `checkSweepTransition` / `checkJobTransition` in the same transaction. So
// the rules are written once; the dashboard reads the lists from the API (`/api/runs` facets).
import { TrackingInputError } from '../errors.js';

/** Run states. `crashed` = heartbeat older than the threshold, or its process provably gone, with
 *  no exit recorded (kill -9, OOM killer, power loss); it is computed, never reported by a run. */
export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a run may report when it ends. */
export const EXIT_STATUSES = ['finished', 'failed', 'killed'] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

/** Sweep job states, written by the sweep runner (a job with a run shows its run's status).
 *  `cancelled` has no writer today (a job cancelled before it ran goes back to `pending`, one
 *  cancelled while running ends `killed`); it stays in the list for rows stored with it. */
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

/**
 * What a sweep job's status may become, from what the sweep runner (run-sweep.ts) and its
 * launchers really do. Read as "from: [to...]":
 * - pending -> queued: a run (new sweep, resume, extend) hands the job to the launcher;
 * - queued -> running: the launcher started it (local: the process spawned; Slurm: the task left
 *   PENDING); queued -> pending: never started (the sweep was interrupted first, or a Slurm task
 *   was cancelled while still queued); queued -> failed: the process could not be spawned; queued
 *   -> any earlier status: the launcher gave up (sbatch refused) and the job gets back what it was;
 * - running -> an end (finished, failed, killed, crashed); a Slurm requeue keeps the job running
 *   (its run goes killed -> running), so it is no change here;
 * - running -> queued: resume or extend of a sweep whose runner died (kill -9) while it ran;
 * - failed / killed / crashed / cancelled -> queued: resume or extend reruns it;
 * - finished: nothing (resume and extend reuse finished jobs, `sweep cancel` leaves them alone).
 * Writing the status a job already has is no change and always allowed (a job left queued by a
 * dead runner is queued again by the resume).
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  pending: ['queued'],
  queued: ['pending', 'running', 'failed', 'killed', 'crashed', 'cancelled'],
  running: ['queued', 'finished', 'failed', 'killed', 'crashed'],
  failed: ['queued'],
  killed: ['queued'],
  crashed: ['queued'],
  cancelled: ['queued'],
  finished: [],
};

/**
 * What a sweep's status may become. Read as "from: [to...]":
 * - pending -> running: a sweep recorded before its runner started, then run (resume);
 * - running -> finished / failed / cancelled: the runner's end (cancelled = stopped with Ctrl-C;
 *   failed = a job did not finish, or the launcher gave up);
 * - finished / failed / cancelled -> running: `sweep resume` (reruns what did not finish) and
 *   `sweep extend` (adds jobs, also to a finished sweep).
 * Writing the status a sweep already has is no change and always allowed (`running` again: a
 * resume taking over a sweep whose runner died).
 */
export const SWEEP_TRANSITIONS: Readonly<Record<SweepStatus, readonly SweepStatus[]>> = {
  pending: ['running'],
  running: ['finished', 'failed', 'cancelled'],
  finished: ['running'],
  failed: ['running'],
  cancelled: ['running'],
};

/** A type guard for membership in one of the closed lists above. */
function memberOf<T extends string>(list: readonly T[]): (s: unknown) => s is T {
  return (s: unknown): s is T => typeof s === 'string' && (list as readonly string[]).includes(s);
}

export const isRunStatus = memberOf(RUN_STATUSES);
export const isExitStatus = memberOf(EXIT_STATUSES);
export const isJobStatus = memberOf(JOB_STATUSES);
export const isSweepStatus = memberOf(SWEEP_STATUSES);

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

/** Refuses a change of sweep `sweepId`'s status outside SWEEP_TRANSITIONS (same status: no change). */
export function checkSweepTransition(sweepId: string, from: SweepStatus, to: SweepStatus): void {
  if (from === to || SWEEP_TRANSITIONS[from].includes(to)) return;
  throw new TrackingInputError(`sweep ${sweepId}: status ${from} -> ${to} is not allowed (a ${from} sweep may become ${SWEEP_TRANSITIONS[from].join(' or ')})`);
}

/** Refuses a change of job `jobId`'s status outside JOB_TRANSITIONS (same status: no change). */
export function checkJobTransition(sweepId: string, jobId: string, from: JobStatus, to: JobStatus): void {
  if (from === to || JOB_TRANSITIONS[from].includes(to)) return;
  const may = JOB_TRANSITIONS[from];
  throw new TrackingInputError(`sweep ${sweepId} job ${jobId}: status ${from} -> ${to} is not allowed (${may.length === 0 ? `a ${from} job is a result; rerun it in a new sweep` : `a ${from} job may become ${may.join(' or ')}`})`);
}
