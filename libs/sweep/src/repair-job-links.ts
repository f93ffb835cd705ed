// Sweeps recorded before job ids were kept as text may hold jobs without their run: the override
// parser read an id such as `2726e66454` as a number, so the run was stored under the job id
// `Infinity` (`8111160e42` -> `8.11116e+48`, `0123456789` -> `123456789`) and the runner's
// exact match missed it. `resumeSweep` relinks such runs first. The run's recorded command
// names the real id (`workbench train ... sweep.job=2726e66454`); failing that, the one job
// of the sweep whose id reads as the stored one.
import { parseValue } from '@workbench/config';
import type { SweepWithJobs, TrackingStore } from '@workbench/tracking';

/** The job id the old parser stored for `id`: String() of the number/bool/null it read, else `id`. */
export function mangledJobId(id: string): string {
  let parsed;
  try {
    parsed = parseValue(id);
  } catch {
    return id;
  }
  if (parsed.kind !== 'value') return id;
  const v = parsed.value;
  return v === null || typeof v === 'number' || typeof v === 'boolean' ? String(v) : id;
}

/** `sweep.job=<id>` in a recorded `workbench train ...` command (the last one wins, as in the parser). */
function commandJobId(command: string | null): string | undefined {
  const all = [...(command ?? '').matchAll(/(?:^|\s)sweep\.job=(\S+)/g)];
  return all.at(-1)?.[1]?.replace(/^'(.*)'$/, '$1');
}

export interface JobRelink {
  jobId: string;
  runId: string;
  /** The job id the run was stored under. */
  storedAs: string;
}

/** Relink the runs of a sweep stored under a mangled job id; returns what was repaired. */
export function repairJobLinks(store: TrackingStore, sweep: SweepWithJobs): JobRelink[] {
  const jobs = new Map(sweep.jobs.map((j) => [j.jobId, j]));
  const linked = new Set(sweep.jobs.filter((j) => j.runId !== null).map((j) => j.jobId));
  const repaired: JobRelink[] = [];
  // Newest first: a job rerun after the loss keeps its newest run.
  const { runs } = store.listRuns({ sweepId: sweep.id, sort: 'createdAt', order: 'desc', includeConfig: false });
  for (const run of runs) {
    if (run.jobId === null || jobs.has(run.jobId)) continue;
    const fromCommand = commandJobId(run.command);
    const byMangling = sweep.jobs.filter((j) => mangledJobId(j.jobId) === run.jobId);
    const jobId = fromCommand !== undefined && jobs.has(fromCommand) ? fromCommand : byMangling.length === 1 ? byMangling[0]?.jobId : undefined;
    if (jobId === undefined) continue;
    store.setRunJobId(run.id, jobId);
    if (!linked.has(jobId)) {
      store.updateSweepJob(sweep.id, jobId, { runId: run.id });
      linked.add(jobId);
    }
    repaired.push({ jobId, runId: run.id, storedAs: run.jobId });
  }
  return repaired;
}
