// @workbench/sweep: expands multirun grids into jobs and runs them with a launcher (local child
// processes now; Slurm later), recorded in the tracking store; resumable. See README.md.
export { planSweep, type SweepPlan, type PlannedJob, type PlanOptions } from './plan-sweep.js';
export { runSweep, resumeSweep, extendSweep, resumePlan, jobsToResume, type RunSweepOptions, type SweepResult, type ResumeJob } from './run-sweep.js';
export type { Launcher, JobSpec, JobOutcome, LaunchHooks, LaunchControl, SchedulerStatus } from './launcher.js';
export { LocalLauncher, type LocalLauncherOptions } from './local-launcher.js';
export { SlurmLauncher, mergeStatus, type SlurmLauncherOptions } from './slurm-launcher.js';
export { buildSbatchScript, arraySpec, shellQuote, slurmJobName, type SlurmOptions, type SbatchScriptInput } from './sbatch-script.js';
export { sbatch, squeueTasks, squeueByName, sacctTasks, scontrolTasks, scancel, SlurmCommandError, type SlurmTask } from './slurm-cli.js';
export { createLauncher } from './create-launcher.js';
export { defaultWorkers } from './default-workers.js';
export { jobEndStatus, type JobEndStatus } from './job-status.js';
export { defaultTrainCommand, jobArgv, WORKBENCH_BIN } from './job-command.js';
export { reportRunId, readReportedRunId, runIdFileFor, RUN_ID_FILE_ENV } from './run-report.js';
export { summaryRows, formatSummary, axesOf, type SummaryRow } from './summary-table.js';
export { SweepError } from './sweep-error.js';
export { planExtension, type SweepExtension } from './extend-sweep.js';
