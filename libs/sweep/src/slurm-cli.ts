// Thin wrappers around the Slurm client commands (sbatch, squeue, sacct, scontrol, scancel).
// They run with the caller's environment, so SLURM_CONF and friends apply. Outputs are parsed
// from explicit `-o`/`--format` layouts, never from the human-readable defaults.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SweepError } from './sweep-error.js';

export interface SlurmCliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** A Slurm command failed (slurmctld down, bad option, unknown job). */
export class SlurmCommandError extends SweepError {
  override name = 'SlurmCommandError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** One array task as the scheduler sees it. */
export interface SlurmTask {
  /** The array's job id (what sbatch printed). */
  arrayJobId: string;
  taskId: number;
  /** The task's own job id (equals arrayJobId for tasks not started yet). */
  jobId: string;
  /** PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, ... */
  state: string;
  reason?: string;
  /** Exit code of the batch script when known (sacct / scontrol), `signal` when killed by one. */
  exitCode?: number;
  signal?: number;
}

export const TERMINAL_STATES = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'PREEMPTED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT',
]);
export const ACTIVE_STATES = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STAGE_OUT', 'SIGNALING', 'RESIZING', 'STOPPED']);

export function runSlurm(cmd: string, args: string[], opts: SlurmCliOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new SlurmCommandError(`'${cmd}' not found: launcher=slurm needs the Slurm client commands on PATH (run on a cluster login node)`, ''));
      const text = String(stderr || err.message).trim().split('\n').pop() ?? '';
      reject(new SlurmCommandError(`${cmd} ${args.join(' ')}: ${text}`, String(stderr)));
    });
  });
}

