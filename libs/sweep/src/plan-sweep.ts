// A sweep plan: the multirun grid of some overrides, with the sweep-level settings (launcher,
// tracking database, runs folder) taken from the composed config of the jobs.
import { planMultirun, type ConfigValue, type MultirunJob, type ResolvedConfig } from '@workbench/config';
import { SweepError } from './sweep-error.js';

export interface PlannedJob {
  jobId: string;
  index: number;
  overrides: string[];
  axes: Record<string, ConfigValue>;
  /** The job's run name (after interpolation), for listings. */
  name: string;
}

export interface SweepPlan {
  /** The overrides the sweep was planned from (with their sweep axes). */
  overrides: string[];
  experiment?: string;
  grid: Record<string, ConfigValue[]>;
  jobs: PlannedJob[];
  /** Settings that belong to the sweep, not to a job (taken from the first job's config). */
  settings: Pick<ResolvedConfig, 'launcher' | 'tracking'> & { runsDir: string };
}

export interface PlanOptions {
  experimentsDir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const sweepLevel = (c: ResolvedConfig) => JSON.stringify([c.launcher, c.tracking, c.train.runs_dir]);

/** Overrides are stored with the sweep, its jobs and runs, and written into sbatch scripts:
 *  a secret must come from the environment instead. */
function refuseSecrets(overrides: readonly string[]): void {
  const secret = overrides.find((o) => /^\+?serve\.token=/.test(o));
  if (secret !== undefined) {
    throw new SweepError(
      "serve.token=... on a sweep's command line would be stored in the tracking database and the job scripts; pass the token as the environment variable WORKBENCH_TOKEN instead",
    );
  }
}

export function planSweep(overrides: readonly string[], opts: PlanOptions = {}): SweepPlan {
  refuseSecrets(overrides);
  const { grid, jobs } = planMultirun(overrides, opts);
  const [head] = jobs;
  if (!head) throw new SweepError('the sweep has no jobs (an axis with no values?)');
  const first = head.composed.config;
  const differing = jobs.find((j: MultirunJob) => sweepLevel(j.composed.config) !== sweepLevel(first));
  if (differing) {
    throw new SweepError(
      `launcher.*, tracking.* and train.runs_dir must be the same for every job of a sweep (job ${differing.index} differs); set them outside the sweep axes`,
    );
  }
  return {
    overrides: [...overrides],
    experiment: head.composed.experiment,
    grid,
    jobs: jobs.map((j) => ({ jobId: j.id, index: j.index, overrides: j.overrides, axes: j.axes, name: j.composed.config.name })),
    settings: { launcher: first.launcher, tracking: first.tracking, runsDir: first.train.runs_dir },
  };
}
