// The scheduler side of `workbench sweep` (launcher=slurm): `sweep status` merges the database's
// job states with Slurm's (squeue, sacct or scontrol), `sweep cancel` calls scancel. Both go
// through the optional `schedulerStatus` / `cancel` methods of the sweep's launcher.
//
//   npx workbench sweep cancel sweep-20261128-091500-3fa9c2            # every unfinished job
//   npx workbench sweep cancel sweep-20261128-091500-3fa9c2 --job 1,4  # only jobs 1 and 4
import type { Command } from 'commander';
import { ConfigError, composeConfig } from '@workbench/config';
import { SweepError, createLauncher, type Launcher, type SchedulerStatus } from '@workbench/sweep';
import { formatTable } from '@workbench/text';
import type { SweepWithJobs, TrackingStore } from '@workbench/tracking';
import { UserError, withUserErrors } from '../user-error.js';

/** The launcher a sweep was run with, rebuilt from its jobs' stored overrides. */
function launcherOf(sweep: SweepWithJobs): Launcher | null {
  const [first] = sweep.jobs;
  if (!first) return null;
  try {
    return createLauncher(composeConfig({ overrides: first.overrides }).config.launcher, { workers: 1 });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SweepError) return null; // e.g. an experiment file edited since
    throw err;
  }
}

/** Slurm's view of the sweep merged with the database, or null for sweeps without a scheduler. */
export async function schedulerStatus(sweep: SweepWithJobs): Promise<SchedulerStatus | null> {
  const launcher = launcherOf(sweep);
  if (!launcher?.schedulerStatus || !sweep.jobs.some((j) => j.slurmJobId)) return null;
  try {
    return await launcher.schedulerStatus(sweep);
  } catch (err) {
    if (err instanceof SweepError) return { rows: [], notes: [`Slurm not reachable: ${err.message}`] };
    throw err;
  }
}

export function formatSchedulerStatus(st: SchedulerStatus): string {
  const header = ['#', 'job', 'slurm id', 'slurm state', 'exit', 'database', 'status'];
  const body = st.rows.map((r) => [String(r.index), r.jobId, r.schedulerId ?? '-', r.scheduler ?? '-', r.exitCode === null ? '' : String(r.exitCode), r.database, r.merged]);
  const reasons = st.rows.filter((r) => r.reason && r.scheduler === 'PENDING').map((r) => `job ${r.index} pending: ${r.reason}`);
  return ['', 'Slurm:', formatTable(header, body), ...reasons, ...st.notes.map((n) => `(${n})`)].join('\n');
}

/** Why the asked-for jobs (all without --job) that are not among `cancelled` were left alone. */
function notCancelled(sweep: SweepWithJobs, indices: number[] | undefined, cancelled: string[]): string {
  const why = new Map<string, number[]>();
  for (const j of sweep.jobs) {
    if (indices && !indices.includes(j.index)) continue;
    if (j.slurmJobId && cancelled.includes(`${j.slurmJobId}_${j.slurmArrayTaskId ?? j.index}`)) continue;
    const reason = (j.runStatus ?? j.status) === 'finished' ? 'already finished' : !j.slurmJobId ? 'never submitted to Slurm' : null;
    if (reason) why.set(reason, [...(why.get(reason) ?? []), j.index]);
  }
  // without --job, finished jobs are not worth a mention
  if (!indices) why.delete('already finished');
  return [...why].map(([reason, idx]) => `job${idx.length > 1 ? 's' : ''} ${idx.join(', ')} ${reason}`).join('; ');
}

export function registerSweepCancel(sweep: Command, storeFor: (overrides: string[]) => TrackingStore): void {
  sweep
    .command('cancel')
    .description('cancel the unfinished jobs of a Slurm sweep (scancel: running jobs checkpoint and end killed; resume continues them)')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'only tracking.db=... is read')
    .option('--job <indices>', 'only these job indices, comma-separated (e.g. --job 1,4)', (v: string) =>
      v.split(',').map((x) => {
        const n = Number(x.trim());
        if (x.trim() === '' || !Number.isInteger(n) || n < 0) throw new UserError(`--job ${v}: give job indices like 1,4 (see workbench sweep status)`);
        return n;
      }),
    )
    .action(async (sweepId: string, overrides: string[], opts: { job?: number[] }) => {
      const store = storeFor(overrides);
      try {
        const s = store.getSweep(sweepId);
        if (!s) throw new UserError(`unknown sweep '${sweepId}' (see: workbench sweep list)`);
        const launcher = launcherOf(s);
        if (!launcher?.cancel) {
          const where = typeof s.launcher.pid === 'number' ? ` (runner pid ${s.launcher.pid} on ${String(s.launcher.host)})` : '';
          throw new UserError(`sweep ${sweepId} runs on the ${typeof s.launcher.type === 'string' ? s.launcher.type : 'local'} launcher: stop it with Ctrl-C in its terminal${where}`);
        }
        const ids = await withUserErrors([SweepError], () => launcher.cancel!(s, opts.job));
        const left = notCancelled(s, opts.job, ids);
        if (ids.length === 0) {
          console.log(`sweep ${sweepId}: nothing to cancel${left ? ` (${left})` : ''}`);
          return;
        }
        console.log(`cancelled ${ids.join(' ')} (running jobs get SIGTERM, save a checkpoint and end killed)${left ? `; ${left}` : ''}`);
        console.log(`continue them later with: workbench sweep resume ${sweepId}`);
      } finally {
        store.close();
      }
    });
}
