// launcher=slurm: a sweep (or the unfinished part of one, on resume) becomes ONE Slurm job array.
// `run` writes the sbatch script into `<sweep dir>/slurm/array-<k>.sbatch`, submits it, reports
// every task's Slurm ids (onSubmit), then polls squeue and the exit-code files the tasks write,
// calling onStart / onEnd like the local launcher does. Stopping the runner (Ctrl-C) cancels
// the array: running tasks get SIGTERM from Slurm, checkpoint and end `killed`. If the runner
// itself dies, the array keeps running on the cluster; the runs report to tracking on their own
// and `workbench sweep status` merges the database with what Slurm says.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JobStatus, SweepWithJobs } from '@workbench/tracking';
import type { JobOutcome, JobSpec, LaunchControl, LaunchHooks, Launcher, SchedulerStatus } from './launcher.js';
import { buildSbatchScript, slurmJobName, type SlurmOptions } from './sbatch-script.js';
import {
  ACTIVE_STATES,
  TERMINAL_STATES,
  checkSlurmAnswers,
  sacctTasks,
  sbatch,
  scancel,
  scontrolTasks,
  squeueByName,
  squeueTasks,
  type SlurmCliOptions,
  type SlurmTask,
} from './slurm-cli.js';
import { SweepError } from './sweep-error.js';

export interface SlurmLauncherOptions extends SlurmOptions {
  /** squeue poll period (default env WORKBENCH_SLURM_POLL_MS, else 10 s). */
  pollMs?: number;
  /** Seconds before `time` at which runs are told to checkpoint and stop (default 120). */
  timeLimitGraceSeconds?: number;
  /** Environment of the Slurm commands (default: the job environment, else process.env). */
  env?: NodeJS.ProcessEnv;
}

/** `<sweep dir>/jobs/NNN-<id>.log` -> `<sweep dir>/slurm`. */
const slurmDirOf = (job: JobSpec): string => join(dirname(dirname(job.logPath)), 'slurm');

/** The exit-code file of a task's latest attempt (`<array>_<task>.<restart>`), or null. */
function latestExitFile(exitDir: string, prefix: string): string | null {
  let best: { restart: number; name: string } | null = null;
  for (const name of existsSync(exitDir) ? readdirSync(exitDir) : []) {
    const m = /^(.+)\.(\d+)$/.exec(name);
    if (!m || m[1] !== prefix) continue;
    const restart = Number(m[2]);
    if (!best || restart > best.restart) best = { restart, name };
  }
  return best ? join(exitDir, best.name) : null;
}

/** What a finished task means for the runner when its exit-code file is missing. */
function outcomeFromState(state: string | undefined, exitCode: number | undefined, stopped: boolean): Pick<JobOutcome, 'exitCode' | 'signal' | 'stopped'> {
  switch (state) {
    case 'COMPLETED':
      return { exitCode: 0, signal: null, stopped };
    case 'FAILED':
      return { exitCode: exitCode && exitCode > 0 ? exitCode : 1, signal: null, stopped };
    case 'CANCELLED':
    case 'TIMEOUT':
    case 'PREEMPTED':
    case 'DEADLINE':
      return { exitCode: null, signal: 'SIGTERM', stopped }; // Slurm's SIGTERM: the run checkpointed (killed)
    default:
      return { exitCode: null, signal: 'SIGKILL', stopped }; // node failure, OOM, vanished: crashed
  }
}

interface TaskState {
  job: JobSpec;
  started: boolean;
  startedAt: number;
  /** Polls for which the task looked over but had no exit file yet (grace for the file write). */
  overPolls: number;
  done: boolean;
}

export class SlurmLauncher implements Launcher {
  readonly name = 'slurm';
  private readonly opts: SlurmLauncherOptions;

  constructor(opts: SlurmLauncherOptions) {
    this.opts = opts;
  }