/** The Slurm client commands the launcher runs. */
const SLURM_COMMANDS = ['sbatch', 'squeue', 'scancel', 'scontrol'];

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((d) => {
    try {
      accessSync(join(d || '.', cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Before a sweep records or submits anything: are the Slurm commands on PATH, and does the
 * controller answer (`squeue`)? Throws a one-line SlurmCommandError saying what is missing and
 * how to set it (the usual case on a fresh machine: SLURM_CONF not exported).
 */
export async function checkSlurmAnswers(opts: SlurmCliOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const missing = SLURM_COMMANDS.filter((c) => !onPath(c, env));
  if (missing.length > 0) {
    throw new SlurmCommandError(
      `launcher=slurm needs the Slurm client commands, and ${missing.map((c) => `'${c}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH: run the sweep on a cluster login node (or install them: apt-get install slurm-client)`,
      '',
    );
  }
  const conf = env.SLURM_CONF;
  // squeue would retry a missing file for 60 s before saying so
  if (conf && !existsSync(conf)) {
    throw new SlurmCommandError(`launcher=slurm: SLURM_CONF=${conf} does not exist: export SLURM_CONF=<the cluster's slurm.conf> (tools/slurm/local-cluster.sh start DIR prints it)`, '');
  }
  try {
    await runSlurm('squeue', ['-h', '--me', '-o', '%i'], opts);
  } catch (err) {
    if (!(err instanceof SlurmCommandError)) throw err;
    const said = err.stderr.trim().split('\n').pop() || err.message;
    throw new SlurmCommandError(
      conf
        ? `launcher=slurm: Slurm does not answer with SLURM_CONF=${conf} (${said}): start its slurmctld (tools/slurm/local-cluster.sh start DIR for a local one) or export SLURM_CONF=<a running cluster's slurm.conf>`
        : `launcher=slurm: Slurm does not answer (${said}) and SLURM_CONF is not set: export SLURM_CONF=<the cluster's slurm.conf> (tools/slurm/local-cluster.sh start DIR prints it), or run on a login node where Slurm is configured`,
      err.stderr,
    );
  }
}

/** Submit a script; returns the job id (`--parsable` prints `id` or `id;cluster`). */
export async function sbatch(scriptPath: string, opts: SlurmCliOptions = {}): Promise<string> {
  const out = (await runSlurm('sbatch', ['--parsable', scriptPath], opts)).trim();
  const id = out.split('\n').pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch printed no job id: ${out}`, out);
  return id;
}

const SQUEUE_FORMAT = '%F|%K|%A|%T|%r';

function parseSqueue(out: string): SlurmTask[] {
  const tasks: SlurmTask[] = [];
  for (const line of out.split('\n')) {
    const [arrayJobId, task, jobId, state, reason] = line.trim().split('|');
    if (!arrayJobId || task === undefined || jobId === undefined || state === undefined) continue; // not a task line
    const m = /^\d+/.exec(task.trim()); // `2`, or `2%2` on some versions
    if (!m) continue; // not an array task (N/A)
    const taskId = Number(m[0]);
    tasks.push({ arrayJobId, taskId, jobId, state, ...(reason && reason !== 'None' ? { reason } : {}) });
  }
  return tasks;
}

/** Tasks of these arrays still in the controller's memory (all states). Unknown ids -> []. */
export async function squeueTasks(arrayJobIds: readonly string[], opts: SlurmCliOptions = {}): Promise<SlurmTask[]> {
  if (arrayJobIds.length === 0) return [];
  try {
    return parseSqueue(await runSlurm('squeue', ['-h', '-r', '-t', 'all', '-j', arrayJobIds.join(','), '-o', SQUEUE_FORMAT], opts));
  } catch (err) {
    // Every id unknown (long finished and purged): squeue fails with "Invalid job id specified".
    if (err instanceof SlurmCommandError && /invalid job id/i.test(err.stderr)) return [];
    throw err;
  }
}

/** Tasks of a job name (the sweep's arrays, also ones submitted by hand). */
export async function squeueByName(name: string, opts: SlurmCliOptions = {}): Promise<SlurmTask[]> {
  return parseSqueue(await runSlurm('squeue', ['-h', '-r', '-n', name, '-o', SQUEUE_FORMAT], opts));
}

/** `scancel` these ids (`123`, `123_4`); `signal` sends a signal instead of cancelling. */
export async function scancel(ids: readonly string[], opts: SlurmCliOptions & { signal?: string; full?: boolean } = {}): Promise<void> {
  if (ids.length === 0) return;
  const args = [...(opts.signal ? [`--signal=${opts.signal}`] : []), ...(opts.full ? ['--full'] : []), ...ids];
  await runSlurm('scancel', args, opts);
}

function parseExit(value: string | undefined): { exitCode?: number; signal?: number } {
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : {};
}

/** Accounting records of these arrays, or null when accounting is off (no slurmdbd). */
export async function sacctTasks(arrayJobIds: readonly string[], opts: SlurmCliOptions = {}): Promise<SlurmTask[] | null> {
  if (arrayJobIds.length === 0) return [];
  let out: string;
  try {
    out = await runSlurm('sacct', ['-n', '-P', '-X', '-j', arrayJobIds.join(','), '--format=JobID,JobIDRaw,State,ExitCode,Reason'], opts);
  } catch (err) {
    if (err instanceof SlurmCommandError) return null; // "Slurm accounting storage is disabled", no slurmdbd, ...
    throw err;
  }
  const tasks: SlurmTask[] = [];
  for (const line of out.split('\n')) {
    const [id, raw, state, exit, reason] = line.trim().split('|');
    const [, arrayJobId, taskId] = /^(\d+)_(\d+)$/.exec(id ?? '') ?? [];
    if (arrayJobId === undefined || taskId === undefined || raw === undefined) continue; // not an array task
    // `CANCELLED by 1000` -> CANCELLED
    const [stateName = ''] = (state ?? '').split(' ');
    tasks.push({ arrayJobId, taskId: Number(taskId), jobId: raw, state: stateName, ...parseExit(exit), ...(reason && reason !== 'None' ? { reason } : {}) });
  }
  return tasks;
}

/** `scontrol show job -o <id>`: the controller's records (kept MinJobAge seconds after the end). */
export async function scontrolTasks(arrayJobId: string, opts: SlurmCliOptions = {}): Promise<SlurmTask[]> {
  let out: string;
  try {
    out = await runSlurm('scontrol', ['show', 'job', '-o', arrayJobId], opts);
  } catch (err) {
    if (err instanceof SlurmCommandError && /invalid job id/i.test(err.stderr + err.message)) return [];
    throw err;
  }
  const tasks: SlurmTask[] = [];
  for (const line of out.split('\n')) {
    const fields = new Map<string, string>();
    for (const [, key, value] of line.matchAll(/(\S+?)=(\S*)/g)) if (key !== undefined && value !== undefined && !fields.has(key)) fields.set(key, value);
    const arr = fields.get('ArrayJobId');
    const taskSpec = fields.get('ArrayTaskId');
    if (!arr || !taskSpec) continue;
    const base = { arrayJobId: arr, jobId: fields.get('JobId') ?? arr, state: fields.get('JobState') ?? 'UNKNOWN', ...parseExit(fields.get('ExitCode')) };
    const reason = fields.get('Reason');
    // A pending, not yet split array shows its remaining tasks as one record: `0-2,5%2`.
    const [taskList = ''] = taskSpec.split('%');
    for (const part of taskList.split(',')) {
      const [a, b] = part.split('-').map(Number);
      if (a === undefined) continue;
      for (let t = a; t <= (b !== undefined && Number.isInteger(b) ? b : a); t++) tasks.push({ ...base, taskId: t, ...(reason && reason !== 'None' ? { reason } : {}) });
    }
  }
  return tasks;
}
