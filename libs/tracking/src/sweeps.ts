// Sweeps and their jobs, written by the sweep runner (local or Slurm) and read by the dashboard
// and `workbench sweep status`.
import { TrackingInputError } from './errors.js';
import { newSweepId } from './ids.js';
import { assertValidId } from './run/layout.js';
import { checkJobTransition, checkSweepTransition } from './run/status.js';
import { parseJson } from './run-row.js';
import type { StoreContext } from './store-context.js';
import type { JobStatus, NewSweep, NewSweepJob, RunStatus, SweepJobRow, SweepJobUpdate, SweepRow, SweepStatus, SweepWithJobs } from './types.js';

interface SweepDbRow {
  id: string;
  name: string;
  experiment: string | null;
  status: SweepStatus;
  grid: string;
  overrides: string;
  launcher: string;
  sweep_dir: string | null;
  command: string | null;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
}

export interface SweepListOptions {
  limit?: number;
  offset?: number;
  /** true = only archived sweeps, false = only live ones; absent = all. */
  archived?: boolean;
}

function toSweepRow(r: SweepDbRow): SweepRow {
  return {
    id: r.id,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    grid: parseJson(r.grid, {}),
    overrides: parseJson(r.overrides, []),
    launcher: parseJson(r.launcher, {}),
    sweepDir: r.sweep_dir,
    command: r.command,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archivedAt: r.archived_at ?? null,
  };
}