  private get pollMs(): number {
    return this.opts.pollMs ?? (Number(process.env.WORKBENCH_SLURM_POLL_MS) || 10_000);
  }

  describe(): Record<string, unknown> {
    const o = this.opts;
    return {
      type: 'slurm',
      cpus_per_task: o.cpus_per_task,
      ...(o.gpus_per_task ? { gpus_per_task: o.gpus_per_task } : {}),
      ...(o.partition ? { partition: o.partition } : {}),
      ...(o.time ? { time: o.time } : {}),
      ...(o.mem ? { mem: o.mem } : {}),
      ...(o.max_parallel ? { max_parallel: o.max_parallel } : {}),
    };
  }

  private cli(env?: NodeJS.ProcessEnv): SlurmCliOptions {
    return { env: this.opts.env ?? env ?? process.env };
  }

  /** The Slurm commands are on PATH and the controller answers (else a one-line SlurmCommandError). */
  preflight(env?: NodeJS.ProcessEnv): Promise<void> {
    return checkSlurmAnswers(this.cli(env));
  }

  /** Write the array script for these jobs (the next `slurm/array-<k>.sbatch`); returns its path. */
  writeScript(jobs: JobSpec[]): string {
    const [first] = jobs;
    if (!first) throw new Error('writeScript: no jobs to write a Slurm array for');
    const slurmDir = slurmDirOf(first);
    mkdirSync(join(slurmDir, 'exit'), { recursive: true });
    const k = readdirSync(slurmDir).filter((f) => /^array-\d+\.sbatch$/.test(f)).length + 1;
    const path = join(slurmDir, `array-${k}.sbatch`);
    const script = buildSbatchScript({
      sweepId: first.sweepId,
      tasks: jobs.map((j) => ({ index: j.index, argv: j.argv, logPath: j.logPath, runIdFile: j.runIdFile })),
      cwd: first.cwd,
      slurmDir,
      options: this.opts,
      timeLimitGraceSeconds: this.opts.timeLimitGraceSeconds,
    });
    writeFileSync(path, script, { mode: 0o755 });
    return path;
  }

