// The launcher contract: how the jobs of a sweep get executed. `local` runs child processes on
// this machine; `slurm` submits one job array and polls it, reporting through the same hooks.
// The sweep runner owns the tracking store; launchers only run commands.
import type { SweepWithJobs } from '@workbench/tracking';

/** One job to execute: a full command line plus where its output goes. */
export interface JobSpec {
  sweepId: string;
  jobId: string;
  index: number;
  /** The job's config overrides (without sweep.id / sweep.job). */
  overrides: string[];
  /** argv[0] is the executable (e.g. process.execPath), the rest its arguments. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** File receiving the job's stdout and stderr. */
  logPath: string;
  /** Where the job reports the id of the run it records: launchers put it in the job's
   *  environment as WORKBENCH_RUN_ID_FILE (run-report.ts). */
  runIdFile: string;
}

export interface JobOutcome {
  /** Exit code, or null when the process ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the launcher stopped the job because the sweep was interrupted. */
  stopped: boolean;
  /** The job could not be started at all (e.g. the executable is missing). */
  spawnError?: string;
  startedAt: number;
  endedAt: number;
}

export interface LaunchHooks {
  onStart?(job: JobSpec, info: { pid?: number }): void;
  onEnd(job: JobSpec, outcome: JobOutcome): void;
  /** Lines of job output, when the caller wants to echo them. */
  onOutput?(job: JobSpec, line: string): void;
  /** A scheduler accepted the job (Slurm: its array job id and task id, recorded per job). */
  onSubmit?(job: JobSpec, info: { slurmJobId: string; slurmArrayTaskId: number }): void;
}

export interface LaunchControl {
  /** Abort = stop cleanly: start no new job, send SIGTERM to running ones (they checkpoint). */
  stop?: AbortSignal;
  /** Abort = stop now: SIGKILL running jobs. */
  kill?: AbortSignal;
}

export interface Launcher {
  readonly name: string;
  /** Run every job (up to the launcher's parallelism); resolves when all have ended or been skipped. */
  run(jobs: JobSpec[], hooks: LaunchHooks, control?: LaunchControl): Promise<void>;
  /**
   * Optional (Slurm): check that the launcher can work here (the Slurm commands answer) before a
   * sweep records or submits anything; throws a SweepError that says what is missing.
   */
  preflight?(env?: NodeJS.ProcessEnv): Promise<void>;
  /** What the summary prints about the launcher (e.g. `{type: 'local', workers: 2}`). */
  describe(): Record<string, unknown>;
  /** Optional (Slurm): the scheduler's view of a sweep's jobs, for `workbench sweep status`. */
  schedulerStatus?(sweep: SweepWithJobs): Promise<SchedulerStatus>;
  /** Optional (Slurm): cancel a sweep's unfinished jobs (or only these indices); returns what was cancelled. */
  cancel?(sweep: SweepWithJobs, indices?: number[]): Promise<string[]>;
}

/** The scheduler's view of a sweep, merged with the database's job states. */
export interface SchedulerStatus {
  rows: Array<{ index: number; jobId: string; database: string; scheduler: string | null; schedulerId: string | null; exitCode: number | null; merged: string; reason: string | null }>;
  /** Where the scheduler states came from, and caveats (e.g. sacct unavailable). */
  notes: string[];
}
