// Extending a sweep: more seeds or more values of its axes. The new grid is planned as usual;
// jobs whose stable id the sweep already has are the same jobs (finished ones are reused, never
// rerun), the others are appended after the sweep's last index. Only the same experiment with
// the same fixed overrides and the same swept keys extends a sweep: anything else changes what
// the existing jobs mean, and is a new sweep.
import { formatOverride, formatValue, parseOverride, type ConfigValue } from '@workbench/config';
import type { SweepWithJobs, TrackingStore } from '@workbench/tracking';
import type { PlannedJob, SweepPlan } from './plan-sweep.js';
import { resumePlan, type ResumeJob } from './run-sweep.js';
import { SweepError } from './sweep-error.js';

export interface SweepExtension {
  sweepId: string;
  /** Jobs new to the sweep, with their new indices. */
  added: PlannedJob[];
  /** Jobs of the new grid the sweep already finished: reused as they are. */
  reused: string[];
  /** Jobs of the new grid the sweep has but did not finish: rerun as `sweep resume` would. */
  rerun: ResumeJob[];
  /** The sweep's grid after the extension (old values first, then the new ones). */
  grid: Record<string, ConfigValue[]>;
}

/** Canonical fixed overrides (those not on a swept key), sorted, for comparing two command lines. */
function fixedOverrides(overrides: readonly string[], axisKeys: Set<string>): string[] {
  return overrides
    .map((o) => parseOverride(o))
    .filter((o) => !o.sweep && !axisKeys.has(o.key))
    .map(formatOverride)
    .sort();
}

function mergeGrid(old: Record<string, unknown>, added: Record<string, ConfigValue[]>, jobs: PlannedJob[]): Record<string, ConfigValue[]> {
  const out: Record<string, ConfigValue[]> = {};
  for (const [key, values] of Object.entries(old)) out[key] = [...(values as ConfigValue[])];
  const more = (key: string, v: ConfigValue) => {
    const list = (out[key] ??= []);
    if (!list.some((x) => formatValue(x) === formatValue(v))) list.push(v);
  };
  for (const [key, values] of Object.entries(added)) for (const v of values) more(key, v);
  for (const j of jobs) for (const [key, v] of Object.entries(j.axes)) more(key, v);
  return out;
}

/** A job's axes plus the old axes it fixes to one value (`seed=7` is a point on the seed axis). */
function withOldAxes(job: PlannedJob, oldKeys: Set<string>): Record<string, ConfigValue> {
  const axes = { ...job.axes };
  for (const o of job.overrides.map((text) => parseOverride(text))) {
    if (oldKeys.has(o.key) && !(o.key in axes) && o.value !== undefined) axes[o.key] = o.value;
  }
  return axes;
}

/** What extending `sweep` with `plan` would do; throws SweepError when the plan is another sweep. */
export function planExtension(store: TrackingStore, sweep: SweepWithJobs, plan: SweepPlan, cwd?: string): SweepExtension {
  const oldKeys = new Set(Object.keys(sweep.grid));
  // A key the old sweep swept, given one value now (`seed=3`), is still that axis.
  const newKeys = new Set([...Object.keys(plan.grid), ...plan.overrides.map((o) => parseOverride(o).key).filter((k) => oldKeys.has(k))]);
  const list = (s: Set<string>) => [...s].sort().join(', ') || '(none)';
  if (list(oldKeys) !== list(newKeys)) {
    throw new SweepError(`sweep ${sweep.id} sweeps ${list(oldKeys)} but these overrides sweep ${list(newKeys)}: an extension varies the same keys (give more values of them), otherwise run a new sweep`);
  }
  if ((sweep.experiment ?? null) !== (plan.experiment ?? null)) {
    throw new SweepError(`sweep ${sweep.id} is of experiment ${sweep.experiment ?? '(none)'}, these overrides of ${plan.experiment ?? '(none)'}: an extension keeps the experiment`);
  }
  const before = fixedOverrides(sweep.overrides, oldKeys);
  const now = fixedOverrides(plan.overrides, oldKeys);
  if (before.join('\n') !== now.join('\n')) {
    const gone = before.filter((o) => !now.includes(o));
    const extra = now.filter((o) => !before.includes(o));
    throw new SweepError(
      `sweep ${sweep.id} was run with other fixed overrides (${[...gone.map((o) => `missing ${o}`), ...extra.map((o) => `new ${o}`)].join(', ')}): an extension keeps them, otherwise run a new sweep`,
    );
  }
  const known = new Map(sweep.jobs.map((j) => [j.jobId, j]));
  const unfinished = new Map(resumePlan(store, sweep, cwd).map((j) => [j.jobId, j]));
  let next = Math.max(-1, ...sweep.jobs.map((j) => j.index)) + 1;
  const added: PlannedJob[] = [];
  const reused: string[] = [];
  const rerun: ResumeJob[] = [];
  for (const job of plan.jobs) {
    if (!known.has(job.jobId)) added.push({ ...job, axes: withOldAxes(job, oldKeys), index: next++ });
    else if (unfinished.has(job.jobId)) rerun.push(unfinished.get(job.jobId)!);
    else reused.push(job.jobId);
  }
  return { sweepId: sweep.id, added, reused, rerun, grid: mergeGrid(sweep.grid, plan.grid, added) };
}