  async run(jobs: JobSpec[], hooks: LaunchHooks, control: LaunchControl = {}): Promise<void> {
    const [first] = jobs;
    if (!first || control.stop?.aborted) return;
    const cli = this.cli(first.env);
    const sweepId = first.sweepId;
    // Never submit a job twice: tasks of this sweep still queued or running refuse a resubmit.
    const live = (await squeueByName(slurmJobName(sweepId), cli)).filter((t) => !TERMINAL_STATES.has(t.state) && jobs.some((j) => j.index === t.taskId));
    if (live.length > 0) {
      const ids = live.map((t) => `${t.arrayJobId}_${t.taskId}`).join(', ');
      throw new SweepError(`jobs of sweep ${sweepId} are still in Slurm (${ids}): wait for them or cancel them first (workbench sweep cancel ${sweepId})`);
    }
    const script = this.writeScript(jobs);
    const arrayId = await sbatch(script, { ...cli, cwd: first.cwd });
    for (const job of jobs) hooks.onSubmit?.(job, { slurmJobId: arrayId, slurmArrayTaskId: job.index });

    const exitDir = join(slurmDirOf(first), 'exit');
    // WORKBENCH_SLURM_DEBUG=1: what the launcher sees at every poll, on stderr.
    const debug = process.env.WORKBENCH_SLURM_DEBUG ? (msg: string) => process.stderr.write(`slurm-launcher: ${msg}\n`) : null;
    const states = new Map<number, TaskState>(jobs.map((job) => [job.index, { job, started: false, startedAt: 0, overPolls: 0, done: false }]));
    let stopRequested = false;
    let wake: (() => void) | null = null;
    const onStop = () => {
      stopRequested = true;
      void scancel([arrayId], cli).catch(() => undefined);
      wake?.();
    };
    const onKill = () => {
      stopRequested = true;
      void scancel([arrayId], { ...cli, signal: 'KILL', full: true })
        .catch(() => undefined)
        .then(() => scancel([arrayId], cli).catch(() => undefined));
      wake?.();
    };
    control.stop?.addEventListener('abort', onStop);
    control.kill?.addEventListener('abort', onKill);

    const end = (st: TaskState, outcome: Omit<JobOutcome, 'startedAt' | 'endedAt'>) => {
      st.done = true;
      if (debug) debug(`task ${st.job.index} ended: ${JSON.stringify(outcome)}`);
      if (!st.started) {
        // Cancelled before it ever ran: not an attempt; the runner leaves it `pending`.
        if (outcome.stopped && outcome.exitCode === null) return;
        st.started = true;
        st.startedAt = Date.now();
        hooks.onStart?.(st.job, {});
      }
      hooks.onEnd(st.job, { ...outcome, startedAt: st.startedAt, endedAt: Date.now() });
    };

    try {
      while ([...states.values()].some((s) => !s.done)) {
        let tasks: SlurmTask[] | null;
        try {
          tasks = await squeueTasks([arrayId], cli);
        } catch {
          tasks = null; // controller busy or restarting: ask again next time
        }
        const byTask = new Map((tasks ?? []).map((t) => [t.taskId, t]));
        if (debug) debug(`squeue ${arrayId}: ${tasks === null ? 'failed' : tasks.map((t) => `${t.taskId}:${t.state}`).join(' ')}`);
        for (const st of states.values()) {
          if (st.done) continue;
          const exitFile = latestExitFile(exitDir, `${arrayId}_${st.job.index}`);
          const task = byTask.get(st.job.index);
          if (!st.started && (exitFile !== null || (task && (ACTIVE_STATES.has(task.state) || (TERMINAL_STATES.has(task.state) && task.state !== 'CANCELLED'))))) {
            st.started = true;
            st.startedAt = Date.now();
            hooks.onStart?.(st.job, {});
          }
          if (tasks === null) continue; // squeue failed (controller busy): ask again next time
          // Over = ended in Slurm (a requeued task goes RUNNING -> COMPLETING -> PENDING: not over).
          const over = task === undefined || TERMINAL_STATES.has(task.state);
          if (!over) {
            st.overPolls = 0;
            continue;
          }
          st.overPolls++;
          // A task missing from squeue can be a hiccup (e.g. mid-requeue): confirm over 3 polls.
          if (task === undefined && st.overPolls < 3) continue;
          if (exitFile) {
            const text = readFileSync(exitFile, 'utf8').trim();
            const code = Number(text);
            end(st, { exitCode: text !== '' && Number.isInteger(code) ? code : 1, signal: null, stopped: stopRequested });
            continue;
          }
          // Over without an exit file: give the file a poll to appear, then trust Slurm's state.
          if (st.overPolls < 2) continue;
          if (task?.state === 'CANCELLED' && !st.started) {
            end(st, { exitCode: null, signal: 'SIGTERM', stopped: true });
            continue;
          }
          let exitCode = task?.exitCode;
          if (task && exitCode === undefined) exitCode = (await scontrolTasks(arrayId, cli).catch(() => [])).find((t) => t.taskId === st.job.index)?.exitCode;
          end(st, outcomeFromState(task?.state, exitCode, stopRequested));
        }
        if (![...states.values()].some((s) => !s.done)) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      control.stop?.removeEventListener('abort', onStop);
      control.kill?.removeEventListener('abort', onKill);
    }
  }

  /** Slurm ids (`<array>_<task>`) of a sweep's jobs, from the database. */
  private static ids(sweep: SweepWithJobs, indices?: number[]): string[] {
    return sweep.jobs
      .filter((j) => j.slurmJobId && (indices ? indices.includes(j.index) : true))
      .map((j) => `${j.slurmJobId}_${j.slurmArrayTaskId ?? j.index}`);
  }

  async cancel(sweep: SweepWithJobs, indices?: number[]): Promise<string[]> {
    const unknown = (indices ?? []).filter((i) => !sweep.jobs.some((j) => j.index === i));
    if (unknown.length > 0) throw new SweepError(`sweep ${sweep.id} has no job ${unknown.join(', ')} (indices 0-${sweep.jobs.length - 1})`);
    // Finished jobs are never cancelled, also when asked for by index (scancel of a completed task
    // changes nothing, and the run must stay `finished`).
    const unfinished = sweep.jobs.filter((j) => (j.runStatus ?? j.status) !== 'finished').map((j) => j.index);
    const ids = SlurmLauncher.ids(sweep, indices ? indices.filter((i) => unfinished.includes(i)) : unfinished);
    if (ids.length === 0) return [];
    await scancel(ids, this.cli());
    return ids;
  }

  async schedulerStatus(sweep: SweepWithJobs): Promise<SchedulerStatus> {
    const cli = this.cli();
    const arrays = [...new Set(sweep.jobs.map((j) => j.slurmJobId).filter((x): x is string => !!x))];
    const notes: string[] = [];
    const live = await squeueTasks(arrays, cli);
    const known = new Map<string, SlurmTask>(live.map((t) => [`${t.arrayJobId}_${t.taskId}`, t]));
    // Exit codes of finished tasks: accounting (sacct) when there is a slurmdbd, else the controller.
    const acct = await sacctTasks(arrays, cli);
    let finished: SlurmTask[];
    if (acct === null) {
      notes.push('sacct unavailable (no Slurm accounting / slurmdbd): finished jobs come from `scontrol show job`, which forgets them MinJobAge seconds after they end');
      finished = (await Promise.all(arrays.map((a) => scontrolTasks(a, cli).catch(() => [])))).flat();
    } else {
      notes.push('job states from squeue (live) and sacct (finished)');
      finished = acct;
    }
    for (const t of finished) {
      const id = `${t.arrayJobId}_${t.taskId}`;
      const cur = known.get(id);
      known.set(id, cur ? { ...cur, exitCode: cur.exitCode ?? t.exitCode, state: TERMINAL_STATES.has(cur.state) || !TERMINAL_STATES.has(t.state) ? cur.state : t.state } : t);
    }
    const rows = sweep.jobs.map((j) => {
      const database = j.runStatus ?? j.status;
      const id = j.slurmJobId ? `${j.slurmJobId}_${j.slurmArrayTaskId ?? j.index}` : null;
      const t = id ? known.get(id) : undefined;
      const scheduler = t?.state ?? (id ? 'gone' : null);
      return { index: j.index, jobId: j.jobId, database, scheduler, schedulerId: id, exitCode: t && TERMINAL_STATES.has(t.state) ? (t.exitCode ?? null) : null, merged: mergeStatus(database, t?.state), reason: t?.reason ?? null };
    });
    return { rows, notes };
  }
}

/** The job status to show: the database's, unless Slurm knows better (queued / running / ended). */
export function mergeStatus(database: JobStatus, slurm: string | undefined): JobStatus {
  if (!slurm) return database;
  if (slurm === 'PENDING') return database === 'finished' ? database : 'queued';
  if (ACTIVE_STATES.has(slurm)) return 'running';
  // Ended in Slurm while the database still says queued/running: the runner is gone.
  if (database === 'queued' || database === 'running' || database === 'pending') {
    if (slurm === 'COMPLETED') return 'finished';
    if (slurm === 'FAILED') return 'failed';
    // no run behind it (database = job status): cancelled before it ever started
    if (slurm === 'CANCELLED' && database !== 'running') return 'pending';
    if (slurm === 'CANCELLED' || slurm === 'TIMEOUT' || slurm === 'PREEMPTED') return 'killed';
    return 'crashed';
  }
  return database;
}