export function createSweep(ctx: StoreContext, s: NewSweep = {}): SweepRow {
  const at = s.at ?? Date.now();
  const id = s.id === undefined ? newSweepId(new Date(at)) : assertValidId(s.id, 'sweep');
  ctx.write(() => {
    if (ctx.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id)) throw new TrackingInputError(`sweep ${id} already exists`);
    ctx.db
      .prepare(
        `INSERT INTO sweeps (id, name, experiment, status, grid, overrides, launcher, sweep_dir, command, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        s.name ?? id,
        s.experiment ?? null,
        s.status ?? 'pending',
        JSON.stringify(s.grid ?? {}),
        JSON.stringify(s.overrides ?? []),
        JSON.stringify(s.launcher ?? {}),
        s.sweepDir ?? null,
        s.command ?? null,
        at,
        at,
      );
  });
  return getSweepRow(ctx, id)!;
}

/** Update a sweep's status, launcher info, folder and/or grid (an extended sweep's axes). */
export function updateSweep(
  ctx: StoreContext,
  sweepId: string,
  u: { status?: SweepStatus; launcher?: Record<string, unknown>; sweepDir?: string | null; grid?: Record<string, unknown>; at?: number },
): void {
  ctx.write(() => {
    // The status check reads the current status in the write's own transaction: no other writer
    // can change it between the check and the update.
    const current = ctx.db.prepare('SELECT status FROM sweeps WHERE id = ?').get(sweepId) as { status: SweepStatus } | undefined;
    if (!current) throw new TrackingInputError(`unknown sweep ${sweepId}`);
    if (u.status !== undefined) checkSweepTransition(sweepId, current.status, u.status);
    ctx.db
      .prepare(
        `UPDATE sweeps SET status = coalesce(?, status), launcher = coalesce(?, launcher), grid = coalesce(?, grid),
           sweep_dir = CASE WHEN ? THEN ? ELSE sweep_dir END, updated_at = ? WHERE id = ?`,
      )
      .run(
        u.status ?? null,
        u.launcher ? JSON.stringify(u.launcher) : null,
        u.grid ? JSON.stringify(u.grid) : null,
        u.sweepDir !== undefined ? 1 : 0,
        u.sweepDir ?? null,
        u.at ?? Date.now(),
        sweepId,
      );
  });
}

/** Add (or re-plan) jobs. An existing job id keeps its run, attempts and Slurm ids; its index and
 *  overrides are updated, and so is its status when the re-plan gives one (a change JOB_TRANSITIONS
 *  allows; anything else refuses the whole call). A new job starts with the given status (default
 *  `pending`). */
export function addSweepJobs(ctx: StoreContext, sweepId: string, jobs: NewSweepJob[], at: number = Date.now()): void {
  ctx.write(() => {
    if (!ctx.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(sweepId)) throw new TrackingInputError(`unknown sweep ${sweepId}`);
    const statusOf = ctx.db.prepare('SELECT status FROM sweep_jobs WHERE sweep_id = ? AND job_id = ?');
    for (const j of jobs) {
      const current = statusOf.get(sweepId, j.jobId) as { status: JobStatus } | undefined;
      if (current && j.status !== undefined) checkJobTransition(sweepId, j.jobId, current.status, j.status);
    }
    // A re-planned job keeps its status unless the re-plan gives one (checked above).
    const up = ctx.db.prepare(
      `INSERT INTO sweep_jobs (sweep_id, job_id, idx, overrides, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, coalesce(?, 'pending'), ?, ?)
       ON CONFLICT (sweep_id, job_id) DO UPDATE SET idx = excluded.idx, overrides = excluded.overrides,
         status = coalesce(?, status), updated_at = excluded.updated_at`,
    );
    // Re-planning may permute indices: park the re-planned jobs on negative indices first so
    // the UNIQUE (sweep_id, idx) constraint only trips on a real clash with another job.
    const park = ctx.db.prepare('UPDATE sweep_jobs SET idx = -1 - idx WHERE sweep_id = ? AND job_id = ? AND idx >= 0');
    for (const j of jobs) park.run(sweepId, j.jobId);
    ctx.db.prepare('UPDATE sweeps SET updated_at = ? WHERE id = ?').run(at, sweepId);
    for (const j of jobs) {
      try {
        up.run(sweepId, j.jobId, j.index, JSON.stringify(j.overrides), j.status ?? null, at, at, j.status ?? null);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new TrackingInputError(`sweep ${sweepId}: index ${j.index} of job ${j.jobId} is already used by another job`);
        }
        throw err;
      }
    }
  });
}

export function updateSweepJob(ctx: StoreContext, sweepId: string, jobId: string, u: SweepJobUpdate): void {
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (col: string, v: unknown) => (sets.push(`${col} = ?`), params.push(v));
  if (u.status !== undefined) set('status', u.status);
  if (u.runId !== undefined) set('run_id', u.runId);
  if (u.attempts !== undefined) set('attempts', u.attempts);
  if (u.incrementAttempts) sets.push('attempts = attempts + 1');
  if (u.slurmJobId !== undefined) set('slurm_job_id', u.slurmJobId);
  if (u.slurmArrayTaskId !== undefined) set('slurm_array_task_id', u.slurmArrayTaskId);
  if (u.exitReason !== undefined) set('exit_reason', u.exitReason);
  if (u.startedAt !== undefined) set('started_at', u.startedAt);
  if (u.endedAt !== undefined) set('ended_at', u.endedAt);
  set('updated_at', u.at ?? Date.now());
  ctx.write(() => {
    const current = ctx.db.prepare('SELECT status FROM sweep_jobs WHERE sweep_id = ? AND job_id = ?').get(sweepId, jobId) as { status: JobStatus } | undefined;
    if (!current) throw new TrackingInputError(`unknown job ${jobId} in sweep ${sweepId}`);
    if (u.status !== undefined) checkJobTransition(sweepId, jobId, current.status, u.status);
    ctx.db.prepare(`UPDATE sweep_jobs SET ${sets.join(', ')} WHERE sweep_id = ? AND job_id = ?`).run(...params, sweepId, jobId);
    // A job change is a sweep change (live views poll sweeps.updated_at).
    ctx.db.prepare('UPDATE sweeps SET updated_at = ? WHERE id = ?').run(u.at ?? Date.now(), sweepId);
  });
}

export function getSweepRow(ctx: StoreContext, id: string): SweepRow | undefined {
  const r = ctx.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepDbRow | undefined;
  return r && toSweepRow(r);
}

/** A sweep with its jobs (by index), each with the status of its run. */
export function getSweep(ctx: StoreContext, id: string): SweepWithJobs | undefined {
  const sweep = getSweepRow(ctx, id);
  if (!sweep) return undefined;
  ctx.markStale();
  const rows = ctx.db
    .prepare(
      `SELECT j.*, r.status AS run_status FROM sweep_jobs j LEFT JOIN runs r ON r.id = j.run_id
       WHERE j.sweep_id = ? ORDER BY j.idx`,
    )
    .all(id) as Record<string, unknown>[];
  const jobs: SweepJobRow[] = rows.map((r) => ({
    sweepId: r.sweep_id as string,
    jobId: r.job_id as string,
    index: r.idx as number,
    overrides: parseJson<string[]>(r.overrides as string, []),
    status: r.status as JobStatus, // written through updateSweepJob/addSweepJobs (closed list)
    runId: r.run_id as string | null,
    runStatus: (r.run_status as RunStatus | null) ?? null,
    attempts: r.attempts as number,
    slurmJobId: r.slurm_job_id as string | null,
    slurmArrayTaskId: r.slurm_array_task_id as number | null,
    exitReason: r.exit_reason as string | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    startedAt: r.started_at as number | null,
    endedAt: r.ended_at as number | null,
  }));
  const counts: Record<string, number> = {};
  for (const j of jobs) {
    const s = j.runStatus ?? j.status;
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return { ...sweep, jobs, counts };
}

/** Sweeps, newest first, with the total count for pagination. */
export function listSweeps(ctx: StoreContext, opts: SweepListOptions = {}): { sweeps: SweepRow[]; total: number } {
  const where = opts.archived === undefined ? '' : opts.archived ? 'WHERE archived_at IS NOT NULL' : 'WHERE archived_at IS NULL';
  const total = (ctx.db.prepare(`SELECT count(*) AS n FROM sweeps ${where}`).get() as { n: number }).n;
  const rows = ctx.db
    .prepare(`SELECT * FROM sweeps ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(opts.limit ?? -1, opts.offset ?? 0) as SweepDbRow[];
  return { sweeps: rows.map(toSweepRow), total };
}
