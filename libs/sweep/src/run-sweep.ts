// The sweep runner: records a sweep and its jobs in the tracking store, runs the jobs through a
// launcher, keeps every job's status honest (finished / failed / killed / crashed), and resumes
// a sweep by rerunning only the jobs that did not finish.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RUNS_DIR, latestCheckpoint, resolveRunsRoot, runFolder, storedConfigOf, type JobStatus, type RunRow, type RunStatus, type SweepStatus, type SweepWithJobs, type TrackingStore } from '@workbench/tracking';
import { stringify } from 'yaml';
import { defaultTrainCommand, jobArgv } from './job-command.js';
import { jobEndStatus, type JobEndStatus } from './job-status.js';
import type { JobSpec, LaunchControl, Launcher } from './launcher.js';
import { lastLogLine } from './log-tail.js';
import { repairJobLinks } from './repair-job-links.js';
import { clearRunReport, readReportedRunId, runIdFileFor } from './run-report.js';
import type { SweepPlan } from './plan-sweep.js';
import { planExtension, type SweepExtension } from './extend-sweep.js';
import { formatDuration } from '@workbench/text';
import { axesOf } from './summary-table.js';
import { SweepError } from './sweep-error.js';
import { withNativeMallocEnv } from '@workbench/backend/malloc-env';

export interface RunSweepOptions {
  store: TrackingStore;
  launcher: Launcher;
  /** Working directory of the jobs (relative paths in configs resolve against it). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Command prefix a job's overrides are appended to; default `node bin/workbench.js train`. */
  trainCommand?: string[];
  control?: LaunchControl;
  /** Progress lines (one per job start/end); default: none. */
  log?: (line: string) => void;
  /** Echo each job's output lines, prefixed with its index. */
  echoOutput?: boolean;
  /** The command line that started the sweep, for the record. */
  command?: string;
  /** Print the latest step of every running job this often (needs `log`); default: never. */
  progressEveryMs?: number;
  /** Fixed sweep id (tests); default: a new `sweep-<time>-<hex>`. */
  sweepId?: string;
}

export interface SweepResult {
  sweepId: string;
  sweepDir: string;
  status: Extract<SweepStatus, 'finished' | 'failed' | 'cancelled'>;
  /** Jobs run in this call, with their end status. */
  ran: Array<{ jobId: string; index: number; status: JobEndStatus; runId: string | null }>;
  /** The sweep after the call (all jobs, including ones not run now). */
  sweep: SweepWithJobs;
}

interface JobToRun {
  jobId: string;
  index: number;
  overrides: string[];
}

/** Create the sweep in the store, write its folder, run every job. */
export async function runSweep(plan: SweepPlan, opts: RunSweepOptions): Promise<SweepResult> {
  const cwd = opts.cwd ?? process.cwd();
  const { store } = opts;
  await opts.launcher.preflight?.(opts.env); // e.g. Slurm not answering: say so before recording anything
  const sweep = store.createSweep({
    id: opts.sweepId,
    name: plan.experiment ?? plan.overrides.join(' '),
    experiment: plan.experiment ?? null,
    grid: plan.grid,
    overrides: plan.overrides,
    launcher: { ...opts.launcher.describe(), host: hostname(), pid: process.pid },
    status: 'running',
    command: opts.command ?? null,
  });
  const sweepDir = join(resolveRunsRoot(plan.settings.runsDir, cwd), 'sweeps', sweep.id);
  mkdirSync(join(sweepDir, 'jobs'), { recursive: true });
  store.updateSweep(sweep.id, { sweepDir });
  store.addSweepJobs(
    sweep.id,
    plan.jobs.map((j) => ({ jobId: j.jobId, index: j.index, overrides: j.overrides })),
  );
  writeSweepYaml(sweepDir, {
    id: sweep.id,
    command: opts.command ?? null,
    overrides: plan.overrides,
    experiment: plan.experiment ?? null,
    grid: plan.grid,
    jobs: plan.jobs.map((j) => ({ index: j.index, id: j.jobId, name: j.name, overrides: j.overrides })),
  });
  return executeJobs(sweep.id, sweepDir, plan.jobs, opts);
}

/** Is a process of this host alive? (A sweep runner still working on the sweep.) */
function runnerAlive(launcher: Record<string, unknown>): boolean {
  if (launcher.host !== hostname() || typeof launcher.pid !== 'number' || launcher.pid === process.pid) return false;
  try {
    process.kill(launcher.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the job's run folder holds a complete checkpoint (the tracking run layout's rule: not
 * a `step-N.tmp-<pid>` left by a kill mid-write). The folder is the one `resume=<run id>` will
 * continue: `<runs root>/<run id>` with the runs root of the run's stored `train.runs_dir`,
 * resolved in the jobs' working directory (`resolveRunsRoot`, as the trainer does on resume).
 */
function hasCheckpoint(run: RunRow, cwd: string): boolean {
  const runsRoot = resolveRunsRoot(storedConfigOf(run).train.runs_dir, cwd);
  return latestCheckpoint(runFolder(runsRoot, run.id)) !== undefined;
}

/** The jobs `resumeSweep` would rerun: everything not finished and not live elsewhere. */
export function jobsToResume(sweep: SweepWithJobs): SweepWithJobs['jobs'] {
  return sweep.jobs.filter((j) => {
    const effective = j.runStatus ?? j.status;
    // a finished job is a result (JOB_TRANSITIONS), also when its run's row says otherwise
    if (effective === 'finished' || j.status === 'finished') return false;
    return !(j.runStatus === 'running'); // a live run (fresh heartbeat) belongs to someone else
  });
}

export interface ResumeJob extends JobToRun {
  /** The status that makes it rerun (failed, killed, crashed, pending, ...). */
  previous: JobStatus | RunStatus;
  /** The run it continues from its checkpoint, or null when it starts over. */
  continues: string | null;
}

/** What `resumeSweep` will run: each unfinished job, continuing from a checkpoint where possible. */
export function resumePlan(store: TrackingStore, sweep: SweepWithJobs, cwd: string = process.cwd()): ResumeJob[] {
  return jobsToResume(sweep).map((j) => {
    const previous = j.runStatus ?? j.status;
    const run = j.runId ? store.getRun(j.runId) : undefined;
    const continues = (previous === 'killed' || previous === 'crashed') && run !== undefined && hasCheckpoint(run, cwd) ? run.id : null;
    const overrides = j.overrides.filter((o) => !o.startsWith('resume='));
    return { jobId: j.jobId, index: j.index, previous, continues, overrides: continues ? [...overrides, `resume=${continues}`] : overrides };
  });
}

/** A recorded sweep to run jobs of again (resume, extend): refused while its runner still lives. */
function reopenSweep(sweepId: string, opts: RunSweepOptions, runsDir: string) {
  const cwd = opts.cwd ?? process.cwd();
  const { store } = opts;
  const found = store.getSweep(sweepId);
  if (!found) throw new SweepError(`unknown sweep '${sweepId}' (see: workbench sweep list)`);
  if (runnerAlive(found.launcher)) {
    throw new SweepError(`sweep ${sweepId} is still being run by process ${String(found.launcher.pid)}; stop it first (Ctrl-C there)`);
  }
  const repaired = repairJobLinks(store, found);
  for (const r of repaired) {
    opts.log?.(`repaired: job ${r.jobId} is run ${r.runId} (the run was stored under the mangled job id '${r.storedAs}')`);
  }
  const sweep = repaired.length > 0 ? (store.getSweep(sweepId) as SweepWithJobs) : found;
  const sweepDir = sweep.sweepDir ?? join(resolveRunsRoot(runsDir, cwd), 'sweeps', sweepId);
  mkdirSync(join(sweepDir, 'jobs'), { recursive: true });
  return { cwd, store, sweep, sweepDir };
}

/**
 * Rerun the jobs of a sweep that failed, crashed, were killed or never ran. Killed/crashed jobs
 * whose run has a checkpoint continue from it (`resume=<run id>`); failed ones start over.
 */
export async function resumeSweep(sweepId: string, opts: RunSweepOptions): Promise<SweepResult> {
  // (a sweep recorded without its folder, by an older runner: the default runs root)
  const { cwd, store, sweep, sweepDir } = reopenSweep(sweepId, opts, DEFAULT_RUNS_DIR);
  await opts.launcher.preflight?.(opts.env); // before the sweep is marked running again
  const todo = resumePlan(store, sweep, cwd);
  store.updateSweep(sweepId, { status: 'running', launcher: { ...opts.launcher.describe(), host: hostname(), pid: process.pid } });
  return executeJobs(sweepId, sweepDir, todo, opts);
}

/**
 * Extend a sweep with the jobs of a new plan (more seeds, more axis values): finished jobs with
 * the same stable id are reused, new ones are appended and run, unfinished ones rerun as `resume`
 * would (see extend-sweep.ts for what counts as the same sweep).
 */
export async function extendSweep(sweepId: string, plan: SweepPlan, opts: RunSweepOptions): Promise<SweepResult & { extension: SweepExtension }> {
  const { cwd, store, sweep, sweepDir } = reopenSweep(sweepId, opts, plan.settings.runsDir);
  await opts.launcher.preflight?.(opts.env); // before any job is added
  const extension = planExtension(store, sweep, plan, cwd);
  store.addSweepJobs(sweepId, extension.added.map((j) => ({ jobId: j.jobId, index: j.index, overrides: j.overrides })));
  store.updateSweep(sweepId, { status: 'running', grid: extension.grid, launcher: { ...opts.launcher.describe(), host: hostname(), pid: process.pid } });
  const all = store.getSweep(sweepId) as SweepWithJobs;
  writeSweepYaml(sweepDir, { id: sweepId, command: opts.command ?? sweep.command, overrides: sweep.overrides, experiment: sweep.experiment, grid: extension.grid, jobs: all.jobs.map((j) => ({ index: j.index, id: j.jobId, overrides: j.overrides })) });
  const result = await executeJobs(sweepId, sweepDir, [...extension.rerun, ...extension.added], opts);
  return { ...result, extension };
}

function writeSweepYaml(sweepDir: string, content: Record<string, unknown>): void {
  writeFileSync(join(sweepDir, 'sweep.yaml'), stringify(content));
}

async function executeJobs(sweepId: string, sweepDir: string, jobs: JobToRun[], opts: RunSweepOptions): Promise<SweepResult> {
  const { store } = opts;
  const cwd = opts.cwd ?? process.cwd();
  const log = opts.log ?? (() => {});
  const prefix = opts.trainCommand ?? defaultTrainCommand();
  const total = store.getSweep(sweepId)?.jobs.length ?? jobs.length;
  const width = String(total - 1).length;
  const tag = (index: number) => `[${String(index).padStart(width)}/${total}]`;
  const axisKeys = Object.keys(store.getSweep(sweepId)?.grid ?? {});
  const axesText = (o: string[]) =>
    Object.entries(axesOf(o, axisKeys))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || o.join(' ');

  const specs: JobSpec[] = jobs.map((j) => {
    const logPath = join(sweepDir, 'jobs', `${String(j.index).padStart(3, '0')}-${j.jobId}.log`);
    return {
      sweepId,
      jobId: j.jobId,
      index: j.index,
      overrides: j.overrides,
      argv: jobArgv(prefix, j.overrides, sweepId, j.jobId),
      cwd,
      env: withNativeMallocEnv(opts.env ?? process.env), // glibc settings the native convs need (backend's malloc-env.ts)
      logPath,
      runIdFile: runIdFileFor(logPath),
    };
  });
  // What the jobs were before this call: restored for the ones no scheduler accepts if the launcher gives up.
  const before = new Map((store.getSweep(sweepId)?.jobs ?? []).map((j) => [j.jobId, { status: j.status, exitReason: j.exitReason }]));
  const submitted = new Set<string>();
  for (const s of specs) {
    clearRunReport(s.runIdFile);
    store.updateSweepJob(sweepId, s.jobId, { status: 'queued', exitReason: null });
  }

  const ran: SweepResult['ran'] = [];
  let stopped = false;
  opts.control?.stop?.addEventListener('abort', () => (stopped = true));

  // A line every `progressEveryMs` with the latest step of each running job.
  const progress =
    opts.progressEveryMs && opts.log
      ? setInterval(() => {
          const runs = store.listRuns({ sweepId, status: 'running', includeConfig: false }).runs.filter((r) => specs.some((s) => s.jobId === r.jobId));
          if (runs.length === 0) return;
          const steps = new Map<string, number>();
          for (const m of store.metricSummaries(runs.map((r) => r.id))) steps.set(m.runId, Math.max(steps.get(m.runId) ?? 0, m.lastStep));
          const index = new Map(specs.map((s) => [s.jobId, s.index]));
          log(`running: ${runs.map((r) => `#${index.get(r.jobId ?? '')} step ${steps.get(r.id) ?? 0}`).join(', ')}`);
        }, opts.progressEveryMs)
      : undefined;
  progress?.unref();

  // The run a job recorded is the one it reported (run-report.ts): no search by job id.
  const reportedRun = (job: JobSpec) => {
    const runId = readReportedRunId(job.runIdFile);
    return runId === undefined ? undefined : store.getRun(runId);
  };

  const launched = opts.launcher.run(
    specs,
    {
      onSubmit(job, info) {
        submitted.add(job.jobId);
        store.updateSweepJob(sweepId, job.jobId, { slurmJobId: info.slurmJobId, slurmArrayTaskId: info.slurmArrayTaskId });
        log(`${tag(job.index)} queued   ${job.jobId}  slurm ${info.slurmJobId}_${info.slurmArrayTaskId}`);
      },
      onStart(job) {
        store.updateSweepJob(sweepId, job.jobId, { status: 'running', incrementAttempts: true, startedAt: Date.now(), endedAt: null });
        log(`${tag(job.index)} start    ${job.jobId}  ${axesText(job.overrides)}`);
      },
      onOutput: opts.echoOutput ? (job, line) => log(`${tag(job.index)} ${line}`) : undefined,
      onEnd(job, outcome) {
        const run = reportedRun(job);
        const status = jobEndStatus(outcome, run?.status ?? null);
        const reason =
          status === 'finished'
            ? null
            : status === 'killed' && outcome.stopped
              ? 'stopped by the sweep runner (interrupted)'
              : (outcome.spawnError ?? run?.exitReason ?? lastLogLine(job.logPath) ?? `exit code ${outcome.exitCode ?? outcome.signal}`);
        // A run whose process is gone but which never recorded its exit: close it now rather
        // than waiting for the stale-heartbeat detection.
        if (run && run.status === 'running') store.finishRun(run.id, status === 'finished' ? 'finished' : status === 'killed' ? 'killed' : 'failed', reason);
        store.updateSweepJob(sweepId, job.jobId, {
          status,
          runId: run?.id ?? null,
          exitReason: reason,
          startedAt: outcome.startedAt,
          endedAt: outcome.endedAt,
        });
        ran.push({ jobId: job.jobId, index: job.index, status, runId: run?.id ?? null });
        // the run's own duration, as in the summary table (the launcher's times are poll times on Slurm)
        const took = formatDuration((run ? store.getRun(run.id)?.durationMs : undefined) ?? outcome.endedAt - outcome.startedAt);
        log(`${tag(job.index)} ${status.padEnd(8)} ${job.jobId}  ${took}${reason ? `  ${reason}` : ''}`);
      },
    },
    opts.control,
  );
  try {
    await launched;
  } catch (err) {
    // The launcher gave up (e.g. sbatch refused the script): leave nothing half-submitted. Jobs
    // no scheduler accepted and that are still queued get back what they were ('pending' for a
    // new sweep); the sweep is 'failed', for resume.
    const now = new Map((store.getSweep(sweepId)?.jobs ?? []).map((j) => [j.jobId, j.status]));
    for (const s of specs) {
      const was = before.get(s.jobId);
      if (!submitted.has(s.jobId) && was && now.get(s.jobId) === 'queued') store.updateSweepJob(sweepId, s.jobId, was);
    }
    store.updateSweep(sweepId, { status: 'failed' });
    throw err;
  } finally {
    if (progress) clearInterval(progress);
  }

  // Jobs never started because the sweep was interrupted stay 'pending' (resume picks them up).
  const sweep = store.getSweep(sweepId) as SweepWithJobs;
  for (const j of sweep.jobs) if (j.status === 'queued') store.updateSweepJob(sweepId, j.jobId, { status: 'pending' });
  const after = store.getSweep(sweepId) as SweepWithJobs;
  const allFinished = after.jobs.every((j) => (j.runStatus ?? j.status) === 'finished');
  const status: SweepResult['status'] = stopped ? 'cancelled' : allFinished ? 'finished' : 'failed';
  store.updateSweep(sweepId, { status });
  return { sweepId, sweepDir, status, ran, sweep: store.getSweep(sweepId) as SweepWithJobs };
}
